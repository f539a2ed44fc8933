import json

import pytest
from typer.testing import CliRunner

from duikou.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_seed_corpus_end_to_end(shared_corpus, tmp_path):
    db = tmp_path / "seeds.db"
    pages = shared_corpus / "seeds" / "pages.jsonl"
    first = run("ingest", pages, "--db", db, "--json")
    assert first.exit_code == 0, first.output
    counts = json.loads(run("stats", "--db", db, "--json").output)
    assert counts["documents"] >= 5 and counts["pairings"] > 0
    second = json.loads(run("ingest", pages, "--db", db, "--json").output)
    assert second["added"] == 0 and second["unchanged"] == second["documents"]
    assert json.loads(run("stats", "--db", db, "--json").output) == counts

    answer = run("ask", "浙江、江苏两个省份是青海的援建省份吗", "--db", db, "--json")
    data = json.loads(answer.output)
    parts = {p["donor"]["name"]: p for p in data["parts"]}
    assert parts["江苏省"]["verdict"] == "yes" and parts["江苏省"]["basis"] == ["official", "reported"]
    cited = {q["doc"] for f in parts["江苏省"]["facts"] for q in f["quotes"]}
    assert cited & {"s000", "s001"}
    assert parts["浙江省"]["verdict"] == "yes" and parts["浙江省"]["basis"] == ["official"]

    text = run("ask", "浙江、江苏两个省份是青海的援建省份吗", "--db", db)
    assert "✔ 浙江省 → 青海省  [官方安排]" in text.output
    assert "浙江省：是（官方安排：浙江省对口支援海西蒙古族藏族自治州（援青），2010年起）；本语料没有报道。" in text.output


def test_export_quotes_match_clean_text(shared_corpus, tmp_path):
    from duikou.store import open_store

    db = tmp_path / "seeds.db"
    run("ingest", shared_corpus / "seeds" / "pages.jsonl", "--db", db)
    out = run("export", "--format", "jsonl", "--db", db)
    assert out.exit_code == 0
    rows = [json.loads(line) for line in out.output.splitlines() if line.startswith("{")]
    assert rows
    store = open_store(str(db))
    for row in rows:
        doc = store.document(row["doc_id"])
        assert doc["text"][row["start"]:row["end"]] == row["quote"]
        assert set(row) >= {"doc", "donor", "donor_code", "recipient", "recipient_code", "programme", "since",
                            "quote", "start", "end"}


def test_bad_files_are_reported_and_good_ones_stored(tmp_path):
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "gb.txt").write_bytes("江苏省对口支援青海省海南藏族自治州,援青干部奔赴高原。".encode("gb18030"))
    db = tmp_path / "x.db"
    result = run("ingest", tmp_path, "--db", db)
    assert result.exit_code == 1  # documented: some inputs could not be read, the rest stored
    assert "binary.txt" in result.output and "empty.txt" in result.output
    rows = json.loads(run("pairings", "--db", db, "--json").output)
    assert any(r["recipient"] == "青海省海南藏族自治州" for r in rows), rows
    from duikou.store import open_store

    docs = list(open_store(str(db)).documents())
    assert len(docs) == 1 and "江苏省对口支援" in docs[0]["text"]


def test_export_csv_and_unknown_format(example_store, tmp_path):
    db = example_store.engine.url.database
    out = tmp_path / "p.csv"
    assert run("export", "--format", "csv", "-o", out, "--db", db).exit_code == 0
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("doc,doc_id,donor")
    assert run("export", "--format", "xml", "--db", db).exit_code == 2


def test_region_command_lists_candidates():
    result = run("region", "鼓楼区", "--json")
    rows = json.loads(result.output)
    assert len(rows) >= 3 and list(rows[0])[0] == "code"


def test_pairings_filters(example_store):
    db = example_store.engine.url.database
    rows = json.loads(run("pairings", "--donor", "浙江", "--db", db, "--json").output)
    assert rows and all(r["donor"].startswith("浙江省") for r in rows)


