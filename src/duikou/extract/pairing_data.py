"""Vocabulary for pairing extraction, loaded from the data files in extract/data/.

Kept out of the code so the rules stay general and the word lists can grow without edits
to the rules: pairing_cues.tsv, pairing_provinces.tsv, pairing_vocab.tsv, pairing_units.tsv,
programme_words.tsv.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources


def _rows(filename: str) -> list[list[str]]:
    text = resources.files("duikou.extract").joinpath("data", filename).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Cue:
    word: str
    kind: str  # verb | relation | both
    programme: str | None


@dataclass(frozen=True)
class UnitPattern:
    pattern: re.Pattern[str]
    name: str
    level: str
    province_code: str
    requires: str


@dataclass
class PairingVocab:
    cues: list[Cue]
    verb_re: re.Pattern[str]
    relation_re: re.Pattern[str]
    province_abbrevs: dict[str, list[str]]  # 苏 -> [320000]
    province_rank: dict[str, int]  # 320000 -> 9
    province_programme: dict[str, str]
    programme_words: dict[str, tuple[str, str]]  # 援伊 -> (654000, 援疆)
    programme_word_re: re.Pattern[str]
    lists: dict[str, list[str]] = field(default_factory=dict)
    units: list[UnitPattern] = field(default_factory=list)

    def words(self, name: str) -> list[str]:
        return self.lists.get(name, [])

    def alternation(self, name: str) -> str:
        return "|".join(sorted(map(re.escape, self.words(name)), key=len, reverse=True))


def _alt(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))


@lru_cache(maxsize=1)
def vocab() -> PairingVocab:
    cues = [Cue(w, k, None if p == "-" else p) for w, k, p in _rows("pairing_cues.tsv")]
    abbrevs: dict[str, list[str]] = defaultdict(list)
    rank: dict[str, int] = {}
    programme: dict[str, str] = {}
    for code, short, r, prog in _rows("pairing_provinces.tsv"):
        for ch in short.split("/"):
            abbrevs[ch].append(code)
        rank[code] = int(r)
        programme[code] = prog
    words = {w: (t, p) for w, t, p in _rows("programme_words.tsv")}
    lists: dict[str, list[str]] = defaultdict(list)
    for name, word in _rows("pairing_vocab.tsv"):
        lists[name].append(word)
    units = [
        UnitPattern(re.compile(p), n, lv, pc, req) for p, n, lv, pc, req in _rows("pairing_units.tsv")
    ]
    return PairingVocab(
        cues=cues,
        verb_re=_alt([c.word for c in cues if c.kind in ("verb", "both")]),
        relation_re=_alt([c.word for c in cues if c.kind in ("relation", "both")]),
        province_abbrevs=dict(abbrevs),
        province_rank=rank,
        province_programme=programme,
        programme_words=words,
        programme_word_re=_alt(list(words)),
        lists=dict(lists),
        units=units,
    )


def cue_programme(word: str) -> str | None:
    for cue in vocab().cues:
        if cue.word == word:
            return cue.programme
    return None
