"""Quantified-claim extraction: figures such as 援助资金 1.845亿元 or 项目 672 个, with evidence.

Rule-based on purpose: a figure becomes a claim only when the words around it say what it
measures (data/measures.tsv), so dates, ranks, phone numbers, 第N批 and bare percentages
never do. Values are in base units (yuan; plain counts); hedges (近/超过/多) go to the
qualifier, not into the value.

A percentage becomes a claim (unit "%") only when it is tied to its base (see
_percentage_claims): a share of a figure just stated (其中80%用于…), a share of a measure
named with 占 (占援助资金总额的30%, data/measures_share.tsv) or the growth of a figure just
stated (销售额3.2亿元，同比增长15%).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from importlib import resources
from typing import NamedTuple

from duikou.extract.numbers import FAST_NUMBER_PATTERN, magnitude, normalize_digits, parse_number
from duikou.extract.periods import find_periods, guess_published
from duikou.models import Claim, Evidence, Mention, Region

#: Claims whose evidence confidence is below this are not emitted.
MIN_CONFIDENCE = 0.5
#: Head, item and household counts below this describe individuals (a team, one visit), not
#: programme totals, and are not emitted.
MIN_COUNT = 10
#: Longest left context (characters) searched for a measure word.
MAX_LEFT = 40
#: Longest right context searched (e.g. "15.36亿元援藏资金").
MAX_RIGHT = 14
#: Evidence quotes are the sentence, cut to about this many characters around the figure.
MAX_QUOTE = 160

#: Confidence lost by a figure that breaks down a total (其中…) without naming a recipient.
PART_PENALTY = 0.35

SENTENCE_END = "。！？!?；;\n"
FULL_STOP = "。！？!?\n"
CLAUSE_END = SENTENCE_END + "，,：:"


#: Sentence condition (measures.tsv) met when the sentence names regions of two provinces:
#: one region spending on another's project is aid, even with no aid word in the sentence.
CROSS_REGION = "@cross-region"


@dataclass(frozen=True)
class MeasureRule:
    """One row of measures.tsv."""

    measure: str  # "-" = block
    kind: str
    side: str  # L | R | A
    pattern: re.Pattern[str]
    confidence: float
    sentence: re.Pattern[str] | None = None  # the whole sentence must match
    cross_region: bool = False  # the sentence must name regions of two provinces (@cross-region)


def _data_lines(name: str) -> list[list[str]]:
    text = resources.files("duikou.extract").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


@lru_cache(maxsize=1)
def load_measures() -> tuple[MeasureRule, ...]:
    """The measure vocabulary, block rows first (they veto), then measures in file order."""
    rules = []
    for r in _data_lines("measures.tsv"):
        cond = r[5].strip() if len(r) > 5 else ""
        cross = cond.startswith(CROSS_REGION)
        if cross:
            cond = cond[len(CROSS_REGION):].strip()
        rules.append(MeasureRule(r[0], r[1], r[2], re.compile(r[3]), float(r[4]),
                                 re.compile(cond) if cond else None, cross))
    return tuple([r for r in rules if r.measure == "-"] + [r for r in rules if r.measure != "-"])


@lru_cache(maxsize=1)
def _rules_by_kind() -> dict[str, tuple[tuple[MeasureRule, bool, bool, bool], ...]]:
    """kind -> (rule, is_block, looks_left, looks_right) in load_measures() order."""
    table: dict[str, list[tuple[MeasureRule, bool, bool, bool]]] = {}
    for rule in load_measures():
        table.setdefault(rule.kind, []).append(
            (rule, rule.measure == "-", rule.side in ("L", "A"), rule.side in ("R", "A")))
    return {kind: tuple(rows) for kind, rows in table.items()}


@lru_cache(maxsize=1)
def load_units() -> dict[str, tuple[str, str]]:
    """surface -> (unit, kind) from units.tsv."""
    return {r[0]: (r[1], r[2]) for r in _data_lines("units.tsv")}


#: A unit character that starts a longer word is not a unit: 项目 (80项目), 人民币, 名单.
_UNIT_GUARDS = {"项": "(?!目)", "項": "(?!目)", "人": "(?!民)", "名": "(?!单|称|义|列|牌)"}


@lru_cache(maxsize=1)
def quantity_re() -> re.Pattern[str]:
    """number, hedge, magnitude, hedge, unit (元 or a count unit from units.tsv).

    The number is FAST_NUMBER_PATTERN: NUMBER_PATTERN's matches, found faster. A number
    whose magnitude ends in 万/亿 with no unit after it (投资1.2亿, 价值600万) is matched
    too, as a bare money figure (group "bare"): the rules never keep one, the learned
    decision may."""
    surfaces = sorted(load_units(), key=len, reverse=True)
    unit_alt = "|".join(re.escape(s) + _UNIT_GUARDS.get(s, "") for s in surfaces)
    return re.compile(
        rf"(?P<num>{FAST_NUMBER_PATTERN})(?P<h1>[多余哆来])?(?P<mag>[十百千]?[万亿萬億]{{0,2}})"
        rf"(?P<h2>[多余哆])?(?:(?P<money>元)|(?P<unit>{unit_alt})|(?P<bare>(?<=[万亿萬億])(?![万亿萬億\d.])))"
    )


@dataclass
class _Quantity:
    start: int
    end: int
    value: float
    unit: str
    kind: str
    hedge: bool
    unit_surface: str
    #: Why the rules never take it (they ignore it; the learned decision sees it):
    #: "small" (a count under MIN_COUNT), "vague" (a bare magnitude: 千余名, 百名),
    #: "bare" (money with no 元: 投资1.2亿), or "" (a figure the rules consider).
    loose: str = ""


_DIGIT_RE = re.compile(r"[\d一二两三四五六七八九壹贰叁肆伍陆柒捌玖]")


#: Characters that end a number (digits, magnitudes, units) — "至" after one opens a range.
_RANGE_BEFORE = frozenset("0123456789零〇一二两三四五六七八九十百千万亿元个项名人户吨")
_RANGE_DIGITS = frozenset("0123456789一二两三四五六七八九十")
#: Words joining the two ends of a range.
_RANGE_MARKS = frozenset("至—–－~～-")  # (not 到: 投入1000万元到20个村 is no range)


def _find_quantities(norm: str, loose: bool = False) -> list[_Quantity]:
    """Every number-with-unit in the text that could be a figure (no measure check yet).

    With `loose`, also the ones the rules never take (see _Quantity.loose): small counts,
    bare magnitudes (百余人) and money with no 元 — candidates for the learned decision."""
    out: list[_Quantity] = []
    units = load_units()
    for m in quantity_re().finditer(norm):
        num, h1, mag, h2, money, unit_surface = m.group("num", "h1", "mag", "h2", "money", "unit")
        m_start = m.start()
        prev = norm[m_start - 1] if m_start > 0 else ""
        # part of a code, phone number, URL, range (20—40万元) or an ordinal/vague amount
        if prev and (prev.isascii() and (prev.isalnum() or prev in ".-/_~")):
            continue
        if prev in "第数几—–－~～":
            continue
        if prev in ",，" and m_start > 1 and norm[m_start - 2].isdigit():
            continue  # 1,2000万元: digits grouped across a comma in no standard way; no reading is safe
        if prev == "上" and (not loose or _DIGIT_RE.search(num)):
            continue  # 上2亿元 is no figure; 上千万元, 上万名 are hedged magnitudes (loose only)
        if prev in "至到" and norm[m_start - 2:m_start - 1] in _RANGE_BEFORE:
            continue  # the upper end of a range (10万至30万元)
        m_end = m.end()
        if norm[m_end:m_end + 1] in _RANGE_MARKS and norm[m_end + 1:m_end + 2] in _RANGE_DIGITS:
            continue  # the lower end of a range (20万元至50万元)
        why = ""
        if not _DIGIT_RE.search(num):
            if not loose:
                continue  # 千余个, 百余人, 近百亿: a bare magnitude is rhetoric, not a figure
            why = "vague"
        bare = m.group("bare") is not None
        if bare:
            after = norm[m.end():m.end() + 1]
            if not loose or ("\u4e00" <= after <= "\u9fff" and after != "的"):
                continue  # 3.2万平方米, 5万亩: a measure of something else
            why = "bare"
        value = parse_number(num)
        if value is None or value <= 0:
            continue
        if money or bare:
            value *= magnitude(mag)
            unit, kind = "元", "money"
        else:
            if mag and not set(mag) <= set("万亿"):
                continue
            value *= magnitude(mag)
            unit, kind = units[unit_surface]
            if kind in ("person", "item", "household") and value < MIN_COUNT:
                if not loose:
                    continue  # 一个, 两名, 6名援青干部: individuals, not a programme total
                why = why or "small"
        hedge = bool(h1 or h2)
        out.append(_Quantity(m_start, m_end, value, unit, kind, hedge, unit_surface or ("元" if money else ""), why))
    return out


def _bounds(text: str, pos: int, stops: str, limit: int = 400) -> tuple[int, int]:
    """[start, end) of the stretch around pos delimited by stops, at most `limit` each side
    (scraped pages can lose all punctuation; a run-on "sentence" must not cost O(n))."""
    floor = max(0, pos - limit)
    ceil = min(len(text), pos + limit)
    start = max(floor, max(text.rfind(c, floor, pos) + 1 for c in stops))
    ends = [i for i in (text.find(c, pos, ceil) for c in stops) if i >= 0]
    return start, min(ends, default=ceil)


@cache
def _stops_re(stops: str) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(c) for c in stops) + "]")


class _StopIndex:
    """The positions of one set of stop characters in a text, so that _bounds can be
    answered by bisection instead of a find/rfind per stop character and call."""

    __slots__ = ("positions", "size")

    def __init__(self, text: str, stops: str) -> None:
        self.positions = [m.start() for m in _stops_re(stops).finditer(text)]
        self.size = len(text)

    def bounds(self, pos: int, limit: int = 400) -> tuple[int, int]:
        """Same as _bounds(text, pos, stops, limit)."""
        positions = self.positions
        floor = max(0, pos - limit)
        ceil = min(self.size, pos + limit)
        k = bisect_left(positions, pos)
        start = floor
        if k and positions[k - 1] >= floor:
            start = positions[k - 1] + 1
        end = ceil
        if k < len(positions) and positions[k] < ceil:
            end = positions[k]
        return start, end


def _classify(
    left: str, clause_left: str, right: str, clause_right: str, sentence: str, kind: str,
    cross_region: bool | Callable[[], bool] = False,
) -> tuple[str, float] | None:
    """(measure, confidence) for a figure of this kind; ("-", 0) when blocked, None when unknown.

    Block rows look at the whole clause around the figure; measure rows only at the text
    since the previous figure and up to the next, so "项目273个,援疆资金18.12亿元" gives
    each figure its own measure. `cross_region` may be a function, called only when a rule
    needs it.
    """
    for rule, block, looks_left, looks_right in _rules_by_kind().get(kind, ()):
        lft, rgt = (clause_left, clause_right) if block else (left, right)
        hit = (looks_left and rule.pattern.search(lft)) or (looks_right and rule.pattern.search(rgt))
        if not hit:
            continue
        if rule.sentence is not None and not rule.sentence.search(sentence):
            continue
        if rule.cross_region:
            if callable(cross_region):
                cross_region = cross_region()
            if not cross_region:
                continue
        return rule.measure, rule.confidence
    return None


def _province_key(region: Region) -> str | None:
    if region.province_code:
        return region.province_code
    if region.code and len(region.code) == 6:
        return region.code[:2] + "0000"
    return None


def _spans_provinces(mentions: list[Mention], start: int, end: int, text: str) -> bool:
    """Whether the stretch names regions of at least two provinces (programme words such
    as the 疆 of 援疆 do not count)."""
    keys = set()
    for mn in mentions[_first_at(mentions, start):]:
        if mn.start >= end:
            break
        if len(mn.surface) == 1 and text[mn.start - 1:mn.start] == "援":
            continue
        key = _province_key(mn.region)
        if key:
            keys.add(key)
    return len(keys) >= 2


#: A place-name suffix, not in common nouns (园区, 社区, 景区, 山区, 灾区 … are not places).
_PLACE_RE = re.compile(r"(?![园社小景城辖片山牧灾库矿营])[\u4e00-\u9fff](?:省|市|县|区|州|地区|盟|旗)(?![长委政])")


def _names_place(span: str, mentions: list[Mention], offset: int) -> bool:
    """Whether a phrase names a region (a mention inside it, or a place-name suffix)."""
    end = offset + len(span)
    for mn in mentions[_first_at(mentions, offset):]:
        if mn.start >= end:
            break
        if mn.end <= end and len(mn.surface) > 1:
            return True  # (one-character abbreviations, 疆 in 援疆资金, name a programme)
    return bool(_PLACE_RE.search(span))


_LIST_HEAD_RE = re.compile(r"(?:援助|帮扶|援建|支援|援疆|援藏|援青|协作)资金")
_EXAMPLE_RE = re.compile(r"以[^，,。；;]{1,12}为例|比如|例如")
_PLAN_SHARE_RE = re.compile(r"占[^%％]*(?:计划|任务|目标)")
_SHARE_RE = re.compile(r"^(?:(?!其中)[^。！？!?；;]){0,12}?占[^。！？!?；;]{0,12}?(?:%|％|比重|比例|以上|成)")


#: Marks of a breakdown: 其中…, (含…), and "among them" (签约项目中有10个项目…).
_PART_MARK = re.compile(r"其中|[(（]含|中[，,]?有(?=[\d一二两三四五六七八九十百千]+[个项名家所户]|$)")


_CLOSE_BRACKET_RE = re.compile(r"[)）]")


def _is_part(norm: str, q_start: int, q_end: int, mentions: list[Mention], f_start: int | None = None) -> bool:
    """Whether a figure is a part of a total stated just before (其中…, (含…), …中有N个…, …占总…%).

    Parts that name a recipient (其中支援拉萨市资金…) are kept: they are the recipient's total.
    """
    if f_start is None:
        f_start = _bounds(norm, q_start, FULL_STOP)[0]
    before = norm[f_start:q_start]
    marks = list(_PART_MARK.finditer(before))
    if marks:
        mark = marks[-1]
        tail = before[mark.end():]
        closed = mark.group().endswith("含") and _CLOSE_BRACKET_RE.search(tail)
        if not closed and not _names_place(tail, mentions, f_start + mark.end()):
            return True
    share = _SHARE_RE.search(norm[q_end:q_end + 30])
    # "…3.6亿元，占全年计划的72%": progress against a plan, not a part of a total
    return share is not None and _PLAN_SHARE_RE.search(share.group()) is None


#: "特别是/尤其是" opening a sentence singles out a subset (a sub-period, one field) of what
#: the previous sentence totalled.
_SUBSET_OPENER_RE = re.compile(r"^[\s“\"]*(?:特别是|尤其是)")
#: Words that mark a figure as progress made so far, not a total.
_PROGRESS_RE = re.compile(r"已|上半年|前[一二三]季度|一季度|目前|截至目前|截止目前")


def _is_subset_of_previous(
    norm: str, f_start: int, measure: str, earlier: list[tuple[int, str]], full_stops: _StopIndex | None = None
) -> bool:
    """Whether the figure's sentence opens with 特别是/尤其是 and the sentence just before,
    in the same paragraph, already gave a figure of the same measure (the total it narrows)."""
    if not _SUBSET_OPENER_RE.match(norm[f_start:f_start + 8]):
        return False
    pos = max(f_start - 1, 0)
    prev_start = (full_stops.bounds(pos) if full_stops is not None else _bounds(norm, pos, FULL_STOP))[0]
    if "\n" in norm[prev_start:f_start]:
        return False
    return any(prev_start <= pos < f_start and m == measure for pos, m in earlier)


_QUALIFIERS = [
    ("近", re.compile(r"(?:近|将近|接近|逼近)$")),
    ("约", re.compile(r"(?:约|大约|约为)$")),
    ("超过", re.compile(r"(?:超过|超|逾|突破|高达|多达)$")),
]


_MORE_RE = re.compile(r"^(?:以上|有余)")
_ABOUT_RE = re.compile(r"左右")
_TOTAL_RE = re.compile(r"累计|总计|合计|共计")
_PLAN_RE = re.compile(r"计划(?![内外])|拟|预计|力争|将")


def _qualifier(left: str, right: str, hedge: bool, sentence_left: str) -> str | None:
    """近/约/超过/多 from the words hugging the number, else 累计/计划 from the sentence."""
    for name, pattern in _QUALIFIERS:
        if pattern.search(left.rstrip("达了共计为")) or pattern.search(left):
            return name
    if hedge or _MORE_RE.match(right):
        return "多" if hedge else "超过"
    if _ABOUT_RE.search(right[:3]):
        return "约"
    if _TOTAL_RE.search(sentence_left):
        return "累计"
    if _PLAN_RE.search(left):
        return "计划"
    return None


_BUILT_RE = re.compile(r"建成|完工|竣工|完成建设")


def _status(context: str) -> str | None:
    """Project stage stated in the figure's clause: 建成 > 开工 > 确定 (the furthest wins)."""
    if _BUILT_RE.search(context):
        return "建成"
    if "开工" in context:
        return "开工"
    if "确定" in context:
        return "确定"
    return None


