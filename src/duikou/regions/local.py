"""Units below the county level or outside GB/T 2260: townships and development zones.

Why a separate pass: there are ~39,000 township names and most are ordinary-looking words
(城关镇, 新华街道, 同心镇 in a dozen counties), so they must never go into the main automaton.
A township is recognised only inside its county's context: its name, suffix included, follows
or sits in the same sentence as its county (or the county's prefecture), or its county is the
document's main county. Zones (经开区, 高新区, 新区, 新区管委会, 保税区 ...) are recognised when
written right after their city (常州经开区, 无锡市新区管委会, 霍尔果斯经济开发区) or by a name
listed in zones.tsv (大鹏新区). Both get code None, like XPCC divisions, and a full name
(四川省广元市青川县竹园镇; 江苏省常州经济开发区) so they can be matched and shown by name.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from importlib import resources
from typing import TYPE_CHECKING

from duikou.models import Mention, Region

if TYPE_CHECKING:
    from duikou.regions.gazetteer import Gazetteer

SUFFIX_FIND = re.compile(r"镇|乡|街道|苏木").finditer
VILLAGE_AFTER = re.compile(r"[\u4e00-\u9fff]{1,5}?(?:村|社区)(?![民委级庄])")
SENTENCE_END = re.compile(r"[。！？!?\n；;]")
LOOKBACK = 60  # chars before a township in which its county may be named (the previous clause)
#: generic zone words written right after a city; value = the expansion used in the name
#: (the corpus convention writes 常州经开区 as 常州经济开发区)
ZONE_WORDS: dict[str, str] = {
    "经济技术开发区": "经济技术开发区", "经济开发区": "经济开发区", "经开区": "经济开发区",
    "高新技术产业开发区": "高新技术产业开发区", "高新区": "高新区", "综合保税区": "综合保税区",
    "保税区": "保税区", "新区管委会": "新区管委会", "新区": "新区", "工业园区": "工业园区",
}
ZONE_RE = re.compile("|".join(sorted(map(re.escape, ZONE_WORDS), key=len, reverse=True)))
#: characters that never stand in a zone's own name: words of a sentence (对口帮扶, 与, 的 …)
ZONE_NAME_STOP = set("对援帮扶与和的在向为及、等了是将把被从到由于至其各该本全市县区省镇乡村新")
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}


class LocalUnits:
    """Townships (loaded lazily from townships.tsv) and zones named after their city."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.g = gazetteer
        self._by_name: dict[str, tuple[str, ...]] | None = None  # township name -> county keys
        self._tails: dict[str, list[int]] = {}  # 园镇 -> name lengths ending so, longest first
        self._regions: dict[tuple[str, str], Region] = {}
        # id(Region) -> (the region, its township context)
        self._context_of: dict[int, tuple[Region, tuple[str, str] | None]] = {}
        self._zone_regions: dict[str, Region] = {}

    # ---- townships ----------------------------------------------------------------------
    def _load(self) -> dict[str, tuple[str, ...]]:
        """name -> county keys, and the tails index; ~60 ms, done on the first page that needs it."""
        if self._by_name is None:
            text = resources.files("duikou.regions").joinpath("data", "townships.tsv").read_text("utf-8")
            by_name: dict[str, list[str]] = {}
            units = self.g.units
            keys: dict[str, str | None] = {}
            for line in text.split("\n"):
                if not line or line[0] == "#" or line[0] == "c":
                    continue
                county, name, _ = line.split("\t", 2)
                key = keys.get(county, "")
                if key == "":
                    key = keys[county] = county if county in units else (
                        "zone:" + county if "zone:" + county in units else None)
                if key is not None:
                    if name in by_name:
                        by_name[name].append(key)
                    else:
                        by_name[name] = [key]
            self._by_name = by_name  # type: ignore[assignment]  # lists: no copy on the load path
            # 园镇 -> lengths of the names ending so, longest first: a suffix found in the text is
            # looked up only for the lengths some township has (one scan for 镇/乡/街道/苏木, no
            # second automaton: a DFA over 39,000 names costs more cache than it saves)
            tails: dict[str, set[int]] = defaultdict(set)
            for name in self._by_name:
                n = len(name)
                cut = 3 if name[-2:] in ("街道", "苏木") else 2
                if n > cut - 1:
                    tails[name[-cut:]].add(n)
            self._tails = {t: sorted(n, reverse=True) for t, n in tails.items()}
        return self._by_name

    def township_names(self, county_key: str) -> list[str]:
        """Every township of one county (for reports and tests)."""
        return sorted(n for n, keys in self._load().items() if county_key in keys)

    def township_counties(self, name: str) -> tuple[str, ...]:
        """Keys of the counties that have a township of this name (竹园镇 -> five counties)."""
        return tuple(self._load().get(name, ()))

    def township_region(self, county_key: str, name: str) -> Region:
        """The Region of one township (code None, level "township", full name with its county)."""
        return self._township_region(county_key, name)

    def _township_region(self, county_key: str, name: str) -> Region:
        region = self._regions.get((county_key, name))
        if region is None:
            county = self.g.units[county_key].region
            parent = county.code or county.parent_code
            region = Region(None, name, county.full_name + name, "township", county.province_code, parent)
            self._regions[(county_key, name)] = region
        return region

    def townships(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Township mentions whose county (or prefecture) is named nearby or is the document's
        main county; mentions lying inside a township's name (同心 in 同心镇) are replaced."""
        if not mentions:
            return mentions
        self._load()
        by_name = self._by_name or {}
        tails = self._tails
        # (start, end) of every township name in the text, longest first at each end
        spans: list[tuple[int, int]] = []
        for hit in SUFFIX_FIND(text):
            e = hit.end()
            lengths = tails.get(text[e - len(hit.group()) - 1:e])
            if lengths:
                spans.extend((e - n, e) for n in lengths if e >= n and text[e - n:e] in by_name)
        if not spans:
            return mentions
        starts = [m.start for m in mentions]
        breaks = [b.start() for b in SENTENCE_END.finditer(text)]  # sentence ends, once per page
        doc: list[object] = []  # the document-wide county list, built only if a fallback needs it
        found: list[Mention] = []
        done_end = -1
        for s, e in spans:
            if e == done_end or (found and found[-1].end > s):
                continue
            name = text[s:e]
            keys = by_name.get(name)
            if keys is None:
                continue
            # an existing mention may lie inside the name, never across its edges
            i = bisect_left(starts, s)
            if i and mentions[i - 1].end > s:
                continue
            j = bisect_left(starts, e)
            if any(m.end > e for m in mentions[i:j]):
                continue
            picked = self._pick(s, e, keys, mentions, starts, breaks, doc)
            if picked is None:
                continue
            key, why = picked
            village = VILLAGE_AFTER.match(text, e)
            if village:  # 蒲村镇双桥村道路: the township locates a project in a village
                why += f"; a village follows ({village.group()})"
            found.append(Mention(s, e, name, self._township_region(key, name), 0.6 if village else 0.9,
                                 f"township; {why}"))
            done_end = e
        if not found:
            return mentions
        return _replace_inside(mentions, found)

    def _counties(self, mentions: list[Mention]) -> list[tuple[int, int, str, str]]:
        """(start, end, county key or '', prefecture code) of the county-context mentions."""
        cache = self._context_of
        counties: list[tuple[int, int, str, str]] = []
        for m in mentions:
            r = m.region
            entry = cache.get(id(r))
            if entry is None or entry[0] is not r:  # the identity check makes a reused id harmless
                entry = cache[id(r)] = (r, self._context_info(r))
            info = entry[1]
            if info is not None:
                counties.append((m.start, m.end, info[0], info[1]))
        return counties

    def _context_info(self, r: Region) -> tuple[str, str] | None:
        """(county key or '', prefecture code) a region gives as township context, or None."""
        key_of = self.g._key_of
        if r.level == "county":
            return key_of(r) or "", r.parent_code or ""
        if r.level == "prefecture":
            return "", r.code or ""
        if r.level == "other" and r.parent_code:
            key = key_of(r) or ""  # a zone with townships of its own (gb=0 in divisions.tsv)
            if key in self.g.units:
                return key, r.parent_code
        return None

    def _pick(self, s: int, e: int, keys: list[str], mentions: list[Mention], starts: list[int],
              breaks: list[int], doc: list[object]) -> tuple[str, str] | None:
        """The county a township name belongs to here, and why; None when no county fits.
        breaks: the page's sentence-end offsets; doc caches the document-wide county list
        between calls (filled on first need)."""
        b = bisect_left(breaks, s)
        sent_start = breaks[b - 1] + 1 if b else 0
        left = min(sent_start, max(0, s - LOOKBACK))  # the sentence, or the previous clause
        b = bisect_left(breaks, e)
        right = breaks[b] if b < len(breaks) else (mentions[-1].end if mentions else e)
        lo, hi = bisect_left(starts, left), bisect_right(starts, right)
        best: tuple[float, str, str] | None = None
        for cs, ce, ckey, pref in self._counties(mentions[lo:hi]):
            if cs >= s and ce <= e:
                continue  # a name inside the township's own name is no context
            if ce > s and cs < e:
                continue
            distance = s - ce if ce <= s else (cs - e) * 2
            if e - s == 2 and not 0 <= distance <= 1:
                continue  # 张镇, 新镇: a two-character name only right after its county (萧县张镇)
            for key in keys:
                if ckey and key == ckey:
                    score, why = 2.0, f"county {self.g.units[key].region.name} named nearby"
                elif pref and self.g.units[key].region.parent_code == pref and not ckey:
                    prefecture = self.g.by_code(pref)
                    score, why = 1.0, f"its prefecture {prefecture.name if prefecture else pref} named nearby"
                else:
                    continue
                score -= distance / 1000
                if best is None or score > best[0]:
                    best = (score, key, why)
                elif score == best[0] and key != best[1]:
                    best = (score, "", "")  # two counties of this name equally near: undecided
        if best is not None:
            return (best[1], best[2]) if best[1] else None
        if e - s == 2:
            return None  # a two-character name needs its county right before it
        if not doc:
            counties = self._counties(mentions)
            top = Counter(c[2] for c in counties if c[2]).most_common(2)
            dominant = top[0][0] if top and top[0][1] >= 2 and (len(top) == 1 or top[0][1] > top[1][1]) else ""
            doc.extend((dominant, {c[2] for c in counties if c[2]}))
        dominant, named_all = doc  # type: ignore[misc]
        if dominant and dominant in keys:
            return dominant, f"{self.g.units[dominant].region.name} is the document's main county"  # type: ignore[index]
        # a distinctive name (3+ characters) of a township of exactly one county the document names
        named = [k for k in keys if k in named_all]  # type: ignore[operator]
        if len(named) == 1 and e - s >= 3:
            key = named[0]
            return key, f"county {self.g.units[key].region.name} named in the document"
        return None

    # ---- zones --------------------------------------------------------------------------
    def zones(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """A city (or county-level city) followed directly by a zone word: 常州经开区, 无锡市新区管委会."""
        if not mentions:
            return mentions
        words = list(ZONE_RE.finditer(text))
        if not words:
            return mentions
        by_end = {m.end: k for k, m in enumerate(mentions)}
        found: list[Mention] = []
        for zm in words:
            k = by_end.get(zm.start())
            if k is None:
                named = self._named_zone(text, mentions, by_end, zm)
                if named is not None:
                    found.append(named)
                continue
            m = mentions[k]
            r = m.region
            if r.code is None:
                continue
            if r.level == "county" and not (r.name.endswith("市") or r.code[:2] + "0000" in MUNICIPALITIES):
                continue
            if r.level == "province" and r.code not in MUNICIPALITIES:
                continue
            nxt = mentions[k + 1] if k + 1 < len(mentions) else None
            if nxt is not None and nxt.start < zm.end() and nxt.end > zm.end():
                continue
            found.append(Mention(m.start, zm.end(), text[m.start:zm.end()],
                                 self._zone_region(r, m.surface, zm.group()), 0.9,
                                 f"zone; {zm.group()} of {r.name}"))
        if not found:
            return mentions
        return _replace_inside(mentions, found)

    def _named_zone(self, text: str, mentions: list[Mention], by_end: dict[int, int],
                    zm: re.Match[str]) -> Mention | None:
        """A zone with a name of its own between its city and the zone word: 青岛西海岸新区,
        宁波杭州湾新区, 天津港保税区 (new districts and bonded zones). The name is 1 to 4 Chinese
        characters with no word of a sentence in it (南京市对口帮扶新区 is no zone)."""
        if any(m.start < zm.end() and zm.start() < m.end for m in mentions):
            return None  # the zone word is part of a division's own name (浦东新区)
        for gap in range(4, 0, -1):  # the farthest city first: 宁波杭州湾新区 is 宁波's
            k = by_end.get(zm.start() - gap)
            if k is None:
                continue
            name = text[zm.start() - gap:zm.start()]
            if not all("\u4e00" <= ch <= "\u9fff" for ch in name) or any(ch in ZONE_NAME_STOP for ch in name):
                continue
            m = mentions[k]
            city = m.region
            if city.code is None or city.level not in ("prefecture", "province") or (
                    city.level == "province" and city.code not in MUNICIPALITIES):
                return None
            if gap == 1:  # 天津港保税区: the zone's name holds its city's
                zone = m.surface + name + zm.group()
            else:
                zone = name + zm.group()
            full = city.full_name + zone
            key = f"{city.code}:{zone}"
            region = self._zone_regions.get(key)
            if region is None:
                parent = city.code
                region = self._zone_regions[key] = Region(None, zone, full, "other", city.province_code or city.code, parent)
            return Mention(m.start, zm.end(), text[m.start:zm.end()], region, 0.85,
                           f"zone; {zone} of {city.name}")
        return None

    def _zone_region(self, city: Region, surface: str, word: str) -> Region:
        """The zone's Region: a known one from divisions.tsv / zones.tsv when its name matches,
        else a new one named as written (经开区 spelled out), full name = province + name."""
        stem = surface[:-1] if surface.endswith("市") and len(surface) > 2 else surface
        expanded = ZONE_WORDS[word]
        for name in (stem + word, stem + expanded, surface + word, surface + expanded,
                     stem + "经济技术开发区" if word == "经开区" else "",
                     stem + "高新技术产业开发区" if word == "高新区" else ""):
            if not name:
                continue
            for reading in self.g._surfaces.get(name, _EMPTY).readings:
                u = reading.unit
                if u.region.code is None and reading.kind in ("zone", "name", "short") and (
                        u.region.parent_code in (city.code, city.parent_code) or u.region.province_code == city.province_code):
                    return u.region
        name = surface + expanded
        key = f"{city.code}:{name}"
        region = self._zone_regions.get(key)
        if region is None:
            province = self.g.by_code(city.province_code) if city.province_code else None
            if city.level == "province":
                full = name if name.startswith(city.name) else city.name + name
            else:
                prefix = province.full_name if province is not None and province.code != city.code else ""
                if not name.startswith(stem) and city.level != "province":
                    prefix = city.full_name
                full = prefix + name
            parent = city.code if city.level != "county" else city.parent_code
            region = Region(None, name, full, "other", city.province_code, parent)
            self._zone_regions[key] = region
        return region


class _NoSurface:
    readings: tuple = ()


_EMPTY = _NoSurface()


def _replace_inside(mentions: list[Mention], found: list[Mention]) -> list[Mention]:
    """Merge new mentions (sorted, non-overlapping) in, dropping old ones lying inside a new one."""
    out = list(mentions)
    for f in found:
        i = bisect_left(out, f.start, key=_start)
        j = i
        while j < len(out) and out[j].start < f.end and out[j].end <= f.end:
            j += 1
        out[i:j] = [f]
    return out



def _start(m: Mention) -> int:
    return m.start
