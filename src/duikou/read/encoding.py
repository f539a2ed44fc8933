"""Bytes -> text for Chinese pages: UTF-8, GB18030 (for anything labelled GBK/GB2312), Big5.

Why not just charset-normalizer: on short Chinese text it may answer a Western code page, and
a mostly-UTF-8 file with a few GBK lines (two scrapes concatenated) has no single encoding.
Order: BOM -> declared charset (HTML <meta>, HTTP header) -> strict UTF-8 (a multi-byte
sequence cut off at the very end is tolerated and reported) -> line-by-line UTF-8/GB18030 for
mixed files -> charset-normalizer limited to Chinese encodings.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

ALIASES = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
    "gb_2312": "gb18030",
    "x-gbk": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "hz",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}
CHINESE_CANDIDATES = ["utf_8", "gb18030", "big5hkscs", "utf_16"]
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{2,20})""", re.IGNORECASE
)


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None


def normalise_encoding(name: str) -> str:
    """Canonical codec name; GBK-family labels become GB18030 (a superset), Big5 Big5-HKSCS."""
    key = name.strip().lower().replace("_", "-")
    key = ALIASES.get(key, key)
    try:
        return codecs.lookup(key).name
    except LookupError:
        return key


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB: not a text file."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head and not (head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))):
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(head) * 0.05


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KB, if any."""
    m = _META_CHARSET.search(data[:4096])
    return normalise_encoding(m.group(1).decode("ascii")) if m else None


def _bom(data: bytes) -> Decoded | None:
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return Decoded(data[len(bom) :].decode(enc, errors="replace"), enc)
    return None


def _utf8(data: bytes) -> Decoded | None:
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            dropped = len(data) - exc.start
            return Decoded(
                data[: exc.start].decode("utf-8"),
                "utf-8",
                f"truncated multi-byte character at end of file ({dropped} byte(s) dropped)",
            )
        return None


def _plausible_utf8(line: str) -> bool:
    """A GBK line can be valid UTF-8 by accident, but then decodes to Latin/Greek/Cyrillic
    letters, not to Chinese: require most non-ASCII characters to be CJK (or CJK punctuation)."""
    high = [ch for ch in line if ord(ch) >= 0x80]
    return not high or sum(1 for ch in high if ord(ch) >= 0x2E80) * 2 >= len(high)


def _mixed(data: bytes) -> Decoded | None:
    """Line by line: UTF-8 where valid, else GB18030 (files glued from two scrapes)."""
    lines = bytes(data).split(b"\n")
    out, utf8_lines, gb_lines = [], 0, 0
    for line in lines:
        try:
            text = line.decode("utf-8")
            if not _plausible_utf8(text):
                raise UnicodeDecodeError("utf-8", line, 0, 1, "not Chinese")
            out.append(text)
            if any(b >= 0x80 for b in line):
                utf8_lines += 1
        except UnicodeDecodeError:
            try:
                out.append(line.decode("gb18030"))
                gb_lines += 1
            except UnicodeDecodeError:
                return None
    if utf8_lines == 0 or gb_lines == 0:
        return None
    return Decoded(
        "\n".join(out), "utf-8+gb18030", f"mixed encodings: {gb_lines} line(s) decoded as GB18030"
    )


# The ~400 most frequent characters of written Chinese: right decodings are full of them,
# GBK bytes read as Big5 (or the reverse) give rare characters instead.
_COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    "下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量"
    "都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各"
    "重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代"
    "想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接"
    "知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北"
    "造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打"
    "白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今"
    "集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近"
    "县省市援助支项目资金亿元万"
)


def _common_set() -> frozenset[str]:
    try:
        import opencc

        traditional = opencc.OpenCC("s2t").convert(_COMMON)
    except Exception:  # noqa: BLE001  # pragma: no cover - opencc is a hard dependency
        traditional = ""
    return frozenset(_COMMON + traditional)


_COMMON_SET = _common_set()


def _cjk_ratio(text: str) -> float:
    """Share of very common Chinese characters (minus replacement/private-use characters)."""
    sample = text[:4000]
    if not sample:
        return 0.0
    common = sum(1 for ch in sample if ch in _COMMON_SET)
    odd = sum(1 for ch in sample if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
    return (common - 5 * odd) / len(sample)


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode a text file; raise DecodeError with a human reason when it is not text."""
    if not data:
        return Decoded("", "utf-8")
    found = _bom(data)
    if found:
        return found
    if looks_binary(data):
        raise DecodeError("binary content, not text")
    if declared:
        enc = normalise_encoding(declared)
        try:
            return Decoded(data.decode(enc), enc)
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong declaration is common; fall through to detection
    found = _utf8(data)
    if found:
        return found
    found = _mixed(data)
    if found:
        return found
    # single legacy encoding: try the Chinese ones strictly, keep the most Chinese-looking
    best: Decoded | None = None
    best_score = -1.0
    for enc in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = _cjk_ratio(text)
        if score > best_score:
            best, best_score = Decoded(text, enc), score
    if best is not None and best_score > 0.05:
        return best
    guess = from_bytes(data[:200_000], cp_isolation=CHINESE_CANDIDATES).best()
    if guess is None:  # not Chinese at all: take whatever fits best
        guess = from_bytes(data[:200_000]).best()
    if guess is None:
        raise DecodeError("cannot detect the text encoding")
    enc = normalise_encoding(guess.encoding)
    return Decoded(
        data.decode(enc, errors="replace"),
        enc,
        f"encoding guessed as {enc}; undecodable bytes replaced",
    )
