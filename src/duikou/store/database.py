"""The Store: one object over one database, used by the CLI, the web app and the API alike."""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection

from duikou.clean.dedup import ReprintIndex, normalise
from duikou.models import Claim, Pairing, ProcessedDocument, Region
from duikou.settings import database_url
from duikou.store import schema as s

_IN_CHUNK = 900  # bound parameters in one IN (...)


class SchemaVersionError(RuntimeError):
    """The database was written by a newer duikou."""


@dataclass(frozen=True)
class StoreResult:
    status: str  # added | unchanged | replaced
    doc_id: str
    pairings: int = 0
    claims: int = 0
    reprint: bool = False  # joined the cluster of an earlier, (near-)identical document


def _region_key(code: str | None, name: str) -> str:
    return code or f"name:{name}"


def _pairing_key(p: Pairing) -> str:
    return "|".join((_region_key(p.donor.code, p.donor.name), _region_key(p.recipient.code, p.recipient.name), p.programme))


def _claim_key(c: Claim) -> str:
    parts = [
        _region_key(c.subject.code, c.subject.name) if c.subject else "",
        _region_key(c.object.code, c.object.name) if c.object else "",
        c.measure, f"{c.value:.6g}", c.unit, c.period or "", c.qualifier or "",
        f"{c.base_measure}={c.base_value:.6g}{c.base_unit}" if c.base_value is not None else "",
    ]
    return "|".join(parts)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._migrate()
        self._reprints: ReprintIndex | None = None
        self._passages: ReprintIndex | None = None
        self._kinds: tuple[Any, list[tuple[Any, ...]]] | None = None  # (validity key, kinds)

    def _claim_kinds(self, conn: Connection, subjects: list[str] | None,
                     objects: list[str] | None) -> list[tuple[Any, ...]]:
        """The distinct (subject_code, object_code, measure, period, qualifier, quote words) of
        the figures' evidence rows, those with an asked subject or object among them. On SQLite
        every kind of the store is read once and kept while the data stays the same: per
        connection, PRAGMA data_version (commits by other connections) and total_changes() (this
        connection's own writes) unchanged. Other databases read the asked kinds each time."""
        c, e = s.claims, s.claim_evidence
        columns = _kind_columns(c) + (e.c.words,)
        kinds = select(*columns).join(e, e.c.claim_id == c.c.id).group_by(*columns)
        if conn.dialect.name != "sqlite":
            asked = [_starts_with(c.c.subject_code, p) for p in subjects or []]
            asked += [_starts_with(c.c.object_code, p) for p in objects or []]
            return [tuple(r) for r in conn.execute(kinds.where(or_(*asked)))]
        info = conn.connection.info
        version = conn.exec_driver_sql("SELECT data_version, total_changes() FROM pragma_data_version").one()
        key = (info.setdefault("duikou_connection", object()), tuple(version))
        if self._kinds is None or self._kinds[0] != key:
            # read after the version: a commit in between makes the next call read them again
            self._kinds = (key, [tuple(r) for r in conn.execute(kinds)])
        return self._kinds[1]

    def _passage_index(self, conn: Connection) -> ReprintIndex:
        """Paragraph-level index over the first copy of every passage."""
        if self._passages is None:
            index = ReprintIndex()
            for key, signature in conn.execute(select(s.passages.c.key, s.passages.c.signature)
                                               .order_by(s.passages.c.id)):
                index.add(key, json.loads(signature))
            self._passages = index
        return self._passages

    def _reprint_index(self, conn: Connection) -> ReprintIndex:
        """Built once from the stored signatures, then kept in step with every add."""
        if self._reprints is None:
            index = ReprintIndex()
            rows = conn.execute(select(s.documents.c.doc_id, s.documents.c.signature, s.documents.c.cluster)
                                .order_by(s.documents.c.id))
            for doc_id, signature, _cluster in rows:
                if signature:
                    index.add(doc_id, json.loads(signature))
            self._reprints = index
        return self._reprints

    # -- schema -----------------------------------------------------------------------------
    def _migrate(self) -> None:
        """Create a new database at the current version, or upgrade an older one in place."""
        with self.engine.begin() as conn:
            fresh = not inspect(conn).has_table("meta")
        s.metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            row = conn.execute(select(s.meta.c.value).where(s.meta.c.key == "schema_version")).first()
            if row is None or fresh:
                conn.execute(delete(s.meta).where(s.meta.c.key == "schema_version"))
                conn.execute(insert(s.meta).values(key="schema_version", value=str(s.SCHEMA_VERSION)))
                return
            version = int(row[0])
            if version > s.SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"database schema version {version} is newer than this duikou ({s.SCHEMA_VERSION})"
                )
            for target in range(version + 1, s.SCHEMA_VERSION + 1):
                for statement in s.MIGRATIONS.get(target, []):
                    conn.execute(text(statement))
                if target == 4:
                    _backfill_sources(conn)
                elif target == 6 and version >= 4:  # (from 3 and older, the backfill made them)
                    for pairing_id in conn.execute(select(s.pairings.c.id)).scalars().all():
                        _recompute_sources(conn, pairing_id)
                elif target == 8:
                    columns = {col["name"] for col in inspect(conn).get_columns("claim_evidence")}
                    if "words" not in columns:
                        conn.execute(text("ALTER TABLE claim_evidence ADD COLUMN words INTEGER NOT NULL DEFAULT 0"))
                    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_claim_evidence_words "
                                      "ON claim_evidence (claim_id, words)"))
                    _backfill_quote_words(conn)
            if version < s.SCHEMA_VERSION:
                conn.execute(update(s.meta).where(s.meta.c.key == "schema_version")
                             .values(value=str(s.SCHEMA_VERSION)))

    # -- writing ----------------------------------------------------------------------------
    def add(self, processed: ProcessedDocument) -> StoreResult:
        """Store one document with its facts in one transaction; idempotent by content hash."""
        return self.add_many([processed])[0]

    def add_many(self, items: Iterable[ProcessedDocument]) -> list[StoreResult]:
        """Store documents in order in one transaction (all or none), one executemany per table:
        the same rows, ids and sources as add() on each in turn. Idempotent by content hash: a
        document already stored with the same content is `unchanged`, with another content
        `replaced`. This is the batch API the engines write through."""
        from duikou.store.writer import write_batch

        items = list(items)
        if not items:
            return []
        try:
            with self.engine.begin() as conn:
                return write_batch(self, conn, items)
        except BaseException:
            self._reprints = self._passages = None  # the indexes may hold rows the rollback removed
            raise

    def _forget_document(self, conn: Connection, document_id: int) -> None:
        touched = conn.execute(select(s.pairing_evidence.c.pairing_id).distinct()
                               .where(s.pairing_evidence.c.document_id == document_id)).scalars().all()
        conn.execute(delete(s.passage_sources).where(s.passage_sources.c.document_id == document_id))
        conn.execute(delete(s.pairing_evidence).where(s.pairing_evidence.c.document_id == document_id))
        conn.execute(delete(s.claim_evidence).where(s.claim_evidence.c.document_id == document_id))
        conn.execute(delete(s.documents).where(s.documents.c.id == document_id))
        if touched:
            conn.execute(delete(s.pairing_sources).where(s.pairing_sources.c.pairing_id.in_(touched)))
        orphans = select(s.pairing_evidence.c.pairing_id)
        conn.execute(delete(s.pairings).where(s.pairings.c.id.not_in(orphans)))
        conn.execute(delete(s.claims).where(s.claims.c.id.not_in(select(s.claim_evidence.c.claim_id))))
        for pairing_id in touched:  # a source may have split in two
            _recompute_sources(conn, pairing_id)

    # -- reading ----------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            def n(table: Any) -> int:
                return conn.execute(select(func.count()).select_from(table)).scalar_one()
            return {
                "documents": n(s.documents),
                "distinct_documents": conn.execute(select(func.count(func.distinct(s.documents.c.cluster)))).scalar_one(),
                "relevant_documents": conn.execute(select(func.count()).select_from(s.documents).where(
                    s.documents.c.relevance >= _threshold())).scalar_one(),
                "pairings": n(s.pairings),
                "pairing_evidence": n(s.pairing_evidence),
                "claims": n(s.claims),
                "claim_evidence": n(s.claim_evidence),
                "passages": n(s.passages),
                "passage_sources": n(s.passage_sources),
            }

    def pairing_rows(self, donor: list[str] | None = None, recipient: list[str] | None = None,
                     programme: str | None = None) -> list[dict[str, Any]]:
        """Pairings with their evidence; donor/recipient filter by code prefixes (a province
        code selects everything inside it)."""
        p, e, d = s.pairings, s.pairing_evidence, s.documents
        query = (
            select(p, e.c.start, e.c.end, e.c.raw_start, e.c.raw_end, e.c.quote, e.c.extractor, e.c.confidence,
                   d.c.doc_id, d.c.source_id, d.c.cluster, d.c.url, d.c.published, _passage_of(e))
            .join(e, e.c.pairing_id == p.c.id).join(d, d.c.id == e.c.document_id)
            .order_by(*_by_codes(p), d.c.doc_id, e.c.start)
        )
        if programme:
            query = query.where(p.c.programme == programme)
        query = _where_prefix(_where_prefix(query, p.c.donor_code, donor), p.c.recipient_code, recipient)
        return self._dicts(query)

    def pairing_facts(self, donor: list[str] | None = None, recipient: list[str] | None = None,
                      programme: str | None = None, quotes: int = 3) -> list[dict[str, Any]]:
        """One row per pairing (filters as pairing_rows) without reading all its evidence: the
        pairing's columns, `documents` (its independent sources: evidence rows whose documents
        are reprints of each other, that quote the same sentence or stand in the same reprinted
        paragraph count once) and `quotes`: up to `quotes` evidence rows (the keys of
        pairing_rows' evidence, plus `source`), the best of each source, the most confident
        first (ties: the first stored). Sorted by documents, most first (ties: donor code,
        recipient code, pairing id)."""
        p, e, d, ps = s.pairings, s.pairing_evidence, s.documents, s.pairing_sources
        query = (select(p, func.count(ps.c.id).label("documents"))
                 .join(ps, ps.c.pairing_id == p.c.id).group_by(p.c.id)
                 .order_by(*_by_codes(p)))
        if programme:
            query = query.where(p.c.programme == programme)
        query = _where_prefix(_where_prefix(query, p.c.donor_code, donor), p.c.recipient_code, recipient)
        facts = self._dicts(query)
        for fact in facts:
            fact["quotes"] = []
        if quotes <= 0 or not facts:
            return sorted(facts, key=lambda f: -f["documents"])
        by_id = {f["id"]: f for f in facts}
        ranked = (select(ps.c.pairing_id, ps.c.best_id, ps.c.confidence, func.row_number().over(
                      partition_by=ps.c.pairing_id, order_by=(ps.c.confidence.desc(), ps.c.best_id)).label("rank"))
                  .where(ps.c.pairing_id.in_(list(by_id))).subquery())
        evidence = (select(ranked.c.pairing_id, e.c.source, e.c.start, e.c.end, e.c.raw_start, e.c.raw_end,
                           e.c.quote, e.c.extractor, e.c.confidence, e.c.since.label("evidence_since"),
                           e.c.until.label("evidence_until"), d.c.doc_id, d.c.source_id, d.c.cluster, d.c.url,
                           d.c.published, e.c.passage_id.label("passage"))
                    .join(e, e.c.id == ranked.c.best_id).join(d, d.c.id == e.c.document_id)
                    .where(ranked.c.rank <= quotes).order_by(ranked.c.pairing_id, ranked.c.rank))
        for row in self._dicts(evidence):
            by_id[row.pop("pairing_id")]["quotes"].append(row)
        return sorted(facts, key=lambda f: -f["documents"])

    def claim_rows(self, subject: list[str] | None = None, object_: list[str] | None = None,
                   measure: str | None = None, doc_ids: set[str] | None = None) -> list[dict[str, Any]]:
        c, e, d = s.claims, s.claim_evidence, s.documents
        query = (
            select(c, e.c.start, e.c.end, e.c.raw_start, e.c.raw_end, e.c.quote, e.c.extractor, e.c.confidence,
                   d.c.doc_id, d.c.source_id, d.c.cluster, d.c.url, d.c.published, _passage_of(e))
            .join(e, e.c.claim_id == c.c.id).join(d, d.c.id == e.c.document_id)
            .order_by(c.c.id, d.c.doc_id, e.c.start)
        )
        if measure:
            query = query.where(c.c.measure == measure)
        query = _where_prefix(_where_prefix(query, c.c.subject_code, subject), c.c.object_code, object_)
        if doc_ids is None:
            return self._dicts(query)
        # in chunks: one bound parameter per document, and SQLite allows 32766 (older builds 999)
        ordered = sorted(doc_ids)
        rows = []
        for at in range(0, len(ordered), _IN_CHUNK):
            rows += self._dicts(query.where(d.c.doc_id.in_(ordered[at:at + _IN_CHUNK])))
        if len(ordered) > _IN_CHUNK:
            rows.sort(key=lambda r: (r["id"], r["doc_id"], r["start"]))
        return rows

    def ranked_claims(self, subjects: list[str] | None, objects: list[str] | None, measure: str | None = None,
                      year: str | None = None, cumulative: bool = False, programme_province: str | None = None,
                      programme_word: str | None = None, limit: int = 8) -> list[dict[str, Any]]:
        """The best `limit` figures for a question, with a positive score, each with its
        best-scoring evidence row (ties: doc_id, start); ordered by score, then figures whose
        subject is asked, then whose object is asked, then the others, then id.

        Candidates: figures whose subject starts with one of `subjects`, whose object starts with
        one of `objects`, or (both given) that stand in a document stating such a pairing. Score
        of an evidence row: +2 subject asked, +2 object asked; `measure`: +2 in the figure's
        measure, else +0.5 in the quote, else -2; `year`: +1 the period starts with it, else +0.5
        in the quote, else -0.5; `cumulative`: +1 qualifier 累计 or 累计 in the quote;
        `programme_province`: +1.5 the object is inside it or (`programme_word`) the quote
        names the programme, else -1. A figure scores its best row.

        Fast on large stores: a figure's own columns (its kind: subject, object, measure,
        period, qualifier) bound its score; the few hundred kinds are known (_claim_kinds), so
        the figures are read kind by kind, best bound first, in id order through the covering
        index, and only as far as they could still enter the top; only kinds whose score
        depends on the quotes are scored on their evidence, and figures found only through a
        pairing's documents are read only when they could still make the top."""
        from sqlalchemy import case, false

        if not subjects and not objects or limit <= 0:
            return []
        c, e, d = s.claims, s.claim_evidence, s.documents

        def prefixed(column: Any, prefixes: list[str] | None) -> Any:
            return or_(*(_starts_with(column, p) for p in prefixes)) if prefixes else false()

        def has(column: Any, word: str) -> Any:
            """The column contains the word (LIKE, escaped: SQLite and PostgreSQL alike); for the
            quote and a word of QUOTE_WORDS, its bit in claim_evidence.words (read from an index,
            not from the quotes)."""
            if column is e.c.quote and word in s.QUOTE_WORDS:
                return e.c.words.op("&")(1 << s.QUOTE_WORDS.index(word)) != 0
            return func.coalesce(column.contains(word, autoescape=True), False)

        by_subject, by_object = prefixed(c.c.subject_code, subjects), prefixed(c.c.object_code, objects)
        exact = case((by_subject, 2.0), else_=0.0) + case((by_object, 2.0), else_=0.0)  # a row's score
        if measure:
            exact = exact + case((has(c.c.measure, measure), 2.0), (has(e.c.quote, measure), 0.5), else_=-2.0)
        if year:
            hit = func.substr(func.coalesce(c.c.period, ""), 1, len(year)) == year
            exact = exact + case((hit, 1.0), (has(e.c.quote, year), 0.5), else_=-0.5)
        if cumulative:
            exact = exact + case((or_(c.c.qualifier == "累计", has(e.c.quote, "累计")), 1.0), else_=0.0)
        if programme_province:
            hit = _starts_with(c.c.object_code, programme_province)
            word = has(e.c.quote, programme_word) if programme_word else false()
            exact = exact + case((or_(hit, word), 1.5), else_=-1.0)
        group = case((by_subject, 0), (by_object, 1), else_=2)
        # the most any figure found only through a pairing's documents can score
        only_paired = sum(((2.0 if measure else 0.0), (1.0 if year else 0.0), (1.0 if cumulative else 0.0),
                           (1.5 if programme_province else 0.0)))
        asked = or_(by_subject, by_object)
        with self.engine.connect() as conn:
            # 1-2. the figures' kinds (subject, object, measure, period, qualifier and the words
            # of a quote: a few hundred in a store, cached) bound the score of every figure of a
            # kind; kinds are read best bound first, each in id order through the covering
            # indexes, only as far as a figure of the kind could still enter the top
            bounds = _KindBounds(subjects, objects, measure, year, cumulative, programme_province, programme_word)
            kinds = sorted((k for k in map(bounds.of, self._claim_kinds(conn, subjects, objects))
                            if k is not None and k[1] > 0), key=lambda k: (-k[1], k[2]))
            ranked: list[tuple[float, int, int]] = []
            scored: dict[int, float] = {}  # figures read so far (their score, or `high` of their kind)

            def beaten(score: float, grp: int, claim_id: int) -> bool:
                """The top `limit` so far are all better than (score, grp, claim_id)."""
                return len(ranked) >= limit and (-ranked[-1][0], ranked[-1][1], ranked[-1][2]) < (-score, grp, claim_id)

            best = func.max(exact).label("score")

            def of_kind(kind: tuple[Any, ...], after: int, n: int) -> list[int]:
                """The first n figures of a kind (by id, after `after`) with a row of its words."""
                return list(conn.execute(_FIGURES_OF_KIND, dict(zip(_KIND_KEYS, kind, strict=True),
                                                                  after=after, n=n)).scalars())

            def add(found: list[tuple[float, int, int]]) -> None:
                nonlocal ranked
                ranked = sorted(ranked + [f for f in found if f[0] > 0], key=lambda t: (-t[0], t[1], t[2]))[:limit]

            for (high, grp), level in itertools.groupby(kinds, key=lambda k: (k[1], k[2])):
                if beaten(high, grp, 0):
                    break
                level = list(level)
                # kinds whose rows all score `high`: a figure of one scores at least that (its best
                # row), and more only with a row of a better kind, read before; so the first
                # `limit` of each are all it can add
                determined = [k for k, _high, _grp, certain in level if certain]
                if determined:
                    ids = sorted({i for k in determined for i in of_kind(k, 0, limit)})
                    new = [i for i in ids[:limit] if i not in scored]
                    scored.update((i, high) for i in new)
                    add([(high, grp, i) for i in new])
                # kinds whose score depends on the quotes' text: scored on their rows, in id order,
                # until no later figure of the kind could enter
                for kind in (k for k, _high, _grp, certain in level if not certain):
                    after, at_high, chunk = 0, 0, limit
                    while at_high < limit and not beaten(high, grp, after + 1):
                        ids = of_kind(kind, after, chunk)
                        if not ids:
                            break
                        after, chunk = ids[-1], _KIND_CHUNK
                        new = [i for i in ids if i not in scored]
                        if new:  # a figure's score is its best row's, whichever kind of row found it
                            scored.update(conn.execute(select(c.c.id, best).join(e, e.c.claim_id == c.c.id)
                                                       .where(c.c.id.in_(new)).group_by(c.c.id)).all())
                            add([(scored[i], grp, i) for i in new])
                        at_high += sum(scored[i] >= high for i in ids)
            # 3. figures only in documents that state the pairing, when they could still enter
            paired = None
            if subjects and objects and (len(ranked) < limit or ranked[-1][0] <= only_paired):
                p, pe = s.pairings, s.pairing_evidence
                paired = (select(pe.c.document_id).join(p, p.c.id == pe.c.pairing_id)
                          .where(prefixed(p.c.donor_code, subjects), prefixed(p.c.recipient_code, objects)))
                ranked += [(r.score, r.grp, r.id) for r in conn.execute(
                    select(c.c.id, best, group.label("grp")).join(e, e.c.claim_id == c.c.id)
                    .where(case((asked, 1), else_=0) == 0, e.c.document_id.in_(paired))
                    .group_by(c.c.id).having(best > 0))]
                ranked = sorted(ranked, key=lambda t: (-t[0], t[1], t[2]))[:limit]
            if not ranked:
                return []
            order = [claim_id for _score, _grp, claim_id in ranked]
            scores = {claim_id: score for score, _grp, claim_id in ranked}
            # 4. the best evidence row of each (for a figure found through the pairing's
            # documents, one of those documents)
            rows_of = [e.c.claim_id.in_(order)]
            if paired is not None:
                rows_of.append(or_(asked, e.c.document_id.in_(paired)))
            chosen = (select(c, e.c.start, e.c.end, e.c.raw_start, e.c.raw_end, e.c.quote, e.c.extractor,
                             e.c.confidence, d.c.doc_id, d.c.source_id, d.c.cluster, d.c.url, d.c.published,
                             exact.label("score"), func.row_number().over(
                                 partition_by=c.c.id, order_by=(exact.desc(), d.c.doc_id, e.c.start)).label("rank"))
                      .join(e, e.c.claim_id == c.c.id).join(d, d.c.id == e.c.document_id).where(*rows_of)
                      .subquery())
            result = conn.execute(select(chosen).where(chosen.c.rank == 1))
            keys = list(result.keys())
            found = {row[0]: dict(zip(keys, row, strict=True)) for row in result}
        out = []
        for claim_id in order:
            row = found[claim_id]
            row.pop("rank")
            row["score"] = scores[claim_id]
            out.append(row)
        return out

    def document(self, doc_id: str) -> dict[str, Any] | None:
        rows = self._execute(select(s.documents).where(s.documents.c.doc_id == doc_id))
        return dict(rows[0]._mapping) if rows else None

    def documents(self) -> Iterator[dict[str, Any]]:
        for row in self._execute(select(s.documents).order_by(s.documents.c.id)):
            yield dict(row._mapping)

    def _dicts(self, query: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            result = conn.execute(query)
            keys = list(result.keys())
            return [dict(zip(keys, row, strict=True)) for row in result]

    def _execute(self, query: Any) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(query).fetchall())


