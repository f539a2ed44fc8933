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
    if num_perm >= 2 and num_perm & (num_perm - 1) == 0:  # a power of two: one shift
        bins = (hashes >> np.uint64(64 - num_perm.bit_length() + 1)).astype(np.int64)
    else:
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
    cols = _COLS.get(p)
    if cols is None:
        cols = _COLS[p] = np.arange(p, dtype=np.int64)
    idx = np.where(empty, 2 * p, cols)
    nxt = np.minimum.accumulate(idx[:, ::-1], axis=1)[:, ::-1]  # next non-empty to the right
    nxt = np.where(nxt == 2 * p, nxt[:, :1] + p, nxt)  # none: wrap to the row's first
    flat = nxt % p
    flat += (np.arange(n, dtype=np.int64) * p)[:, None]
    values = rows.ravel()[flat]
    with np.errstate(over="ignore"):
        shifted = (values + (nxt - cols).astype(np.uint64) * _ROTATE) & _LOW32
    return np.where(empty, shifted, rows)


_COLS: dict[int, np.ndarray] = {}


def _word_tables() -> tuple[np.ndarray, np.ndarray]:
    """BMP lookup tables: is the code kept by normalise() (0-9 A-Z a-z and the CJK ranges;
    0xFFFF stands for everything above the BMP and is not kept), and its lower-case code."""
    word = np.zeros(0x10000, dtype=bool)
    for a, b in ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A), (0x3400, 0x9FFF), (0xF900, 0xFAFF)):
        word[a : b + 1] = True
    lower = np.arange(0x10000, dtype=np.uint64)
    lower[0x41:0x5B] += 0x20
    return word, lower


_WORD, _LOWER = _word_tables()
_PRIME = np.uint64(1_000_003)
_PRIME_SQUARED = np.uint64(1_000_003**2 % (1 << 64))
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_SHIFT31 = np.uint64(31)


def _rolling_hash(codes: np.ndarray, k: int) -> np.ndarray:
    """Polynomial hash of every window of k codes (uint64), mixed: codes[i:i+k] -> one value."""
    n = len(codes) - k + 1
    with np.errstate(over="ignore"):
        if k == 5:  # (c0 p + c1) p^2 + (c2 p + c3), then p + c4: the same sum, fewer passes
            h2 = codes[:-1] * _PRIME
            h2 += codes[1:]
            h = h2[:n] * _PRIME_SQUARED
            h += h2[2 : 2 + n]
            h *= _PRIME
            h += codes[4 : 4 + n]
        else:
            h = codes[:n].copy()
            for j in range(1, k):
                h *= _PRIME
                h += codes[j : j + n]
        h *= _MIX
        h ^= h >> _SHIFT31
    return h


def _line_shingles(text: str) -> tuple[list[tuple[int, int, int]], np.ndarray, np.ndarray]:
    """Shingle hashes of every non-empty normalised line, in one vectorised pass.

    Returns (start, end, normalised length) of every line of the text (empty lines have
    length 0 and no shingles), the flat hashes, and for each hash the index of its line.
    Shingles never cross a line break; a line shorter than the shingle size is one shingle
    (the line repeated up to the shingle size). The order of the hashes is irrelevant (only
    per-bin minima are taken).
    """
    k = settings.MINHASH_SHINGLE
    data = text.encode("utf-16-le", "surrogatepass")
    if len(data) == 2 * len(text):  # no character outside the BMP: one code unit each
        codes = np.frombuffer(data, dtype=np.uint16)
        word = _WORD[codes]
    else:
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        word = _WORD[np.minimum(codes, 0xFFFF)]
    # normalise (see normalise()): keep 0-9 A-Z a-z and the CJK ranges; lower-case A-Z
    nl_at = np.flatnonzero(codes == 10)
    w_pos = np.flatnonzero(word)
    if len(w_pos) == 0:
        return [], _NO_HASHES, _NO_GROUPS
    w = _LOWER[codes[w_pos]]  # every kept code is < 0x10000
    g = np.searchsorted(nl_at, w_pos)  # line index of each kept character
    lens = np.bincount(g, minlength=len(nl_at) + 1).tolist()
    spans: list[tuple[int, int, int]] = []
    start = 0
    for end, n in zip([*nl_at.tolist(), len(codes)], lens, strict=True):
        spans.append((start, end, n))
        start = end + 1
    parts_h: list[np.ndarray] = []
    parts_g: list[np.ndarray] = []
    if len(w) >= k:
        h = _rolling_hash(w, k)
        first = g[: len(h)]
        valid = first == g[k - 1 :]  # window inside one line
        parts_h.append(h[valid])
        parts_g.append(first[valid])
    if any(0 < n < k for n in lens):
        short = np.array([i for i, n in enumerate(lens) if 0 < n < k], dtype=np.int64)
        n_short = np.array([lens[i] for i in short.tolist()], dtype=np.int64)
        first = np.concatenate(([0], np.cumsum(lens)))[short]  # index in w of each line
        idx = first[:, None] + (np.arange(k)[None, :] % n_short[:, None])
        sub = w[idx]  # each short line repeated up to k characters: one window each
        parts_h.append(_rolling_hash(sub.ravel(), k)[::k])
        parts_g.append(short)
    if len(parts_h) == 1:
        return spans, parts_h[0], parts_g[0]
    return spans, np.concatenate(parts_h), np.concatenate(parts_g)


_NO_HASHES = np.empty(0, dtype=np.uint64)
_NO_GROUPS = np.empty(0, dtype=np.int64)


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
    # lines without shingles (empty after normalising) never reach min_chars >= 1
    keep = [i for i, (_s, _e, n) in enumerate(spans) if n >= min_chars and n]
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

    def assign(self, key: str, signature: list[int], cluster: str) -> None:
        """Record a decision made elsewhere (the Spark engine runs add() per component of
        colliding signatures), so later add() calls see the index add() would have built."""
        if key in self._cluster:
            return
        self._cluster[key] = cluster
        values = np.asarray(signature, dtype=np.uint32)
        if values[0] == _EMPTY and (values == _EMPTY).all():
            return
        digest = hashlib.blake2b(values.tobytes(), digest_size=16).digest()
        self._exact.setdefault(digest, key)
        if cluster == key and key not in self._head_signature:
            self._head_signature[key] = values
            self._head_order[key] = len(self._head_order)
            self._lsh.insert(key, _Sig(values), check_duplication=False)

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
