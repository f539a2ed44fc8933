"""Clean: raw scraped text -> clean simplified text plus an offset map back to the raw text.

Contract used by the rest of the pipeline:
    clean_text(raw) -> (text, offsets)    offsets[i] = raw index of text[i]; len(text)+1 entries
    split_articles(raw) -> list[(start, end)]   spans of raw, one per glued article
    relevance_score(text) -> float in [0, 1]
    publication_date(raw, url, meta) -> ISO date | year-month | None
    dedup: minhash_signature, paragraph_signatures, ReprintIndex (duikou.clean.dedup)

Modules: tracked (offset-keeping edits), chars / pinyin / lines (the cleaning steps, each a
pure function), pipeline (their order), split, relevance, dates, dedup.
"""

from __future__ import annotations

from duikou.clean.dates import publication_date
from duikou.clean.dedup import (
    ReprintIndex,
    document_signatures,
    minhash_signature,
    paragraph_signatures,
)
from duikou.clean.pipeline import clean_text
from duikou.clean.relevance import relevance_score
from duikou.clean.split import split_articles

__all__ = [
    "ReprintIndex",
    "clean_text",
    "document_signatures",
    "minhash_signature",
    "paragraph_signatures",
    "publication_date",
    "relevance_score",
    "split_articles",
]
