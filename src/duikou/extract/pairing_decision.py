"""The pairing decision: a small learned model judges every candidate on generic features.

candidates (pairing_candidates) -> features (pairing_features) -> probability (a LightGBM model,
data/pairings.lgb.txt, trained by scripts/train_models.py on the labelled corpus) -> pairings.

A pair of places is stated by a document when one of its candidates scores at least the
threshold; each such candidate becomes a Pairing whose evidence is its sentence, exactly as it
stands in the clean text. Programme and start year are read as the rule extractor reads them
(the recipient's province, the cue word, the document's disaster words; 自2010年起).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache

import numpy as np

from duikou.extract import learned
from duikou.extract.pairing_candidates import Candidate, Context, build_context, candidates
from duikou.extract.pairing_data import vocab
from duikou.extract.pairing_features import features, misaligned, states_assistance
from duikou.extract.pairing_features import names as instance_names
from duikou.extract.pairings import (
    VENUE_AWAY,
    Group,
    _clause_of,
    _Extractor,
    _key,
    _level,
    _programme,
    _since,
)
from duikou.models import Evidence, Mention, Pairing, Region

MODEL_NAME = "pairings"
#: Probability at or above which a candidate states a pairing: chosen by cross-validation
#: (docs/decisions.md) and written as the first line of the shipped model file.
THRESHOLD = 0.7


@cache
def names() -> tuple[str, ...]:
    """A pair of places is judged on all its candidates at once: each instance feature's
    maximum and minimum over them, and how many there are."""
    base = instance_names()
    return (*(f"max_{n}" for n in base), *(f"min_{n}" for n in base), "instances")


def pair_rows(ctx: Context, cands: Sequence[Candidate], rows: np.ndarray,
              keys: Sequence[tuple[str, str]] | None = None
              ) -> tuple[list[tuple[str, str]], list[list[int]], np.ndarray]:
    """Candidates grouped by (donor, recipient): the keys (in order of first candidate), each
    key's candidate indexes (in order), and the aggregated feature row of each key (maximum and
    minimum over its candidates, their number). keys: each candidate's (donor, recipient) key,
    when the caller has them."""
    if keys is None:
        keys = [(_key(ctx.groups[c.a].region), _key(ctx.groups[c.b].region)) for c in cands]
    index: dict[tuple[str, str], int] = {}
    members: list[list[int]] = []
    for i, k in enumerate(keys):
        j = index.get(k)
        if j is None:
            index[k] = len(members)
            members.append([i])
        else:
            members[j].append(i)
    sizes = [len(m) for m in members]
    bounds = np.cumsum([0, *sizes[:-1]])
    grouped = rows[[i for m in members for i in m]]
    width = rows.shape[1]
    agg = np.empty((len(members), 2 * width + 1))
    agg[:, :width] = np.maximum.reduceat(grouped, bounds, axis=0)
    agg[:, width:2 * width] = np.minimum.reduceat(grouped, bounds, axis=0)
    agg[:, -1] = sizes
    return list(index), members, agg


def _single(rows: np.ndarray) -> np.ndarray:
    """Each candidate judged alone (picks a pair's evidence sentence)."""
    return np.hstack([rows, rows, np.ones((len(rows), 1))])


def shipped_model() -> learned.Model | None:
    return learned.shipped(MODEL_NAME, names())


def shipped_threshold() -> float:
    """The shipped model's threshold (its file's first line), else THRESHOLD."""
    model = shipped_model()
    return model.threshold if model is not None and model.threshold is not None else THRESHOLD


def _passes(ctx: Context, cands: Sequence[Candidate]) -> list[bool]:
    """The hard checks a candidate must pass to be kept, whatever its score: its lists are not
    crossed, its sentence states assistance, and neither place is no party. Model-free, so they
    run before any feature is computed."""
    stating: dict[tuple[int, int], bool] = {}  # one answer per sentence
    party: dict[int, bool] = {}  # one answer per place
    out = []
    for c in cands:
        ok = stating.get((c.start, c.end))
        if ok is None:
            ok = stating[(c.start, c.end)] = states_assistance(ctx.text, c.start, c.end)
        if ok:
            for i in (c.a, c.b):
                p = party.get(i)
                if p is None:
                    p = party[i] = not _no_party_place(ctx, ctx.groups[i])
                ok = ok and p
        out.append(ok and not misaligned(ctx, c))
    return out


def scored_candidates(text: str, mentions: list[Mention], published: str | None,
                      model: learned.Model, min_pair: float = 0.0, extractor: _Extractor | None = None,
                      skip: Collection[tuple[str, str]] = ()
                      ) -> tuple[Context, list[tuple[Candidate, float, float]]]:
    """The candidates that may state a pairing, with their pair's probability and their own
    (which picks the evidence; only computed for pairs scoring at least min_pair, 0 for the
    others).

    A pair is judged on all its candidates (pair_rows), but only a pair with at least one
    candidate passing the hard checks (_passes) can be kept, and only such candidates: the
    others are never scored, nor are pairs in `skip` (those the caller drops anyway). Each
    candidate's features and each row's probability depend on nothing else, so this returns
    exactly the scores of judging every candidate."""
    ctx = build_context(text, mentions, published, extractor)
    cands = candidates(ctx)
    if not cands:
        return ctx, []
    group_keys = [_key(g.region) for g in ctx.groups]
    keys = [(group_keys[c.a], group_keys[c.b]) for c in cands]
    if skip:
        skip = set(skip)
        open_ = [i for i, k in enumerate(keys) if k not in skip]
        cands, keys = [cands[i] for i in open_], [keys[i] for i in open_]
    passes = _passes(ctx, cands)
    wanted = {k for k, ok in zip(keys, passes, strict=True) if ok}
    kept = [i for i, k in enumerate(keys) if k in wanted]
    if not kept:
        return ctx, []
    cands = [cands[i] for i in kept]
    passes = [passes[i] for i in kept]
    rows = features(ctx, cands)
    _, members, agg = pair_rows(ctx, cands, rows, [keys[i] for i in kept])
    pair_p = model.predict(agg)
    # a candidate's own score picks its pair's evidence: only asked for the passing candidates
    # of pairs that may be kept
    own_of = [i for m, p in zip(members, pair_p, strict=True) if p >= min_pair for i in m if passes[i]]
    own = dict(zip(own_of, model.predict(_single(rows[own_of])) if own_of else [], strict=True))
    out = []
    for m, p in zip(members, pair_p, strict=True):
        out += [(cands[i], p, own.get(i, 0.0)) for i in m if passes[i]]
    return ctx, out


def decide_pairings(text: str, mentions: list[Mention], published: str | None = None,
                    model: learned.Model | None = None, threshold: float | None = None,
                    extractor: _Extractor | None = None, skip: Collection[tuple[str, str]] = ()
                    ) -> list[Pairing]:
    """Pairings of one document by the learned decision (the shipped model unless one is given).
    skip: (donor, recipient) keys the caller does not want (the pairs the rules read already)."""
    model = model or shipped_model()
    if model is None or not text:
        return []
    threshold = shipped_threshold() if threshold is None else threshold
    ctx, scored = scored_candidates(text, mentions, published, model, threshold, extractor, skip)
    chosen = [(c, p, own) for c, p, own in scored if p >= threshold]
    return _pairings(ctx, chosen, text, published)


def _no_party_place(ctx: Context, g: Group) -> bool:
    """A place that is no party, whatever the model says: the place of a school or hospital
    (昆山市实验小学与玛沁县第一小学结对), and a place named only as where people go to learn or
    meet (援疆干部在乌鲁木齐参加培训)."""
    return g.institution or ctx.extractor._venue(g, VENUE_AWAY)


def _cue(ctx: Context, start: int, end: int) -> str | None:
    m = vocab().verb_re.search(ctx.text, start, end) or vocab().relation_re.search(ctx.text, start, end)
    return m.group() if m else None


#: Evidence sentences kept per pair: its best candidates (by their own score).
MAX_EVIDENCE = 3


def _pairings(ctx: Context, chosen: Sequence[tuple[Candidate, float, float]], text: str,
              published: str | None) -> list[Pairing]:
    v = vocab()
    by_pair: dict[tuple[str, str], list[tuple[Candidate, float, float]]] = {}
    regions: dict[tuple[str, str], tuple[Region, Region]] = {}
    pair_p: dict[tuple[str, str], float] = {}
    for c, p, own in chosen:
        a, b = ctx.groups[c.a].region, ctx.groups[c.b].region
        k = (_key(a), _key(b))
        by_pair.setdefault(k, []).append((c, p, own))
        regions[k] = (a, b)
        pair_p[k] = p
    for k in list(by_pair):  # both directions chosen: keep the likelier one
        r = (k[1], k[0])
        if k in by_pair and r in by_pair:
            del by_pair[k if pair_p[k] < pair_p[r] else r]
    out: list[Pairing] = []
    for k, found in by_pair.items():
        donor, recipient = regions[k]
        found.sort(key=lambda cp: (-cp[2], cp[0].start))
        found = found[:MAX_EVIDENCE]
        best = found[0][0]
        clause = _clause_of(ctx.text, best.start, best.end, ctx.groups[best.b].start, "；;")
        programme = _programme(donor, recipient, _cue(ctx, best.start, best.end), clause, v, ctx.text)
        since = None
        for c, _, _ in found:
            since = _since(ctx.text[c.start:c.end], published)
            if since is not None:
                break
        seen: set[tuple[int, int]] = set()
        for c, p, _ in found:
            start, end = c.start, c.end
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if (start, end) in seen or start >= end:
                continue
            seen.add((start, end))
            out.append(Pairing(
                donor=donor, recipient=recipient, programme=programme,
                evidence=Evidence(start, end, text[start:end], f"decision.{c.kind}", round(p, 3)),
                level=_level(donor, recipient), since=since,
            ))
    out.sort(key=lambda p: (p.evidence.start, -p.evidence.confidence))
    return out


# --------------------------------------------------------------------------- training


def _matches(region: Region, code: str | None, name: str | None) -> bool:
    from duikou.evaluate.pairings import _side_match

    return _side_match(region.code, region.full_name, code, name)


def pairing_examples(text: str, mentions: list[Mention], published: str | None,
                     gold: Sequence[dict]) -> tuple[list[list[float]], list[int]]:
    """Feature rows and labels of one document: a candidate is positive when its (donor,
    recipient) is a gold pairing of the document's page."""
    ctx = build_context(text, mentions, published)
    cands = candidates(ctx)
    if not cands:
        return [], []
    _, members, rows = pair_rows(ctx, cands, features(ctx, cands))
    labels = []
    for m in members:
        c = cands[m[0]]
        a, b = ctx.groups[c.a].region, ctx.groups[c.b].region
        labels.append(int(any(_matches(a, g.get("donor_code"), g.get("donor"))
                              and _matches(b, g.get("recipient_code"), g.get("recipient")) for g in gold)))
    return rows.tolist(), labels


#: Boosting rounds of the pairing decision: as good as 300 under cross-validation, and half the
#: prediction time.
ROUNDS = 150


def train_pairing_model(rows: Sequence[Sequence[float]], labels: Sequence[int]) -> learned.Model:
    return learned.train(rows, labels, names(), rounds=ROUNDS)
