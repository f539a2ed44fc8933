import pytest
from sqlalchemy import select, update

from duikou.models import Claim, Document, Evidence, Pairing, ProcessedDocument, Region
from duikou.store import open_store, schema
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


def test_a_percentage_keeps_its_base(store):
    from dataclasses import replace as dc_replace

    item = processed("pct", "报道:江苏省对口支援海南州资金2亿元,其中80%用于民生。")
    share = dc_replace(item.claims[0], measure="民生资金占比", value=80.0, unit="%",
                       base_measure="援助资金", base_value=2e8, base_unit="元")
    store.add(dc_replace(item, claims=[item.claims[0], share]))
    rows = {r["unit"]: r for r in store.claim_rows()}
    assert (rows["%"]["base_measure"], rows["%"]["base_value"], rows["%"]["base_unit"]) == ("援助资金", 2e8, "元")
    assert rows["元"]["base_value"] is None


V4_INDEXES = ("ix_claims_subject_cover", "ix_claims_object_cover", "ix_pairing_evidence_source", "ix_pairing_evidence_cluster",
              "ix_pairing_evidence_quote", "ix_pairing_evidence_passage", "ix_pairing_evidence_best")


def _as_version_3(con) -> None:
    """Undo what version 4 added (its indexes and the source columns of pairing evidence)."""
    for index in V4_INDEXES:
        con.execute(f"DROP INDEX IF EXISTS {index}")
    for column in ("cluster", "quote_key", "passage_id", "source"):
        con.execute(f"ALTER TABLE pairing_evidence DROP COLUMN {column}")
    con.execute("DROP TABLE pairing_sources")
    con.execute("ALTER TABLE passages DROP COLUMN tokens")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")


