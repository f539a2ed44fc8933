"""The same store on PostgreSQL. Runs when DUIKOU_TEST_POSTGRES_URL names a server (CI starts one
in .ci/run); each run works in a database of its own and drops it afterwards."""

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

SERVER = os.environ.get("DUIKOU_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(
    not SERVER, reason="no PostgreSQL server: set DUIKOU_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)"
)


@pytest.fixture
def pg_url():
    name = f"duikou_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = SERVER.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_ingest_twice_and_ask_on_postgres(pg_url, shared_corpus, tmp_path):
    from duikou.answer import ask
    from duikou.engines.local import ingest
    from duikou.store import open_store

    store = open_store(pg_url)
    first = ingest([shared_corpus / "seeds" / "pages.jsonl"], store)
    counts = store.counts()
    assert first.added == counts["documents"] > 0 and counts["pairings"] > 0 and counts["passages"] > 0
    second = ingest([shared_corpus / "seeds" / "pages.jsonl"], store)
    assert second.added == 0 and store.counts() == counts
    parts = {p.subject: p for p in ask("浙江、江苏两个省份是青海的援建省份吗", store).parts}
    # 江苏: official and reported; 浙江: official only (the seeds do not report it)
    assert parts["江苏省"].verdict == "yes" and "reported" in parts["江苏省"].basis
    assert parts["浙江省"].verdict == "yes" and parts["浙江省"].basis == ["official"]
    assert store.pairing_facts(donor=["32"], recipient=["63"])[0]["quotes"]
    for row in store.pairing_rows(donor=["32"]):
        doc = store.document(row["doc_id"])
        assert doc["text"][row["start"]:row["end"]] == row["quote"]
    # the figures' ranking reads the kinds on its own path here (no SQLite cache): the same
    # figures, scores and quotes as on SQLite
    lite = open_store(str(tmp_path / "lite.db"))
    ingest([shared_corpus / "seeds" / "pages.jsonl"], lite)
    def figures(s, args):
        return [(r["measure"], r["value"], r["doc_id"], r["start"], r["score"]) for r in s.ranked_claims(*args)]

    for args in ((["32"], ["6325"], "资金"), (["33"], ["65"], "资金", None, True, "65", "援疆"),
                 (None, ["6325"], None, "2020"), (["32"], None, "项目", None, False, "63", "援青")):
        assert figures(store, args) == figures(lite, args) and figures(lite, args), args
    lite.engine.dispose()
    store.engine.dispose()


def _state(store) -> dict:
    """What an ingest leaves, without database ids: exports, counts, each pairing's sources."""
    import io

    from duikou.exporting import export

    exported = {}
    for what in ("pairings", "claims"):
        out = io.StringIO()
        export(store, what, "jsonl", out=out)
        exported[what] = out.getvalue()
    facts = [(f["key"], f["since"], f["until"], f["documents"],
              [(q["doc_id"], q["start"], q["quote"], q["confidence"]) for q in f["quotes"]])
             for f in store.pairing_facts()]
    return {"exports": exported, "counts": store.counts(), "facts": facts}


def test_postgres_and_sqlite_store_the_same(pg_url, shared_corpus, tmp_path):
    """The same pages (with reprints under new ids, and a page changed in place) ingested into
    PostgreSQL and into SQLite give identical exports, counts and sources."""
    import json

    from duikou.engines.local import ingest
    from duikou.store import open_store

    pages = [json.loads(line) for line in (shared_corpus / "dev" / "pages.jsonl").read_text("utf-8").splitlines()]
    first = tmp_path / "first.jsonl"
    again = tmp_path / "again.jsonl"
    first.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pages), encoding="utf-8")
    again.write_text("".join(json.dumps({**p, "id": p["id"] + "-reprint", "text": "转载\n" + p["text"]},
                                        ensure_ascii=False) + "\n" for p in pages[:40])
                     + json.dumps({**pages[0], "text": pages[0]["text"] + "\n更正。"}, ensure_ascii=False) + "\n",
                     encoding="utf-8")
    states = []
    for url in (pg_url, str(tmp_path / "same.db")):
        store = open_store(url)
        ingest([first], store, batch_size=25)
        report = ingest([again], store, batch_size=7)
        assert report.replaced == 1 and report.reprints >= 40
        states.append(_state(store))
        store.engine.dispose()
    assert states[0]["counts"]["pairing_evidence"] > 100 and states[0]["counts"]["claim_evidence"] > 100
    assert states[0] == states[1]
