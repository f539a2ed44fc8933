"""Figures as candidates plus a learned decision (issue 8).

Candidates: every number-with-unit of a document that could be a figure of assistance
(claims.figure_candidates: money, head-counts, items, households, tonnes, including small
counts, bare magnitudes such as 百余名 and money written without 元), each with its sentence
and clause. Features: generic and cheap — the unit and magnitude, cue words (aid, sending,
training, jobs, sales, donations, investment, projects … and negative cues: statistics,
growth, dates, organisations, events) with their distance left and right inside the clause
and their presence in the sentence, the regions named around the figure, its position, the
document's relevance, breakdown and illustration marks, and the measure rules' verdict
(measures.tsv). Decision: a LightGBM model (duikou.extract.learned) trained by
`scripts/train_models.py --part claims` on the labelled pages and shipped as
extract/data/claims.lgb.txt, with the threshold chosen by page-level cross-validation.

For cross-validation (`duikou eval --cv K`):
    rows, labels = claim_examples(text, mentions, published, gold_rows_of_page)
    model = train_claim_model(rows, labels)
    claims = extract_claims(text, mentions, published, model=model)
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from functools import cache
from typing import Any

from duikou.extract import learned
from duikou.extract.claims import (
    _EXAMPLE_RE,
    _PART_MARK,
    _SUBSET_OPENER_RE,
    Figure,
    FigureContext,
    _spans_provinces,
    figure_candidates,
)
from duikou.models import Mention

#: Name of the shipped model file (extract/data/claims.lgb.txt).
MODEL_NAME = "claims"
#: Probability at or above which a candidate becomes a claim; chosen by page-level
#: cross-validation (scripts/train_models.py --part claims --cv 5) and written into the
#: model file's first line when trained; this is the fallback.
DEFAULT_THRESHOLD = 0.5
#: Value tolerance of a match with a gold figure (score.py).
REL_TOL = 0.005

#: Cue groups: name -> pattern. Each gives three features: the distance (characters) from
#: its last match in the clause before the figure, from the figure's end to its first match
#: in the clause after, and its count in the sentence.
CUES: tuple[tuple[str, str], ...] = (
    ("aid", r"援|帮扶|支援|协作|对口|结对|扶贫"),
    ("fund", r"资金|经费|援助款|帮扶款|专项|财政"),
    ("input", r"投入|安排|落实|拨付|下达|筹措|注入|争取|统筹|整合"),
    ("invest", r"投资|签约|引进|招商|落地|协议|合同"),
    ("donate", r"捐|募集|资助|爱心|慈善|物资"),
    ("project", r"项目|工程"),
    ("implement", r"实施|建设|援建|建成|开工|完成|新建"),
    ("send", r"选派|派出|派遣|援派|派驻|选调|互派|挂职|轮换|到岗|进藏|进疆|入疆|入藏|赴"),
    ("cadre", r"干部|人才|专家|教师|医生|老师|医务|医疗队|技术人员|团队|工作队|支教"),
    ("train", r"培训|培养|轮训|研修|跟岗"),
    ("job", r"就业|务工|岗位|转移|劳务|输出"),
    ("sales", r"销售|采购|消费|销往|购买|带货|订单|交易"),
    ("benefit", r"受益|带动|惠及|增收|覆盖|帮助|解决"),
    ("poverty", r"脱贫|减贫|贫困|建档立卡|摘帽"),
    ("people", r"农牧民|群众|农户|百姓|居民|劳动力|村民|职工"),
    ("total", r"累计|总计|合计|共计|共|总额|总量|达到|达"),
    ("part", r"其中|含|包括"),
    ("plan", r"计划|拟|预计|力争|将|目标|任务"),
    ("hedge", r"近|超过|超|逾|约|左右|以上|余|多"),
    ("stat", r"人口|面积|生产总值|GDP|收入|人均|户均|总值|产值|常住|户籍|平方|公里|海拔|亩"),
    ("change", r"增长|同比|下降|比上年|较上年|提高|增加|减少|上升|翻"),
    ("org", r"企业|公司|集团|学校|医院|村|乡|镇|合作社|商户|家|园区|基地|车间"),
    ("event", r"会议|座谈|考察|调研|参加|参会|活动|游客|学生|患者|病人|接诊|志愿者|观众|论坛|晚会"),
    ("loss", r"损失|受灾|遇难|死亡|倒塌|失踪|受伤"),
    ("per", r"每|/|单价|县均|户均|人均|村均|平均"),
    ("date", r"年|月|日|期间|以来"),
    ("pct", r"%|占|比例|比重|成"),
    ("batch", r"第|批|届|期|轮"),
    ("honor", r"荣获|表彰|奖|称号|先进"),
    ("loan", r"贷款|融资|信贷|债"),
    ("wage", r"工资|薪|补贴|补助|奖补|学费"),
)
_CUE_RES = tuple((name, re.compile(pattern)) for name, pattern in CUES)
#: Far: the distance given when a cue is absent.
FAR = 60

_KINDS = ("money", "person", "item", "household", "weight")
_SURFACES = ("名", "人", "位", "人次", "个", "项", "户", "吨")
_LOOSE = ("small", "vague", "bare")
_YEAR_RE = re.compile(r"^(?:19|20)\d\d$")
_KIND_ROWS = {k: [1.0 if k == j else 0.0 for j in _KINDS] for k in _KINDS}
_SURFACE_ROWS = {u: [1.0 if u == j else 0.0 for j in _SURFACES] for u in _SURFACES}
_NO_SURFACE = [0.0] * len(_SURFACES)


def feature_names() -> tuple[str, ...]:
    names = [f"kind_{k}" for k in _KINDS] + [f"unit_{u}" for u in _SURFACES] + [
        "unit_noun", "log_value", "value_int", "value_round", "value_yearlike", "hedge", "chinese_numeral",
        "has_magnitude", "decimal",
    ] + [f"loose_{k}" for k in _LOOSE] + [
        "part_mark", "example", "subset_opener",
        "sentence_len", "clause_len", "left_clause_len",
        "rank_in_sentence", "figures_in_sentence", "figures_in_clause", "same_kind_in_clause",
        "prev_figure_gap", "next_figure_gap",
        "repeats_in_doc", "mentions_in_sentence", "mention_gap_left", "mention_gap_right",
        "cross_province",
        "after_de", "after_noun_char", "before_char_digitlike", "bracketed",
    ]
    for name, _ in CUES:
        names += [f"{name}_left", f"{name}_right", f"{name}_sentence"]
    return tuple(names)


FEATURES = feature_names()


def _first_chars(pattern: str) -> str:
    return "".join(sorted({alt[0] for alt in pattern.split("|")}))


#: All cue groups in one pattern (group i+1 = CUES[i]), behind a look-ahead on the
#: characters a cue can start with, so positions that start none are skipped fast.
_CUE_ALL = re.compile(
    "(?=[" + re.escape("".join(sorted(set("".join(_first_chars(p) for _, p in CUES))))) + "])(?:"
    + "|".join(f"({pattern})" for _, pattern in CUES) + ")"
)
_N_CUES = len(CUES)


class _CueHits:
    """Cue matches of the sentences around the candidates, scanned once: sentences come in text
    order, so each scan starts where the last one stopped (a text with no punctuation, whose
    400-character "sentences" overlap, is still scanned once)."""

    __slots__ = ("norm", "starts", "hits", "upto", "counts")

    def __init__(self, norm: str) -> None:
        self.norm = norm
        self.starts: list[int] = []
        self.hits: list[tuple[int, int, int]] = []
        self.upto = 0
        self.counts: dict[tuple[int, int], list[int]] = {}

    def cover(self, start: int, end: int) -> None:
        if end <= self.upto:
            return
        for m in _CUE_ALL.finditer(self.norm, max(start, self.upto), end):
            self.starts.append(m.start())
            self.hits.append((m.start(), m.end(), m.lastindex - 1))
        self.upto = end

    def sentence_counts(self, start: int, end: int) -> list[int]:
        key = (start, end)
        counts = self.counts.get(key)
        if counts is None:
            counts = [0] * _N_CUES
            hits = self.hits
            for k in range(bisect_left(self.starts, start), bisect_left(self.starts, end)):
                if hits[k][1] <= end:
                    counts[hits[k][2]] += 1
            self.counts[key] = counts
        return counts


_AID_RE = re.compile(r"援|帮扶|支援|协作|对口|结对")


def features(ctx: FigureContext, figures: Sequence[Figure]) -> list[list[float]]:
    """One feature row per candidate (FEATURES order)."""
    norm = ctx.norm
    mentions = ctx.mentions
    mention_starts = [m.start for m in mentions]
    repeats = Counter((f.q.unit, round(f.q.value, 6)) for f in figures)
    starts = [f.q.start for f in figures]
    cue_hits = _CueHits(norm)
    cross_province: dict[int, float] = {}
    rows: list[list[float]] = []
    for i, fig in enumerate(figures):
        q = fig.q
        value = q.value
        row: list[float] = _KIND_ROWS[q.kind] + _SURFACE_ROWS.get(q.unit_surface, _NO_SURFACE)
        row.append(1.0 if len(q.unit_surface) > 2 else 0.0)
        row.append(math.log10(value) if value > 0 else -1.0)
        is_int = float(value == int(value))
        row.append(is_int)
        round_k = 0
        v = int(value) if is_int else 0
        while v and v % 10 == 0 and round_k < 12:
            v //= 10
            round_k += 1
        row.append(float(round_k))
        num_text = norm[q.start:q.end]
        row.append(1.0 if is_int and _YEAR_RE.match(str(int(value))) and q.kind != "money" else 0.0)
        row.append(1.0 if q.hedge else 0.0)
        row.append(0.0 if num_text[:1].isdigit() else 1.0)
        row.append(1.0 if any(c in num_text for c in "万亿萬億") else 0.0)
        row.append(1.0 if "." in num_text else 0.0)
        row += [1.0 if q.loose == k else 0.0 for k in _LOOSE]
        s_start, s_end, c_start, c_end = fig.s_start, fig.s_end, fig.c_start, fig.c_end
        sentence_left = norm[s_start:q.start]
        row.append(1.0 if _PART_MARK.search(sentence_left) else 0.0)
        row.append(1.0 if _EXAMPLE_RE.search(sentence_left) else 0.0)
        row.append(1.0 if _SUBSET_OPENER_RE.match(sentence_left) else 0.0)
        row.append(float(s_end - s_start))
        row.append(float(c_end - c_start))
        row.append(float(q.start - c_start))
        lo = bisect_left(starts, s_start)
        hi = bisect_left(starts, s_end)
        row.append(float(i - lo))
        row.append(float(hi - lo))
        in_clause = [f for f in figures[bisect_left(starts, c_start):bisect_left(starts, c_end)]]
        row.append(float(len(in_clause)))
        row.append(float(sum(1 for f in in_clause if f.q.kind == q.kind)))
        row.append(float(min(q.start - figures[i - 1].q.end, FAR)) if i and figures[i - 1].q.end >= s_start else FAR)
        row.append(float(min(figures[i + 1].q.start - q.end, FAR)) if i + 1 < len(figures)
                   and figures[i + 1].q.start < s_end else FAR)
        row.append(float(repeats[(q.unit, round(value, 6))]))
        m_lo = bisect_left(mention_starts, s_start)
        m_hi = bisect_left(mention_starts, s_end)
        row.append(float(m_hi - m_lo))
        m_q = bisect_left(mention_starts, q.start)
        row.append(float(min(q.start - mentions[m_q - 1].end, FAR)) if m_q > m_lo else FAR)
        row.append(float(min(mentions[m_q].start - q.end, FAR)) if m_q < m_hi else FAR)
        cross = cross_province.get(s_start)
        if cross is None:
            cross = cross_province[s_start] = 1.0 if m_hi - m_lo >= 2 and _spans_provinces(
                mentions, s_start, s_end, norm) else 0.0
        row.append(cross)
        after = norm[q.end:q.end + 1]
        row.append(1.0 if after == "的" else 0.0)
        row.append(1.0 if after and "\u4e00" <= after <= "\u9fff" else 0.0)
        before = norm[q.start - 1:q.start]
        row.append(1.0 if before in "第数几上" or before.isdigit() else 0.0)
        row.append(1.0 if norm.rfind("（", c_start, q.start) > norm.rfind("）", c_start, q.start)
                   or norm.rfind("(", c_start, q.start) > norm.rfind(")", c_start, q.start) else 0.0)
        # cues: distance of the last match before the figure (in its clause, 40 characters),
        # of the first match after it (in its clause, 30 characters), count in the sentence
        cues = [FAR, FAR, 0] * _N_CUES  # per group: distance left, distance right, sentence count
        lo_left = max(c_start, q.start - 40)
        hi_right = min(c_end, q.end + 30)
        cue_hits.cover(s_start, s_end)
        cues[2::3] = cue_hits.sentence_counts(s_start, s_end)
        hits = cue_hits.hits
        q_start, q_end = q.start, q.end
        for k in range(bisect_left(cue_hits.starts, lo_left), len(hits)):
            a, b, g = hits[k]
            if a >= hi_right:
                break
            if b <= q_start:
                cues[3 * g] = q_start - b
            elif q_end <= a and b <= hi_right and cues[3 * g + 1] == FAR:
                cues[3 * g + 1] = a - q_end
        row += cues
        rows.append(row)
    return rows


# --- decision -------------------------------------------------------------------------------

@cache
def shipped_model() -> learned.Model | None:
    """The shipped claims model (extract/data/claims.lgb.txt), or None when it is not there.
    Its first line, "# threshold T", is the decision threshold chosen by cross-validation."""
    model = learned.shipped(MODEL_NAME, FEATURES)
    if model is not None and model.threshold is None:
        model.threshold = DEFAULT_THRESHOLD
    return model


def model_text(model: learned.Model) -> str:
    """The file to ship: the threshold line, then LightGBM's own text (which skips it)."""
    model.threshold = threshold_of(model)
    return model.to_text()