def test_a_version_1_database_is_upgraded_in_place(tmp_path):
    import sqlite3

    path = tmp_path / "old.db"
    s1 = open_store(str(path))
    s1.add(processed("a", "报道:江苏省对口支援海南州。"))
    s1.engine.dispose()
    con = sqlite3.connect(path)  # make it look like a version-1 database
    _as_version_3(con)
    for column in ("base_measure", "base_value", "base_unit"):
        con.execute(f"ALTER TABLE claims DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    upgraded = open_store(str(path))
    assert len(upgraded.claim_rows()) == 1 and upgraded.claim_rows()[0]["base_value"] is None
    with upgraded.engine.connect() as conn:
        assert conn.execute(select(schema.meta.c.value)).scalar() == str(schema.SCHEMA_VERSION)


def test_a_reprinted_paragraph_is_one_passage_with_several_sources(store):
    from duikou.answer.respond import _facts
    from duikou.models import RawPage
    from duikou.pipeline import process_page

    shared = ("援青工作十年来,江苏省对口支援青海省海南藏族自治州,在共和县、贵德县、同德县、兴海县和贵南县"
              "建设学校、医院和牧民定居点,选派干部人才一千多名,受到当地各族群众的欢迎")
    first = "高原上的江苏印记\n" + shared + "。\n记者走访了共和县的一所寄宿制学校,孩子们在新教室里读书。\n"
    second = ("援青故事\n今年夏天,记者来到贵德县,采访了一位来自南京的援青医生。\n" + shared.replace("一千多名", "一千余名")
              + "!\n这位医生说,高原的星空让他难忘。\n")
    for source, text in (("site-a", first), ("site-b", second)):
        for processed in process_page(RawPage(source, text, source)):
            store.add(processed)
    counts = store.counts()
    assert counts["distinct_documents"] == 2  # different articles
    assert counts["passage_sources"] > counts["passages"]  # the shared paragraph is one passage
    rows = store.pairing_rows(donor=["32"], recipient=["6325"])
    assert {r["doc_id"] for r in rows} == {"site-a", "site-b"}
    (fact,) = [f for f in _facts(rows) if (f.recipient["name"] if isinstance(f.recipient, dict) else f.recipient)
               == "青海省海南藏族自治州"]
    assert fact.documents == 1  # one independent source, quoted by two sites


def _facts_by_pairing(store):
    """answer.respond's count of independent sources per pairing, from every evidence row."""
    from collections import defaultdict

    from duikou.answer.respond import _distinct_sources

    grouped = defaultdict(list)
    for row in store.pairing_rows():
        grouped[row["id"]].append(row)
    return {pid: _distinct_sources(rows) for pid, rows in grouped.items()}


def test_pairing_facts_count_sources_as_the_answers_do(shared_corpus, tmp_path):
    from duikou.engines.local import ingest

    store = open_store(str(tmp_path / "seeds.db"))
    ingest([shared_corpus / "seeds" / "pages.jsonl"], store)
    # reprints: the same pages again under other ids, one with its first paragraph changed
    import json

    from duikou.models import RawPage
    from duikou.pipeline import process_page

    pages = [json.loads(line) for line in (shared_corpus / "seeds" / "pages.jsonl").read_text("utf-8").splitlines()]
    for n, page in enumerate(pages[:3]):
        text = page["text"] if n else "转载说明\n" + page["text"]
        for processed in process_page(RawPage(page["id"] + "-copy", text, "copy")):
            store.add(processed)
    expected = _facts_by_pairing(store)
    facts = store.pairing_facts()
    assert len(facts) == len(expected) > 10
    for fact in facts:
        sources = expected[fact["id"]]
        assert fact["documents"] == len(sources)
        assert 1 <= len(fact["quotes"]) == min(3, len(sources))
        best = sorted(sources.values(), key=lambda r: -r["confidence"])[:3]
        assert [q["confidence"] for q in fact["quotes"]] == [r["confidence"] for r in best]
        assert len({q["source"] for q in fact["quotes"]}) == len(fact["quotes"])
    assert any(f["documents"] < len({q["doc_id"] for q in store.pairing_rows() if q["id"] == f["id"]}) for f in facts)
    assert [f["documents"] for f in facts] == sorted((f["documents"] for f in facts), reverse=True)
    jiangsu = store.pairing_facts(donor=["32"], recipient=["63"])
    assert jiangsu and all(f["donor_code"].startswith("32") and f["recipient_code"].startswith("63") for f in jiangsu)
    store.engine.dispose()


def test_sources_follow_replaced_documents(store):
    text = "转载:江苏省对口支援海南州。"
    store.add(processed("site-a", text))
    store.add(processed("site-b", text))
    (fact,) = store.pairing_facts()
    assert fact["documents"] == 1 and len(fact["quotes"]) == 1  # one sentence, two sites
    store.add(processed("site-b", "另一篇报道说:江苏省对口支援海南州,已经十年了。"))
    (fact,) = store.pairing_facts()
    assert fact["documents"] == 2  # site-b now says it in its own words
    assert {len(v) for v in _facts_by_pairing(store).values()} == {2}


def test_a_version_3_database_gets_its_sources_in_place(tmp_path):
    import sqlite3

    path = tmp_path / "v3.db"
    s3 = open_store(str(path))
    for source, text in (("a", "报道:江苏省对口支援海南州。"), ("b", "报道:江苏省对口支援海南州。"),
                         ("c", "另一篇:江苏省对口支援海南州,共和县新建学校。")):
        s3.add(processed(source, text))
    before = s3.pairing_facts()
    s3.engine.dispose()
    con = sqlite3.connect(path)
    _as_version_3(con)
    con.commit()
    con.close()
    upgraded = open_store(str(path))
    assert upgraded.pairing_facts() == before and before[0]["documents"] == 2
    with upgraded.engine.connect() as conn:
        assert conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).scalar() == str(schema.SCHEMA_VERSION)
    upgraded.add(processed("d", "又一篇:江苏省对口支援海南州,贵德县新建医院。"))
    assert upgraded.pairing_facts()[0]["documents"] == 3


def test_claims_of_many_documents(store, monkeypatch):
    from duikou.store import database

    for n in range(7):
        store.add(processed(f"doc-{n}", f"第{n}篇:江苏省对口支援海南州。"))
    everything = store.claim_rows(doc_ids={f"doc-{n}" for n in range(7)} | {"missing"})
    monkeypatch.setattr(database, "_IN_CHUNK", 2)
    assert store.claim_rows(doc_ids={f"doc-{n}" for n in range(7)} | {"missing"}) == everything
    assert len(everything) == 7 and store.claim_rows(doc_ids=set()) == []


