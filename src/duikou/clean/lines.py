"""Line-level cleaning: drop spam/SEO lines, navigation, share widgets, footers, link lists.

Why line level: scraped page furniture comes as whole lines around the article; deciding per
line (with the article's position in the page) never cuts a sentence in half. Lines are judged
after character cleaning, so one rule covers simplified and traditional pages.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from duikou.clean.tracked import Edit

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_C = "\u3400-\u9fff\uf900-\ufaff"
_AT_LEAST_3_CJK = re.compile(rf"(?:[^{_C}]*+[{_C}]){{3}}")
_AT_LEAST_5_CJK = re.compile(rf"(?:[^{_C}]*+[{_C}]){{5}}")
_AT_LEAST_10_CJK = re.compile(rf"(?:[^{_C}]*+[{_C}]){{10}}")
_AT_LEAST_40_CJK = re.compile(rf"(?:[^{_C}]*+[{_C}]){{40}}")
_PROSE_PUNCT = re.compile(r"[。，,！？!?；;]")
_FULL_STOP = re.compile(r"[。！？!?]")
_DIGIT = re.compile(r"[0-9]")
_TOKEN_SPLIT = re.compile(r"[\s|｜>›»·•/\-_]+")
_BREADCRUMB = re.compile(r"[>›»]")
_BARS = re.compile(r"[|｜]")
_URLISH = re.compile(r"https?://|www\.|\.(?:com|cn|net|org)\b|@[\w-]+\.[A-Za-z]{2,}|//")
_PHONE_ONLY = re.compile(r"[\d\s\-+()（）]{7,}")
_ASCII_WORDS = re.compile(r"[A-Za-z .:/\-]{1,30}")
_COUNTER = re.compile(r"[0-9]{1,6}")  # a bare number in the page header: share/like counts
_LINK_ITEM = re.compile(r"\d{1,3}[.、)）]\s?\S")
_GAMBLING_BRANDS = ("亚博", "万博", "开云", "乐鱼", "博彩", "葡京", "威尼斯人", "金沙娱乐", "365")
_GAMBLING = re.compile(
    r"(?:亚博|万博|开云|乐鱼|博彩|新?葡京|威尼斯人|金沙娱乐|[Bb][Ee][Tt]365)[A-Za-z0-9]{0,8}"
    r"(?:登录|注册|官网|入口|app|APP|下载|网址|平台|体育|娱乐)+"
)


def _data(name: str) -> str:
    return resources.files("duikou.clean").joinpath(f"data/{name}").read_text("utf-8")


@dataclass(frozen=True)
class _Markers:
    """Marker vocabulary. Literal strings go to one Aho-Corasick automaton run over the whole
    text (fast); `^text` markers are checked with startswith; the few `re:` patterns (each
    starting with a literal, so the regex engine can skip ahead) are run over the whole text."""

    automaton: object  # ahocorasick_rs.AhoCorasick
    kinds: tuple[str, ...]  # per literal: "footer" | "chrome" | "spam"
    literals: tuple[str, ...]
    chrome_starts: tuple[str, ...]
    footer_re: re.Pattern[str]
    footer_re_cues: tuple[str, ...] | None  # literal prefixes: a match needs one (None: unknown)


@lru_cache(maxsize=1)
def _markers() -> _Markers:
    import ahocorasick_rs

    literals: dict[str, str] = {}
    starts: list[str] = []
    regexes: list[str] = []
    current = None
    for line in _data("boilerplate.txt").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            continue
        if current not in ("footer", "chrome"):
            raise ValueError(f"boilerplate.txt: pattern outside [footer]/[chrome]: {line!r}")
        if line.startswith("re:"):
            if current != "footer":
                raise ValueError("boilerplate.txt: re: patterns are only supported in [footer]")
            regexes.append(line[3:])
        elif line.startswith("^"):
            if current != "chrome":
                raise ValueError("boilerplate.txt: ^ patterns are only supported in [chrome]")
            starts.append(line[1:])
        else:
            literals.setdefault(line, current)
    for term in _data("spam_terms.txt").splitlines():
        if term.strip() and not term.startswith("#"):
            literals.setdefault(term, "spam")
    names = tuple(literals)
    automaton = ahocorasick_rs.AhoCorasick(
        names,
        matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
        implementation=ahocorasick_rs.Implementation.DFA,  # same matches, about twice as fast
    )
    return _Markers(
        automaton,
        tuple(literals[n] for n in names),
        names,
        tuple(starts),
        re.compile("|".join(f"(?:{p})" for p in regexes) or "(?!)"),
        _literal_prefixes(regexes),
    )


_REGEX_SPECIAL = frozenset(".^$*+?{}[]\\|()")


def _top_level_bar(pattern: str) -> bool:
    """Whether an (escape-free) pattern has an alternation bar outside groups and classes."""
    depth = 0
    in_class = False
    for ch in pattern:
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
    return False


def _literal_prefixes(patterns: list[str]) -> tuple[str, ...] | None:
    """The literal text each pattern starts with (every match of the pattern begins with it),
    or None when a pattern has none (then no shortcut is taken)."""
    out = []
    for p in patterns:
        if "\\" in p or _top_level_bar(p):
            return None
        n = 0
        while n < len(p) and p[n] not in _REGEX_SPECIAL:
            n += 1
        if n < len(p) and p[n] in "*+?{":
            n -= 1  # a quantifier applies to the last literal character
        if n <= 0:
            return None
        out.append(p[:n])
    return tuple(out)


@dataclass
class _Hits:
    footer: int = 0  # number of footer markers in the line
    footer_at: int = -1  # position of the first one
    chrome: int = 0  # number of chrome markers
    chrome_at: int = -1  # position of the first chrome marker in the line, -1 if none
    spam: set[str] | None = None

    def add_footer(self, at: int) -> None:
        self.footer += 1
        if self.footer_at < 0 or at < self.footer_at:
            self.footer_at = at

    def add_chrome(self, at: int) -> None:
        self.chrome += 1
        if self.chrome_at < 0 or at < self.chrome_at:
            self.chrome_at = at


_NO_HITS = _Hits()


def _line_hits(text: str, starts: list[int], lines: list[str]) -> dict[int, _Hits]:
    """Markers found in each (stripped) line, by line index (lines without any are absent);
    starts[i] = index of lines[i] in text."""
    m = _markers()
    hits: dict[int, _Hits] = {}
    for idx, a, _b in m.automaton.find_matches_as_indexes(text):  # type: ignore[attr-defined]
        i = bisect_right(starts, a) - 1
        h = hits.get(i)
        if h is None:
            h = hits[i] = _Hits()
        kind = m.kinds[idx]
        if kind == "spam":
            if h.spam is None:
                h.spam = set()
            h.spam.add(m.literals[idx])
        elif kind == "footer":
            h.add_footer(a - starts[i])
        else:
            h.add_chrome(a - starts[i])
    cues = m.footer_re_cues
    matches = m.footer_re.finditer(text) if cues is None or any(cue in text for cue in cues) else ()
    for match in matches:
        i = bisect_right(starts, match.start()) - 1
        hits.setdefault(i, _Hits()).add_footer(match.start() - starts[i])
    for i, line in enumerate(lines):
        if line and line.startswith(m.chrome_starts):
            hits.setdefault(i, _Hits()).add_chrome(0)
    return hits


def _hits_of(line: str) -> _Hits:
    line = line.strip(" ")
    return _line_hits(line, [0], [line]).get(0, _NO_HITS)


def cjk_count(line: str) -> int:
    return len(_CJK_RE.findall(line))


def spam_terms(line: str) -> set[str]:
    """Distinct SEO-spam terms in a line (vocabulary in data/spam_terms.txt)."""
    m = _markers()
    return {
        m.literals[i]
        for i, _a, _b in m.automaton.find_matches_as_indexes(line)  # type: ignore[attr-defined]
        if m.kinds[i] == "spam"
    }


def _spam_verdict(line: str, found: set[str] | None) -> bool:
    n = len(found or ())
    return n >= 5 or (n >= 3 and not _FULL_STOP.search(line))


def is_spam(line: str) -> bool:
    """Porn/gambling keyword stuffing: >= 3 distinct spam terms in a line that is not prose."""
    return _spam_verdict(line, spam_terms(line))


def _prose(line: str, has_punct: bool) -> bool:
    """>= 40 Chinese characters, or >= 10 with sentence punctuation, or a long Latin sentence."""
    if len(line) < 10:
        return False
    if _AT_LEAST_10_CJK.match(line) is None:
        return len(line) >= 80 and (". " in line or ", " in line)
    return has_punct or _AT_LEAST_40_CJK.match(line) is not None


def is_prose(line: str) -> bool:
    """A line of running text (a sentence), as opposed to a heading, caption or widget."""
    return _prose(line, _PROSE_PUNCT.search(line) is not None)


def _sentence_like(line: str) -> bool:
    """A real sentence (ten Chinese characters and a full stop): one boilerplate word inside
    it (`数据仅供参考。`, `消费者扫码购买。`) does not make it page furniture."""
    return _FULL_STOP.search(line) is not None and _AT_LEAST_10_CJK.match(line) is not None


def _footer_verdict(line: str, hits: _Hits) -> bool:
    if not hits.footer or len(line) >= 300:
        return False
    return hits.footer >= 2 or hits.footer_at < 6 or not _sentence_like(line)


def is_footer(line: str) -> bool:
    """Copyright/ICP licence/reposting disclaimers: the article is over."""
    line = line.strip(" ")
    return _footer_verdict(line, _hits_of(line))


def is_chrome(line: str) -> bool:
    """Navigation, breadcrumbs, share/print widgets, contact lines, keyword-stuffed link rows."""
    line = line.strip(" ")
    return _chrome_verdict(line, _hits_of(line), _PROSE_PUNCT.search(line) is not None)


def _chrome_verdict(line: str, hits: _Hits, has_punct: bool) -> bool:
    if hits.chrome and (
        hits.chrome_at < 4 or (len(line) < 120 and (hits.chrome >= 2 or not _sentence_like(line)))
    ):
        return True
    if len(line) >= 150:
        return False
    if not has_punct:
        if len(_BREADCRUMB.findall(line)) >= 2 or len(_BARS.findall(line)) >= 2:
            return True
        tokens = [t for t in _TOKEN_SPLIT.split(line) if t]
        if len(tokens) >= 6 or (len(tokens) >= 4 and sum(map(len, tokens)) <= 6 * len(tokens)):
            return True
    if _URLISH.search(line) and not _sentence_like(line):
        return True
    return _PHONE_ONLY.fullmatch(line) is not None


def _is_link_item(line: str) -> bool:
    return (
        _LINK_ITEM.match(line) is not None
        and not _FULL_STOP.search(line)
        and line.count("，") + line.count(",") == 0
        and cjk_count(line) < 40
    )


def _any_brand(text: str) -> bool:
    """any(brand in text for brand in _GAMBLING_BRANDS), checked via 博 first (in three)."""
    if "博" in text and any(brand in text for brand in _GAMBLING_BRANDS):
        return True
    return any(brand in text for brand in _GAMBLING_BRANDS_NOT_BO)


_GAMBLING_BRANDS_NOT_BO = tuple(b for b in _GAMBLING_BRANDS if "博" not in b)


def inline_spam(text: str) -> list[Edit]:
    """Spam glued into a real line: gambling ads (`亚博xx登录`), `标题|spam terms` suffixes."""
    edits: list[tuple[int, int]] = []
    if _any_brand(text):
        edits = [(m.start(), m.end()) for m in _GAMBLING.finditer(text)]
    if "|" not in text and "｜" not in text:
        return [(s, e, "") for s, e in edits]
    pos = 0
    for line in text.split("\n"):
        if "|" in line or "｜" in line:
            offset = pos
            for seg in re.split(r"([|｜])", line):
                if len(seg) > 1 and len(spam_terms(seg)) >= 2 and not _FULL_STOP.search(seg):
                    # delete the segment and the bar before it
                    start = offset - 1 if offset > pos else offset
                    edits.append((start, offset + len(seg)))
                offset += len(seg)
        pos += len(line) + 1
    edits.sort()
    out: list[Edit] = []
    for s, e in edits:
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e), "")
        else:
            out.append((s, e, ""))
    return out


@dataclass(frozen=True)
class LineVerdict:
    start: int  # stripped line start in the text
    end: int
    newline: int | None  # index of the '\n' ending the line
    keep: bool
    why: str


def judge_lines(text: str, kept_only: bool = False) -> list[LineVerdict]:
    """Decide for every line whether it belongs to the article, and why (for debugging);
    with kept_only, only the kept lines are returned (what select_lines needs)."""
    return [LineVerdict(*v) for v in _judge(text, kept_only)]


def _judge(text: str, kept_only: bool) -> list[tuple[int, int, int | None, bool, str]]:
    """judge_lines as plain tuples (start, end, newline, keep, why)."""
    raw = text.split("\n")
    n_lines = len(raw)
    lines = [r.strip(" ") for r in raw]
    # raw line starts, and stripped line starts (after the leading spaces of a non-blank line)
    line_starts = [0, *itertools.accumulate([len(r) + 1 for r in raw[:-1]])]
    starts = [
        p + len(r) - len(r.lstrip(" ")) if x and r[0] == " " else p
        for p, r, x in zip(line_starts, raw, lines, strict=True)
    ]
    hits = _line_hits(text, starts, lines)
    prose_punct = _PROSE_PUNCT.search
    at_least_10 = _AT_LEAST_10_CJK.match
    at_least_40 = _AT_LEAST_40_CJK.match
    punct = [False] * n_lines
    prose = [False] * n_lines
    verdicts: list[str | None] = [None] * n_lines
    no_hits = _NO_HITS
    urlish = _URLISH.search
    full_stop = _FULL_STOP.search
    for i, line in enumerate(lines):
        if not line:
            verdicts[i] = "blank"
            continue
        p = punct[i] = prose_punct(line) is not None
        n = len(line)
        # _prose(line, p), inlined
        if n < 10:
            pr = False
        elif at_least_10(line) is None:
            pr = n >= 80 and (". " in line or ", " in line)
        else:
            pr = p or at_least_40(line) is not None
        prose[i] = pr
        h = hits.get(i)
        if h is None:
            if n >= 150 and pr:
                continue
            if p and n < 150:
                # _chrome_verdict(line, no_hits, True), inlined: a line with sentence
                # punctuation is never phone-number-only
                if urlish(line) and not (full_stop(line) and at_least_10(line)):
                    verdicts[i] = "chrome"
            elif _chrome_verdict(line, no_hits, p):
                verdicts[i] = "chrome"
        elif h.spam and _spam_verdict(line, h.spam):
            verdicts[i] = "spam"
        elif h.footer and _footer_verdict(line, h):
            verdicts[i] = "footer"
        elif (not pr or h.chrome or n < 150) and _chrome_verdict(line, h, p):
            verdicts[i] = "chrome"
    body = [i for i, p in enumerate(prose) if p and verdicts[i] is None]
    first = body[0] if body else None
    last = body[-1] if body else None
    if first is None and ("footer" in verdicts or "spam" in verdicts):
        # no article text at all, only page furniture around a footer or spam: drop it all
        verdicts = [v or "furniture" for v in verdicts]
    footer_at = None
    if first is not None and "footer" in verdicts:
        footer_at = next((i for i in range(first + 1, n_lines) if verdicts[i] == "footer"), None)
    link_item = _LINK_ITEM.match  # (_is_link_item's first test, done inline: it rarely holds)
    items = [
        bool(x) and not prose[i] and link_item(x) is not None and _is_link_item(x)
        for i, x in enumerate(lines)
    ]
    # A page cut off mid-sentence ends in a short fragment: keep it when it is the only
    # undecided line after the last sentence and ends the page (a list of related headlines
    # has several; page furniture has a footer after it).
    tail_keep = None
    if last is not None:
        rest = [i for i in range(last + 1, n_lines) if verdicts[i] is None]
        if (
            len(rest) == 1
            and not items[rest[0]]
            and all(verdicts[j] == "blank" for j in range(rest[0] + 1, n_lines))
        ):
            tail_keep = rest[0]
    # Lines after the last sentence that are article text all the same: a phrase-per-line
    # run continuing the article, and a second article glued after a footer.
    also_keep: set[int] = set()
    if last is not None and last + 1 < n_lines:
        also_keep = _phrase_run(lines, verdicts, items, prose, first, last)
    if footer_at is not None and footer_at + 1 < n_lines:
        also_keep |= _glued_headlines(lines, verdicts, items, prose, footer_at)
    if first is not None and ("|" in text or "｜" in text):
        table = _table_rows(lines, verdicts, first)
        for i in table:
            verdicts[i] = None
        also_keep |= table

    out: list[tuple[int, int, int | None, bool, str]] = []
    last_line = n_lines - 1
    for i, why in enumerate(verdicts):
        if kept_only and why is not None:
            continue
        line = lines[i]
        if why is None and first is not None and i not in also_keep:
            if i < first and (
                (_AT_LEAST_5_CJK.match(line) is None and not _DIGIT.search(line))
                or _ASCII_WORDS.fullmatch(line)
                or _COUNTER.fullmatch(line)
            ):
                why = "header"
            elif last is not None and i > last and i != tail_keep:
                why = "after-article"
            elif (
                footer_at is not None
                and i > footer_at
                and not (prose[i] and len(line) >= 40 and "。" in line)
            ):
                why = "after-footer"
        if (
            why is None
            and items[i]
            and ((i > 0 and items[i - 1]) or (i < last_line and items[i + 1]))
        ):
            why = "link-list"
        s = line_starts[i]
        nl = s + len(raw[i]) if i < last_line else None
        if why is None:
            out.append(
                (starts[i], starts[i] + len(line), nl, True, "prose" if prose[i] else "kept")
            )
        else:
            out.append((s, s + len(raw[i]), nl, False, why))
    return out


# --- article text after the last sentence ------------------------------------------------------

PHRASE_RUN_MIN = 6  # lines in a phrase-per-line run that continues the article
PHRASE_RUN_LONG = 10  # a run this long needs no other sign that it continues the article
PHRASE_MAX_LEN = 30  # characters of one phrase line
PHRASE_RUN_MEAN_LEN = 20  # mean characters per line of such a run (headline lists run longer)
PHRASE_RUN_MEAN_MIN = 8  # ... and at least this (a tag or keyword list runs shorter)
_TABLE_CELL = re.compile(r"[\u3400-\u9fff][^|｜]{0,11}")


def _table_cells(line: str) -> list[str] | None:
    """The cells of a table row written with bars (甲区 | 乙县 |), or None."""
    if "|" not in line and "｜" not in line:
        return None
    cells = [c.strip() for c in _BARS.split(line.strip().strip("|｜"))]
    if not 2 <= len(cells) <= 4 or not all(_TABLE_CELL.fullmatch(c) for c in cells):
        return None
    if _URLISH.search(line):
        return None
    return cells


def _table_rows(lines: list[str], verdicts: list[str | None], first: int) -> set[int]:
    """A table in the article: at least three rows of two to four short cells, each with the same
    number of cells (a list of pairs: 甲区 | 乙县 |), and the short heading just above it. A menu
    bar is one line of many cells, and spam is decided before: neither comes back."""
    keep: set[int] = set()
    run: list[int] = []
    width = 0

    def close() -> None:
        if len(run) >= 3:
            keep.update(run)
            above = run[0] - 1
            while above > first and verdicts[above] == "blank":
                above -= 1
            line = lines[above] if above >= first else ""
            if line and len(line) <= 30 and _CJK_RE.search(line) and not _BARS.search(line) \
                    and verdicts[above] in (None, "chrome"):
                keep.add(above)

    for i in range(first + 1, len(lines)):
        if verdicts[i] == "blank":
            continue
        cells = _table_cells(lines[i]) if verdicts[i] in (None, "chrome") else None
        if cells is not None and (not run or len(cells) == width):
            run.append(i)
            width = len(cells)
            continue
        close()
        run, width = ([i], len(cells)) if cells is not None else ([], 0)
    close()
    return keep


_DATE_STAMP = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}|\d{1,2}:\d{2}")
_OPEN_END = re.compile(r"[^。！？!?…”」』\"')）]$")


def _phrase(line: str) -> bool:
    """A short line of running text: 4-30 characters, at least 3 Chinese, no link or date."""
    return (
        4 <= len(line) <= PHRASE_MAX_LEN
        and _AT_LEAST_3_CJK.match(line) is not None
        and _URLISH.search(line) is None
        and _DATE_STAMP.search(line) is None
    )


def _phrase_run(
    lines: list[str],
    verdicts: list[str | None],
    items: list[bool],
    prose: list[bool],
    first: int,
    last: int,
) -> set[int]:
    """A page set one phrase per line (WeChat style: `深圳累计派出干部800多名` / `财政资金投入
    80多亿元` / ...) goes on after its last "prose" line. The run of short lines right after
    that line is article text when it is long (>= PHRASE_RUN_MIN lines, blank lines between
    allowed), is made of short text lines with no page furniture, link items or date stamps
    among them, states a figure, and continues the article: it is very long (>=
    PHRASE_RUN_LONG lines), or the article already has that layout (short lines among its
    sentences), or its last sentence is left open. A list of related headlines fails on line
    length, on link/date markers, on the heading (chrome) that introduces it, or on its
    length after a finished article."""
    run: list[int] = []
    for j in range(last + 1, len(lines)):
        why = verdicts[j]
        if why == "blank":
            continue
        if why is not None or items[j] or not _phrase(lines[j]):
            break
        run.append(j)
    if len(run) < PHRASE_RUN_MIN:
        return set()
    texts = [lines[j] for j in run]
    total = sum(map(len, texts))
    if not (
        PHRASE_RUN_MEAN_MIN * len(texts) <= total <= PHRASE_RUN_MEAN_LEN * len(texts)
        and any(_DIGIT.search(t) for t in texts)
    ):
        return set()
    if len(run) >= PHRASE_RUN_LONG or _OPEN_END.search(lines[last]):
        return set(run)
    layout = sum(
        1
        for j in range(first + 1, last)
        if verdicts[j] is None and not prose[j] and _phrase(lines[j])
    )
    return set(run) if layout >= 3 else set()


HEADLINE_OVERLAP = 0.4  # share of a headline's character pairs its cut-off first line repeats


def _bigrams(line: str) -> set[str]:
    return {a + b for a, b in itertools.pairwise(line) if _CJK_RE.match(a) and _CJK_RE.match(b)}


def _headline(line: str) -> bool:
    return (
        6 <= len(line) <= 60
        and _AT_LEAST_5_CJK.match(line) is not None
        and not _FULL_STOP.search(line)
        and _URLISH.search(line) is None
    )


def _glued_headlines(
    lines: list[str],
    verdicts: list[str | None],
    items: list[bool],
    prose: list[bool],
    footer_at: int,
) -> set[int]:
    """A second article glued after a copyright footer: its headline line, when the next
    line is its body: a sentence (kept after a footer anyway), or — the page cut off — the
    page's last line, which restates the headline as a lead sentence does. Related headlines
    after a footer follow each other, so none of them has a body line after it."""
    n = len(lines)
    end = n - 1  # the page's last non-blank line
    while end > footer_at and verdicts[end] == "blank":
        end -= 1
    keep: set[int] = set()
    for h in range(footer_at + 1, end):
        if verdicts[h] is not None or items[h] or not _headline(lines[h]):
            continue
        b = h + 1
        while b < n and verdicts[b] == "blank":
            b += 1
        if b >= n or verdicts[b] is not None or items[b]:
            continue
        body = lines[b]
        if prose[b] and len(body) >= 40 and "。" in body:
            keep.add(h)
        elif b == end:
            # the page ends in the body's first line, cut off
            head = _bigrams(lines[h])
            if (
                _AT_LEAST_10_CJK.match(body) is not None
                and head
                and len(head & _bigrams(body)) >= HEADLINE_OVERLAP * len(head)
            ):
                keep.update((h, b))
    return keep


def select_lines(text: str) -> list[Edit]:
    """Deletions that keep only article lines, stripped, separated by single line breaks."""
    kept = [v for v in _judge(text, True) if v[3]]
    edits: list[Edit] = []
    pos = 0
    n_kept = len(kept)
    for k, (start, end, newline, _keep, _why) in enumerate(kept):
        if start > pos:
            edits.append((pos, start, ""))
        if k + 1 < n_kept and newline is not None:
            if newline > end:
                edits.append((end, newline, ""))
            pos = newline + 1
        else:
            pos = end
    if pos < len(text):
        edits.append((pos, len(text), ""))
    return edits
