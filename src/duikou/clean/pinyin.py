"""Pinyin annotation noise: `當(dāng)前` -> `當前`.

Some scrapers copy pages whose characters carry ruby pinyin, which ends up inline as a
parenthesised syllable with a tone mark. Only parentheses holding Latin letters with at least
one tone mark are removed, so `(记者…)`, `县(区)`, `(About Us)` and `(2019)` stay.
"""

from __future__ import annotations

import re

from duikou.clean.tracked import Edit

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYLLABLE = rf"[a-zü]{{0,5}}[{_TONED}][a-zü{_TONED}]{{0,5}}"
PINYIN_NOISE = re.compile(rf"[(（]\s?{_SYLLABLE}(?:\s{_SYLLABLE}){{0,3}}\s?[)）]")


def pinyin_noise(text: str) -> list[Edit]:
    """Delete every `(pīnyīn)` annotation."""
    return [(m.start(), m.end(), "") for m in PINYIN_NOISE.finditer(text)]
