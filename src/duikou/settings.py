"""Settings in one place (trafilatura-style): thresholds and defaults every stage reads."""

from __future__ import annotations

import os

DEFAULT_DB = "duikou.db"


def database_url(db: str | None = None) -> str:
    """A path or an SQLAlchemy URL; default ./duikou.db, overridable by DUIKOU_DB."""
    value = db or os.environ.get("DUIKOU_DB") or DEFAULT_DB
    if "://" in value:
        return value
    return f"sqlite:///{value}"


# Documents scoring below this are stored but not mined for pairings and claims.
RELEVANCE_THRESHOLD = 0.5

# Files larger than this are refused by the readers (bounded memory).
MAX_FILE_BYTES = 200 * 1024 * 1024
# A decompressed stream (gzip) may not grow beyond this.
MAX_DECOMPRESSED_BYTES = 500 * 1024 * 1024

# Near-duplicate detection (MinHash LSH).
MINHASH_PERMUTATIONS = 64
MINHASH_THRESHOLD = 0.8

# --- read / clean stages (issue 4) ---
# A single page (one .txt/.html file, one jsonl record, one WARC record) longer than this many
# characters is refused: it is not an article, and its offset map would not fit in memory.
MAX_PAGE_CHARS = 5_000_000
# One jsonl line / one WARC record payload may not exceed this many bytes.
MAX_RECORD_BYTES = 20 * 1024 * 1024
# Decompressed/compressed above this ratio (after the first few MB) is treated as a gzip bomb.
MAX_COMPRESSION_RATIO = 200
# Character n-gram size for MinHash shingles (Chinese text has no word boundaries).
MINHASH_SHINGLE = 5
# Paragraphs shorter than this (normalised characters) get no reprint signature.
MIN_PARAGRAPH_CHARS = 30
