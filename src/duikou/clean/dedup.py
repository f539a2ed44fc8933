"""Reprints and near-duplicates: MinHash signatures and an LSH index (datasketch).

Signatures are computed here with numpy (character 5-gram shingles of each normalised line, a
fixed polynomial hash, one-permutation hashing with densification), so they are stable across
processes and machines (the store keeps them) and fast enough for bulk ingest; the LSH
banding is datasketch's MinHashLSH.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
from datasketch import MinHashLSH

from duikou import settings

_NOT_WORD = re.compile(r"[^0-9A-Za-z\u3400-\u9fff\uf900-\ufaff]+")
_NOT_WORD_OR_NL = re.compile(r"[^0-9A-Za-z\u3400-\u9fff\uf900-\ufaff\n]+")
_EMPTY = 0xFFFFFFFF


def normalise(text: str) -> str:
    """Keep only Chinese characters, letters and digits (lower-cased): reprints differ in
    punctuation, spacing and line breaks, not in words."""
    return _NOT_WORD.sub("", text).lower()


_BIN_EMPTY = np.uint64(1 << 32)
_ROTATE = np.uint64(0x9E3779B9)
_LOW32 = np.uint64(0xFFFFFFFF)


def _minhash_rows(
    hashes: np.ndarray, group: np.ndarray, n_groups: int, num_perm: int
) -> np.ndarray:
    """Per-group, per-bin minima (one-permutation hashing, Li, Owen & Zhang 2012): each shingle
    hash picks a bin from its high bits and competes there with its low 32 bits. One pass over
    the shingles instead of num_perm passes; empty bins are filled by densify()."""
    bins = (((hashes >> np.uint64(32)) * np.uint64(num_perm)) >> np.uint64(32)).astype(np.int64)
    bins += group * num_perm
    rows = np.full(n_groups * num_perm, _BIN_EMPTY, dtype=np.uint64)
    np.minimum.at(rows, bins, hashes & _LOW32)
    return rows.reshape(n_groups, num_perm)


def _densify(rows: np.ndarray) -> np.ndarray:
    """Fill empty bins from the next non-empty bin to the right, circularly, shifted by the
    distance (rotation densification, Shrivastava & Li 2014), so short texts still get a full
    signature whose equal-bin fraction estimates Jaccard similarity. Rows are never all empty."""
    empty = rows == _BIN_EMPTY
    if not empty.any():
        return rows
    n, p = rows.shape
    cols = np.arange(p, dtype=np.int64)
    idx = np.where(empty, 2 * p, cols)
    nxt = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1]  # next non-empty to the right
    wrap = nxt == 2 * p
    nxt[wrap] = np.broadcast_to(nxt[:, :1] + p, (n, p))[wrap]  # none: wrap to the row's first
    values = np.take_along_axis(rows, nxt % p, axis=1)
    with np.errstate(over="ignore"):
        shifted = (values + (nxt - cols).astype(np.uint64) * _ROTATE) & _LOW32
    return np.where(empty, shifted, rows)


def _line_shingles(text: str) -> tuple[list[tuple[int, int, int]], np.ndarray, np.ndarray]:
    """Shingle hashes of every non-empty normalised line, in one vectorised pass.

    Returns (start, end, normalised length) per line, the flat hashes, and for each hash the
    index of its line. Shingles never cross a line break; a line shorter than the
    shingle size is one shingle.
    """
    k = settings.MINHASH_SHINGLE
    spans: list[tuple[int, int, int]] = []
    norms: list[str] = []
    pos = 0
    # normalise the whole text at once (line breaks kept), then pair lines up
    for line, norm in zip(
        text.split("\n"), _NOT_WORD_OR_NL.sub("", text).lower().split("\n"), strict=True
    ):
        start, end = pos, pos + len(line)
        pos = end + 1
        if norm:
            spans.append((start, end, len(norm)))
            norms.append(norm)
    if not norms:
        return spans, np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    # Lines joined with k-1 NULs around them: one rolling hash covers every line, and windows
    # holding a NUL (crossing a line break) are masked out. A line shorter than k is repeated
    # up to k characters, so it is exactly one shingle.
    pad = "\0" * (k - 1)
    joined = pad + pad.join(x if len(x) >= k else (x * k)[:k] for x in norms) + pad
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - k + 1
    h = codes[:n].copy()
    prime = np.uint64(1_000_003)
    with np.errstate(over="ignore"):
        for j in range(1, k):
            h *= prime
            h += codes[j : j + n]
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(31)
    nuls = np.concatenate(([0], np.cumsum(codes == 0)))
    valid = nuls[k:] == nuls[:n]  # no NUL inside the window
    # NULs before a window's start = (k-1) * (its line index + 1)
    group = nuls[:n][valid] // (k - 1) - 1
    return spans, h[valid], group


def minhash_signature(text: str, num_perm: int | None = None) -> list[int]:
    """MinHash of the set of character 5-grams of each normalised line of `text`
    (shingles do not cross line breaks, so a reprint with other line breaks still matches):
    num_perm 32-bit ints. Text with no letters gets all 0xFFFFFFFF; ReprintIndex never
    clusters those."""
    num_perm = num_perm or settings.MINHASH_PERMUTATIONS
    _, hashes, _ = _line_shingles(text)
    if len(hashes) == 0:
        return [_EMPTY] * num_perm
    rows = _minhash_rows(hashes, np.zeros(len(hashes), dtype=np.int64), 1, num_perm)
    return _densify(rows)[0].tolist()


def paragraph_signatures(
    text: str, min_chars: int | None = None
) -> list[tuple[int, int, list[int]]]:
    """(start, end, signature) for every line of clean text long enough to be a paragraph;
    each signature equals minhash_signature(text[start:end])."""
    return document_signatures(text, min_chars)[1]


def document_signatures(
    text: str, min_chars: int | None = None
) -> tuple[list[int], list[tuple[int, int, list[int]]]]:
    """minhash_signature(text) and paragraph_signatures(text) in one pass (half the work)."""
    min_chars = settings.MIN_PARAGRAPH_CHARS if min_chars is None else min_chars
    num_perm = settings.MINHASH_PERMUTATIONS
    spans, hashes, group = _line_shingles(text)
    if len(hashes) == 0:
        return [_EMPTY] * num_perm, []
    rows = _minhash_rows(hashes, group, len(spans), num_perm)
    keep = [i for i, (_s, _e, n) in enumerate(spans) if n >= min_chars]
    both = (
        np.concatenate([rows.min(axis=0, keepdims=True), rows[keep]])
        if keep
        else rows.min(axis=0, keepdims=True)
    )
    doc, *sigs = _densify(both).tolist()
    paragraphs = [(spans[i][0], spans[i][1], sig) for i, sig in zip(keep, sigs, strict=True)]
    return doc, paragraphs


def similarity(sig_a: list[int] | np.ndarray, sig_b: list[int] | np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures (share of equal values)."""
    a = np.asarray(sig_a, dtype=np.uint64)
    b = np.asarray(sig_b, dtype=np.uint64)
    if a.size == 0 or a.shape != b.shape:
        return 0.0
    return float(np.count_nonzero(a == b)) / a.size


