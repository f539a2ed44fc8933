"""我省 / 我市 / 我州 / 我县 / 我区 (and 本省 …) resolved to the page's own place.

Why: provincial papers write "我省援建北川" or "江苏向我省投入26亿元"; the party is the page's
own province, named nowhere in the sentence. The own place is read, in order of strength, from
  * a qualifier: "我省黄南藏族自治州" names the province itself (the province of the next name);
  * the publisher: a source line or dateline naming a paper or site (浙江日报, 中国甘肃网, 鲁网;
    data/media.tsv for names that hide their region, such as 新华日报 = Jiangsu), or the URL's host;
  * the dateline of a national agency (新华社成都…电: the place it reports from);
  * the official counterparts (known_pairings.tsv) of what the pronoun assists or is assisted by
    ("我省援建北川" -> a known donor of 北川);
  * how often the document names each candidate (a tie-breaker only).
A clause naming a province rules that province out for its own 我省 ("江苏省向我省投入": not
江苏). A mention is added only when one reading clearly leads; otherwise nothing is added.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from duikou.models import Mention, Region

if TYPE_CHECKING:
    from duikou.regions.gazetteer import Gazetteer

# 我省 / 本市 …, or a bare 省 opening a clause before 援 / 对口 (省援藏干部 = 我省援藏干部)
SELF_RE = re.compile(r"([我本])(省|市|州|县|区|盟)(?![场域级长委民直属内外籍省市县区])"
                     r"|(?:(?<=[。，,：:；;\s])|^)(省)(?=援|对口)")
LEVEL_OF = {"省": "province", "市": "prefecture", "州": "prefecture", "盟": "prefecture",
            "县": "county", "区": "county"}
AUTONOMOUS = {"150000", "450000", "540000", "640000", "650000"}  # 我区 = the autonomous region
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}  # 我市 = the municipality
MEDIA_RE = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:日报|晚报|新闻网|广播电视台|电视台|在线|网))")
SOURCE_RE = re.compile(r"(?:来源|稿源|据)[:：\s]*([\u4e00-\u9fff]{2,12})")
AGENCY_DATELINE = re.compile(r"(?:新华社|中新社|新华网|人民网|央视网|中新网)\s*([\u4e00-\u9fff]{2,8}?)\s*"
                             r"(?:\d{1,2}月\d{1,2}日)?\s*电")
DATELINE_TAIL = re.compile(r"\s*(?:[\u4e00-\u9fff]{0,8}?\d{1,2}月\d{1,2}日)?\s*(?:电|讯|(?:全媒体)?记者|通讯员)")
CLAUSE_END = "，,。；;！？!?\n"
ASSIST = re.compile(r"援|对口|支援|帮扶|协作|结对|捐")
HEAD = 400  # chars at the top of a page where datelines and source lines sit
MIN_SCORE, MIN_MARGIN = 2.5, 1.0
PARTNER = 2.5  # a clause-mate's only known counterpart, with an assistance word: enough alone
DATELINE_REACH = 1500  # chars after an agency dateline where it still speaks for the page
_DEBUG = False  # print the ranked candidates (development aid)


@dataclass(frozen=True)
class _Media:
    region: str  # GB/T code or "-" (national)
    hosts: tuple[str, ...]


@lru_cache(maxsize=1)
def _media() -> tuple[dict[str, _Media], list[tuple[str, str]]]:
    from duikou.regions.gazetteer import _rows

    names: dict[str, _Media] = {}
    hosts: list[tuple[str, str]] = []
    for row in _rows("media.tsv"):
        host = tuple(h for h in (row.get("host") or "").split("/") if h)
        if row["name"] != "-":
            names[row["name"]] = _Media(row["region"], host)
        hosts += [(h, row["region"]) for h in host]
    return names, hosts


def resolve_self_references(text: str, mentions: list[Mention], url: str | None = None,
                            gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Mentions for 我省/我市/我州/我县/我区/本省… resolved to the page's own place (only the new
    ones; merge them with `mentions`). Nothing is added where the own place is unclear.

    mentions: Gazetteer.find_mentions(text) of the same text; url: the page's address, if known.
    A pronoun directly followed by a name (我省黄南州) is resolved too: it qualifies that name.
    """
    hits = list(SELF_RE.finditer(text))
    if not hits:
        return []
    if gazetteer is None:
        from duikou.regions import default_gazetteer

        gazetteer = default_gazetteer()
    g = gazetteer
    # programme words (援藏) and one-character compounds name no side reliably: 我省援宁 is the
    # donor's voice, 我区…援藏项目 the recipient's
    real = [m for m in mentions if not m.why.startswith(("abbrev", "programme-word"))]
    starts = {m.start: m for m in real}
    evidence: dict[str, Counter[str]] = defaultdict(Counter)  # level -> unit key -> score
    reasons: dict[tuple[str, str], str] = {}

    def vote(level: str, region: Region | None, weight: float, why: str) -> None:
        key = _at_level(g, region, level)
        if key:
            evidence[level][key] += weight
            reasons.setdefault((level, key), why)

    levels = {LEVEL_OF[_unit_word(h)] for h in hits}
    # qualifiers: 我省黄南州 -> the province of 黄南州
    for h in hits:
        nxt = starts.get(h.end())
        if nxt is not None and nxt.region.level != "province":
            vote(LEVEL_OF[_unit_word(h)], nxt.region, 3.0, f"qualifies {nxt.surface}")
    # the publisher: source lines and datelines, then the URL
    publishers = _publishers(text)
    for name, _, _ in publishers:
        media = _media()[0].get(name)
        if media is not None:
            if media.region != "-":
                for level in levels:
                    vote(level, g.unit(media.region).region if g.unit(media.region) else None, 3.0,
                         f"published by {name}")
            continue
        place = _place_in(g, name)
        if place is not None:
            for level in levels:
                vote(level, place, 3.0, f"published by {name}")
    if url:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
        for fragment, code in _media()[1]:
            if code != "-" and (host == fragment or host.endswith("." + fragment)) and g.unit(code):
                for level in levels:
                    vote(level, g.unit(code).region, 3.0, f"site {host}")
                break
    dateline = AGENCY_DATELINE.search(text[:HEAD])
    reach = dateline.end() + DATELINE_REACH if dateline else 0
    if dateline:
        place = _place_in(g, dateline.group(1))
        if place is not None and place.province_code != "110000":  # Beijing: central news
            for level in levels:
                vote(level, place, 3.0, f"dateline {dateline.group(1)}")
    # each pronoun's clause: known counterparts of what it assists (or is assisted by) vote for,
    # the places the clause names vote against (江苏省向我省投入: the other side, not 我省)
    in_publisher = [(a, b) for _, a, b in publishers]
    clause_mates: list[list[Mention]] = []
    for h in hits:
        lo, hi = _clause(text, h.start(), h.end())
        level = LEVEL_OF[_unit_word(h)]
        mates = [m for m in real if lo <= m.start < hi and m.start != h.end()
                 and not any(a <= m.start < b for a, b in in_publisher)]
        clause_mates.append(mates)
        for m in mates:
            key = _at_level(g, m.region, level)
            if key:
                evidence[level][key] -= 1.0
        if not ASSIST.search(text, lo, hi):
            continue
        for m in mates:
            # one vote per named place, shared among its counterparts at this level
            keys = {_at_level(g, u.region, level) for p in g._partners.get(g._key_of(m.region) or "", ())
                    if (u := g.unit(p)) is not None} - {""}
            for key in keys:
                unit = g.unit(key)
                vote(level, unit.region if unit else None, PARTNER / len(keys), f"known counterpart of {m.surface}")
    # how often the document names each candidate: a tie-breaker
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for m in real:
        for level in levels:
            key = _at_level(g, m.region, level)
            if key:
                counts[level][key] += 1
    own: dict[str, str] = {}  # level -> the page's own place, when clear
    for level in levels:
        total = sum(counts[level].values())
        ranked = sorted(((score + (counts[level][key] / total if total else 0.0), key)
                         for key, score in evidence[level].items() if (level, key) in reasons), reverse=True)
        if ranked and ranked[0][0] >= MIN_SCORE and (len(ranked) == 1 or ranked[0][0] - ranked[1][0] >= MIN_MARGIN):
            own[level] = ranked[0][1]
        if _DEBUG:
            print(level, [(round(x, 2), g.unit(k).region.name if g.unit(k) else k) for x, k in ranked[:4]])

    found: list[Mention] = []
    for h, mates in zip(hits, clause_mates):
        word, level = h.group(), LEVEL_OF[_unit_word(h)]
        nxt = starts.get(h.end())
        if nxt is not None and nxt.region.level != "province":
            key = _at_level(g, nxt.region, level)  # 我省黄南州: the qualifier decides
            why = f"qualifies {nxt.surface}"
        else:
            key = own.get(level, "")
            why = reasons.get((level, key), "document")
            if any(_at_level(g, m.region, level) == key for m in mates):
                continue  # the clause names the own place as the other side: unclear
            if why.startswith("dateline") and h.start() > reach:
                continue  # far below an agency dateline (pages glue several articles)
        unit = g.unit(key) if key else None
        if unit is None:
            continue
        region = unit.region
        if (_unit_word(h) == "区" and region.level == "county" and not region.name.endswith("区")) or (
                _unit_word(h) == "县" and region.level != "county"):
            continue
        found.append(Mention(h.start(), h.end(), word, region, 0.8, f"self:{word} ({why})"))
    return found


