"""Vocabulary for pairing extraction, loaded from the data files in extract/data/.

Kept out of the code so the rules stay general and the word lists can grow without edits
to the rules: pairing_cues.tsv, pairing_provinces.tsv, pairing_vocab.tsv, pairing_units.tsv,
programme_words.tsv.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
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
    # derived tables, built on first use (the word lists do not change after loading)
    _cache: dict[tuple[str, str], object] = field(default_factory=dict, repr=False, compare=False)

    def words(self, name: str) -> list[str]:
        return self.lists.get(name, [])

    def alternation(self, name: str) -> str:
        key = ("alt", name)
        alt = self._cache.get(key)
        if alt is None:
            alt = self._cache[key] = "|".join(sorted(map(re.escape, self.words(name)), key=len, reverse=True))
        return alt  # type: ignore[return-value]

    def word_tuple(self, name: str) -> tuple[str, ...]:
        key = ("tuple", name)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = tuple(self.words(name))
        return got  # type: ignore[return-value]

    def word_set(self, name: str) -> frozenset[str]:
        key = ("set", name)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = frozenset(self.words(name))
        return got  # type: ignore[return-value]

    def compiled(self, key: str, build: Callable[[PairingVocab], str]) -> re.Pattern[str]:
        """A pattern made from the word lists, compiled once per vocabulary."""
        got = self._cache.get(("re", key))
        if got is None:
            got = self._cache[("re", key)] = re.compile(build(self))
        return got  # type: ignore[return-value]

    def cached(self, key: str, build: Callable[[PairingVocab], object]) -> object:
        """Any other table derived from the word lists, built once per vocabulary."""
        got = self._cache.get(("obj", key))
        if got is None:
            got = self._cache[("obj", key)] = build(self)
        return got


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


def _cue_programmes(v: PairingVocab) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for cue in v.cues:
        out.setdefault(cue.word, cue.programme)  # the first row for a word wins
    return out


def cue_programme(word: str) -> str | None:
    return vocab().cached("cue_programme", _cue_programmes).get(word)  # type: ignore[attr-defined]
