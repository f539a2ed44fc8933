"""Pairing extraction: who assists whom (donor -> recipient), under which programme, since when.

A pure function of one document's clean text and its region mentions. The rules, each named
in Evidence.extractor:

- ``verb``        浙江省对口支援阿克苏地区 / 辽宁省对口支援那曲市及其下辖色尼区、聂荣县
- ``verb-rev``    对口援建理县的湖南省 / 海北州作为山东对口支援的地区
- ``to-list``     杭州市…对恩施州、黔东南州的对口帮扶资金 / 向伊犁州投入援疆资金
- ``relation``    黔西南州与宁波建立对口帮扶关系 / 宁波黔西南扶贫协作会议 / 福州和定西两地
- ``respectively`` 鼓楼区、台江区分别与岷县、漳县签订…
- ``delegation``  常州市党政代表团赴安康市…推进东西部扶贫协作
- ``team``        无锡援疆工作组在阿合奇县… / 江苏援伊前指 / 温岭市的援青干部、乌兰县委常委 /
                  山东援疆干部、疏勒县委副书记 (a province's cadre titled by a county office) /
                  上海市对口支援新疆工作前方指挥部在喀什地区举行… (a team's own meeting place counts)
- ``list``        恩施巴东、黔东南台江等结对地区 (donor from this or the previous sentence)
- ``compound``    闽宁两省区 / 厦临协作 (abbreviations resolved in document context)
- ``compound-programme`` 沪滇协作 / 苏辽对口合作: two provinces before a programme's own word
                  (pair_suffix_programme), eastern donor and western (or 对口合作 north-eastern)
                  recipient; gives way when the document pairs places inside the two provinces
- ``cooccur``     one donor-side and one recipient-side place in a clause that states assistance
- ``antecedent``  a sentence where one donor states assistance (作为对口援建省份，山东… / 江苏援建者)
                  but names no recipient takes the single recipient-side place of the nearest
                  earlier sentence that names places (北川蒙受灾难。/ a caption line 10月19日四川绵竹。)

Weak readings (team, cooccur, delegation, antecedent) of donor→prefecture give way when the same
donor is explicitly paired with counties of that prefecture in the document (_drop_subsumed).
A negation word (没有对口支援任务) only counts outside place names (无锡) and non-negating words
(无偿). The programme is decided once per pair and document (_disaster for 2008 reconstruction:
document wording, the 2008 plan in regions/data/known_pairings.tsv, the 对口援建 cue).

Direction comes from syntax where the sentence gives it, otherwise from a per-province donor
rank (pairing_provinces.tsv): eastern provinces give, western ones receive.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from duikou.extract.pairing_data import PairingVocab, cue_programme, vocab
from duikou.models import Evidence, Mention, Pairing, Region

SENTENCE_END = re.compile(r"[。！？!?\n]")
PUNCT = set("。！？!?\n；;，,:：“”\"'（）()《》【】[]|")
LEVEL_DEPTH = {"province": 0, "prefecture": 1, "county": 2, "township": 3, "other": 3}
DATELINE = re.compile(r"(?:社|网|报|台|电视台)([\u4e00-\u9fff]{2,12}?)(?:\d{1,2}月\d{1,2}日)?(?:电|讯)")
CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
GROUP_JOIN = PUNCT | {"、", "与", "和", "及"}  # characters that keep two adjacent names apart
VENUE_BEFORE = re.compile(r"(?:在|于|赴|到|前往)$")
DISPATCH = re.compile(r"派出|选派|援派|派遣|选调")
CONTINUED = re.compile(r"(?:又|再|还|另|新)(?:增加|新增|增|扩大到|扩展到|延伸到|拓展到|纳入)了?")
# 巴州的对口援疆省份是河北省和浙江省: the places after it are the recipient's donors
DONOR_ROLE = re.compile(r"的(?:对口)?(?:援[\u4e00-\u9fff]|支援|帮扶|援建|援助|协作)?(?:方|省份|省市|城市|地区|单位)"
                        r"(?:是|为|有|包括)")
GO_TO = re.compile(r"(?:到|赴|前往|进驻)")
VENUE_AFTER = re.compile(r"[^，。,]{0,6}?(?:召开|举行|举办|开幕|闭幕|会见|考察|调研|学习|培训|参加|出席)")
# a team stationed where it assists holds its own meetings there (上海援疆前指在喀什举行推进会);
# only going somewhere to learn or attend makes a place a mere venue for it
VENUE_AWAY = re.compile(r"[^，。,]{0,6}?(?:考察|调研|学习|培训|参加|出席)")
RESPECTIVELY = re.compile("分别(?:与|和|同)")
# 甲市承担了乙县的整体重建: a subject takes on (承担/负责) the assistance of places named before the
# work (the work is a noun after them)
UNDERTAKE = re.compile(r"(?:承担|负责|承接|包干)(?:了|起)?")
UNDERTAKEN = re.compile(r"的?(?:整体|全部|主要|对口|灾后|恢复|援建|建设)*(重建|援建|支援|帮扶|援助)(?:任务|工作)?"
                        r"(?=[，。,；;、！!]|和|及|$)")
# 甲区、乙区负责结对支援的，是丙县、丁县: the recipients after a cleft
CLEFT = re.compile(r"的[，,]?(?:是|为)")
# 由深圳市代表广东省…: the place before 代表 acts for the one after it
REPRESENTS = re.compile(r"(?:作为|受)?代表|受[^，。,]{0,4}委托")
# a time or manner adverbial between the subject and 与 of a relation (苏州市于2013年与铜仁市结对;
# 甲区分别于2015年、2017年与乙县、丙县建立协作关系): the gap still joins the two parties
_DATE = r"(?:19|20)\d{2}年(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底|初|末)?"
ADVERBIAL_JOIN = re.compile(rf"(?:分别|先后|也|还|已|早)?(?:于|在|从|自)?{_DATE}(?:[、和至到-]{_DATE})*"
                            r"(?:起|以来|开始)?[，,]?(?:又|也|还|便|就|即)?(与|和|同)")
REV_LINK = re.compile(r"\s*(作为|是|为|成为)\s*")
HAN = re.compile(r"[\u4e00-\u9fff]")
YEAR = re.compile(r"\d{4}")
SINCE_REF = re.compile(r"((?:19|20)\d{2})年是")
SINCE_ANNIVERSARY = re.compile(r"([\d一二三四五六七八九十]+)周年")
SINCE_FROM = re.compile(r"((?:19|20)\d{2})年(?:\d{1,2}月)?(?:\d{1,2}日)?\s*(?:起|以来|开始|算起)")
SINCE_SINCE = re.compile(r"(?:自|从)((?:19|20)\d{2})年[^，。,]{0,14}?(?:以来|起|开始)")
SINCE_FOUNDED = re.compile(r"((?:19|20)\d{2})年(?:\d{1,2}月)?[^。]{0,30}?(?:正式|首次)?"
                           r"(?:建立|确定|明确|结对|启动|开启|拉开|签订|签署)")
SINCE_NTH_YEAR = re.compile(r"第([\d一二三四五六七八九十]+)个?年(?:头)?")


# --------------------------------------------------------------------------- places


@dataclass
class Group:
    """A run of mentions naming one place (青海省海南藏族自治州同德县); region is the deepest."""

    start: int
    end: int
    regions: list[Region]
    institution: bool = False
    why: str = ""
    event: bool = False  # names an event, not a party: 汶川地震, 玉树地震

    @property
    def region(self) -> Region:
        return self.regions[-1]


def _province(region: Region) -> str | None:
    return region.province_code or (region.code if region.level == "province" else None)


def _rank(region: Region) -> int:
    return vocab().province_rank.get(_province(region) or "", 3)


def _is_xpcc(region: Region) -> bool:
    return "兵团" in region.name


def _is_zone(region: Region) -> bool:
    """Development zones (经开区, 新区) and new districts: units without a code."""
    return region.level == "other" and not _is_xpcc(region)


def _special(m: Mention) -> bool:
    """Mentions of one character of a compound (苏 in 苏陕) or of a programme word (疆 in 援疆)."""
    return m.why.startswith(("abbrev:", "programme-word:"))


def _key(region: Region) -> str:
    return region.code or region.full_name


def _within(child: Region, parent: Region) -> bool:
    """child lies inside parent (province, prefecture or a parent chain)."""
    if child is parent or _key(child) == _key(parent):
        return False
    if LEVEL_DEPTH.get(child.level, 3) <= LEVEL_DEPTH.get(parent.level, 3):
        return False
    if parent.level == "province":
        return _province(child) == parent.code
    return child.parent_code is not None and child.parent_code == parent.code


def _unit_mentions(text: str, v: PairingVocab) -> list[Mention]:
    """Units without a GB/T code (兵团 divisions) the gazetteer does not know."""
    found: list[Mention] = []
    for unit in v.units:
        if unit.requires and unit.requires not in text:
            continue
        for m in unit.pattern.finditer(text):
            name = unit.name.format(n=m.group("n"))
            region = Region(None, name, name, unit.level, unit.province_code, unit.province_code)
            found.append(Mention(m.start(), m.end(), m.group(0), region, 1.0, "unit"))
    return found


def _known_partner(region: Region, codes: set[str]) -> bool:
    """Is region an official counterpart (the registry, known_pairings.tsv) of a unit named in
    the document?"""
    from duikou.extract.pairing_features import official_pairs

    pairs = official_pairs()
    code = region.code
    return any((c, code) in pairs or (code, c) in pairs for c in codes)


def _mention_counts(mentions: list[Mention]) -> tuple[Counter[str | None], Counter[str], set[str]]:
    """Mentions per province and per surface, and the codes (and province codes) named."""
    provinces = Counter(_province(m.region) for m in mentions)
    surfaces = Counter(m.surface for m in mentions)
    codes = {m.region.code for m in mentions if m.region.code}
    codes |= {_province(m.region) or "" for m in mentions}
    return provinces, surfaces, codes


def _trusted(mentions: list[Mention], text: str, v: PairingVocab) -> list[Mention]:
    """Drop mentions that are more likely ordinary words (合作 -> 合作市, 长治久安 -> 长治市).
    A county's short name counts when its province is named again, the name recurs, or a known
    counterpart of the county is named (山东援建的北川新县城)."""
    stop = v.word_set("stop")
    counts: tuple[Counter[str | None], Counter[str], set[str]] | None = None  # built when first needed
    partner: dict[str, bool] = {}  # region code -> a known counterpart of it is named
    kept = []
    for m in mentions:
        r = m.region
        if m.surface in stop:
            continue
        if m.why.startswith("township") and "a village follows" in m.why:
            continue  # 岐山县蒲村镇双桥村道路: the township only locates a project; the county is the party
        if m.why.startswith(("unit", "pronoun", "xpcc", "zone", "former")) or _is_xpcc(r):
            kept.append(m)
            continue
        if r.level in ("province", "prefecture"):
            kept.append(m)
        elif r.level == "other":
            if m.surface == r.name and len(m.surface) >= 4 and m.surface not in stop:
                kept.append(m)
        elif m.surface == r.name:
            kept.append(m)  # the official name, suffix included (理县, 忠县)
        elif (counts := counts or _mention_counts(mentions))[0][_province(r)] >= 2 or counts[1][m.surface] >= 3:
            # another place in the same province is named, or the name recurs
            kept.append(m)
        elif r.code:
            known = partner.get(r.code)
            if known is None:
                known = partner[r.code] = _known_partner(r, counts[2] - {r.code})
            if known:
                kept.append(m)
    return kept


def _pronoun_mentions(text: str, mentions: list[Mention], v: PairingVocab) -> list[Mention]:
    """我省/我市 as the publishing side: the most-named donor-side province (city) of the document."""
    found: list[Mention] = []
    hits = [(word, matches) for word, pattern in v.cached("pronoun_patterns", _pronoun_patterns)  # type: ignore[attr-defined]
            if (matches := list(pattern.finditer(text)))]
    if not hits:
        return found
    by_level: dict[str, Counter[str]] = {"province": Counter(), "prefecture": Counter()}
    regions: dict[str, Region] = {}
    for m in mentions:
        if m.region.level in by_level and m.region.code and _rank(m.region) >= 5:
            by_level[m.region.level][m.region.code] += 1
            regions[m.region.code] = m.region
    starts = {x.start for x in mentions}
    for word, matches in hits:
        level = "province" if word.endswith("省") else "prefecture"
        if not by_level[level]:
            continue
        code, _ = by_level[level].most_common(1)[0]
        for m in matches:
            # "我省海北藏族自治州": the pronoun qualifies the next name, it is not a party
            if m.end() in starts:
                continue
            found.append(Mention(m.start(), m.end(), word, regions[code], 0.8, "pronoun"))
    return found


def _pronoun_patterns(v: PairingVocab) -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for word in v.words("pronoun"):
        # bare 省 opening a clause before a cue (省对口帮扶甘肃省工作队) is 我省 too
        # (the check on the character before comes after the word: a literal start scans fast)
        pattern = re.escape(word) if len(word) > 1 else word + r"(?<![^。，,：:；;\s]" + word + r")(?=对口|援)"
        out.append((word, re.compile(pattern)))
    return out


def _groups(text: str, mentions: list[Mention], v: PairingVocab, presorted: bool = False) -> list[Group]:
    """presorted: mentions are already in (start, -end) order."""
    inst = v.compiled("institution", lambda v: r"[^\s，。、,;；与和及的]{0,4}?(?:" + v.alternation("institution") + ")")
    groups: list[Group] = []
    last: Group | None = None  # groups[-1]
    for m in mentions if presorted else sorted(mentions, key=lambda x: (x.start, -x.end)):
        if last is not None:
            if m.start < last.end:
                continue  # overlapping mention: keep the earlier, longer one
            if m.start - last.end <= 1 and _within(m.region, last.region) and (
                m.start == last.end or text[last.end] not in GROUP_JOIN
            ):
                last.end = m.end
                last.regions.append(m.region)
                continue
        last = Group(m.start, m.end, [m.region], why=m.why)
        groups.append(last)
    events = v.word_tuple("event")
    for g in groups:
        g.institution = bool(inst.match(text, g.end))
        g.event = text.startswith(events, g.end)
    return groups


# --------------------------------------------------------------------------- helpers


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in SENTENCE_END.finditer(text):
        if m.end() - start > 1:
            spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _clean_gap(text: str, a: int, b: int) -> bool:
    return all(ch not in PUNCT for ch in text[a:b])


def _negation_pattern(v: PairingVocab) -> str:
    return "|".join(map(re.escape, v.words("negation")))


def _negated(text: str, at: int, v: PairingVocab, covered: set[int] | frozenset[int] = frozenset()) -> bool:
    """A negation word in the four characters before a cue (没有对口支援任务). Characters of a
    place name (无锡) and words that only look negative (无偿, 无私) do not count."""
    lo = max(0, at - 4)
    negation = v.word_tuple("negation")
    # masking only turns characters into '#', so a negation word must be in the raw window
    if not v.compiled("negation", _negation_pattern).search(text, lo, at):
        return False
    window = "".join("#" if i in covered else text[i] for i in range(lo, at))
    for w in v.words("not_negation"):
        window = window.replace(w, "#" * len(w))
    return any(w in window for w in negation)


RANK_ONLY_DONOR = 8
# between the last recipient of "对/向 R1、R2 … CUE" and the cue: a count of its units and a verb,
# optionally with a short modifier of the money or work (向云南省投入财政帮扶资金, 对恩施州的对口帮扶,
# 向重庆市14个区县投入财政援助资金)
TO_LIST_GAP = re.compile(r"(?:[\d一二三四五六七八九十两]+个(?:区县|县区|县市|市县|县|区|市|乡镇)(?:的)?)?"
                         r"(?:(?:的|投入|安排|拨付|提供|落实|开展|建立|进行|深化|加强|加大)(?:了)?"
                         r"(?:财政|各类|专项|东西部|产业)?)?")
COOCCUR_CUES = ("对口", "扶贫协作", "消费扶贫", "东西部")  # relation cues strong enough for cooccur
ANTECEDENT_DONOR = 5  # 湖南援建者 (the 2008 plan's central provinces give too)


def _by_rank(a: Region, b: Region) -> tuple[Region, Region] | None:
    """(donor, recipient) when only the provinces' ranks can tell the direction."""
    donor, recipient = (a, b) if _rank(a) > _rank(b) else (b, a)
    if _rank(donor) < RANK_ONLY_DONOR or _rank(donor) - _rank(recipient) < 2:
        return None
    if _province(donor) == _province(recipient):
        return None
    return donor, recipient


