"""The HTML pages over the examples corpus plus an XSS probe page (FastAPI's TestClient, no browser)."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = "浙江、江苏两个省份是青海的援建省份吗"
PROBE = {"id": "xss-probe", "url": "javascript:alert(1)", "title": "<script>alert('title')</script>援青探针",
         "text": "2012年起，江苏省对口支援青海省海南藏族自治州。<script>alert('x')</script>"
                 "<img src=x onerror=alert(2)>江苏省南京市对口帮扶青海省西宁市。"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from duikou.engines.local import ingest
    from duikou.store import open_store
    from duikou.web import create_app

    folder = tmp_path_factory.mktemp("pages")
    (folder / "probe").mkdir()
    (folder / "probe" / "probe.jsonl").write_text(json.dumps(PROBE, ensure_ascii=False) + "\n", encoding="utf-8")
    store = open_store(str(folder / "pages.db"))
    ingest([ROOT / "examples" / "corpus", folder / "probe"], store)
    with TestClient(create_app(store)) as c:
        yield c
    store.engine.dispose()


def _flows(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="flow-data">(.*?)</script>', html, re.DOTALL)
    assert found, "the home page embeds its flow data"
    return json.loads(found.group(1))


def _rows(html: str) -> list[list[str]]:
    body = html.split('id="pairings"', 1)[1].split("</tbody>", 1)[0]
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL) if "<td" in row]


def test_home_has_map_sankey_filters_totals_and_ask_box(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    for needle in ('id="map"', 'id="sankey"', 'name="programme"', 'name="year"', 'name="basis"', 'action="/ask"',
                   "仅供示意", "/static/vendor/echarts.min.js"):
        assert needle in html, needle
    flows = _flows(html)
    assert flows["lines"] and flows["sankey"]["links"]
    total = int(re.search(r'id="total-pairings">(\d+)<', html).group(1))
    assert total >= len(flows["lines"]) > 0
    # 江苏 → 海南藏族自治州 ends in Qinghai, not on Hainan island
    line = next(x for x in flows["lines"] if x["recipient"] == "青海省海南藏族自治州")
    assert 35 < line["to"][1] < 37.5
    # a Sankey link never loops back to its own side
    assert all(link["source"].startswith("d:") and link["target"].startswith("r:") for link in flows["sankey"]["links"])


def test_home_filters_by_programme_year_and_basis(client):
    everything = client.get("/").text
    total = int(re.search(r'id="total-pairings">(\d+)<', everything).group(1))
    html = client.get("/", params={"programme": "援青"}).text
    rows = _rows(html)
    assert rows and {row[2] for row in rows} == {"援青"}
    assert 0 < int(re.search(r'id="total-pairings">(\d+)<', html).group(1)) < total
    assert '<option value="援青" selected>' in html
    reported = _rows(client.get("/", params={"basis": "reported"}).text)
    assert reported and all("本语料报道" in row[4] for row in reported)
    old = _rows(client.get("/", params={"year": "2009"}).text)
    assert old
    for row in old:  # in force in 2009: started by then, not ended before
        years = [int(y) for y in re.findall(r"\d{4}", row[3])]
        assert not years or (years[0] <= 2009 and (len(years) == 1 or years[1] >= 2009)), row
    assert client.get("/", params={"year": "abc"}).status_code == 422


def test_ask_page_shows_the_answer_as_the_cli_gives_it(client):
    from duikou.answer import ask

    html = client.get("/ask", params={"q": SEED}).text
    answer = ask(SEED, client.app.state.store)
    assert unescape(html).count('class="part verdict-') == len(answer.parts) == 2
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert answer.summary in text
    for part in answer.parts:
        assert part.statement in text
        for fact in part.facts:
            for q in fact.quotes:
                assert q["quote"] in text
    assert client.get("/ask").status_code == 200


def test_region_page(client):
    html = client.get("/regions/632500").text
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert "青海省海南藏族自治州" in text
    assisted = text.split("谁对口支援", 1)[1].split("对口支援谁", 1)[0]
    assert "江苏省" in assisted and "官方安排" in assisted and "本语料报道" in assisted
    assert 'href="/documents/' in html
    assert client.get("/regions/000001").status_code == 404


def test_document_page_highlights_its_evidence(client):
    from duikou import browse

    store = client.app.state.store
    doc = next(d for d in browse.documents(store)["items"] if d["pairings"])
    data = browse.document(store, doc["doc_id"])
    html = client.get("/documents/" + doc["doc_id"]).text
    marks = re.findall(r'<mark[^>]* class="ev[^"]*"[^>]*data-quote="([^"]*)"[^>]*>(.*?)</mark>', html, re.DOTALL)
    assert marks
    assert {unescape(q) for q, _ in marks} <= {s["quote"] for s in data["spans"]}
    shown = "".join(unescape(m) for _, m in marks)
    assert all(s["quote"] in shown or s["quote"] in data["text"] for s in data["spans"])
    assert unescape(html).count(data["text"][:10]) >= 1
    raw = client.get("/documents/" + doc["doc_id"] + "/raw")
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("text/plain")
    assert raw.headers["x-content-type-options"] == "nosniff"
    assert client.get("/documents/no-such-document").status_code == 404


def test_split_document_ids_with_hash_are_reachable(client):
    from duikou import browse

    split = [d for d in browse.documents(client.app.state.store)["items"] if "#" in d["doc_id"]]
    assert split, "the examples hold a page cut into several articles"
    for d in split:
        html = client.get("/documents/" + d["doc_id"].replace("#", "%23")).text
        assert unescape(html).count(d["title"]) >= 1


def test_a_page_containing_script_renders_as_text(client):
    html = client.get("/documents/xss-probe").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;援青探针" in html
    assert 'href="javascript:' not in html
    raw = client.get("/documents/xss-probe/raw")
    assert raw.headers["content-type"].startswith("text/plain") and "default-src 'none'" in raw.headers[
        "content-security-policy"]
    for page in ("/regions/632500", "/ask?q=" + SEED, "/"):
        body = client.get(page).text
        assert "<script>alert" not in body, page
        assert "javascript:alert" not in body, page


def test_static_files_are_confined_to_the_static_folder(client):
    r = client.get("/static/vendor/echarts.min.js")
    assert r.status_code == 200 and "max-age" in r.headers["cache-control"]
    assert client.get("/static/vendor/china.json").json()["features"]
    for path in ("/static/../pages.py", "/static/%2e%2e/pages.py", "/static/..%2fpages.py", "/static/nothing.js"):
        assert client.get(path).status_code == 404, path


def test_segments_cut_at_every_span_boundary():
    from duikou.web.pages import segments

    text = "甲对口支援乙。丙对口帮扶丁。"
    a = {"start": 0, "end": 7, "kind": "pairing", "quote": text[0:7]}
    b = {"start": 3, "end": 14, "kind": "claim", "quote": text[3:14]}
    out = segments(text, [b, a, {"start": 50, "end": 60, "kind": "pairing", "quote": ""}])
    assert "".join(piece for piece, _ in out) == text
    assert [(piece, [s["kind"] for s in cov]) for piece, cov in out] == [
        ("甲对口", ["pairing"]), ("支援乙。", ["claim", "pairing"]), ("丙对口帮扶丁。", ["claim"])]


def test_quote_links_land_on_their_highlighted_span(client):
    html = client.get("/regions/632500").text
    links = set(re.findall(r'href="(/documents/[^"#]+)#ev-(\d+)"', html))
    assert links
    for path, start in links:
        page = client.get(path).text
        found = re.search(rf'<mark id="ev-{start}" class="ev[^"]*" data-start="(\d+)"[^>]*data-quote="([^"]*)"', page)
        assert found, (path, start)
        assert found.group(1) == start


def test_pages_carry_an_etag_and_a_content_security_policy(client):
    first = client.get("/regions/632500")
    assert "script-src 'self'" in first.headers["content-security-policy"]
    assert "unsafe-inline" not in first.headers["content-security-policy"].split("script-src", 1)[1].split(";")[0]
    again = client.get("/regions/632500", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and not again.content
    assert client.get("/regions/632500").text == first.text
    other = client.get("/regions/630000")
    assert other.headers["etag"] != first.headers["etag"]
