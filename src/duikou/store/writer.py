"""The store's write path: a batch of processed documents in one transaction, one executemany
per table.

Writing document by document cost about 26 statements per document (issue 11: 72% of ingest
time). Here a batch reads what it needs from the database with a few IN queries (existing
documents, reprint clusters, passage heads, pairing and claim keys, the independent sources its
evidence rows may join), decides everything in memory, then writes each table once. The rows,
ids and sources are exactly those that adding the documents one by one in the same order
writes (tests compare both), so the batch size changes speed, never results.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from duikou.models import ProcessedDocument
from duikou.store import schema as s
from duikou.store.database import StoreResult, _claim_key, _pairing_key, quote_key

if TYPE_CHECKING:
    from duikou.store.database import Store

_CHUNK = 500  # values in one IN (...): SQLite allows 32766 bound parameters, older builds 999


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for at in range(0, len(values), size):
        yield values[at:at + size]


def _insert_ids(conn: Connection, table: Any, rows: list[dict[str, Any]], key: tuple[str, ...]) -> list[int]:
    """Insert rows with one executemany and return their ids in the rows' order, read back by a
    unique key whose first column selects them (SQLite cannot keep the order of a many-row
    RETURNING, so SQLAlchemy would send those one statement per row)."""
    if not rows:
        return []
    conn.execute(insert(table), rows)
    columns = [table.c[k] for k in key]
    found: dict[tuple[Any, ...], int] = {}
    for chunk in _chunks(sorted({row[key[0]] for row in rows})):
        for row_id, *values in conn.execute(select(table.c.id, *columns).where(columns[0].in_(chunk))):
            found[tuple(values)] = row_id
    return [found[tuple(row[k] for k in key)] for row in rows]


@dataclass
class _Pending:
    """A document to insert, with what the batch decides for it."""

    item: ProcessedDocument
    status: str  # added | replaced
    cluster: str = ""
    document_id: int = 0
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, passage id)
    pairings: int = 0
    claims: int = 0


def write_batch(store: Store, conn: Connection, items: list[ProcessedDocument]) -> list[StoreResult]:
    """Store `items` in order inside the caller's transaction; one result per item."""
    existing: dict[str, tuple[int, str]] = {}  # doc_id -> (id, content hash) of stored documents
    doc_ids = sorted({item.document.doc_id for item in items})
    d = s.documents
    for chunk in _chunks(doc_ids):
        for row in conn.execute(select(d.c.doc_id, d.c.id, d.c.content_hash).where(d.c.doc_id.in_(chunk))):
            existing[row.doc_id] = (row.id, row.content_hash)
    results: list[StoreResult | _Pending] = []
    pending: list[_Pending] = []
    in_batch: dict[str, str] = {}  # doc_id -> content hash, documents of this batch
    for item in items:
        doc_id, content = item.document.doc_id, item.content_hash
        if doc_id in in_batch:  # the same document twice in one batch: as if stored in between
            if in_batch[doc_id] == content:
                results.append(StoreResult("unchanged", doc_id))
                continue
            _flush(store, conn, pending)
            pending = []
            stored = conn.execute(select(d.c.id).where(d.c.doc_id == doc_id)).scalar_one()
            existing[doc_id] = (stored, in_batch[doc_id])
        if doc_id in existing:
            stored, stored_hash = existing[doc_id]
            if stored_hash == content:
                results.append(StoreResult("unchanged", doc_id))
                continue
            _flush(store, conn, pending)  # documents before it are written before it is removed
            pending = []
            store._forget_document(conn, stored)
            del existing[doc_id]
            entry = _Pending(item, "replaced")
        else:
            entry = _Pending(item, "added")
        in_batch[doc_id] = content
        pending.append(entry)
        results.append(entry)
    _flush(store, conn, pending)
    return [r if isinstance(r, StoreResult) else StoreResult(
        r.status, r.item.document.doc_id, r.pairings, r.claims, reprint=r.cluster != r.item.document.doc_id)
        for r in results]


def _flush(store: Store, conn: Connection, batch: list[_Pending]) -> None:
    if not batch:
        return
    _clusters(store, conn, batch)
    _documents(conn, batch)
    _passages(store, conn, batch)
    _pairings(conn, batch)
    _claims(conn, batch)


