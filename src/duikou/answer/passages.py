"""Search fallback: BM25 over the stored passages (bm25s), with jieba tokens.

For anything the question parser does not cover, the answer can show the paragraphs of the
corpus that are most related to the question ("相关段落"), with their sources; never a verdict.
A passage is a paragraph with its reprints (the `passages` table), so a paragraph reprinted on
a hundred sites is one result, not a hundred.

The index is built once per store and kept in memory, keyed by the database URL and the number
of stored passages: a new ingest (more passages) rebuilds it at the next query. Queries score
only the postings of the question's tokens (sparse), then look up the sources of the top k.
Passage text is returned exactly as stored (never escaped or altered here).
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from duikou.store import Store
from duikou.store import schema as s

# Function words and question words that say nothing about the topic; single characters are
# dropped as well (的, 是, 和, 吗 ...): topic words in this corpus are two characters or more.
STOPWORDS = frozenset("""
什么 怎么 怎么样 怎样 如何 为何 为什么 哪个 哪些 哪里 哪儿 哪家 多少 几个 是否 是不是 有没有 没有
可以 能否 请问 一下 一些 这个 那个 这些 那些 这样 那样 我们 你们 他们 它们 以及 或者 还是 而且
但是 因为 所以 如果 已经 进行 有关 关于 情况 问题 介绍 知道 告诉 现在 目前 今天 其中 之一 之间
""".split())  # noqa: SIM905 (a word list reads better as text)
_WORD = re.compile(r"\w", re.UNICODE)
_SPACE = re.compile(r"\s")

# Results must reach this share of the question's weight (the IDF of its distinct tokens,
# tokens the corpus never uses counting as the rarest): a passage that shares one common word
# with an unrelated question is not related to it.
MIN_COVERAGE = 0.5
# Stored tokens carry this tag; change it whenever tokens() changes, so old ones are redone.
TOKENS_VERSION = "jieba-search-1"

_log = logging.getLogger(__name__)
_lock = threading.Lock()
_tokenizer: Any = None
_indexes: dict[str, _Index] = {}  # database URL -> the index of its current passages


def _jieba() -> Any:
    global _tokenizer
    if _tokenizer is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        _tokenizer = tokenizer
    return _tokenizer


def tokens(text: str) -> list[str]:
    """jieba search-mode tokens (words and their dictionary sub-words), lower-cased, without
    punctuation, single characters and stopwords."""
    return [t for t in (w.strip().lower() for w in _jieba().lcut_for_search(text))
            if len(t) > 1 and _WORD.search(t) and t not in STOPWORDS and not _SPACE.search(t)]


@dataclass
class _Index:
    last: int  # the highest passage id when built (passages are only ever added)
    ids: np.ndarray  # passage id of each indexed row
    model: Any  # bm25s.BM25, or None when there is nothing to search

    def idf(self, token_ids: list[int]) -> np.ndarray:
        """IDF of each token (bm25s' Lucene formula), from its posting list length."""
        indptr = self.model.scores["indptr"]
        df = np.asarray([indptr[t + 1] - indptr[t] for t in token_ids], dtype=np.float64)
        return np.log1p((len(self.ids) - df + 0.5) / (df + 0.5))

    def contains(self, token_id: int, rows: np.ndarray) -> np.ndarray:
        """Which of the rows contain the token (a binary search in its posting list, which
        bm25s keeps sorted: _build checks it)."""
        scores = self.model.scores
        postings = scores["indices"][scores["indptr"][token_id]:scores["indptr"][token_id + 1]]
        at = np.searchsorted(postings, rows)
        return (at < len(postings)) & (postings[np.minimum(at, len(postings) - 1)] == rows) if len(postings) \
            else np.zeros(len(rows), dtype=bool)


def _build(store: Store, last: int) -> _Index:
    """Index the passages, segmenting only those whose tokens are not stored yet (and storing
    them, so the next process reads them instead)."""
    import bm25s

    p = s.passages
    with store.engine.connect() as conn:
        rows = conn.execute(select(p.c.id, p.c.text, p.c.tokens).order_by(p.c.id)).all()
    if not rows:
        return _Index(last, np.empty(0, dtype=np.int64), None)
    corpus, fresh = [], []
    for pid, text, stored in rows:
        words = _stored_tokens(stored)
        if words is None:
            words = tokens(text)
            fresh.append({"pid": pid, "words": TOKENS_VERSION + "\t" + " ".join(words)})
        corpus.append(words)
    if fresh:
        try:
            with store.engine.begin() as conn:
                conn.execute(update(p).where(p.c.id == bindparam("pid")).values(tokens=bindparam("words")), fresh)
        except SQLAlchemyError as exc:  # a read-only or busy database: search anyway
            _log.info("passage tokens not stored: %s", exc)
    model = bm25s.BM25()
    model.index(corpus, show_progress=False)
    indptr, indices = model.scores["indptr"], model.scores["indices"]
    steps = np.diff(indices)
    # a step down inside a token's postings means they are not sorted (a step down is expected
    # only where one token's list ends and the next begins)
    if np.any((steps < 0) & ~np.isin(np.arange(1, len(indices)), indptr)):
        raise RuntimeError("bm25s returned unsorted posting lists; passages.contains needs them sorted")
    return _Index(last, np.asarray([row[0] for row in rows], dtype=np.int64), model)


def _stored_tokens(stored: str | None) -> list[str] | None:
    """Tokens stored by this tokenizer version, else None."""
    if not stored:
        return None
    version, _, words = stored.partition("\t")
    return words.split() if version == TOKENS_VERSION else None


def _index(store: Store) -> _Index:
    """The store's index, built at the first query and again when passages were added (the
    highest id, read from the primary key, not a count of every row)."""
    url = store.engine.url.render_as_string(hide_password=False)
    with store.engine.connect() as conn:
        last = conn.execute(select(func.max(s.passages.c.id))).scalar() or 0
    index = _indexes.get(url)
    if index is not None and index.last == last:
        return index
    with _lock:
        index = _indexes.get(url)
        if index is None or index.last != last:
            index = _indexes[url] = _build(store, last)
    return index


def clear_cache() -> None:
    """Forget every built index (tests; a long-running process that wants the memory back)."""
    with _lock:
        _indexes.clear()


def related_passages(store: Store, question: str, k: int = 5,
                     min_coverage: float = MIN_COVERAGE) -> list[dict[str, Any]]:
    """The k stored passages most related to the question, best first: BM25 score over jieba
    tokens, keeping only passages that cover at least `min_coverage` of the question's IDF
    weight. Each: {"doc": source id, "doc_id", "url", "text", "score", "passage": passage id,
    "sources": how many documents carry the passage (reprints included)}."""
    if k <= 0:
        return []
    index = _index(store)
    if index.model is None:
        return []
    query = list(dict.fromkeys(tokens(_simplified(question))))  # distinct, in order
    if not query:
        return []
    vocab = index.model.vocab_dict
    known = [vocab[t] for t in query if t in vocab]
    if not known:
        return []
    scores = index.model.get_scores_from_ids(known)
    candidates = np.flatnonzero(scores > 0)
    if len(candidates) == 0:
        return []
    # the best few by score, then the coverage filter (unknown tokens weigh as the rarest)
    pool = min(len(candidates), max(4 * k, 50))
    top = candidates[np.argpartition(-scores[candidates], pool - 1)[:pool]]
    top = top[np.lexsort((index.ids[top], -scores[top]))]
    weights = index.idf(known)
    rarest = float(np.log1p((len(index.ids) + 0.5) / 0.5))
    total = float(weights.sum()) + rarest * (len(query) - len(known))
    covered = np.zeros(len(top))
    for weight, token_id in zip(weights, known, strict=True):
        covered += weight * index.contains(token_id, top)
    chosen = top[covered >= min_coverage * total]
    if len(chosen) == 0:
        return []
    chosen_ids = [int(pid) for pid in index.ids[chosen]]
    sources = _sources(store, chosen_ids[: 4 * k])
    out = []
    for row, pid in zip(chosen, chosen_ids, strict=False):
        source = sources.get(pid)
        if source is None:  # every document of the passage was replaced since
            continue
        out.append({"doc": source["source_id"], "doc_id": source["doc_id"], "url": source["url"],
                    "text": source["text"], "score": round(float(scores[row]), 4),
                    "passage": pid, "sources": source["n"]})
        if len(out) == k:
            break
    return out


def _simplified(text: str) -> str:
    """The question in simplified characters, as the stored text is (OpenCC t2s); the clean
    stage itself is not for questions (it drops short space-separated lines as page furniture)."""
    from duikou.clean.chars import _t2s

    try:
        return _t2s().convert(text)
    except (UnicodeEncodeError, RuntimeError):  # lone surrogates: search as written
        return text


def _sources(store: Store, passage_ids: list[int]) -> dict[int, dict[str, Any]]:
    """For each passage: its text, its first document still stored, and how many documents
    carry it."""
    if not passage_ids:
        return {}
    ps, d, p = s.passage_sources, s.documents, s.passages
    first = (select(ps.c.passage_id, func.min(ps.c.document_id).label("document_id"),
                    func.count(func.distinct(ps.c.document_id)).label("n"))
             .where(ps.c.passage_id.in_(passage_ids)).group_by(ps.c.passage_id).subquery())
    query = (select(first.c.passage_id, first.c.n, d.c.source_id, d.c.doc_id, d.c.url, p.c.text)
             .join(d, d.c.id == first.c.document_id).join(p, p.c.id == first.c.passage_id))
    with store.engine.connect() as conn:
        return {r.passage_id: dict(r._mapping) for r in conn.execute(query)}