_KIND_CHUNK = 64  # figures of a kind scored per query, when their quotes decide


def _kind_columns(c: Any) -> tuple[Any, ...]:
    """The columns that make a figure's kind, in the order of ix_claims_subject_cover."""
    return c.c.subject_code, c.c.object_code, c.c.measure, c.c.period, c.c.qualifier


_KIND_KEYS = ("subject_code", "object_code", "measure", "period", "qualifier", "words")
# the first :n figures of a kind after id :after that have an evidence row with the kind's words;
# IS (SQLite) / IS NOT DISTINCT FROM: NULL matches NULL; SQLite seeks the covering indexes by it
_FIGURES_OF_KIND = (
    select(s.claims.c.id).join(s.claim_evidence, s.claim_evidence.c.claim_id == s.claims.c.id)
    .where(*(column.is_not_distinct_from(bindparam(key)) for column, key in zip(
        (*_kind_columns(s.claims), s.claim_evidence.c.words), _KIND_KEYS, strict=True)),
        s.claims.c.id > bindparam("after"))
    .group_by(s.claims.c.id).order_by(s.claims.c.id).limit(bindparam("n")))


def _ascii_lower(text: str) -> str:
    """SQLite's LIKE folds ASCII letters only."""
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


class _KindBounds:
    """The highest score a figure can get from one of its evidence rows (Store.ranked_claims'
    scoring), knowing the figure's own columns and the row's quote words (QUOTE_WORDS bits);
    a word outside QUOTE_WORDS or a year in the quote counts as present."""

    def __init__(self, subjects: list[str] | None, objects: list[str] | None, measure: str | None,
                 year: str | None, cumulative: bool, province: str | None, word: str | None) -> None:
        self.subjects, self.objects = tuple(subjects or ()), tuple(objects or ())
        self.measure, self.year, self.cumulative = measure, year, cumulative
        self.province, self.word = province, word

    @staticmethod
    def _in_quote(word: str, words: int) -> bool:
        return word not in s.QUOTE_WORDS or bool(words >> s.QUOTE_WORDS.index(word) & 1)

    def of(self, kind: tuple[Any, ...]) -> tuple[tuple[Any, ...], float, int, bool] | None:
        """(kind, highest score, group, certain) for a kind whose subject or object is asked,
        else None; certain: every row of the kind scores the highest."""
        subject, object_, measure, period, qualifier, words = kind
        by_subject = bool(self.subjects and subject and subject.startswith(self.subjects))
        by_object = bool(self.objects and object_ and object_.startswith(self.objects))
        if not by_subject and not by_object:
            return None
        high = 2.0 * by_subject + 2.0 * by_object
        certain = True  # no part depends on a quote's text beyond its QUOTE_WORDS bits
        if self.measure:
            hit = _ascii_lower(self.measure) in _ascii_lower(measure or "")
            high += 2.0 if hit else 0.5 if self._in_quote(self.measure, words) else -2.0
            certain &= hit or self.measure in s.QUOTE_WORDS
        if self.year:
            hit = (period or "")[:len(self.year)] == self.year
            high += 1.0 if hit else 0.5
            certain &= hit
        if self.cumulative:
            high += 1.0 if qualifier == "累计" or self._in_quote("累计", words) else 0.0
        if self.province:
            hit = bool(object_ and object_.startswith(self.province))
            high += 1.5 if hit or (self.word and self._in_quote(self.word, words)) else -1.0
            certain &= hit or not self.word or self.word in s.QUOTE_WORDS
        return kind, high, 0 if by_subject else 1, certain


