"""The batch write path (store.writer): a batch writes exactly what adding its documents one by
one writes, is one transaction, and stays idempotent."""

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from duikou.models import RawPage
from duikou.pipeline import process_page
from duikou.read import read_paths
from duikou.store import open_store
from duikou.store import schema as s

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="module")
def documents():
    """The example corpus, then reprints of it under new ids (some exact, some with a line
    added), then two documents changed in place: clusters, shared passages and sources that
    merge, inside one batch and across batches."""
    pages = [p for p in read_paths([EXAMPLES]) if isinstance(p, RawPage)]
    docs = [d for page in pages for d in process_page(page)]
    for copy in range(2):
        for n, page in enumerate(pages):
            text = page.text if n % 2 else f"转载第{copy}次\n{page.text}"
            docs += process_page(replace(page, source_id=f"{page.source_id}-copy{copy}"))
            docs += process_page(replace(page, source_id=f"{page.source_id}-near{copy}", text=text))
    changed = [process_page(replace(page, text=page.text + "\n本文有更正。")) for page in pages[:2]]
    docs += [d for group in changed for d in group]
    docs += docs[:3]  # already stored, unchanged
    assert sum(len(d.pairings) for d in docs) > 50
    return docs


def dump(store) -> dict[str, list]:
    """Every row of every table (pairing_sources without its id: rows there are replaced as
    sources change, the id carries no meaning)."""
    out = {}
    with store.engine.connect() as conn:
        for table in s.metadata.sorted_tables:
            columns = [c for c in table.c if not (table is s.pairing_sources and c.name == "id")]
            out[table.name] = sorted(map(repr, conn.execute(select(*columns))))
    return out


def results(items):
    return [(r.status, r.doc_id, r.pairings, r.claims, r.reprint) for r in items]


def test_batches_write_what_one_by_one_writes(tmp_path, documents):
    one = open_store(str(tmp_path / "one.db"))
    expected = results([one.add(d) for d in documents])
    reference = dump(one)
    assert {"added", "replaced", "unchanged"} <= {r[0] for r in expected}
    assert any(r[4] for r in expected)  # reprints joined clusters
    assert len(reference["pairing_sources"]) < len(reference["pairing_evidence"])  # sources merged
    for size in (4, 17, len(documents)):
        store = open_store(str(tmp_path / f"batch{size}.db"))
        got = []
        for at in range(0, len(documents), size):
            got += results(store.add_many(documents[at:at + size]))
        assert got == expected, size
        assert dump(store) == reference, size
        store.engine.dispose()
    one.engine.dispose()


def test_a_document_twice_in_one_batch(tmp_path, documents):
    first, changed = documents[0], None
    for d in documents:
        if d.document.doc_id == first.document.doc_id and d.content_hash != first.content_hash:
            changed = d
    assert changed is not None
    store = open_store(str(tmp_path / "twice.db"))
    got = results(store.add_many([first, first, changed, documents[1]]))
    assert [r[0] for r in got] == ["added", "unchanged", "replaced", "added"]
    one = open_store(str(tmp_path / "one.db"))
    assert results([one.add(d) for d in (first, first, changed, documents[1])]) == got
    assert dump(store) == dump(one)


def test_a_batch_is_one_transaction(tmp_path, documents, monkeypatch):
    from duikou.store import writer

    store = open_store(str(tmp_path / "tx.db"))
    store.add_many(documents[:5])
    before = dump(store)
    real = writer._claims

    def failing(conn, batch):
        real(conn, batch)
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "_claims", failing)
    with pytest.raises(RuntimeError):
        store.add_many(documents[5:20])
    assert dump(store) == before  # nothing of the failed batch
    monkeypatch.setattr(writer, "_claims", real)
    store.add_many(documents[5:20])  # the in-memory reprint indexes were rebuilt, not left stale
    reference = open_store(str(tmp_path / "ref.db"))
    reference.add_many(documents[:20])
    assert dump(store) == dump(reference)


def test_batches_are_idempotent(tmp_path, documents):
    once = list({d.document.doc_id: d for d in documents}.values())  # each document in one version
    store = open_store(str(tmp_path / "again.db"))
    store.add_many(once)
    before = dump(store)
    again = store.add_many(once)
    assert {r.status for r in again} == {"unchanged"}
    assert dump(store) == before
    assert store.add_many([]) == []