def _donor_side(donor: Region, recipient: Region) -> bool:
    if _province(donor) == _province(recipient):
        return False
    return _rank(donor) > _rank(recipient)


def _verb_side(donor: Region, recipient: Region) -> bool:
    """Can donor give to recipient when a directional verb stands between them (甲对口帮扶乙)?
    Across provinces the ranks must agree, as everywhere; inside one province the syntax alone
    decides (省内对口帮扶: 深圳对口帮扶汕尾, 南京对口帮扶淮安), between cities and counties, never
    a county giving to a prefecture."""
    if _province(donor) == _province(recipient) and _province(donor):
        return (donor.level in ("prefecture", "county") and recipient.level in ("prefecture", "county")
                and LEVEL_DEPTH[donor.level] <= LEVEL_DEPTH[recipient.level])
    return _donor_side(donor, recipient)


def _one_side(a: Region, b: Region) -> bool:
    """Can two places stand in one list? One list names one side: places of one province, or of
    provinces of one rank class (福州对口援建八宿县、厦门对口援建左贡县 joins 八宿县 and 厦门 by 、
    but they are no list)."""
    return _province(a) == _province(b) or (_rank(a) >= 6) == (_rank(b) >= 6)


def _list_after(text: str, groups: list[Group], first: int, v: PairingVocab, limit: int,
                one_side: bool = True) -> list[Group]:
    """groups[first] and the groups joined to it by list connectors (、 和 及其下辖 …); with
    one_side, only places that can stand on one side (_one_side)."""
    joins = v.word_set("list_join")
    out = [groups[first]]
    i = first
    while i + 1 < len(groups) and groups[i + 1].start <= limit:
        gap = text[groups[i].end: groups[i + 1].start].strip(" ,，")
        if gap not in joins or (one_side and not _one_side(groups[i].region, groups[i + 1].region)):
            break
        i += 1
        out.append(groups[i])
    return out


def _list_before(text: str, groups: list[Group], last: int, v: PairingVocab, floor: int) -> list[int]:
    joins = v.word_set("list_join")
    idx = [last]
    i = last
    while i - 1 >= 0 and groups[i - 1].start >= floor:
        gap = text[groups[i - 1].end: groups[i].start].strip(" ,，")
        if gap not in joins or not _one_side(groups[i - 1].region, groups[i].region):
            break
        i -= 1
        idx.insert(0, i)
    return idx


# --------------------------------------------------------------------------- since / programme


def _year(published: str | None) -> int | None:
    if published and YEAR.match(published):
        return int(published[:4])
    return None


def _cn_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    if not s or any(ch not in CN_NUM for ch in s):
        return None
    if s == "十":
        return 10
    if "十" in s:
        head, _, tail = s.partition("十")
        if len(head) > 1 or len(tail) > 1 or "十" in tail:
            return None  # not a plain number below 100 (十四五 is a plan, not a count)
        return (CN_NUM[head] if head else 1) * 10 + (CN_NUM[tail] if tail else 0)
    return CN_NUM[s] if len(s) == 1 else None