def _threshold() -> float:
    from duikou.settings import RELEVANCE_THRESHOLD
    return RELEVANCE_THRESHOLD


def _passage_of(evidence: Any) -> Any:
    """The passage (reprint cluster of a paragraph) an evidence span starts in, if any."""
    ps = s.passage_sources
    return (select(ps.c.passage_id)
            .where(ps.c.document_id == evidence.c.document_id, ps.c.start <= evidence.c.start,
                   ps.c.end > evidence.c.start)
            .limit(1).scalar_subquery().label("passage"))


def _by_codes(pairings: Any) -> tuple[Any, ...]:
    """Pairings by donor code, recipient code, id; a missing code first on every database
    (SQLite sorts NULL first, PostgreSQL last), so exports are the same on both."""
    return (pairings.c.donor_code.asc().nulls_first(), pairings.c.recipient_code.asc().nulls_first(),
            pairings.c.id)


def _where_prefix(query: Any, column: Any, prefixes: list[str] | None) -> Any:
    """Rows whose code starts with one of the prefixes (a province code selects everything in it).

    Written as a range (prefix <= code < the next prefix), which an index on the column serves;
    SQLite's LIKE is case-insensitive and cannot use an ordinary index."""
    if not prefixes:
        return query
    return query.where(or_(*(_starts_with(column, prefix) for prefix in prefixes)))


