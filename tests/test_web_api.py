"""The JSON API: read endpoints over duikou.browse and duikou.answer, caching headers, exports,
and the guarded write side. Runs on SQLite, and on PostgreSQL too when DUIKOU_TEST_POSTGRES_URL
names a server (as tests/test_store_postgres.py)."""

import csv
import io
import json
import logging
import os
import time
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from duikou.engines.local import ingest
from duikou.models import Claim, Document, Evidence, Pairing, ProcessedDocument, Region
from duikou.pipeline import content_hash
from duikou.store import open_store
from duikou.web import create_app
from duikou.web.security import WebConfig

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"
TOKEN = "t0k-" + uuid.uuid4().hex  # made up per run: the tests look for it in logs and bodies
SEED_QUESTION = "浙江、江苏两个省份是青海的援建省份吗"
POSTGRES = os.environ.get("DUIKOU_TEST_POSTGRES_URL")
JIANGSU = Region("320000", "江苏省", "江苏省", "province", "320000")
GONGHE = Region("632521", "共和县", "青海省海南藏族自治州共和县", "county", "630000", "632500")


def doc(doc_id: str, text: str, value: float = 1.5e8) -> ProcessedDocument:
    """A document whose text after the colon states a pairing 江苏 → 共和县 and a figure."""
    start = text.index(":") + 1
    ev = Evidence(start, len(text), text[start:], "test", 0.9)
    d = Document(doc_id, doc_id, text, text, list(range(len(text) + 1)), title=doc_id, published="2020-01-01")
    return ProcessedDocument(d, [], [Pairing(JIANGSU, GONGHE, "援青", ev, since=2010)],
                             [Claim("援助资金", value, "元", ev, JIANGSU, GONGHE, period="2019")], content_hash(text))


def _postgres_url():
    """A database of its own on the test server, dropped afterwards (a generator)."""
    name = f"duikou_api_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield POSTGRES.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES else [])


@pytest.fixture(scope="module", params=BACKENDS)
def db_url(request, tmp_path_factory):
    """The example corpus ingested once per backend."""
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("api") / "api.db")
        cleanup = None
    else:
        cleanup = _postgres_url()
        url = next(cleanup)
    store = open_store(url)
    ingest([EXAMPLES], store)
    store.add(doc("figures-a", "报道:江苏省援建共和县投入一点五亿元。"))
    store.add(doc("figures-b", "另报:江苏省援建共和县投入一点八亿元。", 1.8e8))
    store.engine.dispose()
    yield url
    if cleanup is not None:
        next(cleanup, None)


