"""Relevance: is this document about counterpart assistance (对口支援)?

A transparent vocabulary score, not a trained model: weighted hits of domain terms
(data/relevance_terms.tsv; each term counts at most 3 times), damped by the square root of the
document length so that one passing mention in a long unrelated article stays low, squashed
to [0, 1). One programme word in a short text already scores above 0.5.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

MAX_COUNT_PER_TERM = 3
LENGTH_UNIT = 1500  # characters; longer texts need proportionally (sqrt) more evidence


@lru_cache(maxsize=1)
def domain_terms() -> dict[str, float]:
    data = resources.files("duikou.clean").joinpath("data/relevance_terms.tsv").read_text("utf-8")
    terms: dict[str, float] = {}
    for line in data.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, weight = line.split("\t")[:2]
        terms[term] = float(weight)
    return terms


@lru_cache(maxsize=1)
def _automaton():  # noqa: ANN202 - ahocorasick_rs has no stubs
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick(list(domain_terms()), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)


def term_hits(text: str) -> dict[str, int]:
    """How often each domain term occurs (leftmost-longest: 援疆干部 is one hit, not two)."""
    hits: dict[str, int] = {}
    for term in _automaton().find_matches_as_strings(text):
        hits[term] = hits.get(term, 0) + 1
    return hits


def relevance_score(text: str) -> float:
    """Score in [0, 1]; >= settings.RELEVANCE_THRESHOLD (0.5) means 'mine this document'."""
    if not text:
        return 0.0
    weights = domain_terms()
    evidence = sum(weights[t] * min(n, MAX_COUNT_PER_TERM) for t, n in term_hits(text).items())
    evidence /= math.sqrt(max(1.0, len(text) / LENGTH_UNIT))
    return round(1.0 - math.exp(-evidence), 4)