def threshold_of(model: Any) -> float:
    return float(getattr(model, "threshold", None) or DEFAULT_THRESHOLD)


def decide(ctx: FigureContext, figures: Sequence[Figure], model: Any) -> list[tuple[Figure, float]]:
    """(figure, probability) of every candidate the model keeps (one predict per document)."""
    if not figures:
        return []
    probs = model.predict(features(ctx, figures))
    t = threshold_of(model)
    return [(f, p) for f, p in zip(figures, probs) if p >= t]


# --- training -------------------------------------------------------------------------------

def _matches(value: float, unit: str, gold: Sequence[dict]) -> bool:
    return any(str(g.get("unit") or "").strip() == unit
               and abs(value - float(g.get("value") or 0)) <= REL_TOL * max(abs(value), abs(float(g.get("value") or 0)), 1e-9)
               for g in gold)


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)}


@cache
def _evidence_bigrams(evidence: str) -> frozenset[str]:
    from duikou.clean import clean_text

    return frozenset(_bigrams(clean_text(evidence)[0]))


def labels_of(ctx: FigureContext, figures: Sequence[Figure], gold_rows_of_page: Sequence[dict]) -> list[int]:
    """A candidate is positive when a gold amount of its page has the same unit and value
    (±0.5%, as score.py matches) and, when several candidates have that value, it is one whose
    words overlap the gold evidence best (so that 一名共产党员 does not become an example
    of a figure because the page also reports 1 project)."""
    norm = ctx.norm
    matched: list[list[tuple[int, float]]] = []  # per figure: (gold index, evidence overlap)
    best: dict[int, float] = {}
    for f in figures:
        hits = []
        for j, g in enumerate(gold_rows_of_page):
            if _matches(f.q.value, f.q.unit, (g,)):
                ev = _evidence_bigrams(str(g.get("evidence") or ""))
                window = _bigrams(norm[max(f.s_start, f.q.start - 30):min(f.s_end, f.q.end + 15)])
                overlap = len(ev & window) / len(ev) if ev else 1.0
                hits.append((j, overlap))
                best[j] = max(best.get(j, 0.0), overlap)
        matched.append(hits)
    return [1 if any(o >= 0.5 or o >= best[j] - 1e-9 for j, o in hits) else 0 for hits in matched]


