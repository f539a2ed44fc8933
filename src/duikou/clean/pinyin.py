"""Pinyin annotation noise: `當(dāng)前` -> `當前`.

Some scrapers copy pages whose characters carry ruby pinyin, which ends up inline as a
parenthesised syllable with a tone mark. Only parentheses holding Latin letters with at least
one tone mark are removed (plus a few toneless neutral-tone syllables right after a Chinese
character, `們(men)`), so `(记者…)`, `县(区)`, `(About Us)` and `(2019)` stay.
"""

from __future__ import annotations

import re

from duikou.clean.tracked import Edit

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYLLABLE = rf"[a-zü]{{0,5}}[{_TONED}][a-zü{_TONED}]{{0,5}}"
# Neutral-tone syllables carry no tone mark (們(men), 麼(me), 著(zhe)); they are accepted only
# from this short list and only right after a Chinese character.
_NEUTRAL = "men|me|zhe|ge|li|tou|ma|ne|ba|de|le|zi"
PINYIN_NOISE = re.compile(
    rf"[(（](?:\s?{_SYLLABLE}(?:\s{_SYLLABLE}){{0,3}}\s?[)）]"
    rf"|(?:{_NEUTRAL})[)）]"
    # an annotation cut off by the end of a truncated page: `地区(q` at the end of a line
    rf"|[a-zü{_TONED}]{{1,6}}(?=\n|$))"
)


_NEUTRAL_SET = frozenset(_NEUTRAL.split("|"))

# PINYIN_NOISE once per opening parenthesis: each starts with a literal the regex engine can skip
# ahead to (much faster than the class). A match never holds an opening parenthesis, so the
# matches of the two are exactly the matches of PINYIN_NOISE.
_BODY = PINYIN_NOISE.pattern[len("[(（]") :]
_PINYIN_ASCII = re.compile(r"\(" + _BODY)
_PINYIN_FULL = re.compile("（" + _BODY)


def _matches(text: str) -> list[re.Match[str]]:
    if "(" not in text:
        return list(_PINYIN_FULL.finditer(text)) if "（" in text else []
    if "（" not in text:
        return list(_PINYIN_ASCII.finditer(text))
    found = [*_PINYIN_ASCII.finditer(text), *_PINYIN_FULL.finditer(text)]
    found.sort(key=lambda m: m.start())
    return found


def pinyin_noise(text: str) -> list[Edit]:
    """Delete every `(pīnyīn)` annotation (and one cut off at the end of a line)."""
    edits: list[Edit] = []
    for m in _matches(text):
        if m.group()[1:-1] in _NEUTRAL_SET or m.group()[-1] not in ")）":
            prev = text[m.start() - 1] if m.start() else ""
            if not ("\u3400" <= prev <= "\u9fff"):
                continue
        edits.append((m.start(), m.end(), ""))
    return edits
