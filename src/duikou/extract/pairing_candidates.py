"""Pairing candidates: every (donor side, recipient side) pair a document could be stating.

Why candidates first: rules that decide while they search only find the phrasings they were
written for. Here the search is deliberately wide and dumb, and a separate decision
(pairing_decision) judges each candidate on generic features. A candidate is an ordered pair of
places (a as donor, b as recipient) in one context:

- ``sentence``  both named in one sentence (both orders are candidates);
- ``carried``   a place of the previous sentence with a place of this one (a subject carried
                over: 广东…。从1998年起对口支援哈密; a list continued: 又增加A县、B县);
- ``title``     a place of the headline with a place of a body sentence (the topic of the page).

The shipped decision uses sentence candidates only (DEFAULT_KINDS): the rules read carried-over
subjects, antecedents and datelines, and the cross-sentence kinds added nothing measurable.

Places are the extractor's groups (青海省海南州同德县 is one place, the deepest), after the
ordinary-word filter, with 我省/我市 and units without a code (兵团 divisions) added.
"""

from __future__ import annotations

from dataclasses import dataclass

from duikou.extract.pairings import (
    Group,
    _disaster_count,
    _Extractor,
    _is_zone,
    _key,
    _sentences,
    _within,
)
from duikou.models import Mention

#: The most places of one sentence that are paired with each other (longer lists: the first ones).
MAX_PLACES = 24
KINDS = ("sentence", "carried", "title")
#: The kinds the shipped decision is trained on. Cross-sentence candidates (carried, title) were
#: measured not to help once the rules read carried-over subjects themselves (5-fold CV on dev +
#: seeds, rules + decision at 0.7: F1 0.863 with them, 0.870 without, at half the candidates);
#: they stay available for experiments (candidates(ctx, KINDS)).
DEFAULT_KINDS = ("sentence",)


@dataclass(frozen=True)
class Candidate:
    a: int  # index of the donor-side group in Context.groups
    b: int  # index of the recipient-side group
    kind: str  # one of KINDS
    start: int  # the evidence span: the sentence of b (and a, for kind "sentence")
    end: int
    a_sentence: int  # sentence index of a
    b_sentence: int


@dataclass
class Context:
    """What the candidate search found in one document, shared with the features."""

    text: str  # the clean text with look-alike characters undone (offsets unchanged)
    groups: list[Group]
    sentences: list[tuple[int, int]]
    sentence_of: list[int]  # group index -> sentence index
    by_sentence: list[list[int]]  # sentence index -> its group indexes
    extractor: _Extractor
    title_end: int  # end of the first line when it reads as a headline, else 0
    lists: list[tuple[int, int]] | None = None  # pairing_features.list_positions, once asked


def build_context(text: str, mentions: list[Mention], published: str | None = None,
                  extractor: _Extractor | None = None) -> Context:
    """extractor: the rule extractor of the same document, when one was built already (its
    places and groups are the same)."""
    ex = extractor or _Extractor(text, mentions, published)
    groups = [g for g in ex.groups if not g.event]
    sentences = _sentences(ex.text)
    starts = [s for s, _ in sentences]
    sentence_of: list[int] = []
    by_sentence: list[list[int]] = [[] for _ in sentences]
    k = 0
    for i, g in enumerate(groups):
        while k + 1 < len(starts) and starts[k + 1] <= g.start:
            k += 1
        sentence_of.append(k)
        by_sentence[k].append(i)
    first_line = ex.text.split("\n", 1)[0]
    title_end = len(first_line) if 0 < len(first_line) <= 60 and "。" not in first_line else 0
    return Context(ex.text, groups, sentences, sentence_of, by_sentence, ex, title_end)


def _pairable(ctx: Context, i: int, j: int) -> bool:
    a, b = ctx.groups[i].region, ctx.groups[j].region
    if a is b or _key(a) == _key(b) or _within(a, b) or _within(b, a):
        return False
    if _is_zone(b):
        return False  # a development zone gives, it is not a recipient region
    if b.level == "province":
        if a.level != "province":
            return False  # a city does not pair with a whole province
        ex = ctx.extractor
        if b.code in ex.whole:
            return False  # provinces assisted only in parts (新疆, 西藏: by prefecture)
        if b.code in ex.v.word_set("whole_disaster") and _disaster_count(ex.text, ex.v):
            return False  # 四川 as a whole is not the 2008 reconstruction's recipient
    return True


def candidates(ctx: Context, kinds: tuple[str, ...] = DEFAULT_KINDS) -> list[Candidate]:
    out: list[Candidate] = []
    seen: set[tuple[int, int, str]] = set()
    pairable: dict[tuple[int, int], bool] = {}
    keys = [_key(g.region) for g in ctx.groups]
    by_key: dict[tuple[str, str], bool] = {}  # the same two places named again: same answer

    def add(i: int, j: int, kind: str) -> None:
        if (i, j, kind) in seen:
            return
        ok = pairable.get((i, j))
        if ok is None:
            k = (keys[i], keys[j])
            ok = by_key.get(k)
            if ok is None:
                ok = by_key[k] = _pairable(ctx, i, j)
            pairable[(i, j)] = ok
        if not ok:
            return
        seen.add((i, j, kind))
        si, sj = ctx.sentence_of[i], ctx.sentence_of[j]
        s = ctx.sentences[sj]
        start = min(ctx.sentences[si][0], s[0]) if kind == "sentence" else s[0]
        out.append(Candidate(i, j, kind, start, s[1], si, sj))

    title_groups = [i for i, g in enumerate(ctx.groups) if g.end <= ctx.title_end] if "title" in kinds else []
    sentences = ctx.sentences
    for k, idx in enumerate(ctx.by_sentence):
        places = idx[:MAX_PLACES]
        if len(places) > 1:  # every ordered pair of the sentence's places, each once
            s_start, s_end = sentences[k]
            for i in places:
                key_i = keys[i]
                for j in places:
                    if i == j:
                        continue
                    pk = (key_i, keys[j])
                    ok = by_key.get(pk)
                    if ok is None:
                        ok = by_key[pk] = _pairable(ctx, i, j)
                    if ok:
                        out.append(Candidate(i, j, "sentence", s_start, s_end, k, k))
        if "carried" in kinds and k > 0 and places:
            before = ctx.by_sentence[k - 1][:4]
            for i in before:
                for j in places:
                    add(i, j, "carried")
                    add(j, i, "carried")
        if title_groups and k > 0 and places and ctx.sentences[k][0] >= ctx.title_end:
            for i in title_groups[:4]:
                for j in places:
                    add(i, j, "title")
                    add(j, i, "title")
    return out