class _Sig:
    """The minimum datasketch's MinHashLSH needs from a MinHash."""

    __slots__ = ("hashvalues",)

    def __init__(self, values: np.ndarray):
        self.hashvalues = values.astype(np.uint64)

    def __len__(self) -> int:
        return len(self.hashvalues)


class ReprintIndex:
    """Clusters reprints: add(key, signature) returns the cluster id (the first member's key).

    Each cluster is represented by its first member (its head); a new signature joins the
    cluster of the most similar head whose estimated Jaccard similarity reaches the threshold
    (ties: the oldest cluster), otherwise it starts a cluster of its own. Only heads go into the
    LSH, so buckets stay small when one text is reprinted thousands of times, and clusters do
    not drift by chaining (A~B, B~C, A!~C). Exact repeats of a signature are answered from a
    dict. Memory: 4 bytes per signature value, per cluster head.
    """

    MAX_CANDIDATES = 64

    def __init__(self, threshold: float | None = None, num_perm: int | None = None):
        self.threshold = settings.MINHASH_THRESHOLD if threshold is None else threshold
        self.num_perm = num_perm or settings.MINHASH_PERMUTATIONS
        self._lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm)
        self._cluster: dict[str, str] = {}
        self._head_signature: dict[str, np.ndarray] = {}  # uint32 signature of each head
        self._head_order: dict[str, int] = {}
        self._exact: dict[bytes, str] = {}

    def __len__(self) -> int:
        return len(self._cluster)

    @property
    def n_clusters(self) -> int:
        return len(self._head_signature)

    def cluster_of(self, key: str) -> str | None:
        return self._cluster.get(key)

    def add(self, key: str, signature: list[int]) -> str:
        if key in self._cluster:
            return self._cluster[key]
        if len(signature) != self.num_perm:
            raise ValueError(
                f"signature has {len(signature)} values, index expects {self.num_perm}"
            )
        values = np.asarray(signature, dtype=np.uint32)
        if values[0] == _EMPTY and (values == _EMPTY).all():
            self._cluster[key] = key  # nothing to compare: its own cluster, not indexed
            return key
        digest = hashlib.blake2b(values.tobytes(), digest_size=16).digest()
        if digest in self._exact:
            cluster = self._cluster[self._exact[digest]]
            self._cluster[key] = cluster
            return cluster
        self._exact[digest] = key
        sig = _Sig(values)
        candidates = sorted(self._lsh.query(sig), key=self._head_order.__getitem__)[
            : self.MAX_CANDIDATES
        ]
        cluster = key
        if candidates:
            heads = np.stack([self._head_signature[c] for c in candidates])
            sims = np.count_nonzero(heads == values[None, :], axis=1) / self.num_perm
            best = int(np.argmax(sims))  # first maximum = oldest cluster among ties
            if sims[best] >= self.threshold:
                cluster = candidates[best]
        self._cluster[key] = cluster
        if cluster == key:
            self._head_signature[key] = values
            self._head_order[key] = len(self._head_order)
            self._lsh.insert(key, sig, check_duplication=False)
        return cluster