def _clusters(store: Store, conn: Connection, batch: list[_Pending]) -> None:
    """A document joins the cluster of a stored copy with the same content, else of a near-duplicate
    (the reprint index), else starts its own."""
    d = s.documents
    by_hash: dict[str, str] = {}
    hashes = sorted({p.item.content_hash for p in batch if p.item.cluster is None})
    for chunk in _chunks(hashes):
        rows = conn.execute(select(d.c.content_hash, d.c.cluster).where(d.c.content_hash.in_(chunk))
                            .order_by(d.c.id))
        for content, cluster in rows:
            by_hash.setdefault(content, cluster)
    for p in batch:
        doc_id, content = p.item.document.doc_id, p.item.content_hash
        if p.item.cluster is not None:  # decided upstream (the Spark engine's clustering)
            p.cluster = p.item.cluster
            if store._reprints is not None and p.item.minhash:
                store._reprints.assign(doc_id, p.item.minhash, p.cluster)
            by_hash.setdefault(content, p.cluster)
            continue
        cluster = by_hash.get(content)
        if cluster is None and p.item.minhash:
            cluster = store._reprint_index(conn).add(doc_id, p.item.minhash)
        p.cluster = cluster or doc_id
        by_hash.setdefault(content, p.cluster)


def _documents(conn: Connection, batch: list[_Pending]) -> None:
    rows = []
    for p in batch:
        doc, item = p.item.document, p.item
        rows.append({
            "doc_id": doc.doc_id, "source_id": doc.source_id, "path": doc.path, "url": doc.url, "title": doc.title,
            "published": doc.published, "relevance": doc.relevance, "content_hash": item.content_hash,
            "cluster": p.cluster, "raw_text": doc.raw_text, "text": doc.text,
            "signature": json.dumps(item.minhash) if item.minhash else None,
        })
    for p, document_id in zip(batch, _insert_ids(conn, s.documents, rows, ("doc_id",)), strict=True):
        p.document_id = document_id


def _passages(store: Store, conn: Connection, batch: list[_Pending]) -> None:
    """Each paragraph joins the passage it reprints (the head of its cluster in the passage
    index), or starts a new one."""
    heads = []
    for p in batch:
        keys = [(f"{p.item.document.doc_id}@{start}", signature) for start, _end, signature in p.item.paragraphs]
        if p.item.passage_heads is None:
            index = store._passage_index(conn)
            heads.append([index.add(key, signature) for key, signature in keys])
        else:  # decided upstream (the Spark engine's clustering)
            heads.append(p.item.passage_heads)
            if store._passages is not None:
                for (key, signature), head in zip(keys, p.item.passage_heads, strict=True):
                    store._passages.assign(key, signature, head)
    ps = s.passages
    ids: dict[str, int] = {}
    wanted = sorted({head for row in heads for head in row})
    for chunk in _chunks(wanted):
        ids.update((key, pid) for key, pid in conn.execute(select(ps.c.key, ps.c.id).where(ps.c.key.in_(chunk))))
    new: list[dict[str, Any]] = []
    new_keys: set[str] = set()
    for p, row in zip(batch, heads, strict=True):
        for head, (start, end, signature) in zip(row, p.item.paragraphs, strict=True):
            if head not in ids and head not in new_keys:
                new_keys.add(head)
                new.append({"key": head, "text": p.item.document.text[start:end], "signature": json.dumps(signature)})
    for row, pid in zip(new, _insert_ids(conn, ps, new, ("key",)), strict=True):
        ids[row["key"]] = pid
    sources = []
    for p, row in zip(batch, heads, strict=True):
        p.spans = [(start, end, ids[head]) for head, (start, end, _sig) in zip(row, p.item.paragraphs, strict=True)]
        sources += [{"passage_id": pid, "document_id": p.document_id, "start": start, "end": end}
                    for start, end, pid in p.spans]
    if sources:
        conn.execute(insert(s.passage_sources), sources)


