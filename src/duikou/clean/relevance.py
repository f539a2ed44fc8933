"""Relevance: is this document about counterpart assistance (对口支援)?

A transparent vocabulary score, not a trained model: weighted hits of domain terms
(data/relevance_terms.tsv; each term counts at most 3 times; generic poverty-relief words such
as 扶贫/帮扶 together add at most CONTEXT_CAP, so poverty news without a counterpart-assistance
term stays below the threshold), damped by the square root of the document length so that one
passing mention in a long unrelated article stays low, squashed to [0, 1). One programme word
in a short text already scores above 0.5.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from importlib import resources

MAX_COUNT_PER_TERM = 3
CONTEXT_WEIGHT = 0.3  # terms weighing less are context (扶贫, 帮扶 …), not evidence by themselves
CONTEXT_CAP = 0.4  # all context terms together add at most this much (score 0.33 alone)
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
def _automaton():
    import ahocorasick_rs

    return ahocorasick_rs.AhoCorasick(
        list(domain_terms()), matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
    )


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
    specific = context = 0.0
    # the same counts as term_hits(text), in the same (first-occurrence) order
    for term, n in Counter(_automaton().find_matches_as_strings(text)).items():
        value = weights[term] * min(n, MAX_COUNT_PER_TERM)
        if weights[term] < CONTEXT_WEIGHT:
            context += value
        else:
            specific += value
    evidence = specific + min(context, CONTEXT_CAP)
    evidence /= math.sqrt(max(1.0, len(text) / LENGTH_UNIT))
    return round(1.0 - math.exp(-evidence), 4)