def test_a_version_4_database_gets_the_tokens_column(tmp_path):
    import sqlite3

    path = tmp_path / "v4.db"
    open_store(str(path)).engine.dispose()
    con = sqlite3.connect(path)
    con.execute("ALTER TABLE passages DROP COLUMN tokens")
    con.execute("DROP TABLE pairing_sources")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    upgraded = open_store(str(path))
    upgraded.add(processed("a", "报道:江苏省对口支援海南州。"))
    with upgraded.engine.connect() as conn:
        assert conn.execute(select(schema.passages.c.tokens)).all() == []
        assert conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")).scalar() == str(
            schema.SCHEMA_VERSION)
    assert upgraded.pairing_facts()[0]["documents"] == 1


def _reference_ranking(store, subjects, objects, measure, year, cumulative, province, word, limit=8):
    """Store.ranked_claims' contract, computed the plain way over every evidence row."""
    def starts(code, prefixes):
        return bool(code) and any(code.startswith(p) for p in prefixes or [])

    paired_docs = ({r["doc_id"] for r in store.pairing_rows(donor=subjects, recipient=objects)}
                   if subjects and objects else set())
    best = {}
    for r in store.claim_rows():
        by_s, by_o = starts(r["subject_code"], subjects), starts(r["object_code"], objects)
        if not (by_s or by_o or r["doc_id"] in paired_docs):
            continue
        score = 2.0 * by_s + 2.0 * by_o
        if measure:
            score += 2.0 if measure in r["measure"] else 0.5 if measure in r["quote"] else -2.0
        if year:
            score += 1.0 if (r["period"] or "").startswith(year) else 0.5 if year in r["quote"] else -0.5
        if cumulative:
            score += 1.0 if r["qualifier"] == "累计" or "累计" in r["quote"] else 0.0
        if province:
            about = starts(r["object_code"], [province]) or bool(word and word in r["quote"])
            score += 1.5 if about else -1.0
        key = (-score, r["doc_id"], r["start"])
        if r["id"] not in best or key < best[r["id"]][0]:
            best[r["id"]] = (key, 0 if by_s else 1 if by_o else 2, r)
    ranked = sorted((v for v in best.values() if -v[0][0] > 0), key=lambda v: (v[0][0], v[1], v[2]["id"]))
    return [(v[2]["id"], -v[0][0], v[2]["doc_id"], v[2]["start"]) for v in ranked[:limit]]


def test_ranked_claims_follow_their_contract(shared_corpus, tmp_path):
    from duikou.engines.local import ingest

    store = open_store(str(tmp_path / "dev.db"))
    ingest([shared_corpus / "seeds" / "pages.jsonl", shared_corpus / "dev" / "pages.jsonl"], store)
    cases = [
        (["32"], ["6325"], "资金", None, False, None, None),
        (["32"], ["63"], "资金", "2019", True, "63", "援青"),
        (["33"], ["65"], "资金", None, True, "65", "援疆"),
        (["11"], ["5401"], "干部", None, False, "54", "援藏"),
        (["44"], None, "项目", None, False, "65", "援疆"),
        (None, ["6326"], None, "2020", False, None, None),
        (["31"], ["6326"], "资金", None, False, None, None),
        (["37"], ["5107"], "投资", None, False, None, None),
        (["12"], ["6323"], "项目", None, False, None, None),
        (["32"], None, None, None, False, None, None),
        (["32"], ["61"], "销售", "2020", True, None, None),
    ]
    for subjects, objects, measure, year, cumulative, province, word in cases:
        for limit in (1, 3, 8, 30):
            got = store.ranked_claims(subjects, objects, measure, year, cumulative, province, word, limit=limit)
            expected = _reference_ranking(store, subjects, objects, measure, year, cumulative, province, word, limit)
            assert [(r["id"], r["score"], r["doc_id"], r["start"]) for r in got] == expected, (subjects, objects, limit)
    assert store.ranked_claims(None, None) == [] and store.ranked_claims(["32"], None, limit=0) == []
    found_by_documents = [r for r in store.ranked_claims(["37"], ["5107"], "投资", limit=30)
                          if not (r["subject_code"] or "").startswith("37") and not (r["object_code"] or "").startswith("5107")]
    assert found_by_documents  # figures found only through documents that state the pairing
    row = store.ranked_claims(["32"], ["6325"], "资金")[0]
    assert set(store.claim_rows()[0]) - {"passage"} <= set(row)
    store.engine.dispose()