def _starts_with(column: Any, prefix: str) -> Any:
    if not prefix:
        return column.is_not(None)
    return (column >= prefix) & (column < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def quote_key(quote: str) -> str:
    """The identity of a quoted sentence across reprints: a hash of its normalised text."""
    return hashlib.blake2b(normalise(quote).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class DisjointSets:
    """Union-find over hashable keys: which evidence rows share one independent source
    (reprints, a reprinted passage, the same quote)."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        parent = self.parent
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, x: Any, root: Any) -> None:
        """Put x's set under root's set (root's representative stays)."""
        self.parent[self.find(x)] = self.find(root)


def _recompute_sources(conn: Connection, pairing_id: int) -> None:
    """Sources of one pairing from scratch (after a document was removed: one may have split)."""
    e = s.pairing_evidence
    rows = conn.execute(select(e.c.id, e.c.cluster, e.c.quote_key, e.c.passage_id, e.c.source, e.c.confidence)
                        .where(e.c.pairing_id == pairing_id).order_by(e.c.id)).all()
    sets = DisjointSets()
    find = sets.find
    for row in rows:
        root = find(("row", row.id))
        for node in (("cluster", row.cluster), ("quote", row.quote_key),
                     ("passage", row.passage_id) if row.passage_id is not None else None):
            if node is not None:
                sets.join(node, root)
    first: dict[Any, int] = {}  # a source is named after its first (lowest id) row, as _join_source does
    for row in rows:
        first.setdefault(find(("row", row.id)), row.id)
    changed = [{"row_id": row.id, "new_source": first[find(("row", row.id))]} for row in rows]
    changed = [c for c, row in zip(changed, rows, strict=True) if c["new_source"] != row.source]
    if changed:
        conn.execute(update(e).where(e.c.id == bindparam("row_id")).values(source=bindparam("new_source")), changed)
    best: dict[int, Any] = {}  # source -> its most confident row (ties: the first)
    for row in rows:
        source = first[find(("row", row.id))]
        if source not in best or row.confidence > best[source].confidence:
            best[source] = row
    ps = s.pairing_sources
    conn.execute(delete(ps).where(ps.c.pairing_id == pairing_id))
    if best:
        conn.execute(insert(ps), [{"pairing_id": pairing_id, "source": source, "best_id": row.id,
                                   "confidence": row.confidence} for source, row in best.items()])


def _backfill_quote_words(conn: Connection) -> None:
    """claim_evidence.words for rows stored before version 8."""
    e = s.claim_evidence
    updates = [{"row_id": row_id, "w": s.quote_words(quote)}
               for row_id, quote in conn.execute(select(e.c.id, e.c.quote))]
    updates = [u for u in updates if u["w"]]
    if updates:
        conn.execute(update(e).where(e.c.id == bindparam("row_id")).values(words=bindparam("w")), updates)


def _backfill_sources(conn: Connection) -> None:
    """Upgrade to version 4: cluster, quote key, passage and source of every pairing evidence row."""
    e, d = s.pairing_evidence, s.documents
    rows = conn.execute(select(e.c.id, e.c.quote, e.c.start, e.c.document_id, d.c.cluster, _passage_of(e))
                        .join(d, d.c.id == e.c.document_id)).all()
    if rows:
        conn.execute(update(e).where(e.c.id == bindparam("row_id")).values(
            cluster=bindparam("new_cluster"), quote_key=bindparam("new_key"), passage_id=bindparam("new_passage")),
            [{"row_id": r.id, "new_cluster": r.cluster, "new_key": quote_key(r.quote), "new_passage": r.passage}
             for r in rows])
    for pairing_id in conn.execute(select(s.pairings.c.id)).scalars().all():
        _recompute_sources(conn, pairing_id)


def region_prefix(region: Region) -> str:
    """The code prefix that selects a region and everything inside it."""
    code = region.code or ""
    if region.level == "province":
        return code[:2]
    if region.level == "prefecture":
        return code[:4]
    return code


def open_store(db: str | None = None) -> Store:
    url = database_url(db)
    engine = create_engine(url, future=True)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return Store(engine)
