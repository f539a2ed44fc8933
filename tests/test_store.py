import pytest
from sqlalchemy import update

from duikou.models import Document, Evidence, Pairing, ProcessedDocument, Region, Claim
from duikou.store import open_store
from duikou.store import schema
from duikou.store.database import SchemaVersionError

JIANGSU = Region("320000", "江苏省", "江苏省", "province", "320000")
HAINAN_ZHOU = Region("632500", "海南藏族自治州", "青海省海南藏族自治州", "prefecture", "630000", "630000")


def processed(doc_id: str, text: str, source: str | None = None) -> ProcessedDocument:
    start = text.index("江苏")
    end = len(text)
    doc = Document(doc_id, source or doc_id, text, text, list(range(len(text) + 1)))
    ev = Evidence(start, end, text[start:end], "test", 0.9)
    pairing = Pairing(JIANGSU, HAINAN_ZHOU, "援青", ev, since=2010)
    claim = Claim("援助资金", 1.5e8, "元", ev, JIANGSU, HAINAN_ZHOU)
    from duikou.pipeline import content_hash
    return ProcessedDocument(doc, [], [pairing], [claim], content_hash(text))


def test_add_is_idempotent(store):
    item = processed("a", "报道:江苏省对口支援海南州。")
    assert store.add(item).status == "added"
    before = store.counts()
    assert store.add(item).status == "unchanged"
    assert store.counts() == before
    assert before["pairings"] == 1 and before["pairing_evidence"] == 1 and before["claims"] == 1


def test_changed_document_replaces_its_evidence(store):
    store.add(processed("a", "报道:江苏省对口支援海南州。"))
    assert store.add(processed("a", "新报道:江苏省对口支援海南州,已十年。")).status == "replaced"
    counts = store.counts()
    assert counts["documents"] == 1 and counts["pairing_evidence"] == 1 and counts["claim_evidence"] == 1
    row = store.pairing_rows()[0]
    assert row["quote"] == "江苏省对口支援海南州,已十年。"


def test_reprints_are_one_fact_with_several_sources(store):
    text = "转载:江苏省对口支援海南州。"
    store.add(processed("site-a", text))
    store.add(processed("site-b", text))
    counts = store.counts()
    assert counts["pairings"] == 1
    assert counts["pairing_evidence"] == 2
    assert counts["documents"] == 2 and counts["distinct_documents"] == 1


def test_filters_by_code_prefix(store):
    store.add(processed("a", "报道:江苏省对口支援海南州。"))
    assert len(store.pairing_rows(donor=["32"], recipient=["63"])) == 1
    assert store.pairing_rows(donor=["33"]) == []
    assert len(store.claim_rows(subject=["32"])) == 1


def test_raw_offsets_are_stored(store):
    store.add(processed("a", "报道:江苏省对口支援海南州。"))
    row = store.pairing_rows()[0]
    assert (row["raw_start"], row["raw_end"]) == (row["start"], row["end"])


def test_newer_schema_is_refused(tmp_path):
    path = str(tmp_path / "x.db")
    s = open_store(path)
    with s.engine.begin() as conn:
        conn.execute(update(schema.meta).values(value=str(schema.SCHEMA_VERSION + 1)))
    with pytest.raises(SchemaVersionError):
        open_store(path)


def test_near_duplicate_reprints_share_a_cluster(store):
    from dataclasses import replace

    from duikou.clean.dedup import minhash_signature

    body = "江苏省对口支援青海省海南藏族自治州已经十年,援青干部在共和县、贵德县和同德县修建学校与医院,帮助牧民发展畜牧业和乡村旅游。"
    first = processed("site-a", "原文:" + body)
    second = processed("site-b", "转载自某网站:" + body + "(完)")
    first = replace(first, minhash=minhash_signature(first.document.text))
    second = replace(second, minhash=minhash_signature(second.document.text))
    store.add(first)
    store.add(second)
    clusters = {d["doc_id"]: d["cluster"] for d in store.documents()}
    assert clusters == {"site-a": "site-a", "site-b": "site-a"}
    assert store.counts()["distinct_documents"] == 1