def test_ranked_claims_see_figures_written_after_the_first_ranking(tmp_path):
    """The figures' kinds are kept between calls: a write through this store, and one through
    another connection to the same file, must both show in the next ranking."""
    from dataclasses import replace

    path = str(tmp_path / "kinds.db")
    store = open_store(path)
    store.add(processed("a", "报道:江苏省援助海南州资金。"))
    assert [r["measure"] for r in store.ranked_claims(["32"], ["6325"], "资金")] == ["援助资金"]
    assert [r["measure"] for r in store.ranked_claims(["32"], ["6325"], "干部")] == ["援助资金"]  # score 2

    def with_claim(doc_id: str, text: str, measure: str, value: float) -> ProcessedDocument:
        item = processed(doc_id, text)
        return replace(item, claims=[replace(item.claims[0], measure=measure, value=value)])

    store.add(with_claim("b", "报道:江苏省选派干部到海南州。", "选派干部", 12))
    assert [r["measure"] for r in store.ranked_claims(["32"], ["6325"], "干部")] == ["选派干部", "援助资金"]
    other = open_store(path)
    other.add(with_claim("c", "报道:江苏省向海南州援助项目。", "援建项目", 30))
    other.engine.dispose()
    assert store.ranked_claims(["32"], ["6325"], "项目")[0]["measure"] == "援建项目"
    store.engine.dispose()


def test_claims_indexes_follow_the_version(tmp_path):
    import sqlite3

    path = tmp_path / "v6.db"
    open_store(str(path)).add(processed("a", "报道:江苏省对口支援海南州。"))
    con = sqlite3.connect(path)  # as version 6 left it: one-column claims indexes
    con.execute("DROP INDEX ix_claims_subject_cover")
    con.execute("DROP INDEX ix_claims_object_cover")
    con.execute("CREATE INDEX ix_claims_subject ON claims (subject_code)")
    con.execute("CREATE INDEX ix_claims_object ON claims (object_code)")
    con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    upgraded = open_store(str(path))
    with upgraded.engine.connect() as conn:
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"ix_claims_subject_cover", "ix_claims_object_cover"} <= names
    assert not {"ix_claims_subject", "ix_claims_object"} & names
    assert len(upgraded.claim_rows(subject=["32"], object_=["6325"])) == 1
    assert len(upgraded.ranked_claims(["32"], ["6325"], "援助资金")) == 1


def test_a_version_7_database_gets_the_quote_words_in_place(tmp_path):
    import sqlite3

    path = tmp_path / "v7.db"
    store = open_store(str(path))
    store.add(processed("a", "报道:江苏省累计投入援青资金1.5亿元。"))
    store.engine.dispose()
    con = sqlite3.connect(path)
    con.execute("DROP INDEX ix_claim_evidence_words")
    con.execute("ALTER TABLE claim_evidence DROP COLUMN words")
    con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    upgraded = open_store(str(path))
    with upgraded.engine.connect() as conn:
        (words,) = conn.execute(select(schema.claim_evidence.c.words)).one()
    assert words == schema.quote_words("江苏省累计投入援青资金1.5亿元。")
    assert words & (1 << schema.QUOTE_WORDS.index("累计")) and words & (1 << schema.QUOTE_WORDS.index("援青"))
    assert not words & (1 << schema.QUOTE_WORDS.index("援疆"))
    # new evidence rows get their words when stored
    upgraded.add(processed("b", "报道:江苏省援建项目完成。"))
    with upgraded.engine.connect() as conn:
        got = sorted(conn.execute(select(schema.claim_evidence.c.words)).scalars())
    assert schema.quote_words("江苏省援建项目完成。") in got
