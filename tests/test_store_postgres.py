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