def _first_at(mentions: list[Mention], pos: int) -> int:
    """Index of the first mention starting at or after pos (mentions are sorted by start)."""
    lo, hi = 0, len(mentions)
    while lo < hi:
        mid = (lo + hi) // 2
        if mentions[mid].start < pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


_DONOR_NOUN_RE = re.compile(r"(?:援|帮扶|对口|协作)")
_OBJECT_MARK = re.compile(r"(?:支援|援助|援建|帮扶|协作|向|对|在|援|助力|支持|到|赴|进|与|结对|带动)的?$")


#: Words joining parallel regions in a list (延安、海东和克州): one group, one role.
_COORD = ("、", "和", "及", "以及", "、以及")


def _group_region(group: list[list[Mention]]) -> Region | None:
    """The region a group of coordinated chains names: the chain's own region when alone;
    for a list (东川区、寻甸县、禄劝县) the parent named in it that contains every item
    (昆明市), else the first item (reports name the main partner first)."""
    leaves = [chain[-1].region for chain in group]
    if len(leaves) == 1:
        return leaves[0]
    named = [mn.region for chain in group for mn in chain[:-1]]
    for region in named:
        if region.code and all(
            leaf.code == region.code or region.code in (leaf.parent_code, leaf.province_code) for leaf in leaves
        ):
            return region
    return leaves[0]


