"""Clean: raw scraped text -> clean simplified text plus an offset map back to the raw text.

Contract used by the rest of the pipeline:
    clean_text(raw) -> (text, offsets)    offsets[i] = raw index of text[i]; len(text)+1 entries
    split_articles(raw) -> list[(start, end)]   spans of raw, one per glued article
    relevance_score(text) -> float in [0, 1]
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

PINYIN_NOISE = re.compile(r"\((?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)\)")
ARTICLE_BREAK = re.compile(r"^\s*\}\s*$", re.M)
ASSISTANCE_WORDS = ("对口支援", "对口援建", "对口帮扶", "扶贫协作", "东西部协作", "援疆", "援藏", "援青", "对口合作", "结对帮扶")


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _to_simplified(text: str) -> str:
    """Character-for-character t2s, so offsets stay aligned."""
    out = _converter().convert(text)
    if len(out) == len(text):
        return out
    return "".join(_converter().convert(ch) if len(_converter().convert(ch)) == 1 else ch for ch in text)


def clean_text(raw: str) -> tuple[str, list[int]]:
    keep: list[int] = []
    pos = 0
    for m in PINYIN_NOISE.finditer(raw):
        keep.extend(range(pos, m.start()))
        pos = m.end()
    keep.extend(range(pos, len(raw)))
    kept = "".join(raw[i] for i in keep)
    text = _to_simplified(kept)
    return text, keep + [len(raw)]


def split_articles(raw: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in ARTICLE_BREAK.finditer(raw):
        if raw[start:m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if raw[start:].strip():
        spans.append((start, len(raw)))
    return spans


def relevance_score(text: str) -> float:
    hits = sum(text.count(w) for w in ASSISTANCE_WORDS)
    return min(1.0, hits / 2)
