"""Quantified-claim extraction: figures such as 援助资金 1.845亿元 or 项目 672 个, with evidence.

Rule-based on purpose: a figure becomes a claim only when the words around it say what it
measures (data/measures.tsv), so dates, ranks, phone numbers, 第N批 and bare percentages
never do. Values are in base units (yuan; plain counts); hedges (近/超过/多) go to the
qualifier, not into the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from duikou.extract.numbers import NUMBER_PATTERN, magnitude, normalize_digits, parse_number
from duikou.extract.periods import find_periods, guess_published
from duikou.models import Claim, Evidence, Mention, Region

#: Claims whose evidence confidence is below this are not emitted.
MIN_CONFIDENCE = 0.5
#: Longest left context (characters) searched for a measure word.
MAX_LEFT = 40
#: Longest right context searched (e.g. "15.36亿元援藏资金").
MAX_RIGHT = 14
#: Evidence quotes are the sentence, cut to about this many characters around the figure.
MAX_QUOTE = 160

#: Confidence lost by a figure that breaks down a total (其中…) without naming a recipient.
PART_PENALTY = 0.35

SENTENCE_END = "。！？!?；;\n"
CLAUSE_END = SENTENCE_END + "，,：:"


@dataclass(frozen=True)
class MeasureRule:
    """One row of measures.tsv."""

    measure: str  # "-" = block
    kind: str
    side: str  # L | R | A
    pattern: re.Pattern[str]
    confidence: float
    sentence: re.Pattern[str] | None = None  # the whole sentence must match


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
    rules = [
        MeasureRule(r[0], r[1], r[2], re.compile(r[3]), float(r[4]),
                    re.compile(r[5]) if len(r) > 5 and r[5].strip() else None)
        for r in _data_lines("measures.tsv")
    ]
    return tuple([r for r in rules if r.measure == "-"] + [r for r in rules if r.measure != "-"])


@lru_cache(maxsize=1)
def load_units() -> dict[str, tuple[str, str]]:
    """surface -> (unit, kind) from units.tsv."""
    return {r[0]: (r[1], r[2]) for r in _data_lines("units.tsv")}


@lru_cache(maxsize=1)
def quantity_re() -> re.Pattern[str]:
    """number, hedge, magnitude, hedge, unit (元 or a count unit from units.tsv)."""
    surfaces = sorted(load_units(), key=len, reverse=True)
    unit_alt = "|".join(re.escape(s) + ("(?!目)" if s in ("项", "項") else "") for s in surfaces)
    return re.compile(
        rf"(?P<num>{NUMBER_PATTERN})(?P<h1>[多余哆来])?(?P<mag>[十百千]?[万亿]{{0,2}})"
        rf"(?P<h2>[多余哆])?(?:(?P<money>元)|(?P<unit>{unit_alt}))"
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


def _find_quantities(norm: str) -> list[_Quantity]:
    out: list[_Quantity] = []
    for m in quantity_re().finditer(norm):
        num = m.group("num")
        prev = norm[m.start() - 1] if m.start() > 0 else ""
        # part of a code, phone number, URL, range (20—40万元) or an ordinal/vague amount
        if prev and (prev.isascii() and (prev.isalnum() or prev in ".-/_~")):
            continue
        if prev in "第数几上—–－~～" or (prev == "-" ):
            continue
        if not re.search(r"[\d一二两三四五六七八九壹贰叁肆伍陆柒捌玖]", num):
            continue  # 千余个, 百余人, 近百亿: a bare magnitude is rhetoric, not a figure
        value = parse_number(num)
        if value is None or value <= 0:
            continue
        if m.group("money"):
            value *= magnitude(m.group("mag"))
            unit, kind = "元", "money"
        else:
            if m.group("mag") and not set(m.group("mag")) <= set("万亿"):
                continue
            value *= magnitude(m.group("mag"))
            unit, kind = load_units()[m.group("unit")]
            if not re.search(r"\d", num) and value < 10:
                continue  # 一个, 两名: idiom, not a figure
        hedge = bool(m.group("h1") or m.group("h2"))
        out.append(_Quantity(m.start(), m.end(), value, unit, kind, hedge, m.group("unit") or "元"))
    return out


def _bounds(text: str, pos: int, stops: str) -> tuple[int, int]:
    start = pos
    while start > 0 and text[start - 1] not in stops:
        start -= 1
    end = pos
    while end < len(text) and text[end] not in stops:
        end += 1
    return start, end


def _classify(left: str, clause_left: str, right: str, sentence: str, kind: str) -> tuple[str, float] | None:
    """(measure, confidence) for a figure of this kind; ("-", 0) when blocked, None when unknown.

    Block rows look at the whole clause before the figure; measure rows only at the text
    since the previous figure, so "项目273个,援疆资金18.12亿元" gives each its own measure.
    """
    for rule in load_measures():
        if rule.kind != kind:
            continue
        lft = clause_left if rule.measure == "-" else left
        hit = (rule.side in ("L", "A") and rule.pattern.search(lft)) or (
            rule.side in ("R", "A") and rule.pattern.search(right)
        )
        if not hit:
            continue
        if rule.sentence is not None and not rule.sentence.search(sentence):
            continue
        return rule.measure, rule.confidence
    return None


_PLACE_RE = re.compile(r"[\u4e00-\u9fff](?:省|市|县|区|州|地区|盟|旗)(?![长委政])")


def _names_place(span: str, mentions: list[Mention], offset: int) -> bool:
    """Whether a phrase names a region (a mention inside it, or a place-name suffix)."""
    if any(offset <= mn.start and mn.end <= offset + len(span) for mn in mentions):
        return True
    return bool(_PLACE_RE.search(span))


_QUALIFIERS = [
    ("近", re.compile(r"(?:近|将近|接近|逼近)$")),
    ("约", re.compile(r"(?:约|大约|约为)$")),
    ("超过", re.compile(r"(?:超过|超|逾|突破|高达|多达)$")),
]


def _qualifier(left: str, right: str, hedge: bool, sentence_left: str) -> str | None:
    for name, pattern in _QUALIFIERS:
        if pattern.search(left.rstrip("达了共计为")) or pattern.search(left):
            return name
    if hedge or re.match(r"^(?:以上|有余)", right):
        return "多" if hedge else "超过"
    if re.search(r"左右", right[:3]):
        return "约"
    if re.search(r"累计|总计|合计|共计", sentence_left):
        return "累计"
    if re.search(r"计划|拟|预计|力争|将", left):
        return "计划"
    return None


def _status(context: str) -> str | None:
    if re.search(r"建成|完工|竣工|完成建设", context):
        return "建成"
    if re.search(r"开工", context):
        return "开工"
    if re.search(r"确定|落实", context):
        return "确定"
    return None


_OBJECT_MARK = re.compile(r"(?:支援|援助|援建|帮扶|协作|向|对|在|援|助力|支持|到|赴|进)$")


def _parties(mentions: list[Mention], s_start: int, q_start: int, text: str) -> tuple[Region | None, Region | None]:
    """Subject (donor) and object (recipient) among the regions named before the figure.

    A region right after a giving word (支援, 援助, 帮扶, 向, 在 …) is the recipient; a region
    elsewhere is the donor. The closest one of each kind wins.
    """
    subject = obj = None
    for mn in mentions:
        if mn.start < s_start or mn.end > q_start:
            continue
        before = text[max(s_start, mn.start - 4):mn.start]
        if _OBJECT_MARK.search(before):
            obj = mn.region
        else:
            subject = mn.region
    if subject is not None and obj is not None and subject.code and subject.code == obj.code:
        subject = None
    return subject, obj


def _period_for(periods: list[tuple[int, int, str]], s_start: int, q_start: int, s_end: int) -> str | None:
    before = [p for p in periods if s_start <= p[0] and p[1] <= q_start]
    if before:
        return before[-1][2]
    inside = [p for p in periods if s_start <= p[0] and p[1] <= s_end]
    return inside[0][2] if inside else None


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


def extract_claims(text: str, mentions: list[Mention], published: str | None = None) -> list[Claim]:
    """Every quantified claim stated in a document's clean text, in text order.

    `mentions` are the regions found in `text` (sorted by start); they give subject and
    object where the sentence makes them clear. `published` (ISO date) resolves 今年/去年;
    when missing, a date near the top of the page is used.
    """
    norm = normalize_digits(text)
    published = published or guess_published(norm)
    periods = find_periods(norm, published)
    quantities = _find_quantities(norm)
    claims: list[Claim] = []
    prev_end = 0
    for q in quantities:
        s_start, s_end = _bounds(norm, q.start, SENTENCE_END)
        c_start, c_end = _bounds(norm, q.start, CLAUSE_END)
        left_start = max(c_start, prev_end if prev_end <= q.start else c_start, q.start - MAX_LEFT)
        left = norm[left_start:q.start]
        right_end = min(c_end, q.end + MAX_RIGHT)
        nxt = quantity_re().search(norm, q.end, right_end)
        if nxt:
            right_end = nxt.start()
        right = norm[q.end - len(q.unit_surface):right_end]
        prev_end = q.end
        found = _classify(left, norm[c_start:q.start], right, norm[s_start:s_end], q.kind)
        if found is None and q.kind == "money":
            # list constructions: "帮扶资金——从2017年的2000万元、6个项目, 到2018年的9152万元"
            if re.search(r"(?:援助|帮扶|援建|支援|援疆|援藏|援青|协作)资金", norm[s_start:q.start]):
                found = ("援助资金", 0.5)
        if found is not None and found[0] == "-":
            continue
        if found is None:
            continue
        measure, confidence = found
        part = re.search(r"其中|[(（]含", norm[s_start:q.start])
        if part and not _names_place(norm[s_start + part.end():q.start], mentions, s_start + part.end()):
            confidence -= PART_PENALTY  # a breakdown of a total just stated (其中用于…)
        if confidence < MIN_CONFIDENCE:
            continue
        e_start, e_end = _evidence_span(norm, s_start, s_end, q.start, q.end)
        subject, obj = _parties(mentions, s_start, q.start, norm)
        claims.append(
            Claim(
                measure=measure,
                value=q.value,
                unit=q.unit,
                evidence=Evidence(e_start, e_end, text[e_start:e_end], "claims.measure_rule", round(confidence, 2)),
                subject=subject,
                object=obj,
                qualifier=_qualifier(left, right[len(q.unit_surface):], q.hedge, norm[s_start:q.start]),
                period=_period_for(periods, s_start, q.start, s_end),
                status=_status(norm[c_start:c_end]),
            )
        )
    return claims
