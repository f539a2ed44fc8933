"""Period parsing: turn the time expression governing a figure into "YYYY" or "YYYY-YYYY".

Reports date figures relative to plans (十三五), to the article (今年, 去年, 三年来) or
with explicit ranges (2019年至2022年, 2016年以来). Relative expressions need the
document's publication date; without it they give None rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from duikou.extract.numbers import normalize_digits, parse_cn_numeral

#: Five-year plans (五年规划/计划).
FIVE_YEAR_PLANS = {
    "六五": (1981, 1985), "七五": (1986, 1990), "八五": (1991, 1995), "九五": (1996, 2000),
    "十五": (2001, 2005), "十一五": (2006, 2010), "十二五": (2011, 2015),
    "十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030),
}

#: Party congresses used as period anchors ("党的十八大以来").
CONGRESSES = {"十六大": 2002, "十七大": 2007, "十八大": 2012, "十九大": 2017, "二十大": 2022}

_YEAR = r"((?:19|20)\d\d)"
_CN_NUM_CHAR = r"[一二两三四五六七八九十百\d]"
_CN_NUM = _CN_NUM_CHAR + r"{1,4}"
#: What follows the year in "自2016年以来", "2019年5月起" …
_SINCE_TAIL = r"\s*年(?:[0-9一二三四五六七八九十]{1,2}月(?:份)?)?(?:以来|至今|起|开始|来)"
#: What follows the number of years in "三年来", "五年间" …
_SPAN_TAIL = r"\s*(?:年来|年间|年中|年里|载)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # two plans joined: “十三五”及“十四五”至今, 十二五至十三五期间 -> from the first to the second
    ("plan_range", re.compile(r"[“\"‘]?(十[一二三四五]五)[”\"’]?(?:时期|期间)?\s*(?:及|和|与|至|到|、)\s*"
                              r"[“\"‘]?(十[一二三四五]五)[”\"’]?(?:规划|计划|期间|时期|以来|至今|末|初)?")),
    ("plan", re.compile(r"[“\"‘]?(十[一二三四五]五)[”\"’]?(?:规划|计划|期间|时期|以来|至今|末|初)?")),
    ("plan", re.compile(r"[“\"‘](十五|[六七八九]五)[”\"’](?:规划|计划|期间|时期|以来|至今|末|初)?"
                        r"|(?<![十\d])(十五|[六七八九]五)(?:规划|计划|期间|时期)")),
    ("congress", re.compile(r"(?:党的)?(十[六七八九]大|二十大)(?:以来|召开以来)")),
    ("range", re.compile(_YEAR + r"\s*年?\s*(?:[至到~\-－—–]+|年至|年到)\s*" + _YEAR + r"\s*年?")),
    ("since", re.compile(r"(?:自|从)" + _YEAR + r"\s*年[^，,。；;\n]{0,15}?(?:以来|至今|起)")),
    ("since", re.compile(r"(?:自|从|截至)?" + _YEAR + _SINCE_TAIL)),
    ("until", re.compile(r"(?:截至|截止|到|至)" + _YEAR + r"\s*年")),
    ("year", re.compile(_YEAR + r"\s*年(?![代级])")),
    ("relative", re.compile(r"(今年|去年|前年|明年|上年|当年|本年)")),
    ("span", re.compile(r"(?:近|这|过去)?(" + _CN_NUM + r")" + _SPAN_TAIL)),
    ("plan_years", re.compile(r"(" + _CN_NUM + r")年内")),
]

#: For each of _PATTERNS (same order), a cheap test every text it can match passes: the
#: literal or short pattern each of its matches must contain (None = always scan). Pages
#: without it skip the full, slower pattern.
_YEAR_RE = re.compile(r"(?:19|20)\d\d")
_PREFILTERS: list[re.Pattern[str] | None] = [
    re.compile(r"十[一二三四五]五"),  # plan_range
    re.compile(r"十[一二三四五]五"),  # plan
    re.compile(r"[十六七八九]五"),  # plan (十五, 六五 … 九五)
    re.compile(r"大(?:召开)?以来"),  # congress
    _YEAR_RE,  # range
    _YEAR_RE,  # since (自/从 … 以来)
    _YEAR_RE,  # since
    _YEAR_RE,  # until
    _YEAR_RE,  # year
    None,  # relative
    re.compile(r"年[来间中里]|载"),  # span
    re.compile(r"年内"),  # plan_years
]
assert len(_PREFILTERS) == len(_PATTERNS)

#: Patterns that open with an optional word (自/从/截至, 近/这/过去) cannot be searched fast:
#: re tries them at every position. For those, a finder with exactly the same matches (same
#: starts and ends, branches tried in the same order) that opens with one character class,
#: so the search skips to candidate characters; the original pattern is then matched at each
#: start found, for its groups.
_FINDERS: list[re.Pattern[str] | None] = [None] * len(_PATTERNS)
_FINDERS[6] = re.compile(  # (?:自|从|截至)?((?:19|20)\d\d)…
    r"[自从截12](?:(?<=[自从])(?:19|20)\d\d" + _SINCE_TAIL + r"|(?<=截)至(?:19|20)\d\d" + _SINCE_TAIL
    + r"|(?:(?<=1)9|(?<=2)0)\d\d" + _SINCE_TAIL + r")"
)
_FINDERS[10] = re.compile(  # (?:近|这|过去)?([一二…\d]{1,4})…
    r"[近这过一二两三四五六七八九十百\d](?:(?<=[近这])" + _CN_NUM + _SPAN_TAIL + r"|(?<=过)去" + _CN_NUM + _SPAN_TAIL
    + r"|(?<=" + _CN_NUM_CHAR + r")" + _CN_NUM_CHAR + r"{0,3}" + _SPAN_TAIL + r")"
)


def _matches(index: int, norm: str) -> Iterable[re.Match[str]]:
    """_PATTERNS[index].finditer(norm), through its finder when it has one."""
    pattern = _PATTERNS[index][1]
    finder = _FINDERS[index]
    if finder is None:
        return pattern.finditer(norm)
    out = []
    for f in finder.finditer(norm):
        m = pattern.match(norm, f.start())
        if m is None or m.end() != f.end():  # not expected (same matches); be exact anyway
            return pattern.finditer(norm)
        out.append(m)
    return out

# A byline date: an ISO date, or a Chinese date followed by a clock time or preceded by a
# label (时间/日期/发布); a bare date in the story ("2014年2月22日至今") is an event, not this.
_DATE_RE = re.compile(
    r"((?:19|20)\d\d)-(\d{1,2})-(\d{1,2})"
    r"|(?:时间|日期|发布|发表|更新)[:：\s]*((?:19|20)\d\d)\s*[年/.]\s*(\d{1,2})\s*[月/.]\s*(\d{1,2})"
    r"|((?:19|20)\d\d)\s*[年/.]\s*(\d{1,2})\s*[月/.]\s*(\d{1,2})\s*日?\s*\d{1,2}:\d\d"
)


def pub_year(published: str | None) -> int | None:
    """Year of an ISO-ish publication date ('2019-02-18', '2019年2月18日', '2019')."""
    if not published:
        return None
    m = re.search(r"(19|20)\d\d", normalize_digits(published))
    return int(m.group()) if m else None


def guess_published(text: str, head: int = 600) -> str | None:
    """A date written near the top of a page (bylines carry it); None when there is none.

    Used only when the caller has no publication date, to resolve 今年/去年.
    """
    m = _DATE_RE.search(normalize_digits(text[:head]))
    if not m:
        return None
    y, mo, d = (int(g) for g in [g for g in m.groups() if g][:3])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _span_years(token: str) -> int | None:
    token = normalize_digits(token)
    if token.isdigit():
        return int(token)
    v = parse_cn_numeral(token)
    return int(v) if v else None


def _resolve(kind: str, m: re.Match[str], year: int | None) -> str | None:
    if kind == "plan":
        a, b = FIVE_YEAR_PLANS[next(g for g in m.groups() if g)]
        if ("至今" in m.group(0) or "以来" in m.group(0)) and year and year >= a:
            return f"{a}-{year}"
        return f"{a}-{b}"
    if kind == "plan_range":
        a, b = FIVE_YEAR_PLANS[m.group(1)][0], FIVE_YEAR_PLANS[m.group(2)][1]
        if a >= b:
            return None
        if ("至今" in m.group(0) or "以来" in m.group(0)) and year and year >= a:
            return f"{a}-{min(year, b)}"
        return f"{a}-{b}"
    if kind == "congress":
        a = CONGRESSES[m.group(1)]
        return f"{a}-{year}" if year and year > a else f"{a}-"
    if kind == "range":
        a, b = int(m.group(1)), int(m.group(2))
        return f"{a}-{b}" if a < b else str(a)
    if kind == "since":
        a = int(m.group(1))
        if m.group(0).startswith("截至"):
            return str(a)
        return f"{a}-{year}" if year and year > a else f"{a}-"  # open-ended: since a
    if kind in ("until", "year"):
        return m.group(1)
    if kind == "relative":
        if year is None:
            return None
        offset = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}[m.group(1)]
        return str(year + offset)
    if kind == "span":
        n = _span_years(m.group(1))
        if not n or n > 80 or year is None:
            return None
        return f"{year - n}-{year}"
    if kind == "plan_years":
        n = _span_years(m.group(1))
        if not n or n > 20 or year is None:
            return None
        return f"{year}-{year + n - 1}"
    return None


def find_periods(text: str, published: str | None = None) -> list[tuple[int, int, str]]:
    """Every period expression in text as (start, end, period), sorted, non-overlapping."""
    year = pub_year(published)
    norm = normalize_digits(text)
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for index, ((kind, _), prefilter) in enumerate(zip(_PATTERNS, _PREFILTERS)):
        if prefilter is not None and prefilter.search(norm) is None:
            continue  # no match possible
        for m in _matches(index, norm):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            value = _resolve(kind, m, year)
            if value is None:
                continue
            found.append((m.start(), m.end(), value))
            taken.append((m.start(), m.end()))
    return sorted(found)


def parse_period(text: str, published: str | None = None) -> str | None:
    """The period stated in a phrase: the last (closest to the figure) expression found.

    >>> parse_period("“十三五”期间")
    '2016-2020'
    >>> parse_period("2019年至2021年")
    '2019-2021'
    >>> parse_period("今年", "2019-02-18")
    '2019'
    """
    found = find_periods(text, published)
    return found[-1][2] if found else None
