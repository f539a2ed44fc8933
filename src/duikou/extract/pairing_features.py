"""Generic features of a pairing candidate, for the learned decision.

Why these and nothing else: the decision must hold on pages nobody tuned to, so it sees only
what any report of any programme has — which cue words stand between, before and after the two
places (data/pairing_feature_cues.tsv), their order and distance, their levels and provinces'
donor ranks, list structure, how often the document names them, and the official arrangements
as a prior. It never sees what the hand-written rules decided: those rules were fitted to the
labelled pages, and a model given their output only learns to copy them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import cache
from importlib import resources

from duikou.extract.pairing_candidates import KINDS, Candidate, Context
from duikou.extract.pairings import Group, _is_xpcc, _key, _province, _rank
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
    from duikou.registry import arrangements
    from duikou.regions import default_gazetteer

    pairs: set[tuple[str, str]] = {(a.donor_code, a.recipient_code) for a in arrangements()
                                   if a.donor_code and a.recipient_code}
    pairs |= {k for k in default_gazetteer()._known if k[0] and k[1]}  # known_pairings.tsv
    donors = {d for d, _ in pairs}
    recipients = {r for _, r in pairs}
    provinces = {(d[:2] + "0000", r[:2] + "0000") for d, r in pairs}
    return frozenset(pairs), frozenset(donors), frozenset(recipients), frozenset(provinces)


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

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        classes, pattern, word_classes = cue_classes()
        self.n_classes = len(classes)
        # per sentence: the cue matches as (start, class indexes), found once
        self.cues: list[list[tuple[int, frozenset[int]]]] = []
        text = ctx.text
        for s, e in ctx.sentences:
            self.cues.append([(m.start(), word_classes[m.group()]) for m in pattern.finditer(text, s, e)])
        keys = [_key(g.region) for g in ctx.groups]
        self.keys = keys
        self.counts = Counter(keys)
        self.first_seen: dict[str, int] = {}
        for i, k in enumerate(keys):
            self.first_seen.setdefault(k, i)
        self.sentences_of: dict[str, set[int]] = {}
        for i, k in enumerate(keys):
            self.sentences_of.setdefault(k, set()).add(ctx.sentence_of[i])
        ranked = sorted(((self.counts[k], -self.first_seen[k], k) for k in self.counts), reverse=True)
        regions = {k: ctx.groups[i].region for k, i in self.first_seen.items()}
        donors = [k for _, _, k in ranked if _rank(regions[k]) >= 6]
        recipients = [k for _, _, k in ranked if _rank(regions[k]) <= 5]
        self.top_donor = donors[0] if donors else None
        self.top_recipient = recipients[0] if recipients else None
        self.title_keys = {keys[i] for i, g in enumerate(ctx.groups) if g.end <= ctx.title_end}
        self.lists = [self._list_of(i) for i in range(len(ctx.groups))]

    def _list_of(self, i: int) -> tuple[int, int]:
        """(size of the list the place stands in, its position in it). Places of one list are
        joined by 、/和/及 and stand on one side: one province, or provinces of one rank class
        (济南对口武隆、烟台对口巫山 does not make 武隆 and 烟台 one list)."""
        groups, text = self.ctx.groups, self.ctx.text

        def joined(x: int, y: int) -> bool:
            if text[groups[x].end:groups[y].start].strip(" ,，") not in LIST_JOIN:
                return False
            a, b = groups[x].region, groups[y].region
            return _prov(a) == _prov(b) or (_rank(a) >= 6) == (_rank(b) >= 6)

        lo = hi = i
        while lo > 0 and joined(lo - 1, lo):
            lo -= 1
        while hi + 1 < len(groups) and joined(hi, hi + 1):
            hi += 1
        return hi - lo + 1, i - lo


def _full_name(text: str, g: Group) -> int:
    surface = text[g.start:g.end]
    r = g.region
    return int(surface.endswith(r.name) or surface == r.full_name)


def _cues(doc: _Doc, sentence: int, lo: int, hi: int, out: list[int], offset: int) -> None:
    for pos, classes in doc.cues[sentence]:
        if lo <= pos < hi:
            for c in classes:
                out[offset + c] = 1


def features(ctx: Context, cands: list[Candidate]) -> list[list[float]]:
    if not cands:
        return []
    doc = _Doc(ctx)
    pairs, donors, recipients, provinces = _official()
    text, groups = ctx.text, ctx.groups
    n_sent = max(1, len(ctx.sentences))
    n = doc.n_classes
    rows: list[list[float]] = []
    for c in cands:
        ga, gb = groups[c.a], groups[c.b]
        ra, rb = ga.region, gb.region
        ka, kb = doc.keys[c.a], doc.keys[c.b]
        first, second = (ga, gb) if ga.start <= gb.start else (gb, ga)
        a_first = int(ga.start <= gb.start)
        between = text[first.end:second.start] if first.end <= second.start else ""
        sa, sb = c.a_sentence, c.b_sentence
        s_start, s_end = ctx.sentences[sb]
        in_sentence = ctx.by_sentence[sb]
        chain_a, chain_b = _code_chain(ra), _code_chain(rb)
        official = int(any((x, y) in pairs for x in chain_a for y in chain_b))
        reverse = int(any((y, x) in pairs for x in chain_a for y in chain_b))
        la, pa = doc.lists[c.a]
        lb, pb = doc.lists[c.b]
        row: list[float] = [
            *(1.0 if c.kind == k else 0.0 for k in KINDS),
            a_first, _level(ra), _level(rb), _level(rb) - _level(ra), _rank(ra), _rank(rb), _rank(ra) - _rank(rb),
            int(_prov(ra) == _prov(rb) and bool(_prov(ra))),
            int(ga.why == "pronoun"), int(gb.why == "pronoun"), _full_name(text, ga), _full_name(text, gb),
            int(ga.institution), int(gb.institution), int(ra.code is None), int(rb.code is None),
            sb - sa, math.log1p(max(0, second.start - first.end)),
            sum(1 for i in in_sentence if first.end <= groups[i].start and groups[i].end <= second.start),
            between.count("，") + between.count(","), sum(between.count(x) for x in "；;。\n"),
            len(in_sentence), _index(in_sentence, c.a), _index(in_sentence, c.b), la, lb, pa, pb,
            official, reverse, int((_prov(ra), _prov(rb)) in provinces),
            int(any(x in donors for x in chain_a[:1])), int(any(x in recipients for x in chain_b[:1])),
            int(any(x in recipients for x in chain_a[:1])), int(any(x in donors for x in chain_b[:1])),
            len(doc.sentences_of.get(ka, set()) & doc.sentences_of.get(kb, set())),
            doc.counts[ka], doc.counts[kb], int(ka in doc.title_keys), int(kb in doc.title_keys),
            int(doc.first_seen[ka] == c.a), int(doc.first_seen[kb] == c.b),
            sb / n_sent, math.log1p(s_end - s_start),
            int(ka == doc.top_donor), int(kb == doc.top_recipient),
            *_structure(c, doc, between, first, second, s_start, s_end, la, pa, lb, pb),
        ]
        cue = [0] * (4 * n)
        if c.kind == "sentence":
            _cues(doc, sb, first.end, second.start, cue, 0)
            _cues(doc, sb, max(s_start, first.start - WINDOW), first.start, cue, n)
            _cues(doc, sb, second.end, min(s_end, second.end + WINDOW), cue, 2 * n)
        else:  # across sentences: the windows around the place of this sentence
            g = gb if sb >= sa else ga
            _cues(doc, sb, max(s_start, g.start - WINDOW), g.start, cue, n)
            _cues(doc, sb, g.end, min(s_end, g.end + WINDOW), cue, 2 * n)
        _cues(doc, sb, s_start, s_end, cue, 3 * n)
        # interleave to the names' order: class-major, position-minor
        row.extend(cue[p * n + k] for k in range(n) for p in range(4))
        rows.append(row)
    return rows


def _structure(c: Candidate, doc: _Doc, between: str, first: Group, second: Group, s_start: int,
               s_end: int, la: int, pa: int, lb: int, pb: int) -> list[float]:
    """How the two places are joined: lists matched item by item (甲、乙分别与丙、丁), a line of
    just two places (甲区——乙县), a gap of cue words only (甲对口支援乙), a pair joined by 与
    and followed by a relation (甲与乙建立结对关系)."""
    if c.kind != "sentence":
        return [0.0] * 9
    text = doc.ctx.text
    in_sentence = doc.ctx.by_sentence[c.b_sentence]
    _, pattern, _ = cue_classes()
    rest = pattern.sub("", between)
    rest = FILLER.sub("", rest)
    after = text[second.end:min(s_end, second.end + 15)]
    return [
        int(la == lb and pa == pb and la > 1),
        int(len(in_sentence) == 2 and HAN.search(between) is None),
        len(HAN.findall(between)),
        int(bool(between.strip()) and not rest and len(between) <= 12),
        int(PUNCT.search(between) is None),
        int(between.strip() in JOINS and pattern.search(after) is not None),
        int(pattern.match(text, first.end) is not None),
        int(any(m.end() == second.start for m in pattern.finditer(text, max(s_start, second.start - 6), second.start))),
        _foreign_between(doc, c),
    ]


#: Cue classes that say a sentence is about assistance (its evidence must have one).
ASSISTANCE = ("aid_verb", "pair_relation", "programme_word", "team", "recipient_word")


def states_assistance(text: str, start: int, end: int) -> bool:
    """Does text[start:end] use a word of assistance? A pair is only ever evidenced by a
    sentence that does: two places and an official arrangement are no statement."""
    classes, pattern, word_classes = cue_classes()
    wanted = {classes.index(c) for c in ASSISTANCE}
    return any(word_classes[m.group()] & wanted for m in pattern.finditer(text, start, end))


def misaligned(ctx: Context, c: Candidate, lists: dict[int, tuple[int, int]] | None = None) -> bool:
    """甲、乙分别与丙、丁…: two lists of one length joined by 分别 pair item by item, so 甲 with
    丁 is not stated. True for such a crossed candidate."""
    if c.kind != "sentence":
        return False
    first, second = sorted((c.a, c.b))
    text = ctx.text
    if "分别" not in text[ctx.groups[first].end:ctx.groups[second].start]:
        return False
    doc = _Doc.__new__(_Doc)
    doc.ctx = ctx
    la, pa = doc._list_of(c.a)
    lb, pb = doc._list_of(c.b)
    return la == lb and la > 1 and pa != pb


def _foreign_between(doc: _Doc, c: Candidate) -> int:
    """Places between the two that belong to neither's list (烟台 in 济南对口武隆、烟台对口巫山
    stands between 济南 and 巫山)."""
    lo, hi = sorted((c.a, c.b))
    spans = []
    for i in (c.a, c.b):
        size, pos = doc.lists[i]
        spans.append((i - pos, i - pos + size - 1))
    return sum(1 for i in range(lo + 1, hi) if not any(s <= i <= e for s, e in spans))


def _index(members: list[int], i: int) -> int:
    try:
        return members.index(i)
    except ValueError:
        return -1
