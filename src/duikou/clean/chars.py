"""Character-level cleaning steps: each is a pure function ``text -> edits`` (or a 1:1 table).

Why edits: the pipeline composes them in clean_text while keeping the offset map to the raw
text exact (see tracked.py).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from importlib import resources

from duikou.clean.tracked import Edit, Tracked

# --- HTML left in scraped text -------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_TAG = re.compile(
    # a whole <script>/<style> element (scraped text sometimes still holds raw HTML)
    r"<(?:(?i:script|style)\b[^>]{0,300}>[\s\S]{0,200000}?</(?i:script|style)\s?"
    r"|/?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>]{0,300})?/?"  # <p>, </p>, <br/>, <a href=...>
    r"|!--.{0,2000}?--"  # comments
    r"|正)>"  # CNKI abstract marker <正>
    r"|/(?:p|div|span|li|td|tr|h[1-6])>"  # a closing tag that lost its '<' (checked below)
    r"|!\[[^\]\n]{0,200}\]\([^)\n]{0,500}\)"  # markdown image ![]()
)


def html_entities(text: str) -> list[Edit]:
    """`&amp;` `&nbsp;` `&#20013;` -> the character (mapped to the raw '&')."""
    edits: list[Edit] = []
    for m in _ENTITY.finditer(text):
        s = m.group()
        value = html.unescape(s if s.endswith(";") else s + ";")
        if value.endswith(";") and not s.endswith(";"):
            continue  # not a known entity: leave the text alone
        if len(value) != 1 or value == s:
            continue
        if value == "\xa0":
            value = " "
        edits.append((m.start(), m.end(), value))
    return edits


def html_tags(text: str) -> list[Edit]:
    """Delete stray tags, comments, `<正>` and markdown images left in extracted text."""
    if "<" not in text and ">" not in text and "![" not in text:
        return []
    edits: list[Edit] = []
    for m in _TAG.finditer(text):
        if (
            text[m.start()] == "/"
            and m.start()
            and (text[m.start() - 1].isascii() and text[m.start() - 1].isalpha())
        ):
            continue  # part of a URL path like a/p>, not a broken tag
        edits.append((m.start(), m.end(), ""))
    return edits


# --- look-alike character noise ------------------------------------------------------------


@lru_cache(maxsize=1)
def lookalike_table() -> dict[str, tuple[str, str]]:
    """noisy char -> (intended char, following chars that block the replacement)."""
    table: dict[str, tuple[str, str]] = {}
    data = resources.files("duikou.clean").joinpath("data/lookalikes.tsv").read_text("utf-8")
    for line in data.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 2 or len(cols[0]) != 1 or len(cols[1]) != 1:
            raise ValueError(f"bad lookalikes.tsv row: {line!r}")
        table[cols[0]] = (cols[1], cols[2] if len(cols) > 2 else "")
    return table


@lru_cache(maxsize=1)
def _lookalike_re() -> re.Pattern[str]:
    return re.compile("[" + re.escape("".join(lookalike_table())) + "]")


def lookalikes(text: str) -> list[Edit]:
    """渻 -> 省, 覀 -> 西 … (table in data/lookalikes.tsv), unless a blocking char follows."""
    table = lookalike_table()
    edits: list[Edit] = []
    for m in _lookalike_re().finditer(text):
        target, blockers = table[m.group()]
        nxt = text[m.end() : m.end() + 1]
        if blockers == "*":
            if not ("\u3400" <= nxt <= "\u9fff"):
                continue
        elif nxt and nxt in blockers:
            continue
        edits.append((m.start(), m.end(), target))
    return edits


# --- width and spaces ----------------------------------------------------------------------


def _width_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for full, half in zip(range(0xFF10, 0xFF1A), "0123456789", strict=True):
        table[full] = half
    for full, half in zip(range(0xFF21, 0xFF3B), "ABCDEFGHIJKLMNOPQRSTUVWXYZ", strict=True):
        table[full] = half
    for full, half in zip(range(0xFF41, 0xFF5B), "abcdefghijklmnopqrstuvwxyz", strict=True):
        table[full] = half
    table[0xFF05] = "%"  # ％ next to numbers
    table[0xFF0E] = "."  # ． decimal point
    for space in (0x3000, 0xA0, 0x09, 0x0B, 0x0C, 0x1680, 0x202F, 0x205F, *range(0x2000, 0x200B)):
        table[space] = " "
    table[0x0D] = "\n"  # \r (\r\n pairs: the \n is deleted by line_endings)
    table[0x2028] = "\n"
    table[0x2029] = "\n"
    return table


WIDTH_TABLE = _width_table()
"""Full-width digits/letters (and ％ ．) -> ASCII, every kind of space -> ' ', CR -> LF."""
WIDTH_CHARS = re.compile("[" + re.escape("".join(map(chr, WIDTH_TABLE))) + "]")

_CRLF = re.compile(r"\r\n")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]+")


def line_endings(text: str) -> list[Edit]:
    """Drop the CR of CRLF (a lone CR becomes LF through WIDTH_TABLE)."""
    return [(m.start(), m.start() + 1, "") for m in _CRLF.finditer(text)]


_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # the characters of _INVISIBLE


def invisible(text: str) -> list[Edit]:
    """Zero-width spaces/joiners, BOMs and soft hyphens: invisible, but they break matching."""
    if not any(c in text for c in _INVISIBLE_CHARS):  # str search is much faster than the regex
        return []
    return [(m.start(), m.end(), "") for m in _INVISIBLE.finditer(text)]


_PUNCT = frozenset("，。、；：！？）（《》“”‘’「」『』【】…—,.;:!?()")
_FULL_PUNCT = frozenset("，。、；：！？）」』】”")
_SPACES = re.compile(r" +")
# The runs of spaces spaces() may edit: two or more spaces, or a single space after
# punctuation or a Chinese character (a single space after anything else is always kept).
# (Every match starts with a literal space, so the regex engine can skip ahead to it; a run of
# two or more is matched whole from its first space.)
_SPACES_TO_EDIT = re.compile(
    r" (?:(?<=[" + re.escape("".join(sorted(_PUNCT))) + r"\u3400-\u9fff\uf900-\ufaff] )(?! )| +)"
)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def spaces(text: str) -> list[Edit]:
    """Collapse runs of spaces to one; drop spaces around punctuation inside Chinese text.

    Scraped pages pad punctuation (`干部 , 还有很多 。`); a single space between two Chinese
    words is kept, because it often stands for a lost punctuation mark.
    """
    edits: list[Edit] = []
    n = len(text)
    for m in _SPACES_TO_EDIT.finditer(text):
        start, end = m.span()
        before = text[start - 1] if start else ""
        after = text[end] if end < n else ""
        drop_all = before in _FULL_PUNCT or (
            (after in _PUNCT and (before in _PUNCT or _is_cjk(before)))
            or (before in _PUNCT and _is_cjk(after))
        )
        if drop_all:
            edits.append((start, end, ""))
        elif end - start > 1:
            edits.append((start + 1, end, ""))
    return edits


_DOUBLE_COMMA = re.compile(r"[,，](?=[ ]?[,，、。；;：:！!？?])")


# _DOUBLE_COMMA split by comma, so that each can be searched for as a literal (much faster);
# the matches are single characters, so the two lists together are exactly its matches.
_DOUBLE_COMMA_ASCII = re.compile(r",(?=[ ]?[,，、。；;：:！!？?])")
_DOUBLE_COMMA_FULL = re.compile(r"，(?=[ ]?[,，、。；;：:！!？?])")


def punctuation_noise(text: str) -> list[Edit]:
    """`,,` `,、` `,。` (a comma injected before real punctuation) -> the real punctuation."""
    ascii_ = [(m.start(), m.end(), "") for m in _DOUBLE_COMMA_ASCII.finditer(text)]
    full = [(m.start(), m.end(), "") for m in _DOUBLE_COMMA_FULL.finditer(text)]
    if not ascii_:
        return full
    if not full:
        return ascii_
    return sorted(ascii_ + full)


# --- traditional -> simplified -------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _convert_line_by_char(line: str) -> str:
    conv = _t2s()
    out = conv.convert(line)
    if len(out) == len(line):
        return out
    return "".join(c if len(c) == 1 else ch for ch in line for c in (conv.convert(ch),))


# Characters that t2s leaves alone on their own but that start a converting phrase
# (深沈 -> 深沉, 回覆 -> 回复 …), for the OpenCC release below (checked against its
# TSPhrases/TSCharacters dictionaries); with any other release the gate is not used.
_T2S_PHRASE_CHARS = "哩坏沈甦瞭藉衹覆"
_T2S_GATE_VERSION = "1.4.2"


@lru_cache(maxsize=1)
def _t2s_gate() -> re.Pattern[str] | None:
    """A character class that every text t2s would change contains (None: no gate).

    Built from OpenCC itself: every BMP character it converts on its own, plus the phrase
    characters above, lone surrogates (convert() raises on them), NUL and everything
    outside the BMP (both conservatively). Text without any of them converts to itself."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        if version("opencc") != _T2S_GATE_VERSION:
            return None
    except PackageNotFoundError:
        return None
    chars = [chr(c) for c in range(0x20, 0x10000) if c != 0x0A and not 0xD800 <= c <= 0xDFFF]
    out = _t2s().convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):
        return None
    changing = [c for c, o in zip(chars, out, strict=True) if o != c]
    changing.extend(_T2S_PHRASE_CHARS)
    return re.compile(
        "[" + re.escape("".join(sorted(set(changing)))) + "\x00\ud800-\udfff\U00010000-\U0010ffff]"
    )


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def to_simplified(tracked: Tracked) -> Tracked:
    """OpenCC t2s, character for character so offsets stay valid.

    Phrase-level conversion is used when it keeps the length (it does for almost all text);
    a line where it would not is converted one character at a time.
    """
    text = tracked.text
    gate = _t2s_gate()
    if gate is not None and gate.search(text) is None:
        return tracked  # nothing t2s would change (plain simplified text)
    try:
        out = _t2s().convert(text)
    except UnicodeEncodeError:
        # lone surrogates (a .jsonl page may hold "\ud800" escapes) cannot be encoded for
        # OpenCC, nor by any later stage: each becomes U+FFFD, one character for one
        text = _LONE_SURROGATE.sub("\ufffd", text)
        out = _t2s().convert(text)
    if len(out) != len(text):
        out = "\n".join(_convert_line_by_char(line) for line in text.split("\n"))
    return Tracked(out, tracked.offsets)
