"""Gazetteer loading and name resolution (first version: names, short forms, parent context)."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import ahocorasick_rs

from duikou.models import Mention, Region

SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市", "地区", "盟", "自治州", "自治县", "县", "区", "旗")
LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2, "other": 3}


@dataclass
class Candidate:
    region: Region
    score: float
    why: list[str] = field(default_factory=list)


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("duikou.regions").joinpath("data", filename).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _short_forms(name: str, short: str, level: str) -> set[str]:
    forms = {name}
    forms.update(s for s in short.split("/") if s)
    if level != "county":
        for suffix in SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                forms.add(name[: -len(suffix)])
                break
    # a bare one-character form is never safe
    return {f for f in forms if len(f) >= 2}


class Gazetteer:
    def __init__(self, divisions: list[dict[str, str]]):
        self.regions: dict[str, Region] = {}
        names: dict[str, set[str]] = defaultdict(set)
        raw = {row["code"]: row for row in divisions}
        for row in divisions:
            code, level = row["code"], row["level"]
            province = code[:2] + "0000"
            chain = []
            parent = row["parent"]
            while parent and parent in raw and parent != code:
                chain.append(raw[parent]["name"])
                parent = raw[parent]["parent"]
            full = "".join(reversed(chain)) + row["name"]
            self.regions[code] = Region(code, row["name"], full, level, province, row["parent"] or None)
            for form in _short_forms(row["name"], row.get("short", ""), level):
                names[form].add(code)
        self.names = {k: sorted(v) for k, v in names.items()}
        self._patterns = sorted(self.names)
        self._matcher = ahocorasick_rs.AhoCorasick(
            self._patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
        )

    def by_code(self, code: str | None) -> Region | None:
        return self.regions.get(code) if code else None

    def lookup(self, name: str) -> list[Region]:
        return [self.regions[c] for c in self.names.get(name, [])]

    def _score(self, region: Region, surface: str, context_codes: Counter[str]) -> Candidate:
        score, why = 1.0 - 0.1 * LEVEL_RANK[region.level], []
        if surface == region.name:
            score += 0.5
            why.append("official name")
        if region.parent_code and context_codes.get(region.parent_code):
            score += 2.0
            why.append("parent named nearby")
        if region.province_code and region.province_code != region.code and context_codes.get(region.province_code):
            score += 1.0
            why.append("province named in context")
        return Candidate(region, score, why)

    def candidates(self, name: str, context: str = "") -> list[Candidate]:
        context_codes = Counter(
            code for m in self._raw_mentions(context) for code in self.names[m[2]]
            if self.regions[code].level != "county"
        )
        ranked = [self._score(r, name, context_codes) for r in self.lookup(name)]
        return sorted(ranked, key=lambda c: (-c.score, c.region.code or ""))

    def _raw_mentions(self, text: str) -> list[tuple[int, int, str]]:
        return [(s, e, self._patterns[i]) for i, s, e in self._matcher.find_matches_as_indexes(text)]

    def find_mentions(self, text: str) -> list[Mention]:
        raw = self._raw_mentions(text)
        unambiguous = Counter()
        for _, _, surface in raw:
            codes = self.names[surface]
            if len(codes) == 1:
                region = self.regions[codes[0]]
                unambiguous[region.code] += 1
                if region.parent_code:
                    unambiguous[region.parent_code] += 1
                if region.province_code:
                    unambiguous[region.province_code] += 1
        mentions = []
        for start, end, surface in raw:
            window = Counter(unambiguous)
            near = text[max(0, start - 30): end + 30]
            for _, _, s in self._raw_mentions(near):
                for code in self.names[s]:
                    window[code] += 2
            ranked = sorted(
                (self._score(r, surface, window) for r in self.lookup(surface)),
                key=lambda c: (-c.score, c.region.code or ""),
            )
            best = ranked[0]
            mentions.append(Mention(start, end, surface, best.region, best.score, "; ".join(best.why)))
        return mentions


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer(_rows("divisions.tsv"))