def claim_examples(text: str, mentions: list[Mention], published: str | None,
                   gold_rows_of_page: Sequence[dict]) -> tuple[list[list[float]], list[int]]:
    """Feature rows and labels (labels_of) of one document's candidates against the gold
    amounts of its page."""
    ctx, figures = figure_candidates(text, mentions, published, rules=False)
    if not figures:
        return [], []
    return features(ctx, figures), labels_of(ctx, figures, gold_rows_of_page)


#: LightGBM settings of the claims decision (on top of learned.PARAMS): few rounds on about
#: a thousand candidates, chosen by page-level cross-validation.
ROUNDS = 150
PARAMS: dict[str, object] = {}


def train_claim_model(rows: Sequence[Sequence[float]], labels: Sequence[int],
                      threshold: float | None = None) -> learned.Model:
    """A LightGBM model over claim_examples rows (deterministic). `threshold` is stored on it;
    by default the shipped model's (chosen by cross-validation), else DEFAULT_THRESHOLD."""
    model = learned.train(rows, labels, FEATURES, rounds=ROUNDS, params=PARAMS)
    if threshold is None:
        try:
            shipped = shipped_model()
        except RuntimeError:  # the shipped file predates the current features
            shipped = None
        threshold = threshold_of(shipped) if shipped is not None else DEFAULT_THRESHOLD
    model.threshold = threshold
    return model
