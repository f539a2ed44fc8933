"""Server-rendered HTML pages (Jinja2 templates, vendored static assets).

Every page is a thin view over the library: duikou.browse for pairings, regions, documents and
stats, duikou.answer.ask for the ask page (the same Answer the CLI prints). Jinja2 autoescapes
every template, so scraped text (titles, quotes, whole documents) is always shown as text.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from jinja2 import Environment, PackageLoader

from duikou.web import geo

router = APIRouter(include_in_schema=False)

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
MAX_PAIRINGS = 5000  # the home page draws at most this many pairings (filters narrow it)
TABLE_ROWS = 100
SANKEY_LINKS = 60
PAGE_CACHE_SIZE = 64  # pages of up to a few hundred KB
# pages run only the app's own scripts (no inline script, nothing from elsewhere): an injected
# <script> would not run even if it ever got past the escaping
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                                           "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                                           "form-action 'self'; frame-ancestors 'none'"}
VERDICT_MARKS = {"yes": "✔", "found": "✔", "no": "✘", "not_found": "?"}
STAT_LABELS = (("documents", "文档"), ("distinct_documents", "不重复文档"), ("claims", "报道的数字"))


def _doc_path(doc_id: str) -> str:
    """A doc_id as a URL path segment (keeps '/', escapes '#', '?', '%', spaces, ...)."""
    return quote(str(doc_id), safe="/")


def _safe_url(url: str | None) -> str:
    """Only http(s) links from scraped metadata; anything else (javascript:, data:) becomes '#'."""
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return "#"


def _environment() -> Environment:
    from duikou.answer.respond import format_period, format_value

    env = Environment(loader=PackageLoader("duikou.web", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["docpath"] = _doc_path
    env.filters["safe_url"] = _safe_url
    env.filters["value"] = format_value
    env.filters["period"] = format_period
    return env


templates = _environment()


def _store(request: Request):
    return request.app.state.store


View = tuple[str, int, dict[str, Any]]  # template, status code, context


class _PageCache:
    """Rendered pages by (data version, path, query): a small thread-safe LRU, so a page is
    computed once per change of the store (the store's data version is part of the key)."""

    def __init__(self, size: int = PAGE_CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str, str], tuple[int, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> tuple[int, bytes] | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[str, str, str], value: tuple[int, bytes]) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _page(request: Request, build: Callable[[], View]) -> Response:
    """The page `build` describes, rendered once per data version, with an ETag (304 when the
    browser has it) and a Content-Security-Policy that allows only the app's own scripts."""
    from duikou.web.api import data_version

    state = request.app.state
    if not hasattr(state, "page_cache"):
        state.page_cache = _PageCache()
    key = (data_version(_store(request)), request.url.path, request.url.query)
    etag = '"p' + hashlib.blake2b("|".join(key).encode(), digest_size=12).hexdigest() + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", **PAGE_HEADERS}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    hit = state.page_cache.get(key)
    if hit is None:
        name, status, context = build()
        context.setdefault("question", "")
        hit = (status, templates.get_template(name).render(context).encode("utf-8"))
        state.page_cache.put(key, hit)
    return Response(hit[1], status_code=hit[0], media_type="text/html; charset=utf-8", headers=headers)


# ---- static files -----------------------------------------------------------------------------

@router.get("/static/{name:path}")
def static(name: str) -> Response:
    """Vendored assets and the app's own CSS/JS, confined to the static folder."""
    path = (STATIC / name).resolve()
    if not path.is_relative_to(STATIC) or not path.is_file():
        raise HTTPException(404, "no such file")
    media = "application/json" if path.suffix == ".json" else None
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=86400"})


# ---- home ---------------------------------------------------------------------------------------

def flow_data(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Map lines (pairings merged when both ends fall on the same points), the points themselves
    and a province-level Sankey (top links), from browse.pairings items."""
    lines: dict[tuple, dict[str, Any]] = {}
    points: dict[tuple, dict[str, Any]] = {}
    provinces: dict[tuple[str, str], int] = defaultdict(int)
    for item in items:
        donor, recipient = item.get("donor") or {}, item.get("recipient") or {}
        start, end = geo.region_point(donor), geo.region_point(recipient)
        if start and end and start != end:
            line = lines.setdefault((start, end), {"from": list(start), "to": list(end), "donor": donor.get("name"),
                                                   "recipient": recipient.get("name"), "count": 0, "programmes": []})
            line["count"] += 1
            if item.get("programme") and item["programme"] not in line["programmes"]:
                line["programmes"].append(item["programme"])
            for role, region, at in (("donor", donor, start), ("recipient", recipient, end)):
                point = points.setdefault((role, at), {"name": region.get("name"), "code": region.get("code"),
                                                       "role": role, "value": [at[0], at[1], 0]})
                point["value"][2] += 1
        provinces[(_province_name(donor), _province_name(recipient))] += 1
    top = sorted(((k, v) for k, v in provinces.items() if k[0] and k[1]), key=lambda kv: (-kv[1], kv[0]))
    top = top[:SANKEY_LINKS]
    nodes = sorted({"d:" + d for (d, _), _ in top} | {"r:" + r for (_, r), _ in top})
    return {"lines": sorted(lines.values(), key=lambda x: (-x["count"], x["donor"] or "", x["recipient"] or "")),
            "points": sorted(points.values(), key=lambda p: (p["role"], p["name"] or "")),
            "sankey": {"nodes": [{"name": n} for n in nodes],
                       "links": [{"source": "d:" + d, "target": "r:" + r, "value": v} for (d, r), v in top]}}


def _province_name(region: dict[str, Any]) -> str | None:
    """The province a region lies in, by code (short province names never stand for prefectures)."""
    code = region.get("code")
    if code and len(code) == 6:
        entry = geo.points().get(code[:2] + "0000")
        if entry:
            return _PROVINCE_NAMES.get(code[:2], entry[0])
    name = region.get("name") or ""
    return "新疆兵团" if name.startswith("新疆生产建设兵团") else None


_PROVINCE_NAMES = {"11": "北京", "12": "天津", "31": "上海", "50": "重庆"}


def _year(value: str | None) -> int | None:
    if value is None or not str(value).strip():
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise HTTPException(422, "year must be a number, e.g. 2015") from None
    if not 1900 <= year <= 2200:
        raise HTTPException(422, "year out of range")
    return year


@router.get("/", response_class=HTMLResponse)
def home(request: Request, programme: str | None = None, year: str | None = None, basis: str | None = None):
    """The map of who assists whom, a Sankey of the same flows, filters, totals and the ask box."""
    from duikou import browse

    filters = {"programme": programme if programme in browse.PROGRAMMES else None, "year": _year(year),
               "basis": basis if basis in browse.BASES else None}

    def build() -> View:
        store = _store(request)
        result = browse.pairings(store, limit=MAX_PAIRINGS, **filters)
        items = result["items"]
        by_basis = {b: sum(1 for p in items if b in (p.get("basis") or [])) for b in browse.BASES}
        query = urlencode({k: v for k, v in filters.items() if v is not None})
        return "home.html", 200, {
            "programmes": browse.PROGRAMMES, "filters": filters, "total": result["total"], "shown": len(items),
            "items": items[:TABLE_ROWS], "by_basis": by_basis, "stats": _flat_stats(browse.stats(store)),
            "stat_labels": STAT_LABELS, "flows": flow_data(items), "query": query}

    return _page(request, build)


def _flat_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """Top-level numbers of browse.stats (it may nest the store's counts)."""
    flat = {k: v for k, v in stats.items() if isinstance(v, (int, float))}
    for value in stats.values():
        if isinstance(value, dict):
            flat.update({k: v for k, v in value.items() if isinstance(v, (int, float)) and k not in flat})
    return flat


# ---- ask ----------------------------------------------------------------------------------------

@router.get("/ask", response_class=HTMLResponse)
def ask_page(request: Request, q: str | None = Query(None, max_length=500)):
    """The answer with its evidence, as `duikou ask` gives it."""
    from duikou.answer import ask
    from duikou.answer.render import MAX_OFFICIAL_LINES, _headline

    question = (q or "").strip()

    def build() -> View:
        if not question:
            return "ask.html", 200, {"answer": None}
        answer = ask(question, _store(request))
        headlines = [_headline(part)[:MAX_OFFICIAL_LINES] for part in answer.parts]
        return "ask.html", 200, {"answer": answer, "headlines": headlines, "marks": VERDICT_MARKS,
                                 "question": question}

    return _page(request, build)


# ---- region -------------------------------------------------------------------------------------

@router.get("/regions/{code}", response_class=HTMLResponse)
def region_page(request: Request, code: str):
    """Who assists the region and whom it assists, the figures reported, a timeline, the documents."""
    from duikou import browse

    def build() -> View:
        data = browse.region(_store(request), code)
        if not data:
            return "error.html", 404, {"message": f"没有这个地区：{code}"}
        return "region.html", 200, {"r": data}

    return _page(request, build)


# ---- documents ----------------------------------------------------------------------------------

def span_label(span: dict[str, Any]) -> str:
    """What a highlighted span is evidence of, for its tooltip."""
    if span.get("kind") == "pairing":
        donor, recipient = (span.get("donor") or {}).get("name"), (span.get("recipient") or {}).get("name")
        return f"{donor} → {recipient}（{span.get('programme') or ''}）"
    if span.get("kind") == "claim":
        from duikou.answer.respond import format_value

        value = format_value(span["value"], span.get("unit") or "") if span.get("value") is not None else ""
        return f"{span.get('measure') or ''} {value}".strip()
    return span.get("kind") or ""


def segments(text: str, spans: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The text cut at every span boundary: (piece, the spans covering it). Overlapping spans
    (one sentence evidencing two pairings) give pieces covered by both; spans are clipped to the text."""
    cuts = {0, len(text)}
    kept = []
    for span in spans:
        start, end = max(0, span["start"]), min(span["end"], len(text))
        if start < end:
            kept.append((start, end, span))
            cuts.update((start, end))
    bounds = sorted(cuts)
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for a, b in pairwise(bounds):
        covering = [span for start, end, span in kept if start <= a and b <= end]
        if out and not covering and not out[-1][1]:
            out[-1] = (out[-1][0] + text[a:b], [])
        else:
            out.append((text[a:b], covering))
    return out


@router.get("/documents/{doc_id:path}/raw", response_class=PlainTextResponse)
def document_raw(request: Request, doc_id: str):
    """The document's raw text as read, before cleaning, as plain text (never HTML)."""
    row = _store(request).document(doc_id)
    if row is None:
        raise HTTPException(404, f"no document {doc_id}")
    return PlainTextResponse(row["raw_text"], headers={"X-Content-Type-Options": "nosniff",
                                                       "Content-Security-Policy": "default-src 'none'"})


@router.get("/documents/{doc_id:path}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str):
    """The cleaned text with its evidence spans highlighted."""
    from duikou import browse

    def build() -> View:
        data = browse.document(_store(request), doc_id)
        if not data:
            return "error.html", 404, {"message": f"没有这篇文档：{doc_id}"}
        spans = data.get("spans") or []
        pieces, at = [], 0
        for piece, covering in segments(data.get("text") or "", spans):
            anchor = f"ev-{at}" if any(s["start"] == at for s in covering) else None  # links land on #ev-START
            pieces.append((piece, covering, "；".join(dict.fromkeys(span_label(s) for s in covering)), anchor))
            at += len(piece)
        return "document.html", 200, {"d": data, "doc_id": data.get("doc_id") or doc_id, "pieces": pieces,
                                      "spans": spans}

    return _page(request, build)