def _since(sentence: str, published: str | None) -> int | None:
    """自2010年起 / 2016年起 / 从1996年算起 / 自1994年对口支援林芝以来 / 2017年…正式建立 /
    2016年是…20周年 / 今年是…十周年 / 第29年 (the last two need the publication year)."""
    if "年" not in sentence:
        return None  # every reading below needs 年 (年是, 周年, 今年, 2010年起, 第N年)
    ref = None
    m_ref = SINCE_REF.search(sentence)
    if m_ref:
        ref = int(m_ref.group(1))
    elif "今年" in sentence or "至今" in sentence:
        ref = _year(published)
    m = SINCE_ANNIVERSARY.search(sentence)
    if ref and m and (n := _cn_int(m.group(1))):
        return ref - n
    m = SINCE_FROM.search(sentence)
    if m:
        return int(m.group(1))
    m = SINCE_SINCE.search(sentence)
    if m:
        return int(m.group(1))
    m = SINCE_FOUNDED.search(sentence)
    if m:
        return int(m.group(1))
    if ref:
        m = SINCE_NTH_YEAR.search(sentence)
        if m and (n := _cn_int(m.group(1))):
            return ref - n + 1
    return None


_DISASTER_COUNT: tuple[str | None, int] = (None, 0)  # the last document asked about and its count


def _disaster_count(document: str, v: PairingVocab) -> int:
    global _DISASTER_COUNT
    last = _DISASTER_COUNT
    if last[0] is document:  # the same document for every pair of a document
        return last[1]
    count = sum(document.count(w) for w in v.words("disaster"))
    _DISASTER_COUNT = (document, count)
    return count


def _disaster(donor: Region, recipient: Region, cue: str | None, document: str, v: PairingVocab) -> bool:
    """Is a Sichuan/Gansu/Shaanxi pairing the 2008 earthquake reconstruction? The document speaks
    of the disaster (two disaster words: 地震, 灾后, 重建 …); or speaks of it once and either the
    pair is one of the 2008 plan's (known_pairings.tsv) or the cue is the reconstruction wording
    (对口援建); or the pair is one of the 2008 plan's and the cue is that wording."""
    count = _disaster_count(document, v)
    if count >= 2:
        return True
    from duikou.regions import default_gazetteer

    known = default_gazetteer().known_programme(donor.code, recipient.code) == "灾后重建"
    reconstruction_cue = cue in v.word_set("disaster_cue")
    if count == 0:
        return known and reconstruction_cue  # 湖南援建者 … 理县: the 2008 plan's pair, built by 援建
    return known or reconstruction_cue


def _programme(donor: Region, recipient: Region, cue: str | None, text: str, v: PairingVocab,
               document: str = "") -> str:
    """The programme: from the recipient's province, the cue word and the document's context
    (汶川 2008 灾后重建 is decided on the whole document, 三峡库区 on the sentence)."""
    prov = _province(recipient) or ""
    special: dict[str, str] = v.cached(  # type: ignore[assignment]
        "programme_region", lambda v: {w[:6]: w[6:] for w in v.words("programme_region")})
    base = v.province_programme.get(prov, "其他对口支援")
    if recipient.code in special:
        return special[recipient.code]
    if base in ("援疆", "援藏"):
        return base
    if any(w in text for w in v.words("other_support")) and base != "援藏" and prov not in ("650000", "630000"):
        return "其他对口支援"  # 三峡库区 counterpart support
    if prov in ("510000", "620000", "610000") and _disaster(donor, recipient, cue, document or text, v):
        return "灾后重建"
    hinted = cue_programme(cue) if cue else None
    if hinted == "对口合作" and base != "对口合作" and not _named_cooperation(recipient, document or text, v):
        hinted = None
    if not hinted and base == "其他对口支援" and document and _rank(recipient) <= 5 and _rank(donor) >= 8 \
            and not any(w in document for w in v.words("other_support")) \
            and any(w in document for w in v.words("east_west")):
        return "东西部协作"  # 杭州 → 恩施州 (湖北) in a document about 东西部协作
    return hinted or base


def _named_cooperation(recipient: Region, document: str, v: PairingVocab) -> bool:
    """Does the document name a 对口合作 with the recipient's province by its one-character
    abbreviation (深赣对口合作, 京冀对口合作)? Outside the north-east, 对口合作 in an office's name
    (对口支援和对口合作工作领导小组) says nothing of the pair."""
    short: dict[str, list[str]] = v.cached("province_short", _province_short)  # type: ignore[assignment]
    return any(ch + "对口合作" in document for ch in short.get(_province(recipient) or "", ()))


def _province_short(v: PairingVocab) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for ch, codes in v.province_abbrevs.items():
        for code in codes:
            out.setdefault(code, []).append(ch)
    return out


# --------------------------------------------------------------------------- extraction


@dataclass
class _Found:
    donor: Region
    recipient: Region
    start: int
    end: int
    rule: str
    confidence: float
    cue: str | None = None