def test_reprints_are_counted_in_the_summary(tmp_path):
    page = "江苏省对口支援青海省海南藏族自治州已经十年,援青干部在共和县修建学校与医院,帮助牧民发展畜牧业。"
    records = [{"id": "site-a", "text": page}, {"id": "site-b", "text": "转载:" + page}]
    src = tmp_path / "pages.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    summary = json.loads(run("ingest", src, "--db", tmp_path / "r.db", "--json").output)
    assert summary["added"] == 2 and summary["reprints"] == 1
    assert summary["bytes"] > 200 and summary["totals"]["distinct_documents"] == 1
    facts = json.loads(run("pairings", "--db", tmp_path / "r.db", "--json").output)
    assert [f["documents"] for f in facts] == [1]  # one fact, reported by one independent source


def test_eval_keeps_its_database_when_asked_and_refuses_a_used_one(shared_corpus, tmp_path):
    seeds = shared_corpus / "seeds"
    db = tmp_path / "eval.db"
    first = run("eval", "--pages", seeds / "pages.jsonl", "--pairings", seeds / "gold_pairings.jsonl",
                "--db", db, "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["pairings"]["precision"] > 0.9
    assert json.loads(run("stats", "--db", db, "--json").output)["pairings"] > 0
    again = run("eval", "--pages", seeds / "pages.jsonl", "--db", db)
    assert again.exit_code == 2 and "empty database" in again.output
    missing = run("eval", "--pages", tmp_path / "nope.jsonl")
    assert missing.exit_code == 2 and "nope.jsonl" in missing.output


def test_registry_command():
    rows = json.loads(run("registry", "--recipient", "青海", "--programme", "援青", "--json").output)
    assert rows and all(r["recipient"]["code"].startswith("63") for r in rows)
    assert set(rows[0]) == {"programme", "donor", "recipient", "since", "until", "active", "source", "status"}
    text = run("registry", "--donor", "苏州", "--recipient", "铜仁").output
    assert "江苏省苏州市 → 贵州省铜仁市  [东西部协作 2013–2020]" in text
    assert run("registry", "--donor", "苏州", "--recipient", "铜仁", "--as-of", "2022", "--json").output.strip() == "[]"
    csv_lines = run("registry", "--donor", "浙江", "--recipient", "海西州", "--csv").output.splitlines()
    assert csv_lines[0] == "programme,donor_code,donor,recipient_code,recipient,since,until,active,status,source"
    assert any(line.startswith("援青,330000,浙江省,632800,青海省海西蒙古族藏族自治州,2010,,True,confirmed,")
               for line in csv_lines)
    assert run("registry", "--donor", "火星").exit_code == 2
    assert run("registry", "--programme", "援月").exit_code == 2


def test_registry_command_marks_unconfirmed_rows():
    from duikou import registry

    unconfirmed = [a for a in registry.arrangements() if a.status != "confirmed"]
    if not unconfirmed:
        pytest.skip("every registry row is confirmed")
    a = unconfirmed[0]
    text = run("registry", "--programme", a.programme).output
    assert "[unconfirmed]" in text and f"({len([u for u in unconfirmed if u.programme == a.programme])} unconfirmed)" in text


def test_ask_json_contract(example_store):
    db = example_store.engine.url.database
    data = json.loads(run("ask", "浙江、江苏两个省份是青海的援建省份吗", "--db", db, "--json").output)
    assert list(data) == ["question", "kind", "summary", "parts", "passages"]
    for part in data["parts"]:
        assert list(part) == ["donor", "recipient", "verdict", "basis", "statement", "facts", "official", "claims"]
        assert set(part["donor"]) == set(part["recipient"]) == {"code", "name"}
        assert part["verdict"] in ("yes", "no", "not_found") and set(part["basis"]) <= {"official", "reported"}
        for row in part["facts"] + part["official"]:
            assert set(row["donor"]) == set(row["recipient"]) == {"code", "name"}
        for fact in part["facts"]:
            assert {"doc", "doc_id", "url", "quote", "start", "end"} <= set(fact["quotes"][0])
    zhejiang = data["parts"][0]
    assert zhejiang["donor"] == {"code": "330000", "name": "浙江省"} and zhejiang["basis"] == ["official"]


def test_ask_as_of(example_store):
    db = example_store.engine.url.database
    now = run("ask", "苏州和铜仁是对口帮扶关系吗?", "--db", db).output
    assert "答：苏州市：曾是（2013–2020年）" in now and "✔" in now
    then = run("ask", "苏州和铜仁是对口帮扶关系吗?", "--db", db, "--as-of", "2018").output
    assert "答：苏州市：是" in then