@pytest.fixture(scope="module")
def client(db_url, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ingest-folder")
    config = WebConfig(token=TOKEN, folders=(folder.resolve(),), upload_dir=tmp_path_factory.mktemp("uploads"),
                       max_file_bytes=64 * 1024, max_request_bytes=256 * 1024, max_files=3)
    app = create_app(db_url, config)
    with TestClient(app) as c:
        c.folder = folder
        yield c
    app.state.store.engine.dispose()


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ---- reads ------------------------------------------------------------------------------------------

def test_ask_is_exactly_the_cli_json(client, db_url):
    from duikou.cli import app as cli

    result = CliRunner().invoke(cli, ["ask", SEED_QUESTION, "--db", db_url, "--json"])
    assert result.exit_code == 0, result.output
    r = client.get("/api/ask", params={"q": SEED_QUESTION})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json() == json.loads(result.stdout)
    assert {p["donor"]["name"]: p["verdict"] for p in r.json()["parts"]} == {"浙江省": "yes", "江苏省": "yes"}
    past = client.get("/api/ask", params={"q": SEED_QUESTION, "as_of": 2005}).json()
    cli_past = CliRunner().invoke(cli, ["ask", SEED_QUESTION, "--db", db_url, "--json", "--as-of", "2005"])
    assert past == json.loads(cli_past.stdout)


def test_pairings_take_codes_or_names(client):
    by_name = client.get("/api/pairings", params={"donor": "江苏", "recipient": "青海"})
    by_code = client.get("/api/pairings", params={"donor": "320000", "recipient": "630000"})
    assert by_name.status_code == by_code.status_code == 200
    assert by_name.json() == by_code.json() and by_name.json()["total"] > 0
    item = next(i for i in by_name.json()["items"] if i["recipient"]["code"] == "632500")
    assert item["basis"] == ["official", "reported"]
    quote = next(s for s in item["sources"] if s["kind"] == "reported")
    doc = client.get(f"/api/documents/{quote['doc_id']}").json()
    assert doc["text"][quote["start"]:quote["end"]] == quote["quote"]


def test_filters_and_their_errors(client):
    for basis in ("official", "reported"):
        items = client.get("/api/pairings", params={"basis": basis, "limit": 10000}).json()["items"]
        assert items and all(basis in i["basis"] for i in items)
    items = client.get("/api/pairings", params={"programme": "援疆", "year": 2012, "limit": 10000}).json()["items"]
    assert items and all(i["programme"] == "援疆" and (i["since"] or 0) <= 2012 for i in items)
    assert client.get("/api/pairings", params={"programme": "援月"}).status_code == 422
    assert client.get("/api/pairings", params={"basis": "rumour"}).status_code == 422
    bad = client.get("/api/pairings", params={"donor": "没有这个地方啊"})
    assert bad.status_code == 422 and "unknown region" in bad.json()["detail"]
    assert client.get("/api/pairings", params={"limit": -1}).status_code == 422


def test_pagination_and_stable_order(client):
    whole = client.get("/api/pairings", params={"limit": 10000}).json()
    pages = []
    for offset in range(0, whole["total"], 250):
        page = client.get("/api/pairings", params={"limit": 250, "offset": offset}).json()
        assert page["total"] == whole["total"] and page["offset"] == offset
        pages += page["items"]
    assert pages == whole["items"]


def test_csv_export_of_a_list(client):
    params = {"donor": "江苏", "limit": 10000}
    items = client.get("/api/pairings", params=params).json()["items"]
    r = client.get("/api/pairings", params={**params, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == len(items)
    assert [(row["donor_code"], row["donor"], row["recipient_code"], row["programme"], row["basis"]) for row in rows] \
        == [(i["donor"]["code"] or "", i["donor"]["name"], i["recipient"]["code"] or "", i["programme"],
             ";".join(i["basis"]))
            for i in items]
    page = client.get("/api/regions/青海", params={"format": "csv", "list": "assisted_by"})
    assert page.status_code == 200 and "donor_code" in page.text.splitlines()[0]


def test_etag_and_cache_control(client, db_url):
    first = client.get("/api/stats")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/api/stats", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag
    assert client.get("/api/stats?x=1").headers["etag"] != etag  # the request is part of it
    # a new document changes the data version, so the ETag and the body
    store = open_store(db_url)
    store.add(doc(f"etag-{uuid.uuid4().hex[:6]}", "新报道:江苏省援建共和县。"))
    store.engine.dispose()
    changed = client.get("/api/stats", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert changed.json()["documents"] == first.json()["documents"] + 1


def test_documents_with_evidence_spans(client):
    listed = client.get("/api/documents", params={"limit": 1000}).json()
    assert listed["total"] == len(listed["items"]) > 0
    glued = [d for d in listed["items"] if "#" in d["doc_id"]]
    assert glued  # the example corpus has a page of several articles
    for d in listed["items"]:
        r = client.get("/api/documents/" + d["doc_id"].replace("#", "%23"))
        assert r.status_code == 200, d["doc_id"]
        got = r.json()
        assert got["doc_id"] == d["doc_id"] and "raw_text" not in got
        assert len([s for s in got["spans"] if s["kind"] == "pairing"]) == d["pairings"]
        for span in got["spans"]:
            assert got["text"][span["start"]:span["end"]] == span["quote"]
    by_source = client.get("/api/documents/" + glued[0]["source_id"]).json()
    assert by_source["source_id"] == glued[0]["source_id"] and glued[0]["doc_id"] in by_source["articles"]
    assert client.get("/api/documents/" + glued[0]["doc_id"].replace("#", "%23"), params={"raw": True}).json()["raw_text"]
    assert client.get("/api/documents/no/such/doc").status_code == 404


def test_regions_claims_search_stats(client):
    regions = client.get("/api/regions", params={"q": "青海", "limit": 1000}).json()["items"]
    assert regions and all("青海" in r["name"] for r in regions)
    page = client.get("/api/regions/632500").json()
    assert page["region"]["name"] == "青海省海南藏族自治州"
    assert any(i["donor"]["code"] == "320000" for i in page["assisted_by"])
    assert client.get("/api/regions/没有这个地方啊").status_code == 404
    claims = client.get("/api/claims", params={"limit": 5}).json()
    assert claims["total"] >= len(claims["items"]) > 0
    for item in claims["items"]:
        assert item["documents"] >= 1 and item["sources"]
    hits = client.get("/api/search", params={"q": "江苏 援青 干部"}).json()
    assert hits["items"] and all(h["doc_id"] and h["text"] for h in hits["items"])
    stats = client.get("/api/stats").json()
    assert stats["documents"] > 0 and stats["registry"]["arrangements"] > 0


def test_openapi_and_offline_docs(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/pairings", "/api/claims", "/api/regions", "/api/regions/{code}", "/api/documents",
                 "/api/documents/{doc_id}", "/api/ask", "/api/search", "/api/stats", "/api/ingest",
                 "/api/ingest/paths", "/api/jobs/{job_id}"):
        assert path in spec["paths"], path
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text  # every asset from this server
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200


def test_sql_injection_probes_are_plain_text(client):
    total = client.get("/api/documents").json()["total"]
    assert client.get("/api/documents", params={"q": "' OR 1=1 --"}).json()["total"] == 0
    assert client.get("/api/documents", params={"q": "%"}).json()["total"] == 0
    assert client.get("/api/documents").json()["total"] == total
    assert client.get("/api/claims", params={"measure": "x' OR '1'='1"}).json()["total"] == 0
    assert client.get("/api/pairings", params={"donor": "1' OR '1'='1"}).status_code == 422


def test_json_is_never_sniffed_as_html(client, db_url):
    store = open_store(db_url)
    store.add(doc("xss-probe", "标题:<script>alert(1)</script>江苏省援建共和县。"))
    store.engine.dispose()
    r = client.get("/api/documents/xss-probe")
    assert r.headers["content-type"] == "application/json" and r.headers["x-content-type-options"] == "nosniff"
    assert "<script>alert(1)</script>" in r.json()["text"]  # data as stored; the pages escape it


# ---- writes -----------------------------------------------------------------------------------------

def test_write_endpoints_need_the_token(client, caplog):
    caplog.set_level(logging.DEBUG)
    body = {"paths": ["a.txt"]}
    for method, url, kwargs in (("post", "/api/ingest/paths", {"json": body}),
                                ("post", "/api/ingest", {"files": {"files": ("a.txt", b"x")}}),
                                ("get", "/api/jobs", {}), ("get", "/api/jobs/abc", {})):
        missing = getattr(client, method)(url, **kwargs)
        assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
        wrong = getattr(client, method)(url, headers=auth(TOKEN + "x"), **kwargs)
        assert wrong.status_code == 403
        assert getattr(client, method)(url, headers={"Authorization": TOKEN}, **kwargs).status_code == 401
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(client.app.state.config)


def test_writes_are_refused_without_a_configured_token(db_url):
    with TestClient(create_app(db_url, WebConfig())) as c:
        r = c.post("/api/ingest/paths", json={"paths": ["a"]}, headers=auth(""))
        assert r.status_code in (401, 403)
        assert c.post("/api/ingest/paths", json={"paths": ["a"]}, headers=auth("anything")).status_code == 403
        c.app.state.store.engine.dispose()


def test_paths_outside_the_folders_are_refused(client, tmp_path):
    inside = client.folder / "inside.txt"
    inside.write_text("江苏省对口支援青海省海南藏族自治州，测试用的句子。", "utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("外面的文件", "utf-8")
    (client.folder / "link.txt").symlink_to(outside)
    for path in ("../outside.txt", str(outside), "link.txt", "../../../../etc/passwd", "/etc/passwd",
                 "sub/../../outside.txt", "missing.txt"):
        r = client.post("/api/ingest/paths", json={"paths": [path]}, headers=auth())
        assert r.status_code == 403, path
    ok = client.post("/api/ingest/paths", json={"paths": ["inside.txt"]}, headers=auth())
    assert ok.status_code == 202 and ok.headers["location"] == f"/api/jobs/{ok.json()['id']}"
    done = client.app.state.jobs.wait(ok.json()["id"])
    assert done.status == "done" and done.result["added"] == 1
    assert client.get("/api/documents/" + str(inside.resolve())).status_code == 200


def test_upload_is_parsed_in_the_background(client):
    page = "对口支援上传测试:江苏省对口支援青海省海南藏族自治州,双方签订协议。\n".encode()
    r = client.post("/api/ingest", files=[("files", ("upload probe.txt", page, "text/plain"))], headers=auth())
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running", "done") and job["files"] == 1
    client.app.state.jobs.wait(job["id"])
    status = client.get(f"/api/jobs/{job['id']}", headers=auth()).json()
    assert status["status"] == "done" and status["progress"]["pages"] == 1 and status["result"]["added"] == 1
    assert any(j["id"] == job["id"] for j in client.get("/api/jobs", headers=auth()).json())
    # the same upload again is the same file: nothing new
    again = client.post("/api/ingest", files=[("files", ("upload probe.txt", page, "text/plain"))], headers=auth())
    assert client.app.state.jobs.wait(again.json()["id"]).result["unchanged"] == 1


def test_upload_limits(client):
    big = b"x" * (64 * 1024 + 1)
    assert client.post("/api/ingest", files=[("files", ("big.txt", big))], headers=auth()).status_code == 413
    huge = b"x" * (300 * 1024)
    assert client.post("/api/ingest", files=[("files", ("huge.txt", huge))], headers=auth()).status_code == 413
    many = [("files", (f"f{i}.txt", b"x")) for i in range(4)]
    assert client.post("/api/ingest", files=many, headers=auth()).status_code in (400, 413)
    assert client.post("/api/ingest", files=[("files", ("evil.exe", b"x"))], headers=auth()).status_code == 422
    assert client.post("/api/ingest", files=[("other", ("a.txt", b"x"))], headers=auth()).status_code == 422
    paths = {"paths": [f"p{i}" for i in range(4)]}
    assert client.post("/api/ingest/paths", json=paths, headers=auth()).status_code == 413


def test_reads_during_an_ingest_see_only_whole_documents(tmp_path, monkeypatch):
    """While an ingest job runs in the background, every document the API shows already has all
    its evidence: what a reader sees of it then equals what it sees once the ingest is over."""
    from duikou.store import writer

    corpus = ROOT / ".." / "shared" / "corpus" / "seeds" / "pages.jsonl"
    folders = (EXAMPLES.resolve(),) + ((corpus.parent.resolve(),) if corpus.exists() else ())
    config = WebConfig(token=TOKEN, folders=folders, upload_dir=tmp_path / "uploads", ingest_batch=2)
    app = create_app(str(tmp_path / "wal.db"), config)
    write_pairings = writer._pairings

    def slow_pairings(*args, **kwargs):  # inside a batch's transaction: a wider window to catch it
        time.sleep(0.05)
        return write_pairings(*args, **kwargs)

    monkeypatch.setattr(writer, "_pairings", slow_pairings)
    with TestClient(app) as c:
        paths = [str(EXAMPLES.resolve())] + ([str(corpus.resolve())] if corpus.exists() else [])
        job = c.post("/api/ingest/paths", json={"paths": paths}, headers=auth()).json()
        seen: dict[str, set[tuple[int, int, int]]] = {}
        partial_views = 0
        while True:
            status = c.get(f"/api/jobs/{job['id']}", headers=auth()).json()["status"]
            listed = c.get("/api/documents", params={"limit": 10000}).json()["items"]
            for d in listed:
                spans = c.get("/api/documents/" + d["doc_id"].replace("#", "%23")).json()["spans"]
                kinds = (d["pairings"], d["claims"], len(spans))
                seen.setdefault(d["doc_id"], set()).add(kinds)
            if status in ("done", "failed"):
                break
            partial_views += 0 < len(listed)
        assert status == "done"
        final = {d["doc_id"]: d for d in c.get("/api/documents", params={"limit": 10000}).json()["items"]}
        assert partial_views > 0  # the reads did overlap the ingest
        assert any(len(views) for views in seen.values()) and len(seen) == len(final)
        for doc_id, views in seen.items():
            whole = final[doc_id]
            spans = len(c.get("/api/documents/" + doc_id.replace("#", "%23")).json()["spans"])
            assert views == {(whole["pairings"], whole["claims"], spans)}, doc_id
        assert app.state.store.engine.dialect.name != "sqlite" or _journal_mode(app.state.store) == "wal"
    app.state.store.engine.dispose()


def _journal_mode(store) -> str:
    with store.engine.connect() as conn:
        return conn.exec_driver_sql("PRAGMA journal_mode").scalar()


def test_serve_binds_localhost_unless_told(monkeypatch, tmp_path):
    import uvicorn

    from duikou.cli import app as cli

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.delenv("DUIKOU_API_TOKEN", raising=False)
    monkeypatch.delenv("DUIKOU_API_TOKEN_FILE", raising=False)
    db = str(tmp_path / "serve.db")
    result = CliRunner().invoke(cli, ["serve", "--db", db])
    assert result.exit_code == 0, result.output
    app, kw = calls[-1]
    assert (kw["host"], kw["port"]) == ("127.0.0.1", 8000) and app.state.config.token is None
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n", "utf-8")
    result = CliRunner().invoke(cli, ["serve", "--db", db, "--host", "0.0.0.0", "--port", "9001",
                                      "--token-file", str(token_file), "--ingest-folder", str(tmp_path)])
    app, kw = calls[-1]
    assert (kw["host"], kw["port"]) == ("0.0.0.0", 9001)
    assert app.state.config.token == TOKEN and app.state.config.folders == (tmp_path.resolve(),)
    assert TOKEN not in result.output
    app.state.store.engine.dispose()


def test_cached_answers_are_the_same_answers(client):
    """The second read of a URL comes from the answer cache in front of the router: same body,
    same headers (security headers, CSV attachment) and the same ETag."""
    for url in ("/api/pairings?donor=江苏&format=csv", "/api/regions/632500", "/api/stats"):
        first, second = client.get(url), client.get(url)
        assert second.status_code == first.status_code == 200
        assert second.content == first.content
        for header in ("etag", "content-type", "cache-control", "x-content-type-options", "content-disposition"):
            assert second.headers.get(header) == first.headers.get(header), (url, header)
        assert client.get(url, headers={"If-None-Match": first.headers["etag"]}).status_code == 304
    assert client.get("/api/pairings?programme=x").status_code == 422  # errors are never cached
    assert client.get("/api/pairings?programme=x").status_code == 422