def _unit_word(hit: re.Match[str]) -> str:
    """省 / 市 / 州 / 县 / 区 / 盟 of a SELF_RE hit."""
    return hit.group(2) or hit.group(3)


def _at_level(g: Gazetteer, region: Region | None, level: str) -> str:
    """The unit key of region's ancestor (or itself) at the level (我区 may be a province)."""
    if region is None:
        return ""
    if level == "province":
        return region.province_code or ""
    if level == "prefecture":
        if region.province_code in MUNICIPALITIES:
            return region.province_code or ""
        if region.level == "prefecture":
            return g._key_of(region) or ""
        if region.level in ("county", "township") and region.parent_code:
            parent = g.by_code(region.parent_code)
            if parent is not None and parent.level == "prefecture":
                return parent.code or ""
        return ""
    if region.level == "county":
        return g._key_of(region) or ""
    if region.province_code in AUTONOMOUS:
        return region.province_code or ""  # 我区 in a Xinjiang or Tibet paper: the region itself
    return ""


def _place_in(g: Gazetteer, name: str) -> Region | None:
    """The region a media name or dateline place begins or ends with (浙江日报, 中国甘肃网)."""
    found = [m for m in g.find_mentions(name) if not m.why.startswith(("abbrev", "programme"))]
    if not found:
        return None
    m = found[0] if found[0].start == 0 else found[-1]
    stem = re.sub(r"(?:民族)?(?:日报|晚报|新闻网|广播电视台|电视台|在线|网)$", "", name)
    if m.start == 0 or m.end == len(stem):
        return m.region
    return None


def _publishers(text: str) -> list[tuple[str, int, int]]:
    """Media names (name, start, end) in the page's source lines and in its first lines
    (dateline, 本报讯)."""
    out: list[tuple[str, int, int]] = []
    names = _media()[0]
    for m in SOURCE_RE.finditer(text):
        media = MEDIA_RE.match(m.group(1))
        name = media.group(1) if media else next((m.group(1)[:k] for k in (5, 4, 3, 2) if m.group(1)[:k] in names), "")
        if name:
            out.append((name, m.start(1), m.start(1) + len(name)))
    head = text[:HEAD]
    for name in names:
        at = head.find(name)
        if at >= 0:
            out.append((name, at, at + len(name)))
    for m in MEDIA_RE.finditer(head):
        if DATELINE_TAIL.match(head, m.end()):
            out.append((m.group(1), m.start(1), m.end(1)))
    return out


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(text.rfind(c, 0, start) for c in CLAUSE_END) + 1
    his = [i for i in (text.find(c, end) for c in CLAUSE_END) if i >= 0]
    return lo, min(his) if his else len(text)