def _fact_ids(conn: Connection, table: Any, first: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Ids of facts by key: stored ones looked up, new ones inserted (in order of first mention)."""
    ids: dict[str, int] = {}
    keys = list(first)
    for chunk in _chunks(sorted(keys)):
        ids.update((key, fid) for key, fid in conn.execute(select(table.c.key, table.c.id).where(table.c.key.in_(chunk))))
    new = [first[key] for key in keys if key not in ids]
    for row, fid in zip(new, _insert_ids(conn, table, new, ("key",)), strict=True):
        ids[row["key"]] = fid
    return ids


def _pairings(conn: Connection, batch: list[_Pending]) -> None:
    t = s.pairings
    first: dict[str, dict[str, Any]] = {}
    since: dict[str, int] = {}  # earliest start year any evidence gives
    for p in batch:
        for pr in p.item.pairings:
            key = _pairing_key(pr)
            first.setdefault(key, {
                "key": key, "donor_code": pr.donor.code, "donor": pr.donor.name, "donor_full": pr.donor.full_name,
                "recipient_code": pr.recipient.code, "recipient": pr.recipient.name,
                "recipient_full": pr.recipient.full_name, "programme": pr.programme, "level": pr.level,
                "since": pr.since, "until": pr.until,
            })
            if pr.since is not None and (key not in since or pr.since < since[key]):
                since[key] = pr.since
    if not first:
        return
    stored_since: dict[str, int | None] = {}
    for chunk in _chunks(sorted(first)):
        stored_since.update(conn.execute(select(t.c.key, t.c.since).where(t.c.key.in_(chunk))).all())
    for key, row in first.items():  # a new pairing starts at the earliest year its evidence gives
        if key not in stored_since and key in since:
            row["since"] = since[key]
    ids = _fact_ids(conn, t, first)
    moved = [{"fact_id": ids[key], "new_since": year} for key, year in since.items()
             if key in stored_since and (stored_since[key] is None or year < stored_since[key])]
    if moved:
        conn.execute(update(t).where(t.c.id == bindparam("fact_id")).values(since=bindparam("new_since")), moved)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[int, int, int, int]] = set()
    for p in batch:
        offsets = p.item.document.offsets
        for pr in p.item.pairings:
            pid, ev = ids[_pairing_key(pr)], pr.evidence
            if (pid, p.document_id, ev.start, ev.end) in seen:
                continue  # the same span stated twice: one evidence row
            seen.add((pid, p.document_id, ev.start, ev.end))
            passage = next((at for start, end, at in p.spans if start <= ev.start < end), None)
            rows.append({
                "pairing_id": pid, "document_id": p.document_id, "start": ev.start, "end": ev.end,
                "raw_start": offsets[ev.start], "raw_end": offsets[min(ev.end, len(offsets) - 1)],
                "quote": ev.quote, "extractor": ev.extractor, "confidence": ev.confidence,
                "since": pr.since, "until": pr.until, "cluster": p.cluster, "quote_key": quote_key(ev.quote),
                "passage_id": passage, "source": None,
            })
            p.pairings += 1
    for row, row_id in zip(rows, _insert_ids(conn, s.pairing_evidence, rows, ("document_id", "pairing_id", "start", "end")), strict=True):
        row["id"] = row_id
    _join_sources(conn, rows)


def _pairs_in(conn: Connection, columns: tuple[Any, ...], wanted: set[tuple[Any, Any]], *where: Any,
              distinct: bool = False) -> Iterator[Any]:
    """Rows whose first two columns are one of the `wanted` pairs: each column IN its values,
    the pairs checked here (SQLite serves a row-value IN from a two-column index only by
    scanning it; two INs it seeks)."""
    firsts = sorted({a for a, _b in wanted})
    seconds = sorted({b for _a, b in wanted})
    for some_firsts in _chunks(firsts):
        for some_seconds in _chunks(seconds):
            query = select(*columns).where(columns[0].in_(some_firsts), columns[1].in_(some_seconds), *where)
            for row in conn.execute(query.distinct() if distinct else query):
                if (row[0], row[1]) in wanted:
                    yield row


def _links(row: dict[str, Any]) -> list[tuple[int, str, Any]]:
    """What makes two evidence rows of a pairing one source: a document cluster, a quote, a passage."""
    pid = row["pairing_id"]
    links = [(pid, "cluster", row["cluster"]), (pid, "quote", row["quote_key"])]
    if row["passage_id"] is not None:
        links.append((pid, "passage", row["passage_id"]))
    return links


def _join_sources(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Give each new evidence row its independent source: the source of every row of the same
    pairing it shares a document cluster, a quote or a passage with (merging them, the lowest
    id naming the merged source), else a source of its own (its id); keep each source's best
    row (most confident, ties: the first) in pairing_sources. Rows are taken in id order, so the
    result is that of adding them one at a time."""
    if not rows:
        return
    e, ps = s.pairing_evidence, s.pairing_sources
    by_link: dict[tuple[int, str, Any], set[int]] = {}
    columns = {"cluster": e.c.cluster, "quote": e.c.quote_key, "passage": e.c.passage_id}
    for kind, column in columns.items():
        wanted = {(pid, value) for row in rows for pid, k, value in _links(row) if k == kind}
        for pid, value, source in _pairs_in(conn, (e.c.pairing_id, column, e.c.source), wanted,
                                            e.c.source.is_not(None), distinct=True):
            by_link.setdefault((pid, kind, value), set()).add(source)
    stored = {(link[0], source) for link, sources in by_link.items() for source in sources}
    best: dict[tuple[int, int], tuple[float, int]] = {}  # (pairing, source) -> (confidence, best row)
    for pid, source, confidence, best_id in _pairs_in(
            conn, (ps.c.pairing_id, ps.c.source, ps.c.confidence, ps.c.best_id), stored):
        best[(pid, source)] = (confidence, best_id)
    stored_best = dict(best)
    merged: dict[tuple[int, int], int] = {}  # (pairing, source) -> the source it was merged into

    def find(pid: int, source: int) -> int:
        while (pid, source) in merged:
            source = merged[(pid, source)]
        return source

    for row in rows:
        pid, links = row["pairing_id"], _links(row)
        found = {find(pid, source) for link in links for source in by_link.get(link, ())}
        source = min(found) if found else row["id"]
        candidates = [(row["confidence"], row["id"])]
        for other in found:
            if other != source:
                merged[(pid, other)] = source
            if (pid, other) in best:
                candidates.append(best.pop((pid, other)))
        best[(pid, source)] = min(candidates, key=lambda b: (-b[0], b[1]))
        row["source"] = source
        for link in links:
            by_link.setdefault(link, set()).add(source)
    renamed = [{"p": pid, "old": old, "new": find(pid, old)} for pid, old in sorted(stored) if (pid, old) in merged]
    if renamed:
        conn.execute(update(e).where(e.c.pairing_id == bindparam("p"), e.c.source == bindparam("old"))
                     .values(source=bindparam("new")), renamed)
    conn.execute(update(e).where(e.c.id == bindparam("row_id")).values(source=bindparam("new_source")),
                 [{"row_id": row["id"], "new_source": row["source"]} for row in rows])
    gone = [{"p": pid, "src": source} for (pid, source), value in stored_best.items()
            if best.get((pid, source)) != value]
    if gone:
        conn.execute(ps.delete().where(ps.c.pairing_id == bindparam("p"), ps.c.source == bindparam("src")),
                     gone)
    added = [{"pairing_id": pid, "source": source, "confidence": confidence, "best_id": best_id}
             for (pid, source), (confidence, best_id) in best.items() if stored_best.get((pid, source)) != (confidence, best_id)]
    if added:
        conn.execute(insert(ps), added)


def _claims(conn: Connection, batch: list[_Pending]) -> None:
    first: dict[str, dict[str, Any]] = {}
    for p in batch:
        for c in p.item.claims:
            key = _claim_key(c)
            first.setdefault(key, {
                "key": key, "subject_code": c.subject.code if c.subject else None,
                "subject": c.subject.full_name if c.subject else None,
                "object_code": c.object.code if c.object else None,
                "object": c.object.full_name if c.object else None,
                "measure": c.measure, "value": c.value, "unit": c.unit, "qualifier": c.qualifier,
                "period": c.period, "status": c.status, "base_measure": c.base_measure,
                "base_value": c.base_value, "base_unit": c.base_unit,
            })
    if not first:
        return
    ids = _fact_ids(conn, s.claims, first)
    rows: list[dict[str, Any]] = []
    seen: set[tuple[int, int, int, int]] = set()
    for p in batch:
        offsets = p.item.document.offsets
        for c in p.item.claims:
            cid, ev = ids[_claim_key(c)], c.evidence
            if (cid, p.document_id, ev.start, ev.end) in seen:
                continue
            seen.add((cid, p.document_id, ev.start, ev.end))
            rows.append({
                "claim_id": cid, "document_id": p.document_id, "start": ev.start, "end": ev.end,
                "raw_start": offsets[ev.start], "raw_end": offsets[min(ev.end, len(offsets) - 1)],
                "quote": ev.quote, "extractor": ev.extractor, "confidence": ev.confidence,
                "words": s.quote_words(ev.quote),
            })
            p.claims += 1
    if rows:
        conn.execute(insert(s.claim_evidence), rows)