class _Extractor:
    def __init__(self, text: str, mentions: list[Mention], published: str | None):
        self.v = v = vocab()
        self.raw = text
        self.text = _undo_lookalikes(text, v)
        self.special: list[Mention] = []
        base: list[Mention] = []
        for m in mentions:
            (self.special if _special(m) else base).append(m)
        for u in _unit_mentions(self.text, v):
            inside = [m for m in base if m.start < u.end and u.start < m.end]
            if all(u.start <= m.start and m.end <= u.end for m in inside):
                # the unit's full name wins over the places inside it (新疆 in 新疆生产建设兵团第十四师)
                base = [m for m in base if m not in inside] + [u]
        base = _trusted(base, self.text, v)
        base += _pronoun_mentions(self.text, base, v)
        self.mentions = sorted(base, key=lambda m: (m.start, -m.end))
        self.groups = _groups(self.text, self.mentions, v, presorted=True)
        self._starts = [g.start for g in self.groups]
        self._ends = [g.end for g in self.groups]  # non-decreasing too: groups do not overlap
        self._theirs = {m.start: m.region for m in self.special if m.why.startswith("abbrev:")}
        self.dateline = self._dateline()
        self.published = published
        self.found: list[_Found] = []
        self._found_starts: list[int] = []  # sorted starts of self.found
        self.whole = v.word_set("whole")
        self._negations: dict[int, bool] = {}
        self._negation_re = v.compiled("negation", _negation_pattern)
        self._venues: dict[tuple[int, int, bool], bool] = {}
        self._abbrev_cands: dict[str, tuple[list[tuple[Region, list[int]]], list[tuple[Region, float]]]] = {}
        # the cue matches of the sentence being read, shared by the rules: (s, e, verbs, relations)
        self._cues: tuple[int, int, list[re.Match[str]], list[re.Match[str]]] | None = None
        self._team_ok: tuple[int, int, bool] | None = None
        self._prev_idx: list[int] = []  # the groups of the last earlier sentence that named places
        self._prev_span: tuple[int, int] | None = None  # and that sentence
        self._doc_cued: bool | None = None  # does the document use a cue word at all

    # tables only some rules need, built on first use
    @functools.cached_property
    def _covered(self) -> set[int]:
        return {i for m in self.mentions for i in range(m.start, m.end)}

    @functools.cached_property
    def _abbrevs(self) -> dict[str, dict[str, tuple[Region, list[int]]]]:
        return self._abbrev_index()

    @functools.cached_property
    def _named_provinces(self) -> set[str | None]:
        return {_province(m.region) for m in self.mentions}

    # -- bookkeeping
    def add(self, donor: Region, recipient: Region, span: tuple[int, int], rule: str, conf: float,
            cue: str | None = None) -> None:
        if _key(donor) == _key(recipient) or _within(recipient, donor) or _within(donor, recipient):
            return
        if recipient.level == "province" and recipient.code in self.whole:
            return
        if recipient.level == "province" and recipient.code in self.v.word_set("whole_disaster") \
                and _disaster_count(self.text, self.v):
            return
        if recipient.level == "province" and donor.level != "province":
            return  # a city does not pair with a whole province
        self.found.append(_Found(donor, recipient, span[0], span[1], rule, conf, cue))
        bisect.insort(self._found_starts, span[0])

    def _found_in(self, s: int, e: int) -> bool:
        """Does some pairing found so far start in [s, e)?"""
        k = bisect.bisect_left(self._found_starts, s)
        return k < len(self._found_starts) and self._found_starts[k] < e

    def _dateline(self) -> Group | None:
        """The place of a news dateline near the top (新华社喀什6月1日电, 本报伊宁讯)."""
        m = DATELINE.search(self.text[:300])
        if not m:
            return None
        inside = [self.groups[i] for i in self.groups_in(m.start(1), m.end(1))]
        return inside[-1] if inside else None

    def _first_from(self, idx: list[int], at: int) -> int | None:
        """The first group of idx (a sentence's groups, at <= its end) that starts at or after at:
        [i for i in idx if start >= at][0]. idx is contiguous (groups_in)."""
        k = bisect.bisect_left(self._starts, at)
        return k if idx and idx[0] <= k <= idx[-1] else None

    def _last_before(self, idx: list[int], at: int) -> int | None:
        """The last group of idx that ends at or before at: [i for i in idx if end <= at][-1]."""
        k = bisect.bisect_right(self._ends, at) - 1
        return k if idx and idx[0] <= k <= idx[-1] else None

    def groups_in(self, s: int, e: int) -> list[int]:
        lo = bisect.bisect_left(self._starts, s)
        hi = bisect.bisect_left(self._starts, e)
        return [i for i in range(lo, hi) if self.groups[i].end <= e]

    # -- rules
    def run(self) -> list[_Found]:
        """Every rule on every sentence, in this order (later rules look at what earlier ones
        found). A rule is skipped only where it cannot add anything: every rule but compound
        needs a place in the sentence, and verb, to-list, relation, respectively, delegation and
        cooccur need a cue word in it."""
        sentences = _sentences(self.text)
        t = self.text
        has_cue: list[bool | None] = []  # None: not looked at (the sentence names no place)
        suffix_starts = [m.start() for m in self.v.compiled("pair_suffix", _suffix_pattern).finditer(t)]
        suffix_len = max(map(len, self.v.words("pair_suffix")), default=0)
        rels: list[re.Match[str]] = []
        pair = False
        starts, ends = self._starts, self._ends
        verb_re, relation_re = self.v.verb_re, self.v.relation_re
        for n, (s, e) in enumerate(sentences):
            # groups_in(s, e): the groups ending after e can only be the last ones (ends ascend)
            lo = bisect.bisect_left(starts, s)
            hi = bisect.bisect_left(starts, e, lo)
            while hi > lo and ends[hi - 1] > e:
                hi -= 1
            idx = list(range(lo, hi))
            before = len(self.found)
            if idx:
                verbs = list(verb_re.finditer(t, s, e))
                rels = list(relation_re.finditer(t, s, e))
                self._cues = (s, e, verbs, rels)
                cued = bool(verbs or rels)
                has_cue.append(cued)
                # verb, to-list, relation, respectively, delegation and cooccur pair two places
                # of the sentence: with one place they add nothing
                pair = cued and len(idx) >= 2
                if pair:
                    self.rule_verb(s, e, idx)
                    self.rule_relation(s, e, idx)
                    self.rule_delegation(s, e, idx)
                if len(idx) == 2 and not cued:
                    self.rule_table(s, e, idx)
                if len(idx) >= 2 and UNDERTAKE.search(t, s, e):
                    self.rule_undertake(s, e, idx)
                if len(idx) >= 2 and DISPATCH.search(t, s, e):
                    self.rule_dispatch(s, e, idx)
                if len(idx) >= 2 and "的" in t[s:e]:
                    self.rule_donor_role(s, e, idx)
                if n and self._prev_span is not None and CONTINUED.search(t, s, e):
                    self.rule_continued(s, e, idx)
                # a place ending the sentence is followed by the next one (only if a name took in
                # the sentence's closing mark): then the rules below look past the sentence
                edge = self.groups[idx[-1]].end >= e and e < len(t)
                team_ok = edge or self._team_possible(s, e)
                if team_ok:
                    self.rule_team(s, e, idx)
                if edge or t.find("等", s, e) != -1:  # the list rule needs 等 right after a place
                    self.rule_list(s, e, idx, sentences[n - 1] if n else None, has_cue[n - 1] if n else None)
            else:
                has_cue.append(None)
            # a pair suffix matched from s + 2 overlaps or is one of the whole text's matches
            k = bisect.bisect_left(suffix_starts, s + 3 - suffix_len)
            if not suffix_len or (k < len(suffix_starts) and suffix_starts[k] < e):
                self.rule_compound(s, e)
            if idx:
                if pair and rels:
                    self.rule_cooccur(s, e, idx)
                # the antecedent rule needs a team word or a verb cue (its own first check)
                if len(self.found) == before and (team_ok or verbs):
                    self.rule_antecedent(sentences, n, idx)
                self._prev_idx = idx
                self._prev_span = (s, e)
        return self.found

    def rule_continued(self, s: int, e: int, idx: list[int]) -> None:
        """甲对口帮扶A县、B县。去年又增加C县、D县2个县: a list continued in the next sentence,
        which names no donor of its own, takes the one donor the sentence before paired."""
        t = self.text
        m = CONTINUED.search(t, s, e)
        if m is None or any(self.groups[i].start < m.start() for i in idx):
            return
        first = [i for i in idx if m.end() <= self.groups[i].start <= m.end() + 2]
        if not first:
            return
        ps, pe = self._prev_span
        donors = {_key(f.donor): f.donor for f in self.found if ps <= f.start < pe}
        if len(donors) != 1:
            return
        (donor,) = donors.values()
        for g in _list_after(t, self.groups, first[0], self.v, e):
            if not g.institution and _verb_side(donor, g.region):
                self.add(donor, g.region, (s, e), "continued", 0.75)

    def rule_donor_role(self, s: int, e: int, idx: list[int]) -> None:
        """乙州的对口援疆省份是甲省和丙省: the recipient named before the role, its donors after."""
        t, v = self.text, self.v
        for m in DONOR_ROLE.finditer(t, s, e):
            before = [j for j in idx if self.groups[j].end == m.start()]
            after = [j for j in idx if self.groups[j].start == m.end()]
            if not before or not after:
                continue
            recipient = self.groups[before[0]]
            # every place joined on, whatever its rank: they share the role
            for d in _list_after(t, self.groups, after[0], v, e - 1, one_side=False):
                if not d.institution and _donor_side(d.region, recipient.region):
                    self.add(d.region, recipient.region, (s, e), "role", 0.85)

    def rule_undertake(self, s: int, e: int, idx: list[int]) -> None:
        """甲市承担了乙县、丙乡的整体重建: the subject takes on the work of places named before the
        work itself (the places are the object, the assistance a noun after them)."""
        t = self.text
        for m in UNDERTAKE.finditer(t, s, e):
            first = self._first_from(idx, m.end())
            if first is None or self.groups[first].start != m.end():
                continue
            listed = [g for g in _list_after(t, self.groups, first, self.v, e) if not g.institution]
            if not listed or not UNDERTAKEN.match(t, listed[-1].end, e) or self.negated(m.start()):
                continue
            work = UNDERTAKEN.match(t, listed[-1].end, e).group(1)  # type: ignore[union-attr]
            # the places inside the first named one are the recipients (玉树市隆宝镇)
            leaves = [g for g in listed if not any(_within(h.region, g.region) for h in listed)]
            for d in self._donors(idx, m.start(), leaves[0].region, s, _verb_side):
                if not any(ch in t[d.end:m.start()] for ch in "，,；;"):
                    for r in leaves:
                        if _verb_side(d.region, r.region):
                            self.add(d.region, r.region, (s, e), "undertake", 0.85, work)

    def rule_dispatch(self, s: int, e: int, idx: list[int]) -> None:
        """甲派出/选派…援疆干部（教师、医生…）到/赴乙: the place people are sent to by the
        sentence's subject, in the donor's direction (a recipient sending cadres to learn in the
        donor is not assistance: the ranks must agree)."""
        t = self.text
        first = self.groups[idx[0]]
        if first.institution or first.start > s + 12:
            return  # the subject opens the sentence
        for m in DISPATCH.finditer(t, first.end, e):
            go = GO_TO.search(t, m.end(), min(e, m.end() + 24))
            if not go:
                continue
            at = [j for j in idx if go.end() <= self.groups[j].start <= go.end() + 1]
            if not at:
                continue
            r = self.groups[at[0]]
            if r.institution or not any(ch in t[m.end():go.start()] for ch in "干部人才教师医生专家队"):
                continue
            if _donor_side(first.region, r.region) and not self.negated(m.start()):
                self.add(first.region, r.region, (s, e), "dispatch", 0.75)

    def rule_table(self, s: int, e: int, idx: list[int]) -> None:
        """A line that is only two places, as in a table or list of pairs (甲区——乙县, 甲区 | 乙县),
        in a document about assistance: the pair, directed by the provinces' ranks."""
        t = self.text
        a, b = self.groups[idx[0]], self.groups[idx[1]]
        rest = t[s:a.start] + t[a.end:b.start] + t[b.end:e]
        if HAN.search(rest) or a.institution or b.institution:
            return
        if self._doc_cued is None:
            self._doc_cued = bool(self.v.verb_re.search(t) or self.v.relation_re.search(t))
        if not self._doc_cued:
            return
        ordered = _by_rank(a.region, b.region)
        if ordered:
            # the table's programme is the one the text above it speaks of (深赣对口合作…安排)
            cues = self._programme_cues
            k = bisect.bisect_left(cues, (s,)) - 1
            self.add(*ordered, (s, e), "table", 0.75, cues[k][1] if k >= 0 else None)

    def cues(self, s: int, e: int) -> tuple[list[re.Match[str]], list[re.Match[str]]]:
        """The verb and relation cue matches in text[s:e], computed once per sentence."""
        c = self._cues
        if c is None or c[0] != s or c[1] != e:
            v, t = self.v, self.text
            c = self._cues = (s, e, list(v.verb_re.finditer(t, s, e)), list(v.relation_re.finditer(t, s, e)))
        return c[2], c[3]

    def negated(self, at: int) -> bool:
        """_negated(text, at, v, self._covered), remembered per position."""
        got = self._negations.get(at)
        if got is None:
            # no negation word in the raw window: not negated (the masking only removes words)
            if not self._negation_re.search(self.text, max(0, at - 4), at):
                got = False
            else:
                got = _negated(self.text, at, self.v, self._covered)
            self._negations[at] = got
        return got

    def _team_possible(self, s: int, e: int) -> bool:
        """Can the team pattern match after a place of text[s:e]? Only if a programme word is in
        the sentence: no character before it in the pattern ends a sentence, so a match after a
        place that does not end the sentence has its programme word inside the sentence."""
        c = self._team_ok
        if c is None or c[0] != s or c[1] != e:
            # the programme word (援X) of a match lies in the sentence: a literal search is fast
            words = self.v.compiled("programme_words", lambda v: "|".join(v.programme_words))  # as in _team_re
            c = self._team_ok = (s, e, words.search(self.text, s, e) is not None)
        return c[2]

    def _team_re(self) -> re.Pattern[str]:
        """<donor>(的)(第N批)(对口)援X<team word>: 江苏援青干部, 无锡援疆工作组, 来自福建的援建者."""
        return self.v.compiled("team", _team_pattern)

    def rule_antecedent(self, sentences: list[tuple[int, int]], n: int, idx: list[int]) -> None:
        """A sentence where one donor states assistance but names no recipient takes it from the
        nearest earlier sentence that names places, if that sentence names exactly one place the
        donor can assist and no other donor (北川蒙受灾难。作为对口援建省份，山东…; 10月19日四川绵竹。
        …江苏援建者). Looks back at most three sentences and 300 characters."""
        t, v = self.text, self.v
        s, e = sentences[n]
        strong = v.word_set("antecedent_cue")
        roles = v.word_tuple("antecedent_role")
        edge = bool(idx) and self.groups[idx[-1]].end >= e and e < len(t)
        if not edge and not self._team_possible(s, e) and not any(
                m.group(0) in strong and t.startswith(roles, m.end() + (t[m.end():m.end() + 1] == "的"))
                for m in self.cues(s, e)[0]):
            return  # neither a team word nor a role cue: no cue, whatever the places
        groups = [self.groups[i] for i in idx if not self.groups[i].institution and not self.groups[i].event]
        donors = [g for g in groups if _rank(g.region) >= ANTECEDENT_DONOR and not self._venue(g)]
        if not donors or len({_key(g.region) for g in donors}) != 1:
            return
        donor = donors[0]
        if any(_province(g.region) != _province(donor.region) for g in groups):
            return  # another party is named here: the sentence rules' business
        target = None
        team = self._team_re().match(t, donor.end)
        cue = None
        if team and not team.group(0).endswith(v.word_tuple("team_resource")):
            cue = team.group(1)  # people on the spot (援建者, 援藏干部), not money or projects
            target = v.programme_words[cue][0]
        else:
            # a cue naming the donor's role (作为对口援建省份 / 对口支援方) presupposes a recipient known
            # from context; a generic cue (对口支援工作会议召开) does not
            cue = next((m.group(0) for m in self.cues(s, e)[0]
                        if m.group(0) in strong and t.startswith(roles, m.end() + (t[m.end():m.end() + 1] == "的"))
                        and not self.negated(m.start())), None)
        if cue is None:
            return
        for k in range(n - 1, max(-1, n - 4), -1):
            ps, pe = sentences[k]
            if s - pe > 300:
                return
            prior = [self.groups[i] for i in self.groups_in(ps, pe)]
            prior = [g for g in prior if not g.institution and not g.event and not self._venue(g)]
            if not prior:
                continue  # no places, or only a venue (在西宁开幕): look further back
            if self._found_in(ps, pe):
                return  # that sentence states its own pairing
            regions: dict[str, Region] = {}
            for g in prior:
                r = g.region
                if _key(r) == _key(donor.region):
                    continue
                if not _donor_side(donor.region, r):
                    return  # another donor (南京市 under 江苏) or an unrelated place: ambiguous
                regions[_key(r)] = r
            leaves = [r for r in regions.values() if not any(_within(o, r) for o in regions.values())]
            if len(leaves) != 1:
                return
            leaf = leaves[0]
            if target not in (None, "-"):
                # 援疆/援藏/援青 pair provinces with prefectures and cities with counties: a province's
                # team near a county is more likely that county's city group, so no guess across levels
                if _province(leaf) != target:
                    return
                if donor.region.level == "province" and leaf.level == "county":
                    return
            self.add(donor.region, leaf, (ps, e), "antecedent", 0.55, cue)
            return

    def _venue(self, g: Group, after: re.Pattern[str] = VENUE_AFTER) -> bool:
        """在北京召开…: a place named as where something happens."""
        key = (g.start, g.end, after is VENUE_AFTER)
        got = self._venues.get(key)
        if got is None:
            t = self.text
            got = self._venues[key] = bool(VENUE_BEFORE.search(t[max(0, g.start - 2):g.start])
                                           and after.match(t[g.end:g.end + 10]))
        return got

    def _donor_before(self, idx: list[int], before: int, recipient: Region, s: int) -> Group | None:
        """The nearest place before `before` in the sentence that can give to `recipient`."""
        i = self._donor_index(idx, before, recipient)
        return None if i is None else self.groups[i]

    def _donor_index(self, idx: list[int], before: int, recipient: Region,
                     side: Callable[[Region, Region], bool] = _donor_side) -> int | None:
        """_donor_before as an index into self.groups."""
        for i in reversed(idx):
            g = self.groups[i]
            if g.end > before:
                continue
            if g.institution:
                continue
            if self._venue(g):
                continue  # 在北京召开的会议上: a venue, not a party
            if side(g.region, recipient):
                return i
        return None

    def _donors(self, idx: list[int], before: int, recipient: Region, s: int,
                side: Callable[[Region, Region], bool] = _donor_side) -> list[Group]:
        """The donor before `before` and any donors listed with it (福建省及厦门市)."""
        j = self._donor_index(idx, before, recipient, side)
        if j is None:
            return []
        out = [self.groups[k] for k in _list_before(self.text, self.groups, j, self.v, s)]
        return [d for d in out if not d.institution and side(d.region, recipient)]

    def rule_verb(self, s: int, e: int, idx: list[int]) -> None:
        t, v = self.text, self.v
        for cm in self.cues(s, e)[0]:
            # a negated cue adds nothing; everything before an add is free of side effects, so
            # the (rarely true) negation is asked only where a pairing would be added
            cs, ce, cue = cm.start(), cm.end(), cm.group(0)
            first = self._first_from(idx, ce)
            recipients: list[Group] = []
            if first is not None:
                g = self.groups[first]
                gap = t[ce:g.start]
                cleft = bool(CLEFT.fullmatch(gap))
                if (len(gap) <= 2 or cleft or (gap.endswith("的") and len(gap) <= 6)) \
                        and (_clean_gap(t, ce, g.start) or cleft):
                    listed = _list_after(t, self.groups, first, v, e)
                    recipients = [x for x in listed if not x.institution]
                    if not recipients and len(listed) == 1 and gap == "的":
                        recipients = listed  # 援建的理县第一中学: the school's place
            if recipients:
                last = recipients[-1]
                tail = t[last.end:last.end + 2]
                nxt = self._first_from(idx, last.end)
                if tail.startswith(("的", "之")) and nxt is not None and self.groups[nxt].start - last.end <= 1 \
                        and _donor_side(self.groups[nxt].region, recipients[0].region):
                    donor = self.groups[nxt]  # 对口援建理县的湖南省
                    if not self.negated(cs):
                        for r in recipients:
                            self.add(donor.region, r.region, (s, e), "verb-rev", 0.9, cue)
                    continue
                donors = self._donors(idx, cs, recipients[0].region, s, _verb_side)
                # inside one province only the syntax gives the direction: the donor must be the
                # verb's own subject, in its clause (not 哈密 in 对口支援哈密，后转为支援喀什)
                donors = [d for d in donors if _province(d.region) != _province(recipients[0].region)
                          or not any(ch in t[d.end:cs] for ch in "，,；;。")]
                if donors and t[donors[-1].end:cs].count("，") + t[donors[-1].end:cs].count(",") <= 3 \
                        and not self.negated(cs):
                    if len(donors) == len(recipients) > 1 and (t.endswith("分别", 0, cs) or cleft):
                        # 湖北省和湖南省分别对口支援博州和吐鲁番市: the i-th donor, the i-th recipient;
                        # so too 甲区、乙区负责结对支援的，是丙县和丁县 (two lists of one length)
                        for d, r in zip(donors, recipients):
                            if _verb_side(d.region, r.region):
                                self.add(d.region, r.region, (s, e), "verb", 0.9, cue)
                        continue
                    # 由深圳市代表广东省对口帮扶广西: the city that stands for the province gives too
                    j = self._last_before(idx, donors[0].start)
                    if j is not None and REPRESENTS.fullmatch(t[self.groups[j].end:donors[0].start]) \
                            and not self.groups[j].institution:
                        donors = [self.groups[j], *donors]
                    for d in donors:
                        for r in recipients:
                            if _verb_side(d.region, r.region):
                                self.add(d.region, r.region, (s, e), "verb", 0.9, cue)
                elif not donors and not self.negated(cs):
                    self._carried_subject(s, e, idx, cs, recipients, cue)
                continue
            # RECIPIENT 作为/是 DONOR 对口支援的 …
            j = self._last_before(idx, cs)
            if j is not None:
                d = self.groups[j]
                if cs - d.end <= 1 and j - 1 >= idx[0]:
                    r = self.groups[j - 1]
                    link = t[r.end:d.start]
                    if REV_LINK.fullmatch(link) and _donor_side(d.region, r.region):
                        if not self.negated(cs):
                            # 那坡县、乐业县为深圳对口帮扶的贫困县: every place of the list
                            for k in _list_before(t, self.groups, j - 1, v, s):
                                listed = self.groups[k].region
                                if not self.groups[k].institution and _donor_side(d.region, listed):
                                    self.add(d.region, listed, (s, e), "verb-rev", 0.85, cue)
                        continue
        self.rule_to_list(s, e, idx)

    def rule_to_list(self, s: int, e: int, idx: list[int]) -> None:
        """DONOR … 对/向/与 R1、R2 (的|投入|开展) CUE: 向伊犁州和兵团四师投入援疆资金."""
        t, v = self.text, self.v
        verbs, rels = self.cues(s, e)
        done: set[int] = set()
        for cm in sorted(verbs + rels, key=lambda m: m.start()):
            cs, cue = cm.start(), cm.group(0)
            if cs in done:
                continue
            j = self._last_before(idx, cs)
            if j is None:
                continue
            g = self.groups[j]
            gap = t[g.end:cs]
            if not TO_LIST_GAP.fullmatch(gap) or self.negated(cs):
                continue
            lst = _list_before(t, self.groups, j, v, s)
            head = self.groups[lst[0]]
            lead = t[max(s, head.start - 1):head.start]
            if lead not in ("对", "向", "为", "给", "与", "同"):
                continue
            if t[max(s, head.start - 3):head.start - 1] == "分别":
                continue  # A、B分别与C、D: pairs in order, the respectively rule's business
            rs = [self.groups[k] for k in lst if not self.groups[k].institution]
            if not rs:
                continue
            donors = self._donors(idx, head.start - 1, rs[0].region, s)
            for d in donors:
                for r in rs:
                    if _donor_side(d.region, r.region):
                        self.add(d.region, r.region, (s, e), "to-list", 0.85, cue)
            done.add(cs)

    def rule_relation(self, s: int, e: int, idx: list[int]) -> None:
        t, v = self.text, self.v
        joins = v.word_set("pair_join")
        markers = ("两省区", "两省市", "两省", "两市", "两地", "两县", "两区")
        verbs, rels = self.cues(s, e)
        cues = [(m.start(), m.group(0)) for m in rels]
        for a_i, b_i in itertools.pairwise(idx):
            a, b = self.groups[a_i], self.groups[b_i]
            gap = t[a.end:b.start]
            if a.institution or b.institution:
                continue
            if DONOR_ROLE.search(t, max(s, a.start - 12), a.start) and t[a.start - 1] in "是为有括":
                continue  # 对口援疆省份是河北省和浙江省: two donors listed, no pair between them
            if gap not in joins and gap != "" and not (gap == "、" and t.startswith(markers, b.end)) \
                    and not ADVERBIAL_JOIN.fullmatch(gap):
                continue
            if _within(b.region, a.region):
                continue
            ordered = _by_rank(a.region, b.region)
            if ordered is None:
                continue
            marked = t.startswith(markers, b.end)
            near = [c for c in cues if b.end <= c[0] <= b.end + 40 or a.start - 8 <= c[0] < a.start
                    or (c[0] > b.end and self._only_pairs_between(b.end, c[0]))]
            if not near and not (marked and (verbs or cues)):
                continue
            if near and self.negated(near[0][0]):
                continue
            cue = near[0][1] if near else None
            self.add(*ordered, (s, e), "relation", 0.85, cue)
            # 崆峒区、庄浪县与河西区结对 / 东丽区与皋兰、甘谷、临潭三县结对: the places listed with
            # either side share the relation
            for k in _list_before(t, self.groups, a_i, v, s)[:-1]:
                if _province(self.groups[k].region) == _province(a.region):
                    more = _by_rank(self.groups[k].region, b.region)
                    if more:
                        self.add(*more, (s, e), "relation", 0.8, cue)
            for g in _list_after(t, self.groups, b_i, v, e)[1:]:
                if _province(g.region) == _province(b.region) and not g.institution:
                    more = _by_rank(a.region, g.region)
                    if more:
                        self.add(*more, (s, e), "relation", 0.8, cue)
        # 鼓楼区、台江区分别与岷县、漳县…
        for m in RESPECTIVELY.finditer(t[s:e]) if cues else ():
            at, end_at = s + m.start(), s + m.end()
            left = [i for i in idx if self.groups[i].end == at]
            right = [i for i in idx if self.groups[i].start == end_at]
            if not left or not right or not cues:
                continue
            first = right[0]
            # 分别与云南省红河州的元阳县、金平县: the list is of the places inside the qualifier
            nxt = first + 1
            if (nxt < len(self.groups) and t.startswith("的", self.groups[first].end)
                    and self.groups[nxt].start == self.groups[first].end + 1
                    and _within(self.groups[nxt].region, self.groups[first].region)):
                first = nxt
            li = _list_before(t, self.groups, left[0], v, s)
            rl = _list_after(t, self.groups, first, v, e)
            if len(li) != len(rl) or len(li) < 2:
                continue
            for a_i, r in zip(li, rl):
                ordered = _by_rank(self.groups[a_i].region, r.region)
                if ordered:
                    self.add(*ordered, (s, e), "respectively", 0.85, cues[0][1])

    def _carried_subject(self, s: int, e: int, idx: list[int], cs: int, recipients: list[Group],
                         cue: str) -> None:
        """广东……。从1998年起对口支援哈密: a verb with no subject in its sentence (no place before it,
        a few words at most) takes the one donor of the sentence before."""
        t = self.text
        clause = max(s, *(t.rfind(ch, s, cs) + 1 for ch in "，,；;"))
        if any(clause <= self.groups[i].start < cs for i in idx) or len(HAN.findall(t[clause:cs])) > 10:
            return
        earlier = [i for i in idx if self.groups[i].end <= clause]
        donors: dict[str, Group] = {}
        # the earlier clauses of the sentence first; when they name only the other side, the
        # sentence before
        for where in (earlier, self._prev_idx):
            for i in where:
                g = self.groups[i]
                if not g.institution and not g.event and _donor_side(g.region, recipients[0].region):
                    donors.setdefault(_key(g.region), g)
            if donors:
                break
        if len(donors) != 1:
            return
        (donor,) = donors.values()
        for r in recipients:
            if _donor_side(donor.region, r.region):
                self.add(donor.region, r.region, (s, e), "carried", 0.75, cue)

    @functools.cached_property
    def _programme_cues(self) -> list[tuple[int, str]]:
        """(start, word) of every cue word that names a programme, in text order."""
        found = [(m.start(), m.group()) for m in self.v.verb_re.finditer(self.text)]
        found += [(m.start(), m.group()) for m in self.v.relation_re.finditer(self.text)]
        return sorted(f for f in found if cue_programme(f[1]))

    def _only_pairs_between(self, lo: int, hi: int) -> bool:
        """Is text[lo:hi] only more places, joins and punctuation, and a verb of a few characters
        (甲与乙，丙与丁；戊与己建立…关系)?"""
        t = self.text
        pieces, at = [], lo
        for i in self.groups_in(lo, hi):
            g = self.groups[i]
            pieces.append(t[at:g.start])
            at = g.end
        pieces.append(t[at:hi])
        rest = "".join(pieces)
        for w in self.v.words("pair_join"):
            rest = rest.replace(w, "")
        return len(HAN.findall(rest)) <= 4 and at > lo

    def rule_delegation(self, s: int, e: int, idx: list[int]) -> None:
        t = self.text
        verbs, rels = self.cues(s, e)
        if not verbs and not rels:
            return
        deleg = self._delegation_re()
        for k, i in enumerate(idx):
            a = self.groups[i]
            m = deleg.match(t, a.end)
            if not m or k + 1 >= len(idx):
                continue
            b = self.groups[idx[k + 1]]
            if b.start - m.end() > 2 or b.institution:
                continue
            if _by_rank(a.region, b.region) is None:
                continue
            donor, recipient = (a, b) if _rank(a.region) > _rank(b.region) else (b, a)
            target = recipient.region
            if donor.region.level == "province":
                provinces = [r for r in recipient.regions if r.level == "province"]
                if provinces:
                    target = provinces[0]
            self.add(donor.region, target, (s, e), "delegation", 0.75)

    def rule_team(self, s: int, e: int, idx: list[int]) -> None:
        """<donor>(第N批)援X<team word>: the donor's team; the recipient is 援X's prefecture
        (援伊) or the place in the sentence where the team works (无锡援疆工作组在阿合奇县…)."""
        t, v = self.text, self.v
        team_re = self._team_re()
        stationed_re = v.compiled("team_stationed", _stationed_pattern)
        team_words = v.word_tuple("team")
        for i in idx:
            a = self.groups[i]
            m = team_re.match(t, a.end)
            if not m and not a.institution and (st := stationed_re.match(t, a.end)):
                # 广东援疆驻伽师工作队: a team named by the place it is stationed in
                at = [j for j in idx if self.groups[j].start == st.end()]
                if at and t.startswith(team_words, self.groups[at[0]].end) \
                        and _donor_side(a.region, self.groups[at[0]].region):
                    self.add(a.region, self.groups[at[0]].region, (s, e), "team", 0.8, st.group(1))
                continue
            if not m or a.institution:
                continue
            donor = a.region
            word = m.group(1)
            target_code, _prog = v.programme_words[word]
            if target_code == "-" and m.group(0).endswith(("项目", "资金", "工作")):
                continue  # 援建项目 is what was built, not who builds
            # 某省第N批援藏工作队某市工作组: the inner group is the acting donor
            nested = [j for j in idx if self.groups[j].start == m.end()]
            if nested:
                inner = self.groups[nested[0]]
                if t.startswith("工作组", inner.end):
                    if _province(inner.region) != _province(donor):
                        # 江苏省援藏工作队拉萨工作组: a sub-team named by where it works, which is
                        # the recipient when its level fits the donor's (province -> prefecture)
                        r = inner.region
                        level = "county" if LEVEL_DEPTH.get(donor.level, 0) else "prefecture"
                        if (target_code in ("-", _province(r)) and r.level == level
                                and _donor_side(donor, r)):
                            self.add(donor, r, (s, e), "team", 0.8, word)
                        continue
                    donor = inner.region
            if _rank(donor) < 5 and not (_prog in ("援疆", "援藏")
                                         and _province(donor) in v.word_set("aid_team_province")):
                continue
            if target_code != "-" and LEVEL_DEPTH.get(_level_of(target_code), 0) >= 1:
                region = _region_by_code(target_code)  # 援伊 names the prefecture itself
                if region:
                    self.add(donor, region, (s, e), "team", 0.8, word)
                continue
            depth = LEVEL_DEPTH.get(donor.level, 0)
            best: tuple[tuple[int, int], Group] | None = None
            for j in idx:
                g = self.groups[j]
                r = g.region
                if depth == 0 and r.level == "county" and target_code != "-":
                    # 迪庆州香格里拉市 for a province's team: the province pairs with the prefecture
                    r = next((x for x in g.regions if x.level == "prefecture"), r)
                if j == i or _is_zone(r) or r.level == "province" or _province(r) == _province(donor) \
                        or self._venue(g, VENUE_AWAY):  # 在乌鲁木齐参加培训: where they meet, not whom they assist
                    continue
                if target_code != "-":
                    if _province(r) != target_code:
                        continue
                    # 山东援疆干部、疏勒县委副书记: the cadre's office names the county itself
                    titled = depth == 0 and r.level == "county" and g.start == m.end() + 1 \
                        and t[m.end()] == "、"
                    if not _is_xpcc(r) and r.level != ("county" if depth or titled else "prefecture"):
                        continue
                elif not _donor_side(donor, r):
                    continue
                dist = g.start - m.end() if g.start >= m.end() else (a.start - g.end) + 5
                order = (1 if g.institution else 0, dist)
                if best is None or order < best[0]:
                    best = (order, g)
            if best is None and self.dateline is not None and target_code != "-":
                g = self.dateline  # the team is where the article is datelined
                r = g.region
                if depth == 0 and r.level == "county":
                    r = next((x for x in g.regions if x.level == "prefecture"), r)
                level_ok = _is_xpcc(r) or r.level == ("county" if depth else "prefecture")
                if _province(r) == target_code and level_ok:
                    self.add(donor, r, (s, e), "team-dateline", 0.6, word)
                continue
            if best:
                g = best[1]
                r = g.region
                if depth == 0 and r.level == "county" and target_code != "-" \
                        and not (g.start == m.end() + 1 and t[m.end()] == "、"):
                    r = next((x for x in g.regions if x.level == "prefecture"), r)
                self.add(donor, r, (s, e), "team", 0.75, word)

    def rule_list(self, s: int, e: int, idx: list[int], prev: tuple[int, int] | None,
                  prev_cued: bool | None = None) -> None:
        t, v = self.text, self.v
        tails = v.word_tuple("list_tail")
        for k, i in enumerate(idx):
            g = self.groups[i]
            if not t.startswith("等", g.end):
                continue
            window = t[g.end + 1: g.end + 10]
            if not any(w in window for w in tails):
                continue
            lst = [self.groups[j] for j in _list_before(t, self.groups, i, v, s)]
            if len(lst) < 2 or any(x.institution for x in lst):
                continue
            donor = self._donor_before(idx, lst[0].start, lst[0].region, s)
            if prev_cued is None and prev:
                prev_cued = bool(v.verb_re.search(t, *prev) or v.relation_re.search(t, *prev))
            if donor is None and prev and prev_cued:
                cands = [self.groups[j] for j in self.groups_in(*prev)]
                cands = [c for c in cands if _donor_side(c.region, lst[0].region) and not c.institution]
                if len({_key(c.region) for c in cands}) == 1:
                    donor = cands[0]
            if donor is None:
                continue
            if not any(self.cues(s, e)) and donor.start >= s:
                continue
            for r in lst:
                if _donor_side(donor.region, r.region):
                    self.add(donor.region, r.region, (min(s, donor.start), e), "list", 0.7)

    def rule_compound(self, s: int, e: int) -> None:
        """闽宁两省区 / 厦临协作: two one-character abbreviations before a pair word.

        Each character is read as a region of the document: one named in the same sentence
        first, then the resolver's reading (Mention.why 'abbrev:'), then the best-scored
        candidate. Two provinces pair only with an explicit 两省/两地 (鲁渝协作 names the
        programme, not a pairing of its own)."""
        t, v = self.text, self.v
        province_suffixes = v.word_tuple("pair_suffix_province")
        programme_suffixes = v.word_set("pair_suffix_programme")
        theirs = self._theirs
        suffix_re = v.compiled("pair_suffix", _suffix_pattern)
        for sm in suffix_re.finditer(t, s + 2, e):
            i, suffix = sm.start() - 2, sm.group(0)
            if i not in theirs and i > s and HAN.match(t[i - 1]) \
                    and t[i - 1] not in "的在与和了、推动促进深化是为":
                continue  # inside a longer word (中西部协作, 产业合作)
            if i in self._covered or i + 1 in self._covered:
                continue
            ra = self._pick(t[i], i, theirs, s, e)
            if ra is None:
                continue
            rb = self._pick(t[i + 1], i + 1, theirs, s, e)
            if rb is None:
                continue
            ordered = _by_rank(ra, rb)
            if ordered is None:
                continue
            rule = "compound"
            if ra.level == "province" and rb.level == "province" and not suffix.startswith(province_suffixes):
                if suffix not in programme_suffixes:
                    continue
                # only a programme's own pair: an eastern donor and a western recipient (沪滇协作),
                # or a north-eastern one for 对口合作 (苏辽对口合作); not 苏皖协作 within 长三角
                recipient_programme = v.province_programme.get(_province(ordered[1]) or "")
                if _rank(ordered[1]) > 2 and not (suffix == "对口合作" and recipient_programme == "对口合作"):
                    continue
                rule = "compound-programme"  # gives way to pairs inside the two provinces
            self.add(*ordered, (s, e), rule, 0.7, suffix)

    def _pick(self, ch: str, at: int, theirs: dict[int, Region], s: int, e: int) -> Region | None:
        cands = self._abbrev(ch, s, e)
        local = [r for r, score in cands if score >= 2.0]
        if len(local) == 1:
            return local[0]
        if at in theirs:
            return theirs[at]
        if not cands:
            return None
        cands.sort(key=lambda c: -c[1])
        if len(cands) > 1 and cands[0][1] == cands[1][1]:
            return None
        return cands[0][0]

    def _abbrev_index(self) -> dict[str, dict[str, tuple[Region, list[int]]]]:
        """char -> regions of the document that the one-character abbreviation may stand for."""
        city, province_chars = self.v.cached("abbrev_tables", _abbrev_tables)  # type: ignore[misc]
        index: dict[str, dict[str, tuple[Region, list[int]]]] = {}
        for m in self.mentions:
            r = m.region
            level = r.level
            if (level != "province" and level != "prefecture") or not r.code:
                continue
            if level == "province":
                chars: Iterable[str] = province_chars.get(r.code, ())
            else:
                chars = (city.get(r.code, r.name[0]),)
            for ch in chars:
                by_code = index.get(ch)
                if by_code is None:
                    by_code = index[ch] = {}
                entry = by_code.get(r.code)
                if entry is None:
                    entry = by_code[r.code] = (r, [])
                entry[1].append(m.start)
        return index

    def _abbrev(self, ch: str, s: int, e: int) -> list[tuple[Region, float]]:
        """Regions a one-character abbreviation may stand for, scored by document context."""
        got = self._abbrev_cands.get(ch)
        if got is None:
            got = self._abbrev_cands[ch] = self._abbrev_doc(ch)
        named, other = got
        out: list[tuple[Region, float]] = []
        for r, starts in named:  # starts ascend: mentions are in text order
            k = bisect.bisect_left(starts, s)
            out.append((r, 1.0 + (1.0 if k < len(starts) and starts[k] < e else 0.0)))
        out.extend(other)
        return out

    def _abbrev_doc(self, ch: str) -> tuple[list[tuple[Region, list[int]]], list[tuple[Region, float]]]:
        """The document's part of _abbrev: the regions named in it (scored by the sentence) and
        the provinces the character stands for that it does not name."""
        index = self._abbrevs.get(ch, {})
        named = list(index.values())
        other: list[tuple[Region, float]] = []
        seen = set(index)
        for code in self.v.province_abbrevs.get(ch, []):
            if code not in seen:
                region = _region_by_code(code)
                if region:  # a province abbreviation stands on its own, more so if the province is named
                    seen.add(code)
                    other.append((region, 0.5 if code in self._named_provinces else 0.3))
        return named, other

    def rule_cooccur(self, s: int, e: int, idx: list[int]) -> None:
        """Exactly one donor-side and one recipient-side place in a clause stating assistance."""
        t, v = self.text, self.v
        clauses = _clauses(t, s, e)
        if len(clauses) == 1 and not any(m.group(0).startswith(COOCCUR_CUES) for m in self.cues(s, e)[1]):
            return  # no strong cue
        if self._delegation_re().search(t, s, e):
            return  # visits are the delegation rule's business
        if self._found_in(s, e):
            return  # a fallback: the sentence's pairing is already stated by a stronger rule
        for cs_, ce_ in clauses:
            rels = self.cues(s, e)[1] if len(clauses) == 1 else v.relation_re.finditer(t, cs_, ce_)
            strong = [m for m in rels
                      if m.group(0).startswith(COOCCUR_CUES)]
            if not strong or any(self.negated(m.start()) for m in strong):
                continue
            places = [self.groups[i] for i in idx if cs_ <= self.groups[i].start and self.groups[i].end <= ce_]
            if any(g.institution for g in places):
                continue
            regions: dict[str, Region] = {}
            provinces = {_province(g.region) for g in places if g.region.level == "province"}
            for g in places:
                r = g.region
                if self._venue(g) and _province(r) in provinces:
                    # 江苏省委书记在南京会见…: the capital hosts, the province is the party
                    r = next((x.region for x in places if x.region.level == "province"
                              and _province(x.region) == _province(r)), r)
                regions[_key(r)] = r
            # drop places that only name a parent of another place
            leaves = [r for r in regions.values() if not any(_within(o, r) for o in regions.values())]
            if len(leaves) != 2:
                continue
            ordered = _by_rank(*leaves)
            if ordered is None or _rank(ordered[0]) - _rank(ordered[1]) < 3:
                continue
            self.add(*ordered, (s, e), "cooccur", 0.6, strong[0].group(0))

    def _delegation_re(self) -> re.Pattern[str]:
        return self.v.compiled("delegation", _delegation_pattern)