def _parties(
    mentions: list[Mention], s_start: int, q_start: int, text: str, q_end: int | None = None, c_end: int | None = None
) -> tuple[Region | None, Region | None]:
    """Subject (donor) and object (recipient) among the regions named around the figure.

    Adjacent mentions (西藏林芝, 陕西延安) form one chain that names its last, most specific
    region; chains joined by 、/和/及 form one group (a list of partners). A group right after
    a giving word (支援, 援助, 帮扶, 向, 在, 与 …) is the recipient; any other group is the
    donor. The closest group of each kind wins. A region inside the noun phrase right after
    the figure ("76名江苏援青干部", "3亿元上海援疆资金") is the donor.
    """
    chains: list[list[Mention]] = []
    groups: list[list[list[Mention]]] = []
    for mn in mentions[_first_at(mentions, s_start):]:
        if mn.start >= q_start:
            break
        if mn.end > q_start:
            continue
        if len(mn.surface) == 1 and text[mn.start - 1:mn.start] == "援":
            continue  # 援疆 / 援藏 / 援青 name the programme
        gap = text[chains[-1][-1].end:mn.start] if chains else None
        if gap == "":
            chains[-1].append(mn)
        elif gap in _COORD:
            chains.append([mn])
            groups[-1].append(chains[-1])
        else:
            chains.append([mn])
            groups.append([chains[-1]])
    subject = obj = None
    for group in groups:
        head = group[0][0]
        before = text[max(s_start, head.start - 5):head.start]
        if _OBJECT_MARK.search(before):
            obj = _group_region(group)
        else:
            subject = _group_region(group)
    if q_end is not None:
        # the figure's own noun phrase: 76名江苏援青干部 (the region right after the unit)
        limit = min(q_end + 6, c_end if c_end is not None else q_end + 6)
        for mn in mentions[_first_at(mentions, q_end):]:
            if mn.start >= limit:
                break
            if len(mn.surface) == 1 and text[mn.start - 1:mn.start] == "援":
                continue
            if (text[q_end:mn.start] in ("", "的") and mn.end <= limit
                    and _DONOR_NOUN_RE.match(text[mn.end:mn.end + 2])):
                subject = mn.region
            break
    if subject is not None and obj is not None and subject.code and subject.code == obj.code:
        subject = None
    return subject, obj


