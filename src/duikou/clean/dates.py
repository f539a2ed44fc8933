"""Publication date of one document: metadata, then the page header, then the URL.

Only the head of the page is searched for a date (dates further down are events the article
reports, and footers carry scrape or edit times). A dateline without a year (`新华网成都10月30日电`)
gets its year from the URL when there is one; otherwise it is not enough and None is returned.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

HEAD_CHARS = 600  # the page header lives in the first few hundred characters
MIN_YEAR, MAX_YEAR = 1990, 2035
META_KEYS = (
    "published",
    "publication_date",
    "publish_date",
    "pubdate",
    "pub_date",
    "date",
    "datePublished",
    "article:published_time",
    "time",
    "datetime",
)

_D = r"[0-9０-９]"
_YMD_CN = re.compile(rf"({_D}{{4}})\s*年\s*({_D}{{1,2}})\s*月\s*({_D}{{1,2}})\s*日")
_YMD_SEP = re.compile(rf"({_D}{{4}})[-/.]({_D}{{1,2}})[-/.]({_D}{{1,2}})(?![0-9])")
_DMY_DOT = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})(?![0-9])")
_MARKER = re.compile(r"发布|發布|时间|時間|日期|来源|來源|发表|發表|更新|[0-9]{1,2}:[0-9]{2}")
_SENTENCE = re.compile(r"[，,。；;！!？?]")
_DATELINE_MD = re.compile(rf"({_D}{{1,2}})月({_D}{{1,2}})日\s?电")

_URL_PATTERNS = (
    re.compile(r"(?<![0-9])(20[0-3][0-9]|199[0-9])[-/_]?([01][0-9])[-/_]?([0-3][0-9])(?![0-9])"),
    re.compile(r"/(20[0-3][0-9]|199[0-9])[-/_]?([01][0-9])(?:/|$)"),
)


def _valid(y: int, m: int, d: int | None) -> bool:
    if not (MIN_YEAR <= y <= MAX_YEAR and 1 <= m <= 12):
        return False
    if d is None:
        return True
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _iso(y: int, m: int, d: int | None) -> str:
    return f"{y:04d}-{m:02d}" if d is None else f"{y:04d}-{m:02d}-{d:02d}"


_FULL_DIGITS = {0xFF10 + i: str(i) for i in range(10)}


def _int(s: str) -> int:
    return int(s.translate(_FULL_DIGITS))


def date_from_meta(meta: dict[str, Any]) -> str | None:
    """ISO date from record metadata (jsonl fields, HTML <meta>), if a key holds one."""
    for key in META_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            found = date_from_text(value, anywhere=True)
            if found:
                return found
    return None


def _first_possible_start(pattern: re.Pattern[str], head: str) -> int:
    """Where a match of one of the three date patterns could begin at the earliest (-1: the
    literal it needs is missing), found with fast str.find calls: scanning from there gives
    the same matches as scanning the whole head."""
    if pattern is _YMD_CN:
        # four digits, whitespace (\s is str.isspace), 年: the earliest start is before the
        # first 年 (a later 年 cannot belong to a match starting earlier)
        i = head.find("年")
        if i < 0:
            return -1
        before = head[:i]
        return max(0, i - 4 - (len(before) - len(before.rstrip())))
    if pattern is _YMD_SEP:  # the separator follows four digits
        found = [i for i in (head.find("-"), head.find("/"), head.find(".")) if i >= 0]
        return max(0, min(found) - 4) if found else -1
    # _DMY_DOT: the first dot follows one or two digits
    i = head.find(".")
    return max(0, i - 2) if i >= 0 else -1


def date_from_text(text: str, anywhere: bool = False) -> str | None:
    """The page's own date in its head: a date next to 发布/来源/时间 or a clock wins."""
    head = text if anywhere else text[:HEAD_CHARS]
    candidates: list[tuple[int, int, str]] = []  # (priority, position, iso)
    for pattern, order in ((_YMD_CN, "ymd"), (_YMD_SEP, "ymd"), (_DMY_DOT, "dmy")):
        start = _first_possible_start(pattern, head)
        if start < 0:
            continue
        for m in pattern.finditer(head, start):
            if m.start() and head[m.start() - 1].isdigit():
                continue  # inside a longer number
            a, b, c = (_int(g) for g in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            if not _valid(y, mo, d):
                continue
            line_start = head.rfind("\n", 0, m.start()) + 1
            line_end = head.find("\n", m.end())
            line = head[line_start : line_end if line_end >= 0 else len(head)]
            marked = _MARKER.search(line) is not None
            short_line = len(line.strip()) <= 60 and not _SENTENCE.search(line)
            priority = 0 if marked else (1 if short_line else 2)
            candidates.append((priority, m.start(), _iso(y, mo, d)))
    if not candidates:
        return None
    best = min(candidates)
    if best[0] == 2 and not anywhere:
        return None  # a date inside a sentence of the head is an event, not the dateline
    return best[2]


def date_from_url(url: str | None) -> str | None:
    """`/2019-10/30/`, `/201910/t20191030_`, `/2020/0707/`, `/2011/08/18/` -> ISO date."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for pattern in _URL_PATTERNS:
        for m in pattern.finditer(path):
            groups = [int(g) for g in m.groups()]
            y, mo, d = groups[0], groups[1], groups[2] if len(groups) > 2 else None
            if _valid(y, mo, d):
                return _iso(y, mo, d)
    return None


def publication_date(raw: str, url: str | None, meta: dict[str, Any]) -> str | None:
    """ISO date (or year-month) the document was published, or None when the page doesn't say."""
    found = date_from_meta(meta or {}) or date_from_text(raw)
    if found:
        return found
    from_url = date_from_url(url)
    month_day = dateline_month_day(raw)
    if from_url and len(from_url) == 7 and month_day and int(from_url[5:7]) == month_day[0]:
        y = int(from_url[:4])
        if _valid(y, month_day[0], month_day[1]):
            return _iso(y, month_day[0], month_day[1])
    return from_url


def dateline_month_day(raw: str) -> tuple[int, int] | None:
    """Month and day of a `…X月X日电` dateline in the head (year unknown)."""
    head = raw[:HEAD_CHARS]
    if "电" not in head:
        return None
    i = head.find("月")  # the match has 月 after one or two digits
    if i < 0:
        return None
    m = _DATELINE_MD.search(head, max(0, i - 2))
    if not m:
        return None
    return _int(m.group(1)), _int(m.group(2))