def _abbrev_tables(v: PairingVocab) -> tuple[dict[str, str], dict[str, set[str]]]:
    """prefecture code -> its one-character abbreviation; province code -> its abbreviations."""
    city = {w[1:]: w[0] for w in v.words("city_abbrev")}
    province_chars: dict[str, set[str]] = {}
    for ch, codes in v.province_abbrevs.items():
        for code in codes:
            province_chars.setdefault(code, set()).add(ch)
    return city, province_chars


def _lookalike_table(v: PairingVocab) -> tuple[dict[int, str], list[tuple[str, str]] | None]:
    """The translate table of lookalike characters, and the same as (old, new) replacements
    when replacing one after the other gives the same text (no new character is an old one)."""
    table = {}
    for pair in v.words("lookalike"):
        table[ord(pair[0])] = pair[1]
    olds = {chr(k) for k in table}
    chain = None if any(ch in olds for new in table.values() for ch in new) else \
        [(chr(k), new) for k, new in table.items()]
    return table, chain


def _undo_lookalikes(text: str, v: PairingVocab) -> str:
    table, chain = v.cached("lookalike", _lookalike_table)  # type: ignore[misc]
    if chain is None:
        return text.translate(table)
    for old, new in chain:  # str.replace is much faster than translate on CJK text
        if old in text:
            text = text.replace(old, new)
    return text