_BRACKETS = re.compile(r"[(（][^()（）]*[)）]")


def _period_for(
    periods: list[tuple[int, int, str]], s_start: int, q_start: int, text: str = "", starts: list[int] | None = None
) -> str | None:
    """The closest period stated before the figure in its sentence (later ones govern later
    figures). A period inside a closed bracket governs only the figures inside it.

    `periods` are sorted by start, as find_periods returns them; `starts` (their start
    offsets, when the caller keeps them) saves a scan.
    """
    if starts is None:
        starts = [p[0] for p in periods]
    closed = None
    # periods are sorted by start: walk back from the last one starting before the figure
    for k in range(bisect_left(starts, q_start) - 1, -1, -1):
        p = periods[k]
        if p[0] < s_start:
            break
        if p[1] > q_start:
            continue
        if closed is None:
            closed = [(m.start(), m.end()) for m in _BRACKETS.finditer(text, s_start, q_start)] if text else []
        if not any(a <= p[0] and p[1] <= b for a, b in closed):
            return p[2]
    return None


def _evidence_span(text: str, s_start: int, s_end: int, q_start: int, q_end: int) -> tuple[int, int]:
    """The sentence, trimmed of spaces, cut to clause boundaries when it is very long."""
    start, end = s_start, s_end
    if end - start > MAX_QUOTE:
        lo = max(start, q_start - MAX_QUOTE * 2 // 3)
        hi = min(end, q_end + MAX_QUOTE // 3)
        while lo > start and text[lo - 1] not in CLAUSE_END:
            lo -= 1
            if q_start - lo > MAX_QUOTE:
                break
        while hi < end and text[hi] not in CLAUSE_END:
            hi += 1
            if hi - q_end > MAX_QUOTE // 2:
                break
        start, end = lo, hi
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end

# --- percentages tied to their base ----------------------------------------------------------

#: Confidence of a percentage claim (its base is stated, its wording is formulaic).
PERCENT_CONFIDENCE = 0.6

#: A percentage: the number and the % sign (full-width ％ is normalised to %).
_PERCENT_RE = re.compile(r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)\s?%")
#: Between a figure and its growth rate: "，同比增长", "，比上年增长", "，较2019年增加了".
_GROWTH_GAP_RE = re.compile(
    r"^[，,]?(?:同比|环比|比上年同期|比上年|较上年同期|较上年|比去年同期|比去年|较去年同期|较去年"
    r"|比上一年|较上一年|[比较]\d{4}年)?(?:增长|增加|提高|提升|上升)了?(?:近|约|超过|逾)?$"
)
#: Between a figure and a share of it: "，其中".
_SHARE_GAP_RE = re.compile(r"^[，,]?其中(?:的|有)?(?:近|约|超过|逾)?$")
#: After a share of a figure: what that share goes to (用于民生项目, 为产业项目).
_SHARE_TARGET_RE = re.compile(
    r"^(?:以上|左右)?(?:的(?:资金|项目|经费|投资|人员|干部))?"
    r"(?:用于|投向|投入到?|投放到?|集中(?:用于|投向)|倾斜(?:到|于)|安排(?:到|给|用于)?|为|是|属于)"
    r"(?P<target>[\u4e00-\u9fff]{2,10})"
)
#: Trailing words that do not name what a share goes to.
_TARGET_TAIL_RE = re.compile(r"(?:建设|等|方面|领域|上|中|里)+$")
#: "…占援助资金总额的30%": Y between 占 and the percentage, at the end of the left context.
_SHARE_OF_RE = re.compile(
    r"占(?P<y>[^，,。；;：:占%\d]{1,16}?)的?(?:比重|比例|份额)?(?:为|达到?|超过|近|约|逾|了)*$"
)
#: Words opening the phrase before 占 that are not part of what is shared.
_SHARE_HEAD_RE = re.compile(r"^(?:其中|并且|并|而|且|的|约|共|总计|累计)+")
_CJK_RE = re.compile(r"^[\u4e00-\u9fff]{2,12}$")


@lru_cache(maxsize=1)
def load_share_bases() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(base measure, pattern) from measures_share.tsv, in file order."""
    return tuple((r[0], re.compile(r[1])) for r in _data_lines("measures_share.tsv"))


def _share_base(y: str) -> str | None:
    for measure, pattern in load_share_bases():
        if pattern.search(y):
            return measure
    return None


class _Stated(NamedTuple):
    """A figure whose measure is known (whether or not it became a claim): a possible base."""

    start: int
    end: int
    measure: str
    value: float
    unit: str


#: Words between what is shared and its figure: 资金达16.15亿元, 项目共120个.
_VERB_TAIL_RE = re.compile(r"(?:达到|达|为|是|共计|共|累计|合计|总计|超过|近|约|逾|了|有)+$")


def _strip_places(x: str, offset: int, mentions: list[Mention]) -> str:
    """x without the region names that open it (江苏援疆用于… -> 援疆用于…): the
    regions are the claim's subject/object, not part of its measure."""
    pos = offset
    end = offset + len(x)
    for mn in mentions[_first_at(mentions, offset):]:
        if mn.start != pos or mn.end > end:
            break
        pos = mn.end
    return x[pos - offset:]


def _percentage_claims(
    text: str,
    norm: str,
    mentions: list[Mention],
    quantities: list[_Quantity],
    stated: list[_Stated],
    sentences: _StopIndex,
    clauses: _StopIndex,
    context: Callable[[], tuple[_StopIndex, list[tuple[int, int, str]], list[int]]],
) -> list[tuple[int, Claim]]:
    """(position, claim) for every percentage whose base is clear:

    (a) 其中Z%用于/投向/为 T right after a figure of the same sentence: measure T占比
        (T资金占比 for money), base that figure;
    (c) (同比/比上年…)增长Z% right after a figure of the same sentence: measure
        <its measure>增长率, base that figure;
    (b) X占Y的Z% with Y a measure of measures_share.tsv: measure X占比, base_measure Y's
        measure, base_value a figure of it stated earlier in the sentence (else None).

    `stated` are the figures whose measure is known, in text order; `quantities` every
    number-with-unit (a figure between a base and its percentage breaks the tie).
    `context()` gives the full-stop index and the periods (built on first use).
    """
    out: list[tuple[int, Claim]] = []
    q_starts = [q.start for q in quantities]
    stated_starts = [f.start for f in stated]
    for m in _PERCENT_RE.finditer(norm):
        p_start, p_end = m.start(), m.end()
        prev = norm[p_start - 1] if p_start else ""
        if prev and ((prev.isascii() and (prev.isalnum() or prev in "-/_~")) or prev in "—–－~～"):
            continue  # a range (10%—20%) or a code
        value = float(m.group("num"))
        if value <= 0:
            continue
        s_start, s_end = sentences.bounds(p_start)
        c_start, c_end = clauses.bounds(p_start)
        after = norm[p_end:c_end]
        measure = base_measure = base_unit = None
        base_value: float | None = None
        # (a)/(c): the figure right before, in the same sentence, with no figure between
        k = bisect_left(stated_starts, p_start) - 1
        if k >= 0 and stated[k].start >= s_start:
            base = stated[k]
            q_next = bisect_left(q_starts, base.end)
            if q_next >= len(q_starts) or q_starts[q_next] >= p_start:
                gap = norm[base.end:p_start]
                if _GROWTH_GAP_RE.search(gap):
                    measure = base.measure + "增长率"
                elif _SHARE_GAP_RE.search(gap):
                    t = _SHARE_TARGET_RE.match(after)
                    target = _TARGET_TAIL_RE.sub("", t.group("target")) if t else ""
                    if len(target) >= 2:
                        noun = "资金" if base.unit == "元" and not target.endswith(("资金", "经费", "投资")) else ""
                        measure = target + noun + "占比"
                if measure is not None:
                    base_measure, base_value, base_unit = base.measure, base.value, base.unit
        # (b): X占Y的Z%, Y a measure of measures_share.tsv
        if measure is None:
            left = norm[c_start:p_start]
            sh = _SHARE_OF_RE.search(left)
            base_measure = _share_base(sh.group("y")) if sh else None
            if sh and base_measure:
                share_at = c_start + sh.start()
                # the numerator's own figure: in X (已开工项目3650个占…), or ending the clause
                # before (用于基层的资金达16亿元，占…); X is the words before it
                j = bisect_left(q_starts, share_at) - 1
                x_start = c_start
                if j >= 0 and q_starts[j] >= c_start:
                    numerator, x_end = q_starts[j], q_starts[j]
                elif (j >= 0 and c_start >= s_start + 2 and norm[c_start - 1] in "，,"
                      and quantities[j].end == c_start - 1 and not norm[c_start:share_at].strip()):
                    numerator = x_end = q_starts[j]
                    x_start = max(clauses.bounds(c_start - 2)[0], s_start)
                else:
                    numerator, x_end = share_at, share_at
                x = _SHARE_HEAD_RE.sub("", norm[x_start:x_end])
                x = _VERB_TAIL_RE.sub("", _strip_places(x, x_end - len(x), mentions))
                if _CJK_RE.match(x):
                    measure = x + "占比"
                    for f in reversed(stated[:bisect_left(stated_starts, numerator)]):
                        if f.start < s_start:
                            break
                        if f.measure == base_measure:
                            base_value, base_unit = f.value, f.unit
                            break
        if measure is None:
            continue
        full_stops, periods, period_starts = context()
        f_start = full_stops.bounds(p_start)[0]
        if _EXAMPLE_RE.search(norm, f_start, p_start):
            continue
        left_hug = norm[max(c_start, p_start - 6):p_start]
        qualifier = _qualifier(left_hug, after, False, "")
        e_start, e_end = _evidence_span(norm, s_start, s_end, p_start, p_end)
        subject, obj = _parties(mentions, f_start, p_start, norm, p_end, c_end)
        out.append((p_start, Claim(
            measure=measure,
            value=value,
            unit="%",
            evidence=Evidence(e_start, e_end, text[e_start:e_end], "claims.percentage", PERCENT_CONFIDENCE),
            subject=subject,
            object=obj,
            qualifier=qualifier,
            period=_period_for(periods, f_start, p_start, norm, period_starts),
            base_measure=base_measure,
            base_value=base_value,
            base_unit=base_unit,
        )))
    return out


class Figure:
    """One candidate figure of a document: a number-with-unit and what the rules say of it.

    `rule` is (measure, confidence) when a measure row names it, ("-", 0.0) when a block row
    vetoes it, None when no row speaks; `rule_keep` whether the rule-based extractor emits it
    (after the part/example/subset/progress checks). The bounds are offsets in the text."""

    __slots__ = ("q", "s_start", "s_end", "c_start", "c_end", "f_start", "left", "right", "rule",
                 "rule_keep", "part", "example", "subset", "progress", "confidence", "clause_right", "judged")

    def __init__(self, q: _Quantity, s_start: int, s_end: int, c_start: int, c_end: int, left: str,
                 right: str, rule: tuple[str, float] | None) -> None:
        self.q = q
        self.s_start, self.s_end, self.c_start, self.c_end = s_start, s_end, c_start, c_end
        self.f_start = s_start
        self.left, self.right = left, right
        self.rule = rule
        self.clause_right = ""
        self.judged = True  # whether `rule` has been computed (see _judge)
        self.rule_keep = False
        self.part = self.example = self.subset = self.progress = False
        self.confidence = rule[1] if rule else 0.0


class FigureContext:
    """Per-document state shared by the candidates: normalised text, stop indexes, periods."""

    def __init__(self, text: str, mentions: list[Mention], published: str | None) -> None:
        self.text = text
        self.norm = normalize_digits(text)
        self.mentions = mentions
        self.published = published
        self.sentences = _StopIndex(self.norm, SENTENCE_END)
        self.clauses = _StopIndex(self.norm, CLAUSE_END)
        self._full_stops: _StopIndex | None = None
        self._periods: list[tuple[int, int, str]] | None = None
        self.period_starts: list[int] = []

    @property
    def full_stops(self) -> _StopIndex:
        if self._full_stops is None:
            self._full_stops = _StopIndex(self.norm, FULL_STOP)
        return self._full_stops

    @property
    def periods(self) -> list[tuple[int, int, str]]:
        if self._periods is None:
            self._periods = find_periods(self.norm, self.published or guess_published(self.norm))
            self.period_starts = [p[0] for p in self._periods]
        return self._periods


def _judge(ctx: FigureContext, fig: Figure) -> tuple[str, float] | None:
    """The measure rules' verdict on one figure (see Figure.rule)."""
    if not fig.judged:
        fig.judged = True
        q, norm = fig.q, ctx.norm
        found = None
        if not q.loose:
            found = _classify(fig.left, norm[fig.c_start:q.start], fig.right, fig.clause_right,
                              norm[fig.s_start:fig.s_end], q.kind,
                              partial(_spans_provinces, ctx.mentions, fig.s_start, fig.s_end, norm))
            if found is None and q.kind == "money" and _LIST_HEAD_RE.search(norm, fig.s_start, q.start):
                # list constructions: "帮扶资金——从2017年的2000万元、6个项目, 到2018年的9152万元"
                found = ("援助资金", 0.5)
        fig.rule = found
        fig.confidence = found[1] if found else 0.0
    return fig.rule


def figure_candidates(text: str, mentions: list[Mention], published: str | None = None,
                      loose: bool = True, rules: bool = True) -> tuple[FigureContext, list[Figure]]:
    """Every candidate figure of a document with the rules' verdict on it, in text order.

    With `loose` (the default) the candidates include what the rules never consider (see
    _Quantity.loose); the rules' verdict on those is always "not kept". With rules=False
    the verdict is left to _judge, on demand (the learned decision needs it only for the
    figures it keeps)."""
    ctx = FigureContext(text, mentions, published)
    norm = ctx.norm
    quantities = _find_quantities(norm, loose=loose)
    out: list[Figure] = []
    if not quantities:
        return ctx, out
    sentences, clauses = ctx.sentences, ctx.clauses
    qre = quantity_re()
    earlier: list[tuple[int, str]] = []  # (position, measure) of every figure kept so far
    plans: list[tuple[int, str]] = []  # (sentence start, measure) of planned figures
    prev_end = 0
    n_quantities = len(quantities)
    for i, q in enumerate(quantities):
        q_start, q_end = q.start, q.end
        s_start, s_end = sentences.bounds(q_start)
        c_start, c_end = clauses.bounds(q_start)
        left_start = max(c_start, prev_end if prev_end <= q_start else c_start, q_start - MAX_LEFT)
        left = norm[left_start:q_start]
        right_end = min(c_end, q_end + MAX_RIGHT)
        nxt = qre.search(norm, q_end, right_end)
        if nxt:
            right_end = nxt.start()
        unit_start = q_end - len(q.unit_surface)
        right = norm[unit_start:right_end]
        prev_end = q_end
        fig = Figure(q, s_start, s_end, c_start, c_end, left, right, None)
        out.append(fig)
        if not q.loose:
            # block rows see the clause up to the next figure of the same kind
            same = c_end
            for j in range(i + 1, n_quantities):
                if quantities[j].start >= c_end:
                    break
                if quantities[j].kind == q.kind and not quantities[j].loose:
                    same = quantities[j].start
                    break
            fig.clause_right = norm[unit_start:min(c_end, same)]
        fig.judged = False
        if not rules:
            continue
        found = _judge(ctx, fig)
        if found is None or found[0] == "-":
            continue
        measure, confidence = found
        # parts of a sentence joined by ；share its subject and period
        f_start = ctx.full_stops.bounds(q_start)[0]
        fig.f_start = f_start
        if _is_part(norm, q_start, q_end, mentions, f_start):
            fig.part = True
            confidence -= PART_PENALTY  # a breakdown of a total just stated (其中…)
        if _EXAMPLE_RE.search(norm, f_start, q_start):
            fig.example = True  # 以延安市为例: one facility's figures illustrate, they do not total
        if _is_subset_of_previous(norm, f_start, measure, earlier, ctx.full_stops):
            fig.subset = True
            confidence -= PART_PENALTY  # 特别是十八大以来…: a subset of the total just given
        if (f_start, measure) in plans and _PROGRESS_RE.search(left):
            fig.progress = True  # 计划培训9万人，已完成培训2万人: progress towards the plan
        fig.confidence = confidence
        if fig.example or fig.progress or confidence < MIN_CONFIDENCE:
            continue
        fig.rule_keep = True
        if _qualifier(left, right[len(q.unit_surface):], q.hedge, norm[s_start:q_start]) == "计划":
            plans.append((f_start, measure))
        earlier.append((q_start, measure))
    return ctx, out


#: Measure named by a cue word when no measure row names a figure the learned decision keeps:
#: (kind, pattern, measure); the first row of the figure's kind whose pattern is found in its
#: clause wins (the clause before the figure first, then all of it), else the last row.
_FALLBACK_MEASURES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (kind, re.compile(pattern), measure) for kind, pattern, measure in (
        ("money", r"捐", "社会捐赠"),
        ("money", r"销售|采购|消费|销往|购买", "销售额"),
        ("money", r"签约|引进|招商|协议", "签约投资额"),
        ("money", r"投资", "投资额"),
        ("money", r"培训", "培训经费"),
        ("money", r"", "援助资金"),
        ("person", r"培训|培养|轮训", "培训人次"),
        ("person", r"就业|务工|岗位|转移", "就业人数"),
        ("person", r"脱贫|减贫", "脱贫人口"),
        ("person", r"受益|带动|惠及|增收|覆盖", "受益人数"),
        ("person", r"选派|派出|援派|互派|干部|人才|专家|教师|医生|老师|队员|工作队", "援派干部人才"),
        ("person", r"", "人数"),
        ("household", r"脱贫", "脱贫户数"),
        ("household", r"", "受益户数"),
        ("item", r"", "项目数"),
        ("weight", r"", "销售量"),
    ))


def _fallback_measure(kind: str, before: str, clause: str = "") -> str:
    for context in (before, clause):
        for k, pattern, measure in _FALLBACK_MEASURES:
            if k == kind and pattern.pattern and pattern.search(context):
                return measure
    rows = [measure for k, _, measure in _FALLBACK_MEASURES if k == kind]
    return rows[-1] if rows else "数量"


def _claim_of(ctx: FigureContext, fig: Figure, measure: str, confidence: float, extractor: str) -> Claim:
    norm, text, q = ctx.norm, ctx.text, fig.q
    if fig.f_start == fig.s_start:
        fig.f_start = ctx.full_stops.bounds(q.start)[0]
    e_start, e_end = _evidence_span(norm, fig.s_start, fig.s_end, q.start, q.end)
    qualifier = _qualifier(fig.left, fig.right[len(q.unit_surface):], q.hedge, norm[fig.s_start:q.start])
    subject, obj = _parties(ctx.mentions, fig.f_start, q.start, norm, q.end, fig.c_end)
    periods = ctx.periods
    return Claim(
        measure=measure,
        value=q.value,
        unit=q.unit,
        evidence=Evidence(e_start, e_end, text[e_start:e_end], extractor, round(confidence, 2)),
        subject=subject,
        object=obj,
        qualifier=qualifier,
        period=_period_for(periods, fig.f_start, q.start, norm, ctx.period_starts),
        status=_status(norm[fig.c_start:fig.c_end]),
    )


#: The learned decision's default; `extract_claims(..., model=RULES)` uses the rules alone.
RULES = "rules"


def extract_claims(text: str, mentions: list[Mention], published: str | None = None,
                   model=None) -> list[Claim]:
    """Every quantified claim stated in a document's clean text, in text order.

    `mentions` are the regions found in `text` (sorted by start); they give subject and
    object where the sentence makes them clear. `published` (ISO date) resolves 今年/去年;
    when missing, a date near the top of the page is used.

    Which candidate figures become claims is decided by the learned model
    (duikou.extract.claim_model; `model` defaults to the shipped
    extract/data/claims.lgb.txt, a fold-trained learned.Model may be passed for
    cross-validation, and model=RULES uses the measure rules alone).
    """
    if model is None:
        from duikou.extract.claim_model import shipped_model

        model = shipped_model() or RULES
    rules = model == RULES
    ctx, figures = figure_candidates(text, mentions, published, loose=not rules, rules=rules)
    norm = ctx.norm
    has_percent = "%" in norm
    if not figures and not has_percent:
        return []
    kept: list[tuple[int, Claim]] = []
    if figures:
        if model == RULES:
            for fig in figures:
                if fig.rule_keep:
                    kept.append((fig.q.start, _claim_of(ctx, fig, fig.rule[0], fig.confidence, "claims.measure_rule")))
        else:
            from duikou.extract.claim_model import decide

            for fig, p in decide(ctx, figures, model):
                rule = _judge(ctx, fig)
                measure = rule[0] if rule and rule[0] != "-" else _fallback_measure(
                    fig.q.kind, ctx.norm[fig.c_start:fig.q.start], ctx.norm[fig.c_start:fig.c_end])
                kept.append((fig.q.start, _claim_of(ctx, fig, measure, p, "claims.learned")))
    claims = [c for _, c in kept]
    if has_percent:
        def context() -> tuple[_StopIndex, list[tuple[int, int, str]], list[int]]:
            periods = ctx.periods
            return ctx.full_stops, periods, ctx.period_starts

        stated = [_Stated(f.q.start, f.q.end, r[0], f.q.value, f.q.unit)
                  for f in figures if (r := _judge(ctx, f)) and r[0] != "-"]
        quantities = [f.q for f in figures if not f.q.loose]
        shares = _percentage_claims(text, norm, mentions, quantities, stated,
                                    ctx.sentences, ctx.clauses, context)
        if shares:
            merged = kept + shares
            merged.sort(key=lambda pc: pc[0])
            claims = [c for _, c in merged]
    return claims


def rule_claims(text: str, mentions: list[Mention], published: str | None = None) -> list[Claim]:
    """The measure rules alone (no learned decision): what extract_claims did before issue 8."""
    return extract_claims(text, mentions, published, model=RULES)
