"""Generic features of a pairing candidate, for the learned decision.

Why these and nothing else: the decision must hold on pages nobody tuned to, so it sees only
what any report of any programme has — which cue words stand between, before and after the two
places (data/pairing_feature_cues.tsv), their order and distance, their levels and provinces'
donor ranks, list structure, how often the document names them, and the official arrangements
as a prior. It never sees what the hand-written rules decided: those rules were fitted to the
labelled pages, and a model given their output only learns to copy them.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from importlib import resources

import numpy as np

from duikou.extract.pairing_candidates import KINDS, Candidate, Context
from duikou.extract.pairings import Group, _is_xpcc, _key, _one_side, _province, _rank
from duikou.models import Region

#: Characters looked at just before the first place and just after the second.
WINDOW = 10
LEVELS = {"province": 0, "prefecture": 1, "county": 2, "township": 3, "other": 4}
LIST_JOIN = ("、", "和", "及", "与", "以及", "及其下辖")
HAN = re.compile(r"[\u4e00-\u9fff]")
PUNCT = re.compile(r"[，,。；;：:！？!?、（）()“”]")
FILLER = re.compile(r"[的了在已将等\s]")
JOINS = ("与", "和", "同", "跟", "、", "及")


@cache
def cue_classes() -> tuple[tuple[str, ...], re.Pattern[str], dict[str, frozenset[int]]]:
    """(class names, one pattern for every cue word, word -> indexes of its classes)."""
    text = resources.files("duikou.extract").joinpath("data", "pairing_feature_cues.tsv").read_text("utf-8")
    names: list[str] = []
    words: dict[str, set[int]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cls, word = line.split("\t")[:2]
        if cls not in names:
            names.append(cls)
        words.setdefault(word, set()).add(names.index(cls))
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    return tuple(names), pattern, {w: frozenset(c) for w, c in words.items()}


@cache
def _official() -> tuple[frozenset[tuple[str, str]], frozenset[str], frozenset[str], frozenset[tuple[str, str]]]:
    """Official arrangements as sets: (donor, recipient) codes, donors, recipients, and the
    province pairs they imply. A prior only: a registry row is never evidence on its own."""
    from duikou.regions import default_gazetteer
    from duikou.registry import arrangements

    pairs: set[tuple[str, str]] = {(a.donor_code, a.recipient_code) for a in arrangements()
                                   if a.donor_code and a.recipient_code}
    pairs |= {k for k in default_gazetteer()._known if k[0] and k[1]}  # known_pairings.tsv
    donors = {d for d, _ in pairs}
    recipients = {r for _, r in pairs}
    provinces = {(d[:2] + "0000", r[:2] + "0000") for d, r in pairs}
    return frozenset(pairs), frozenset(donors), frozenset(recipients), frozenset(provinces)


@cache
def _partners() -> dict[str, frozenset[str]]:
    """Donor code -> the codes of its official recipients (the pairs of _official, indexed)."""
    out: dict[str, set[str]] = {}
    for d, r in _official()[0]:
        out.setdefault(d, set()).add(r)
    return {d: frozenset(r) for d, r in out.items()}


def official_pairs() -> frozenset[tuple[str, str]]:
    """(donor code, recipient code) of every official arrangement (registry and known_pairings)."""
    return _official()[0]


def _level(region: Region) -> int:
    if _is_xpcc(region):
        return 5
    return LEVELS.get(region.level, 4)


def _prov(region: Region) -> str:
    return _province(region) or ""


def _code_chain(region: Region) -> list[str]:
    """The region's code and its parents' codes (a county counts for its prefecture's pair)."""
    out = []
    if region.code:
        out.append(region.code)
        if region.level == "county" and region.parent_code:
            out.append(region.parent_code)
        if region.level != "province" and _prov(region):
            out.append(_prov(region))
    return out


@cache
def names() -> tuple[str, ...]:
    classes, _, _ = cue_classes()
    cue = tuple(f"{c}_{w}" for c in classes for w in ("between", "left", "right", "sentence"))
    return (
        *(f"kind_{k}" for k in KINDS),
        "a_first", "a_level", "b_level", "level_diff", "a_rank", "b_rank", "rank_diff",
        "same_province", "a_pronoun", "b_pronoun", "a_full_name", "b_full_name",
        "a_institution", "b_institution", "a_code_null", "b_code_null",
        "sentence_gap", "char_gap", "places_between", "commas_between", "stops_between",
        "places_in_sentence", "a_index", "b_index", "a_list", "b_list",
        "a_list_pos", "b_list_pos", "official_pair", "official_reverse", "official_provinces",
        "a_official_donor", "b_official_recipient", "a_official_recipient", "b_official_donor",
        "pair_sentences", "a_doc_count", "b_doc_count", "a_in_title", "b_in_title",
        "a_first_in_doc", "b_first_in_doc", "sentence_position", "sentence_length",
        "a_most_named_donor", "b_most_named_recipient",
        "lists_aligned", "line_of_two", "between_cjk", "between_only_cues", "no_punct_between",
        "join_then_relation", "cue_right_after_first", "cue_right_before_second", "foreign_between",
        *cue,
    )


class _Doc:
    """Per-document tables the features of every candidate share."""

    def __init__(self, ctx: Context, cands: list[Candidate]) -> None:
        self.ctx = ctx
        classes, pattern, word_classes = cue_classes()
        self.n_classes = len(classes)
        # the cue matches of the sentences the features look into, found once: every cue window
        # lies in the sentence of a candidate's second place (b), and the cue-adjacency tests
        # only count for candidates within one sentence
        text = ctx.text
        sentences = ctx.sentences
        found = [(m.start(), m.end(), m.group()) for k in sorted({c.b_sentence for c in cands})
                 for m in pattern.finditer(text, *sentences[k])]
        # each class's positions shifted by k * (len(text) + 1): one sorted array for all classes
        width = len(text) + 1
        self.cue_shifted = np.sort(np.array([start + k * width for start, _, word in found
                                             for k in word_classes[word]], dtype=np.int64))
        self.cue_starts = np.array([start for start, _, _ in found], dtype=np.int64)
        self.cue_ends = np.array([end for _, end, _ in found], dtype=np.int64)
        keys = [_key(g.region) for g in ctx.groups]
        self.keys = keys
        self.counts = Counter(keys)
        self.first_seen: dict[str, int] = {}
        self.sentences_of: dict[str, set[int]] = {}
        for i, (k, sentence) in enumerate(zip(keys, ctx.sentence_of, strict=True)):
            if k in self.first_seen:
                self.sentences_of[k].add(sentence)
            else:
                self.first_seen[k] = i
                self.sentences_of[k] = {sentence}
        ranked = sorted(((self.counts[k], -self.first_seen[k], k) for k in self.counts), reverse=True)
        regions = {k: ctx.groups[i].region for k, i in self.first_seen.items()}
        donors = [k for _, _, k in ranked if _rank(regions[k]) >= 6]
        recipients = [k for _, _, k in ranked if _rank(regions[k]) <= 5]
        self.top_donor = donors[0] if donors else None
        self.top_recipient = recipients[0] if recipients else None
        self.title_keys = {keys[i] for i, g in enumerate(ctx.groups) if g.end <= ctx.title_end}
        self.lists = list_positions(ctx)



def list_positions(ctx: Context) -> list[tuple[int, int]]:
    """For every place: (size of the list it stands in, its position in it). Places of one list
    are joined by 、/和/及 and stand on one side: one province, or provinces of one rank class
    (济南对口武隆、烟台对口巫山 does not make 武隆 and 烟台 one list). Found in one pass over the
    places and kept on the context (the features and the crossed-list check both ask)."""
    if ctx.lists is not None:
        return ctx.lists
    groups, text = ctx.groups, ctx.text
    out: list[tuple[int, int]] = []
    lo = 0
    for i in range(len(groups)):
        if i + 1 < len(groups):
            gap = text[groups[i].end:groups[i + 1].start].strip(" ,，")
            if gap in LIST_JOIN and _one_side(groups[i].region, groups[i + 1].region):
                continue  # the list goes on
        out += [(i - lo + 1, k - lo) for k in range(lo, i + 1)]
        lo = i + 1
    ctx.lists = out
    return out


def list_position(ctx: Context, i: int) -> tuple[int, int]:
    """(size of the list the place stands in, its position in it): see list_positions."""
    return list_positions(ctx)[i]


def _full_name(text: str, g: Group) -> int:
    surface = text[g.start:g.end]
    r = g.region
    return int(surface.endswith(r.name) or surface == r.full_name)


#: Cue classes that say a sentence is about assistance (its evidence must have one).
ASSISTANCE = ("aid_verb", "pair_relation", "programme_word", "team", "recipient_word")


def states_assistance(text: str, start: int, end: int) -> bool:
    """Does text[start:end] use a word of assistance? A pair is only ever evidenced by a
    sentence that does: two places and an official arrangement are no statement."""
    classes, pattern, word_classes = cue_classes()
    wanted = {classes.index(c) for c in ASSISTANCE}
    return any(word_classes[m.group()] & wanted for m in pattern.finditer(text, start, end))


def misaligned(ctx: Context, c: Candidate) -> bool:
    """甲、乙分别与丙、丁…: two lists of one length joined by 分别 pair item by item, so 甲 with
    丁 is not stated. True for such a crossed candidate."""
    if c.kind != "sentence":
        return False
    first, second = sorted((c.a, c.b))
    text = ctx.text
    if "分别" not in text[ctx.groups[first].end:ctx.groups[second].start]:
        return False
    la, pa = list_position(ctx, c.a)
    lb, pb = list_position(ctx, c.b)
    return la == lb and la > 1 and pa != pb


def _foreign_between(doc: _Doc, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Places between the two that belong to neither's list (烟台 in 济南对口武隆、烟台对口巫山
    stands between 济南 and 巫山), for every candidate (a, b) at once: the places strictly
    between, less those inside either list (inclusion-exclusion over three index ranges)."""
    size = np.array([x[0] for x in doc.lists], dtype=np.int64).reshape(-1)
    pos = np.array([x[1] for x in doc.lists], dtype=np.int64).reshape(-1)
    lo, hi = np.minimum(a, b) + 1, np.maximum(a, b) - 1  # the places between: [lo, hi]
    a0 = a - pos[a]
    a1 = a0 + size[a] - 1
    b0 = b - pos[b]
    b1 = b0 + size[b] - 1

    def overlap(x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray) -> np.ndarray:
        return np.maximum(0, np.minimum(x1, y1) - np.maximum(x0, y0) + 1)

    both0, both1 = np.maximum(a0, b0), np.minimum(a1, b1)
    inside = overlap(lo, hi, a0, a1) + overlap(lo, hi, b0, b1) - np.where(
        both0 <= both1, overlap(lo, hi, both0, both1), 0)
    return np.maximum(0, hi - lo + 1) - inside


def features(ctx: Context, cands: list[Candidate]) -> np.ndarray:
    """One row of names() per candidate, computed for all candidates at once: per-place values
    once and gathered, counts over spans by running sums, cue windows by binary search over the
    cue positions of each class."""
    n_feat = len(names())
    if not cands:
        return np.zeros((0, n_feat))
    doc = _Doc(ctx, cands)
    _, donors, recipients, provinces = _official()
    text, groups = ctx.text, ctx.groups
    n_sent = max(1, len(ctx.sentences))
    n = doc.n_classes
    ng = len(groups)
    # --- per place named by a candidate: one row of values each, gathered per candidate below
    keys = doc.keys
    used = sorted({c.a for c in cands} | {c.b for c in cands})
    slot = np.zeros(ng, dtype=np.int64)  # group index -> row of `place`
    slot[used] = np.arange(len(used))
    regions = {i: groups[i].region for i in used}
    provs = {i: _prov(regions[i]) for i in used}
    chains = {i: _code_chain(regions[i]) for i in used}
    counts_of, title_keys, first_of = doc.counts, doc.title_keys, doc.first_seen
    top_donor_key, top_recipient_key = doc.top_donor, doc.top_recipient
    place = np.array([
        (_level(r), _rank(r), g.why == "pronoun", _full_name(text, g), g.institution, r.code is None,
         counts_of[k], k in title_keys, first_of[k] == i, k == top_donor_key,
         k == top_recipient_key, size, pos, bool(ch[:1]) and ch[0] in donors,
         bool(ch[:1]) and ch[0] in recipients)
        for i, g, r, k, ch, (size, pos) in ((i, groups[i], regions[i], keys[i], chains[i], doc.lists[i])
                                            for i in used)
    ], dtype=np.float64).reshape(-1, 15)
    (level, rank, pronoun, full, inst, null, count, in_title, first_seen, top_donor, top_recipient,
     list_size, list_pos, off_donor, off_recipient) = place.T
    g_start = np.array([g.start for g in groups], dtype=np.int64)
    g_end = np.array([g.end for g in groups], dtype=np.int64)
    sent = np.array(ctx.sentence_of, dtype=np.int64)
    sent_lo = np.array([idx[0] if idx else 0 for idx in ctx.by_sentence], dtype=np.int64)
    sent_n = np.array([len(idx) for idx in ctx.by_sentence], dtype=np.int64)
    pos_in_sent = np.arange(ng, dtype=np.int64) - sent_lo[sent] if ng else np.zeros(0, dtype=np.int64)
    s_bounds = np.array(ctx.sentences, dtype=np.int64).reshape(-1, 2)
    # --- per candidate
    kind_index = {k: i for i, k in enumerate(KINDS)}
    a, b, kind, sa, sb = np.array([(c.a, c.b, kind_index[c.kind], c.a_sentence, c.b_sentence) for c in cands],
                                  dtype=np.int64).reshape(-1, 5).T
    pa, pb = slot[a], slot[b]  # rows of `place`
    a_first = g_start[a] <= g_start[b]
    first = np.where(a_first, a, b)
    second = np.where(a_first, b, a)
    f_end, s_beg = g_end[first], g_start[second]
    bt_lo, bt_hi = f_end, np.maximum(f_end, s_beg)  # the text between (empty if they touch)
    s_start, s_end = s_bounds[sb, 0], s_bounds[sb, 1]
    lo_sb, n_sb = sent_lo[sb], sent_n[sb]
    places_between = np.maximum(0, np.minimum(second, lo_sb + n_sb) - np.maximum(first + 1, lo_sb))
    a_index = np.where(sent[a] == sb, pos_in_sent[a], -1)
    b_index = np.where(sent[b] == sb, pos_in_sent[b], -1)
    counts = _Counts(text)
    commas = counts.between("，,", bt_lo, bt_hi)
    stops = counts.between("；;。\n", bt_lo, bt_hi)
    # official pair, reverse pair, province pair, same province, sentences naming both; a pair
    # (x, y) of codes of the two chains is official when y is an official partner of x
    partners_of = _partners()
    no_codes: frozenset[str] = frozenset()
    partners = {i: frozenset().union(*(partners_of.get(x, no_codes) for x in ch)) for i, ch in chains.items()}
    no_sentences: set[int] = set()
    sentences_of = doc.sentences_of
    priors = [(not partners[c.a].isdisjoint(chains[c.b]), not partners[c.b].isdisjoint(chains[c.a]),
               (provs[c.a], provs[c.b]) in provinces, provs[c.a] == provs[c.b] and bool(provs[c.a]),
               len(sentences_of.get(keys[c.a], no_sentences) & sentences_of.get(keys[c.b], no_sentences)))
              for c in cands]
    official, reverse, prov_pair, same_prov, together = np.array(priors, dtype=np.float64).reshape(-1, 5).T
    sentence_kind = kind == KINDS.index("sentence")
    structure = _structure_array(ctx, doc, cands, sentence_kind, f_end, s_beg, g_end[second], bt_lo, bt_hi,
                                 s_end, n_sb, list_size[pa], list_size[pb], list_pos[pa], list_pos[pb], a, b,
                                 counts)
    # cue windows: between (sentence kind only), before the first / this sentence's place,
    # after the second / this sentence's place, and the whole sentence
    left_at = np.where(sentence_kind, g_start[first], g_start[b])  # b stands in the evidence sentence
    right_at = np.where(sentence_kind, g_end[second], g_end[b])
    windows = (
        (np.where(sentence_kind, bt_lo, 0), np.where(sentence_kind, bt_hi, 0)),
        (np.maximum(s_start, left_at - WINDOW), left_at),
        (right_at, np.minimum(s_end, right_at + WINDOW)),
        (s_start, s_end),
    )
    # every class at once: class k's positions are shifted by k * (len(text) + 1), so one
    # search over all of them counts the hits of every (candidate, class) in a window
    cue = np.zeros((len(cands), n, 4))
    shift = np.arange(n, dtype=np.int64) * (len(text) + 1)
    for w, (lo, hi) in enumerate(windows):
        hits = (np.searchsorted(doc.cue_shifted, hi[:, None] + shift, "left")
                - np.searchsorted(doc.cue_shifted, lo[:, None] + shift, "left"))
        cue[:, :, w] = (hits > 0) & (hi > lo)[:, None]
    cue = cue.reshape(len(cands), 4 * n)
    columns = [
        *(kind == k for k in range(len(KINDS))),
        a_first, level[pa], level[pb], level[pb] - level[pa], rank[pa], rank[pb], rank[pa] - rank[pb],
        same_prov, pronoun[pa], pronoun[pb], full[pa], full[pb], inst[pa], inst[pb], null[pa], null[pb],
        sb - sa, np.log1p(np.maximum(0, s_beg - f_end)), places_between, commas, stops,
        n_sb, a_index, b_index, list_size[pa], list_size[pb], list_pos[pa], list_pos[pb],
        official, reverse, prov_pair, off_donor[pa], off_recipient[pb], off_recipient[pa], off_donor[pb],
        together, count[pa], count[pb], in_title[pa], in_title[pb], first_seen[pa], first_seen[pb],
        sb / n_sent, np.log1p(s_end - s_start), top_donor[pa], top_recipient[pb],
    ]
    out = np.empty((len(cands), n_feat))
    j = len(columns)
    out[:, :j] = np.array(columns, dtype=np.float64).T
    out[:, j:j + structure.shape[1]] = structure
    out[:, j + structure.shape[1]:] = cue
    return out


@cache
def _char_table(chars: str) -> np.ndarray:
    """A lookup table over every code point: True for the given characters (one indexing pass
    over a text instead of np.isin's sort)."""
    table = np.zeros(0x110000, dtype=bool)
    table[[ord(ch) for ch in chars]] = True
    return table


class _Counts:
    """Running counts of characters of a kind, so a count over any span is one subtraction."""

    def __init__(self, text: str) -> None:
        self.codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        self._cache: dict[str, np.ndarray] = {}

    def running(self, chars: str) -> np.ndarray:
        got = self._cache.get(chars)
        if got is None:
            hit = _char_table(chars)[self.codes]
            got = self._cache[chars] = np.concatenate(([0], np.cumsum(hit, dtype=np.int64)))
        return got

    def han(self) -> np.ndarray:
        got = self._cache.get("\0han")
        if got is None:
            hit = (self.codes >= 0x4E00) & (self.codes <= 0x9FFF)
            got = self._cache["\0han"] = np.concatenate(([0], np.cumsum(hit, dtype=np.int64)))
        return got

    def between(self, chars: str, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        run = self.running(chars)
        return run[hi] - run[lo]


PUNCT_CHARS = "，,。；;：:！？!?、（）()“”"


def _structure_array(ctx: Context, doc: _Doc, cands: list[Candidate], sentence_kind: np.ndarray,
                     first_end: np.ndarray, second_start: np.ndarray, second_end: np.ndarray,
                     bt_lo: np.ndarray, bt_hi: np.ndarray, s_end: np.ndarray, n_in_sentence: np.ndarray,
                     a_size: np.ndarray, b_size: np.ndarray, a_pos: np.ndarray, b_pos: np.ndarray,
                     a: np.ndarray, b: np.ndarray,
                     counts: _Counts) -> np.ndarray:
    """How the two places are joined: lists matched item by item (甲、乙分别与丙、丁), a line of
    just two places (甲区——乙县), a gap of cue words only (甲对口支援乙), a pair joined by 与
    and followed by a relation (甲与乙建立结对关系). Zero for candidates across sentences."""
    text = ctx.text
    _, pattern, _ = cue_classes()
    han = counts.han()
    han_between = han[bt_hi] - han[bt_lo]
    out = np.zeros((len(cands), 9))
    out[:, 0] = (a_size == b_size) & (a_pos == b_pos) & (a_size > 1)
    out[:, 1] = (n_in_sentence == 2) & (han_between == 0)
    out[:, 2] = han_between
    out[:, 4] = counts.between(PUNCT_CHARS, bt_lo, bt_hi) == 0
    at = np.zeros(len(text) + 1, dtype=bool)  # positions where a cue starts, then where one ends
    at[doc.cue_starts] = True
    out[:, 6] = at[first_end]
    at[:] = False
    at[doc.cue_ends] = True
    out[:, 7] = at[second_start]
    short = np.flatnonzero(sentence_kind & (bt_hi - bt_lo <= 12))
    for i, lo, hi, after_lo, end in zip(short.tolist(), bt_lo[short].tolist(), bt_hi[short].tolist(),
                                        second_end[short].tolist(), s_end[short].tolist(), strict=True):
        between = text[lo:hi]
        stripped = between.strip()
        if stripped and not FILLER.sub("", pattern.sub("", between)):
            out[i, 3] = 1
        if stripped in JOINS:
            out[i, 5] = pattern.search(text, after_lo, min(end, after_lo + 15)) is not None
    out[:, 8] = _foreign_between(doc, a, b)
    out[~sentence_kind] = 0
    return out


