"""Browser tests: the app served by uvicorn on a free 127.0.0.1 port, driven by Playwright through
Debian's chromium (never a downloaded browser). Screenshots go to out/screenshots/ (gitignored).

Skipped, with the reason, only when /usr/bin/chromium is absent; `.ci/run` installs it."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "out" / "screenshots"
SEED = "浙江、江苏两个省份是青海的援建省份吗"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
PROBE = {"id": "xss-probe", "url": "javascript:window.__xss=3", "title": "<script>window.__xss=1</script>援青探针",
         "text": "2012年起，江苏省对口支援青海省海南藏族自治州。<script>window.__xss=1</script>"
                 "<img src=x onerror=\"window.__xss=2\">江苏省南京市对口帮扶青海省西宁市。"}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="/usr/bin/chromium is absent (CI installs it with apt: see .ci/run)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The examples corpus plus an XSS probe page, served by uvicorn in a thread."""
    import uvicorn

    from duikou.engines.local import ingest
    from duikou.store import open_store
    from duikou.web import create_app

    folder = tmp_path_factory.mktemp("browser")
    probe = folder / "probe"
    probe.mkdir()
    (probe / "probe.jsonl").write_text(json.dumps(PROBE, ensure_ascii=False) + "\n", encoding="utf-8")
    store = open_store(str(folder / "web.db"))
    ingest([ROOT / "examples" / "corpus", probe], store)
    port = _free_port()
    config = uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    store.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    outside: list[str] = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "about:"))
          else None)
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    yield pg
    context.close()
    assert not outside, f"the app asked for something outside itself: {outside}"
    assert not errors, f"JavaScript errors: {errors}"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _flow_lines(page) -> list[dict]:
    return page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('map'));
        const series = chart.getOption().series.find(s => s.type === 'lines');
        return series.data.map(d => ({donor: d.donor, recipient: d.recipient, coords: d.coords}));
    }""")


def test_home_map_flows_and_programme_filter(server, page):
    page.goto(server + "/")
    page.wait_for_selector("body[data-map=ready]", timeout=20000)
    page.wait_for_selector("body[data-sankey=ready]", timeout=20000)
    assert page.locator("#map canvas").count() >= 1
    lines = _flow_lines(page)
    assert lines, "no flow line on the map"
    hainan_zhou = [line for line in lines if line["recipient"] == "青海省海南藏族自治州"]
    assert hainan_zhou and all(30 < line["coords"][1][1] < 40 for line in hainan_zhou), "海南藏族自治州 must be drawn in Qinghai"
    assert "仅供示意" in page.locator(".views").inner_text()
    total = int(page.locator("#total-pairings").inner_text())
    _shot(page, "home")

    page.select_option("#f-programme", "援青")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/?programme=*")
    page.wait_for_selector("body[data-map=ready]", timeout=20000)
    filtered = int(page.locator("#total-pairings").inner_text())
    assert 0 < filtered < total
    programmes = page.locator("#pairings tbody tr td:nth-child(3)").all_inner_texts()
    assert programmes and set(programmes) == {"援青"}
    assert _flow_lines(page), "no flow line after filtering by programme"
    _shot(page, "home-yuanqing")


def test_ask_seed_question_shows_both_parts(server, page):
    page.goto(server + "/")
    page.fill("header .ask-box input[name=q]", SEED)
    page.press("header .ask-box input[name=q]", "Enter")
    page.wait_for_selector("#answer")
    parts = page.locator("article.part")
    assert parts.count() == 2
    text = page.locator("#answer").inner_text()
    assert "浙江省" in parts.nth(0).inner_text() and "江苏省" in parts.nth(1).inner_text()
    assert "青海省" in text and "官方安排" in text
    quotes = page.locator("article.part blockquote.evidence")
    assert quotes.count() >= 1, "the reported part shows its quotes"
    _shot(page, "ask-seed")


def test_region_page_and_document_with_highlight(server, page):
    page.goto(server + "/regions/632500")
    assert "海南藏族自治州" in page.locator("h1").inner_text()
    donors = page.locator("#assisted-by").inner_text()
    assert "江苏省" in donors
    _shot(page, "region-632500")

    link = page.locator("#assisted-by a[href^='/documents/'][href*='#ev-']").first
    quote = link.locator("xpath=..").inner_text().split("」")[0].lstrip("「")
    link.click()
    page.wait_for_selector("#doc-text")
    marks = page.locator("#doc-text mark.ev")
    assert marks.count() >= 1
    target = page.locator("mark.ev:target")  # the quote followed lands on its highlighted span
    assert target.count() == 1
    assert target.get_attribute("data-quote") == quote
    assert quote.startswith(target.inner_text())
    _shot(page, "document")
    page.click("#raw-link")
    assert page.locator("body").inner_text().strip(), "the raw text view shows the text"


def test_xss_probe_renders_inert(server, page):
    page.goto(server + "/documents/xss-probe")
    page.wait_for_selector("#doc-text")
    assert page.evaluate("() => window.__xss === undefined")
    assert "<script>window.__xss=1</script>援青探针" in page.locator("h1.doc-title").inner_text()
    assert page.locator("a[href^='javascript:']").count() == 0
    page.goto(server + "/documents/xss-probe/raw")
    assert page.evaluate("() => window.__xss === undefined")
    assert page.evaluate("() => document.querySelectorAll('script, img').length") == 0
    _shot(page, "xss-probe")
