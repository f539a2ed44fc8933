"""Number and money parsing for Chinese news text (pure functions, no dependencies).

Reports write figures as Arabic digits ("772.97亿元", "2,188名"), full-width digits
("１２亿"), Chinese numerals ("两千万元", "一百二十个") or a mix ("3万多名", "近百亿元").
Everything is turned into a float in base units (yuan for money, a plain count otherwise)
so that figures from different reports can be compared.
"""

from __future__ import annotations

import re

# Full-width digits and punctuation that show up inside numbers.
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")

CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2,
             "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
             "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

_CN_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS)
_BIG = "万萬亿億"

#: One number expression: Arabic (with thousands separators / decimals) or Chinese numerals,
#: optionally followed by magnitude characters (千/百 after digits, 万, 亿, 万亿, 千万 ...).
#: Hedge words between number and magnitude ("3万多", "12亿多") are handled by callers.
NUMBER_PATTERN = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:[十百千]?[{_BIG}]{{1,2}}|[百千](?=[{_BIG}]))?"
    rf"|[{_CN_CHARS}]*[{_CN_CHARS.replace('零', '').replace('〇', '').replace('○', '')}][{_CN_CHARS}{_BIG}]*"
    rf"(?:点[{''.join(CN_DIGITS)}]+[{_BIG}]{{0,2}})?"
)
NUMBER_RE = re.compile(NUMBER_PATTERN)

_CN_NONZERO = _CN_CHARS.replace('零', '').replace('〇', '').replace('○', '')
#: NUMBER_PATTERN with its first character factored out: the same matches, tried in the same
#: order, but the pattern opens with one character class, so a search skips straight to
#: candidate characters instead of trying both branches at every position (much faster on
#: long texts). The first character decides the branch (digits and Chinese numerals are
#: disjoint); lookbehinds re-check it.
FAST_NUMBER_PATTERN = (
    rf"[\d{_CN_CHARS}]"
    rf"(?:(?<=\d)(?:\d{{0,2}}(?:,\d{{3}})+(?:\.\d+)?|\d*(?:\.\d+)?)(?:[十百千]?[{_BIG}]{{1,2}}|[百千](?=[{_BIG}]))?"
    rf"|(?<=[{_CN_CHARS}])(?:[{_CN_CHARS}]*[{_CN_NONZERO}][{_CN_CHARS}{_BIG}]*|(?<=[{_CN_NONZERO}])[{_CN_CHARS}{_BIG}]*)"
    rf"(?:点[{''.join(CN_DIGITS)}]+[{_BIG}]{{0,2}})?)"
)


#: Any character _FULLWIDTH rewrites (most pages have none: skip the slow translate then).
_FULLWIDTH_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in _FULLWIDTH) + "]")


def normalize_digits(text: str) -> str:
    """Full-width digits/punctuation -> ASCII; same length, so offsets are kept."""
    if _FULLWIDTH_RE.search(text) is None:
        return text
    return text.translate(_FULLWIDTH)


def _parse_cn_section(s: str) -> float | None:
    """Parse Chinese numerals below 万 (e.g. 一百二十, 两千, 十五); None when malformed."""
    if not s:
        return 0.0
    total, digit = 0, None
    for ch in s:
        if ch in CN_DIGITS:
            if digit is not None and digit != 0 and CN_DIGITS[ch] != 0:
                # "一二" is not a number in running text (it is a list or a date)
                return None
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            total += (digit if digit else 1) * CN_SMALL_UNITS[ch]
            digit = None
        else:
            return None
    if digit:
        total += digit
    return float(total)