def _team_pattern(v: PairingVocab) -> str:
    return (r"(?:的)?(?:第[一二三四五六七八九十\d]+批)?(?:对口)?(" + "|".join(v.programme_words) + r")(?:"
            + v.alternation("team") + ")")


def _stationed_pattern(v: PairingVocab) -> str:
    """<donor>(第N批)援X驻: the start of a team named by where it is stationed."""
    return (r"(?:第[一二三四五六七八九十\d]+批)?(?:对口)?(" + "|".join(v.programme_words) + r")驻")


def _delegation_pattern(v: PairingVocab) -> str:
    return (r"(?:市|省)?(?:党政|政府)?(?:" + v.alternation("delegation") + r")(?:一行)?[^，。]{0,4}?(?:"
            + v.alternation("go") + ")")


def _suffix_pattern(v: PairingVocab) -> str:
    return "|".join(map(re.escape, sorted(v.words("pair_suffix"), key=len, reverse=True)))


def _clauses(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out, start = [], s
    while True:
        cuts = [i for i in (text.find("；", start, e), text.find(";", start, e)) if i != -1]
        if not cuts:
            break
        i = min(cuts)
        out.append((start, i))
        start = i + 1
    out.append((start, e))
    return out


def _region_by_code(code: str) -> Region | None:
    from duikou.regions import default_gazetteer

    return default_gazetteer().by_code(code)


def _level_of(code: str) -> str:
    region = _region_by_code(code)
    return region.level if region else "province"


def _level(donor: Region, recipient: Region) -> str:
    return f"{donor.level}-{recipient.level}"


def _clause_of(text: str, start: int, end: int, at: int, marks: str = "，,；;") -> str:
    left = max(text.rfind(ch, start, at) for ch in marks) + 1
    rights = [i for i in (text.find(ch, at, end) for ch in marks) if i != -1]
    return text[max(left, start):min(rights) if rights else end]


WEAK_RULES = ("team", "team-dateline", "cooccur", "delegation", "antecedent")


def _drop_subsumed(found: list[_Found]) -> list[_Found]:
    """Drop a pair that only weak rules (team, co-occurrence, delegation, antecedent) found when
    the same donor is explicitly paired with places inside its recipient: 广东省对口援建喀什地区
    疏附县、伽师县 … 广东援疆干部与喀什… gives 广东→疏附县, 广东→伽师县, not also 广东→喀什地区.
    A pair some explicit rule states is always kept."""
    strong = {(_key(f.donor), _key(f.recipient)) for f in found if f.rule not in WEAK_RULES}
    inside: set[tuple[str, str]] = set()
    for f in found:
        if f.rule not in WEAK_RULES and f.recipient.parent_code:
            inside.add((_key(f.donor), f.recipient.parent_code))
            if f.recipient.province_code:
                inside.add((_key(f.donor), f.recipient.province_code))
    # 鲁渝协作 (a programme named by two province abbreviations) is the provinces' pairing only
    # when the document pairs nothing inside them (聊城→彭水, 广东→百色)
    finer = {(_province(f.donor), _province(f.recipient)) for f in found
             if f.rule != "compound-programme"
             and (f.donor.level != "province" or f.recipient.level != "province")}
    stated = {(_key(f.donor), _key(f.recipient)) for f in found if f.rule != "compound-programme"}
    return [f for f in found
            if (f.rule != "compound-programme"
                or (_key(f.donor), _key(f.recipient)) in stated
                or (_province(f.donor), _province(f.recipient)) not in finer)
            and ((_key(f.donor), _key(f.recipient)) in strong
                 or f.rule not in WEAK_RULES
                 or (_key(f.donor), _key(f.recipient)) not in inside)]


def extract_pairings(text: str, mentions: list[Mention], published: str | None = None,
                     model: object | None = None, threshold: float | None = None) -> list[Pairing]:
    """All pairings stated in one document, each with the sentence that states it: what the
    rules below find, and the pairs the learned decision (pairing_decision) adds over them.

    The rules are precise on the phrasings they were written for; the decision, judging every
    candidate on generic features, finds the pairs stated in other ways. A pair the rules read in
    one direction is never added in the other. `model` and `threshold` replace the shipped
    decision's (cross-validation passes a fold's model)."""
    if not text:
        return []
    ex = _Extractor(text, mentions, published)  # places and groups, shared by both readings
    found = rule_pairings(text, mentions, published, ex)
    from duikou.extract.pairing_decision import decide_pairings

    have = {(_key(p.donor), _key(p.recipient)) for p in found}
    have |= {(b, a) for a, b in have}
    added = decide_pairings(text, mentions, published, model, threshold, extractor=ex, skip=have)
    if not added:
        return found
    # where the rules already read both places of a sentence, each with another partner
    # (甲、乙与丙结对，丁、戊与己结对), the decision does not cross them
    roles: dict[tuple[int, int], tuple[set[str], set[str]]] = {}
    for p in found:
        donors_, recipients_ = roles.setdefault((p.evidence.start, p.evidence.end), (set(), set()))
        donors_.add(_key(p.donor))
        recipients_.add(_key(p.recipient))
    added = [p for p in added if not (
        (r := roles.get((p.evidence.start, p.evidence.end)))
        and _key(p.donor) in r[0] and _key(p.recipient) in r[1])]
    # as for the rules' weak readings: a donor -> prefecture the decision adds gives way when the
    # same donor is paired with counties of that prefecture in the document
    stated = found + added
    added = [p for p in added if not any(
        _key(q.donor) == _key(p.donor) and _within(q.recipient, p.recipient) for q in stated)]
    return sorted(found + added, key=lambda p: (p.evidence.start, -p.evidence.confidence))


def rule_pairings(text: str, mentions: list[Mention], published: str | None = None,
                  ex: _Extractor | None = None) -> list[Pairing]:
    """The rule extractor alone: the pairings its rules (module docstring) read in one document.

    One Pairing per (donor, recipient, sentence); ``since`` is read from the clause that names
    the recipient, else the sentence, else any other sentence stating the same pair."""
    if not text:
        return []
    ex = ex or _Extractor(text, mentions, published)
    found = _drop_subsumed(ex.run())
    seen: set[tuple[str, str, int]] = set()
    rows: list[tuple[_Found, int, int, int | None, str]] = []
    since_of: dict[str, int | None] = {}  # _since of a text, asked again for every pair of a sentence
    read: dict[tuple[int, int, int | None], tuple[str, int | None]] = {}
    first_start: dict[tuple[int, int], dict[str, int]] = {}

    def since_in(span: str) -> int | None:
        if span in since_of:
            return since_of[span]
        got = since_of[span] = _since(span, published)
        return got

    for f in sorted(found, key=lambda x: (x.start, -x.confidence)):
        key = (_key(f.donor), _key(f.recipient), f.start)
        if key in seen:
            continue
        seen.add(key)
        start, end = f.start, f.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        sentence = text[start:end]
        firsts = first_start.get((start, end))
        if firsts is None:  # where each place is first named in the sentence
            firsts = first_start[(start, end)] = {}
            for i in ex.groups_in(start, end):
                firsts.setdefault(_key(ex.groups[i].region), ex.groups[i].start)
        at = firsts.get(_key(f.recipient))
        got = read.get((start, end, at))
        if got is None:
            clause = _clause_of(text, start, end, at, "；;") if at is not None else sentence
            since = since_in(_clause_of(text, start, end, at)) if at is not None else None
            if since is None:
                since = since_in(clause)
            got = read[(start, end, at)] = (clause, since if since is not None else since_in(sentence))
        clause, since = got
        rows.append((f, start, end, since, clause))
    pair_since: dict[tuple[str, str], int] = {}
    for f, _, _, since, _ in rows:
        k = (_key(f.donor), _key(f.recipient))
        if since is not None:
            pair_since[k] = min(since, pair_since.get(k, since))
    # one programme per pair in a document: the specific reading its sentences support most,
    # weighted by the rules' confidence (a sentence without programme words must not turn 灾后重建
    # into 其他对口支援; an explicit 协作 sentence outweighs a guessed antecedent)
    votes: dict[tuple[str, str], Counter[str]] = {}
    for f, _, _, _, clause in rows:
        prog = _programme(f.donor, f.recipient, f.cue, clause, ex.v, ex.text)
        votes.setdefault((_key(f.donor), _key(f.recipient)), Counter())[prog] += f.confidence
    chosen: dict[tuple[str, str], str] = {}
    for k, c in votes.items():
        specific = [(n, p) for p, n in c.items() if p != "其他对口支援"]
        chosen[k] = max(specific)[1] if specific else "其他对口支援"
    # the 2008 reconstruction began in 2008: a 灾后重建 pair without a year of its own takes 2008
    # when the document dates the earthquake (2008年, 5·12, 汶川地震)
    quake_2008 = any(w in ex.text for w in ex.v.words("disaster_2008"))
    out: list[Pairing] = []
    for f, start, end, since, clause in rows:
        sentence = text[start:end]
        k = (_key(f.donor), _key(f.recipient))
        if since is None and k not in pair_since and quake_2008 and chosen[k] == "灾后重建":
            since = 2008
        out.append(Pairing(
            donor=f.donor,
            recipient=f.recipient,
            programme=chosen[(_key(f.donor), _key(f.recipient))],
            evidence=Evidence(start, end, sentence, f.rule, f.confidence),
            level=_level(f.donor, f.recipient),
            since=since if since is not None else pair_since.get((_key(f.donor), _key(f.recipient))),
        ))
    return out
