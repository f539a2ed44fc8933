"""Article splitting: one scraped file may glue several articles together.

Signals, strongest first:
- separator lines: a lone `}` / `{` (JSON fragments left by scrapers), or a rule of `-----`;
- a news dateline (`新华社北京3月5日电`, `本报讯`, `中国江苏网讯`) opening a paragraph after
  an article's worth of text: a new report starts there (with its headline, if the line
  before is one);
- a repeated page header (`发布时间:` / `来源:` / a date-time line) after an article's worth of
  text.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right

_SEPARATOR = re.compile(r"[ \t\u3000]*(?:[{}]+|[-=*_~#]{5,})[ \t\u3000]*")
_DATELINE = re.compile(
    r"[ \t\u3000]*[(（【]?"
    r"(?:本报讯|本刊讯"
    r"|[^\s，,。；;：:“”\"]{0,16}?(?:社|网|报|台|站)[^\s，,。]{0,8}?[0-9０-９]{1,2}月[0-9０-９]{1,2}日\s?电"
    r"|[^\s，,。；;：:“”\"]{1,16}?(?:网|报|社)讯)"
)
_HEADER = re.compile(
    r"[ \t\u3000]*(?:发布时间|發布時間|发表时间|來源|来源)[:：]"
    r"|[ \t\u3000]*\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?\s*\d{1,2}:\d{2}"
)
_SENTENCE_END = re.compile(r"[。！？!?]")

MIN_ARTICLE_CHARS = 200  # non-space characters on each side of a soft split


def _lines(raw: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in raw.split("\n"):
        end = pos + len(line)
        out.append((pos, end))
        pos = end + 1
    return out


def _weight(line: str) -> int:
    """Characters of a line without its surrounding whitespace (its share of the article)."""
    return len(line.strip())


def _is_headline(line: str) -> bool:
    line = line.strip()
    return 4 <= len(line) <= 60 and not _SENTENCE_END.search(line)


def split_articles(raw: str) -> list[tuple[int, int]]:
    """Spans of `raw`, one per article, in order; whitespace-only pieces are dropped."""
    lines = _lines(raw)
    # 1. hard separators
    pieces: list[list[tuple[int, int]]] = [[]]
    current = pieces[-1]
    separator = _SEPARATOR.fullmatch
    for line in lines:
        if separator(raw, line[0], line[1]):
            current = []
            pieces.append(current)
        else:
            current.append(line)
    spans: list[tuple[int, int]] = []
    for piece in pieces:
        if not piece:
            continue
        spans.extend(_soft_split(raw, piece))
    return [(s, e) for s, e in spans if raw[s:e].strip()]


# Every dateline match ends in 讯 or 电 and every header match holds a colon, all inside the
# line: lines without any of them cannot match (found with fast str.find, not per-line regexes).
_CUE_CHARS = ("讯", "电", ":", "：")


def _candidate_lines(raw: str, lines: list[tuple[int, int]]) -> list[int]:
    """Indexes of the lines that hold a cue character, in order."""
    begin, end = lines[0][0], lines[-1][1]
    found: set[int] = set()
    for ch in _CUE_CHARS:
        p = raw.find(ch, begin, end)
        while p >= 0:
            found.add(p)
            p = raw.find(ch, p + 1, end)
    if not found:
        return []
    starts = [s for s, _e in lines]
    return sorted({bisect_right(starts, p) - 1 for p in found})


def _soft_split(raw: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Split one separator-free piece at datelines / repeated headers."""
    cuts: list[int] = []  # line indexes where a new article begins
    seen_dateline = False
    seen_header = False
    start_line = 0
    # prefix[i] = non-space characters in lines[:i]
    prefix = [0, *itertools.accumulate([len(raw[s:e].strip()) for s, e in lines])]
    dateline_match = _DATELINE.match
    header_match = _HEADER.match
    for i in _candidate_lines(raw, lines):
        s, e = lines[i]
        dateline = dateline_match(raw, s, e) is not None
        if not dateline and header_match(raw, s, e) is None:
            continue
        first_of_kind = not (seen_dateline if dateline else seen_header)
        if dateline:
            seen_dateline = True
        else:
            seen_header = True
        cut = i
        # the headline just above (skipping blank lines) belongs to the new article
        j = i - 1
        while j > start_line and not raw[lines[j][0] : lines[j][1]].strip():
            j -= 1
        if j > start_line and _is_headline(raw[lines[j][0] : lines[j][1]]):
            cut = j
        before = prefix[cut] - prefix[start_line]
        after = prefix[-1] - prefix[cut]
        if (
            before >= MIN_ARTICLE_CHARS
            and after >= MIN_ARTICLE_CHARS
            and (dateline or not first_of_kind)
        ):
            cuts.append(cut)
            start_line = cut
    bounds = [0, *cuts, len(lines)]
    out = []
    for a, b in itertools.pairwise(bounds):
        out.append((lines[a][0], lines[b - 1][1]))
    return out