def parse_cn_numeral(s: str) -> float | None:
    """Parse a Chinese numeral with 万/亿 magnitudes: 两千万 -> 2e7, 一百二十 -> 120."""
    s = s.strip()
    if not s:
        return None
    if not any(ch in CN_DIGITS or ch in CN_SMALL_UNITS for ch in s):
        return None  # a bare 万 or 亿 is a word, not a number
    if all(ch in CN_DIGITS for ch in s):
        if len(s) == 1:
            return float(CN_DIGITS[s])
        if len(s) >= 3:
            # digit-by-digit (e.g. 二〇二〇) — a year or code, read positionally
            return float("".join(str(CN_DIGITS[ch]) for ch in s))
        return None  # 一二, 三四: a list or an approximation, not a number
    total = 0.0
    rest = s
    for big_chars, factor in (("亿億", 100_000_000), ("万萬", 10_000)):
        idx = max(rest.rfind(c) for c in big_chars)
        if idx >= 0:
            head = rest[:idx]
            head_val = parse_cn_numeral(head) if head else 1.0
            if head_val is None:
                return None
            total += head_val * factor
            rest = rest[idx + 1:]
    tail = _parse_cn_section(rest)
    if tail is None:
        return None
    return total + tail


_PLAIN_NUMBER_RE = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)([十百千]?)([万萬亿億]*)")


def parse_number(s: str) -> float | None:
    """Parse one number expression into a float.

    "1.845亿" -> 184500000.0, "772.97亿" -> 77297000000.0, "3万" -> 30000.0,
    "2,188" -> 2188.0, "一百二十" -> 120.0, "两千万" -> 20000000.0, "１２" -> 12.0.
    Returns None for anything that is not a number.
    """
    s = normalize_digits(s).strip()
    if not s:
        return None
    if s.isascii() and s.isdigit():
        return float(s)  # plain digits: what the pattern below would give, without it
    m = _PLAIN_NUMBER_RE.fullmatch(s)
    if m:
        value = float(m.group(1).replace(",", ""))
        small = m.group(2)
        if small:
            value *= CN_SMALL_UNITS[small]
        for ch in m.group(3):
            value *= CN_BIG_UNITS[ch]
        return value
    if all(ch in CN_DIGITS or ch in CN_SMALL_UNITS or ch in CN_BIG_UNITS for ch in s):
        return parse_cn_numeral(s)
    if "点" in s:
        return _parse_cn_decimal(s)
    return None


def _parse_cn_decimal(s: str) -> float | None:
    """二点五亿 -> 2.5e8, 十二点三六万 -> 123600: integer part, 点, digits, magnitude."""
    whole, _, rest = s.partition("点")
    k = 0
    while k < len(rest) and rest[k] in CN_DIGITS:
        k += 1
    digits, mag = rest[:k], rest[k:]
    if not digits or any(ch not in CN_BIG_UNITS for ch in mag) or any(ch in CN_BIG_UNITS for ch in whole):
        return None
    head = parse_cn_numeral(whole)
    if head is None:
        return None
    value = float(f"{int(head)}." + "".join(str(CN_DIGITS[ch]) for ch in digits))
    for ch in mag:
        value *= CN_BIG_UNITS[ch]
    return value


#: Money: number, optional hedge (多/余), magnitude, optional hedge, 元 (or 块).
MONEY_RE = re.compile(
    rf"(?P<num>{NUMBER_PATTERN})(?P<h1>[多余])?(?P<mag>[十百千]?[{_BIG}]{{0,2}})(?P<h2>[多余])?(?:元|块钱|块)"
)


def parse_money(s: str) -> float | None:
    """Parse a money expression into yuan: "1.845亿元" -> 184500000.0, "12亿多元" -> 1.2e9.

    Hedges (多/余) are recorded by the claim extractor as a qualifier, not in the value
    (corpus convention: "hedges recorded as the stated number").
    """
    s = normalize_digits(s).strip()
    m = MONEY_RE.fullmatch(s)
    if not m:
        return None
    value = parse_number(m.group("num"))
    if value is None:
        return None
    for ch in m.group("mag"):
        value *= CN_SMALL_UNITS.get(ch, 1) * CN_BIG_UNITS.get(ch, 1)
    return value


def magnitude(s: str) -> float:
    """Multiplier of a magnitude suffix such as 万, 亿, 千万, 百亿."""
    factor = 1.0
    for ch in s:
        factor *= CN_SMALL_UNITS.get(ch, 1) * CN_BIG_UNITS.get(ch, 1)
    return factor
