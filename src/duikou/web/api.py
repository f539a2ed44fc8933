"""JSON endpoints under /api/: thin handlers over duikou.browse and duikou.answer.

Every read answer carries an ETag (the store's data version and the request) and
`Cache-Control: no-cache`, so clients revalidate cheaply (304); answers are cached in memory per
data version, so repeated reads cost one small query. Lists take `limit`/`offset` (stable
order) and `format=csv` for a CSV export of the same rows. Write endpoints (ingest) need the
bearer token from the server's configuration."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from duikou import browse
from duikou.store import Store
from duikou.web.security import PathRefused, config_of, confine, require_token, safe_name

router = APIRouter(prefix="/api")

Programme = Literal[browse.PROGRAMMES]  # type: ignore[valid-type]
Basis = Literal["official", "reported"]
Format = Literal["json", "csv"]
RegionList = Literal["assists", "assisted_by", "figures", "timeline", "documents"]

LIMIT = Query(100, ge=0, le=10000, description="items per page")
OFFSET = Query(0, ge=0, le=10**9, description="items to skip (stable order)")
FORMAT = Query("json", description="json, or csv: the same items as CSV (nested values flattened)")
YEAR = Query(None, ge=1900, le=2100, description="only what was in force (figures: whose period covers) that year")
PROGRAMME = Query(None, description="programme (official and reported alike)")
BASIS = Query(None, description="official: in the registry; reported: in the corpus (items having it)")
CACHE_SIZE = 4096


# ---- caching and encoding --------------------------------------------------------------------------

data_version = browse.data_version


class _Cache:
    """A small thread-safe LRU of encoded answers, keyed by request and data version."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], tuple[bytes, str, dict[str, str], str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> tuple[bytes, str, dict[str, str], str] | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple[Any, ...], value: tuple[bytes, str, dict[str, str], str]) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def _cache(request: Request) -> _Cache:
    state = request.app.state
    if not hasattr(state, "api_cache"):
        state.api_cache = _Cache()
    return state.api_cache


def _etag(version: str, path: str, query: bytes) -> str:
    return '"' + hashlib.blake2b(f"{version}|{path}?".encode() + query, digest_size=12).hexdigest() + '"'


def _not_modified(etag: str, if_none_match: str | None) -> bool:
    return bool(if_none_match) and etag in [t.strip() for t in if_none_match.split(",")]


class CachedReads:
    """ASGI middleware in front of the app: a GET under /api/ whose answer is already cached for
    the store's current data version is answered from the cache (or 304) without routing or
    parameter parsing again. Only answers the handlers made (valid requests) are ever cached."""

    def __init__(self, app: Any, state: Any) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith("/api/"):
            return await self.app(scope, receive, send)
        cache: _Cache | None = getattr(self.state, "api_cache", None)
        if cache is None:
            return await self.app(scope, receive, send)
        version = data_version(self.state.store)
        hit = cache.get((version, scope["path"], scope["query_string"]))
        if hit is None:
            return await self.app(scope, receive, send)
        body, media_type, extra, etag = hit
        headers = [(b"etag", etag.encode()), (b"cache-control", b"no-cache")]
        if_none_match = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"if-none-match"), None)
        if _not_modified(etag, if_none_match):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [(b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode())]
        headers += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def encode_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _cell(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
            return ";".join("" if v is None else str(v) for v in value)
        return json.dumps(value, ensure_ascii=False)
    return value


def flatten(item: dict[str, Any]) -> dict[str, Any]:
    """A CSV row: a region {"code","name"} becomes two columns (donor_code, donor); other nested
    values become JSON text, lists of plain values `;`-joined."""
    row: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(value, dict) and set(value) <= {"code", "name", "level"} and value:
            row[f"{key}_code"] = value.get("code")
            row[key] = value.get("name")
        else:
            row[key] = _cell(value)
    return row


def encode_csv(items: list[dict[str, Any]]) -> bytes:
    rows = [flatten(i) for i in items]
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _headers(etag: str) -> dict[str, str]:
    return {"ETag": etag, "Cache-Control": "no-cache"}


async def _answer(request: Request, compute: Callable[[Store], Any], fmt: str = "json",
                  items: Callable[[Any], list[dict[str, Any]]] = lambda v: v["items"], name: str = "items") -> Response:
    """The cached, ETagged answer of compute(store) as JSON, or its items as CSV."""
    store: Store = request.app.state.store
    version = data_version(store)
    path, query = request.scope["path"], request.scope["query_string"]
    etag = _etag(version, path, query)
    if _not_modified(etag, request.headers.get("if-none-match")):
        return Response(status_code=304, headers=_headers(etag))
    key = (version, path, query)
    cache = _cache(request)
    hit = cache.get(key)
    if hit is None:
        try:
            value = await run_in_threadpool(compute, store)
        except browse.FilterError as exc:
            raise HTTPException(422, str(exc)) from exc
        if value is None:
            raise HTTPException(404, "not found")
        if fmt == "csv":
            hit = (encode_csv(items(value)), "text/csv; charset=utf-8",
                   {"Content-Disposition": f'attachment; filename="duikou-{name}.csv"'}, etag)
        else:
            hit = (encode_json(value), "application/json", {}, etag)
        cache.put(key, hit)
    body, media_type, extra, _etag_then = hit
    return Response(body, media_type=media_type, headers={**_headers(etag), **extra})


LIST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "{total, limit, offset, items}; with format=csv the items as CSV",
          "content": {"application/json": {}, "text/csv": {}}},
    304: {"description": "not modified (If-None-Match matched the ETag)"},
    422: {"description": "a filter cannot be used (unknown region, programme, basis)"},
}
ONE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}}},
    304: {"description": "not modified (If-None-Match matched the ETag)"},
    404: {"description": "not found"},
}


# ---- read endpoints ---------------------------------------------------------------------------------

@router.get("/pairings", responses=LIST_RESPONSES, tags=["read"])
async def pairings(request: Request,
                   donor: str | None = Query(None, max_length=100, description="code or name, e.g. 江苏 or 320000"),
                   recipient: str | None = Query(None, max_length=100, description="code or name, e.g. 青海"),
                   programme: Programme | None = PROGRAMME, year: int | None = YEAR,
                   basis: Basis | None = BASIS, limit: int = LIMIT, offset: int = OFFSET,
                   format: Format = FORMAT) -> Response:
    """Who assists whom: official arrangements (registry) and reported pairings (corpus) merged,
    one item per donor, recipient and programme, with since/until, basis and sources."""
    return await _answer(request, lambda st: browse.pairings(st, donor, recipient, programme, year, basis,
                                                             limit, offset), format, name="pairings")


@router.get("/claims", responses=LIST_RESPONSES, tags=["read"])
async def claims(request: Request,
                 subject: str | None = Query(None, max_length=100, description="assisting region: code or name"),
                 object: str | None = Query(None, max_length=100, description="assisted region: code or name"),
                 measure: str | None = Query(None, max_length=64, description="e.g. 援助资金"),
                 year: int | None = YEAR, limit: int = LIMIT, offset: int = OFFSET,
                 format: Format = FORMAT) -> Response:
    """Reported figures (money, projects, cadres ...), one item per figure with its best quotes."""
    return await _answer(request, lambda st: browse.claims(st, subject, object, measure, year, limit, offset),
                         format, name="claims")


@router.get("/regions", responses=LIST_RESPONSES, tags=["read"])
async def regions(request: Request,
                  q: str | None = Query(None, max_length=100, description="a code prefix or part of the name"),
                  programme: Programme | None = PROGRAMME, year: int | None = YEAR, basis: Basis | None = BASIS,
                  limit: int = LIMIT, offset: int = OFFSET, format: Format = FORMAT) -> Response:
    """Regions that assist or are assisted, with how many pairings each has on either side."""
    return await _answer(request, lambda st: browse.regions(st, q, programme, year, basis, limit, offset),
                         format, name="regions")


@router.get("/regions/{code}", responses={**ONE_RESPONSES, 200: LIST_RESPONSES[200]}, tags=["read"])
async def region(request: Request, code: str = Path(..., max_length=100, description="GB/T 2260 code or a name"),
                 format: Format = FORMAT,
                 list: RegionList = Query("assists", description="with format=csv: which list of the page")) -> Response:
    """A region: who assists it and whom it assists, figures reported (conflicting values side
    by side), timeline, documents."""
    return await _answer(request, lambda st: browse.region(st, code), format, items=lambda v: v[list],
                         name=f"region-{list}")


@router.get("/documents", responses=LIST_RESPONSES, tags=["read"])
async def documents(request: Request,
                    q: str | None = Query(None, max_length=200, description="part of the title, doc id or URL"),
                    limit: int = LIMIT, offset: int = OFFSET, format: Format = FORMAT) -> Response:
    """Stored documents (without text), ordered by doc id, with their evidence counts."""
    return await _answer(request, lambda st: browse.documents(st, q, limit, offset), format, name="documents")


@router.get("/documents/{doc_id:path}", responses=ONE_RESPONSES, tags=["read"])
async def document(request: Request, doc_id: str, raw: bool = Query(False, description="include the raw text"),
                   format: Format = FORMAT) -> Response:
    """One document (by doc id or source id): clean text, evidence spans [{start, end, kind,
    quote}] with quote == text[start:end], source id, URL, title."""
    return await _answer(request, lambda st: browse.document(st, doc_id, raw), format,
                         items=lambda v: v["spans"], name="spans")


@router.get("/ask", responses=ONE_RESPONSES, tags=["read"])
async def ask(request: Request, q: str = Query(..., min_length=1, max_length=500, description="a question in Chinese"),
              as_of: int | None = Query(None, ge=1900, le=2100, description="answer for that year")) -> Response:
    """The answer to a question: exactly the JSON of `duikou ask --json` (docs/ask-json.md)."""
    from duikou.answer import ask as run_ask

    return await _answer(request, lambda st: run_ask(q, st, as_of=as_of).as_dict())


@router.get("/search", responses=LIST_RESPONSES, tags=["read"])
async def search(request: Request, q: str = Query(..., min_length=1, max_length=500),
                 limit: int = Query(10, ge=0, le=100), format: Format = FORMAT) -> Response:
    """Stored passages related to free text (BM25), best first."""
    return await _answer(request, lambda st: browse.search(st, q, limit), format, name="passages")


@router.get("/stats", responses=ONE_RESPONSES, tags=["read"])
async def stats(request: Request) -> Response:
    """Totals: documents, pairings, figures, evidence; pairings per programme; registry size."""
    return await _answer(request, browse.stats)


# ---- write endpoints --------------------------------------------------------------------------------

def _jobs(request: Request):
    return request.app.state.jobs


def _accepted(job: Any) -> JSONResponse:
    return JSONResponse(job.as_dict(), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})


class _TooLarge(Exception):
    pass


def _limited(receive: Callable[[], Any], limit: int) -> Callable[[], Any]:
    """The request body, refused past `limit` bytes whatever Content-Length said."""
    seen = 0

    async def inner() -> Any:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit:
            raise _TooLarge
        return message
    return inner


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["files"],
    "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}}}}}


@router.post("/ingest", status_code=202, dependencies=[Depends(require_token)], openapi_extra=UPLOAD_BODY,
             tags=["write"], responses={401: {}, 403: {}, 411: {}, 413: {}, 422: {}})
async def ingest_upload(request: Request) -> JSONResponse:
    """Upload files (field `files`: .txt .html .jsonl .warc .warc.gz) to ingest in the background;
    202 with the job, whose progress is at /api/jobs/{id}. Size and count limits apply."""
    config = config_of(request)
    length = request.headers.get("content-length")
    if length is None:
        raise HTTPException(411, "Content-Length is required")
    if not length.isdigit() or int(length) > config.max_request_bytes:
        raise HTTPException(413, f"upload larger than {config.max_request_bytes} bytes")
    limited = Request(request.scope, _limited(request.receive, config.max_request_bytes))
    try:
        form = await limited.form(max_files=config.max_files, max_fields=config.max_files + 8)
    except _TooLarge:
        raise HTTPException(413, f"upload larger than {config.max_request_bytes} bytes") from None
    try:
        uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile)]
        if not uploads:
            raise HTTPException(422, "no files: send them as multipart field `files`")
        saved = []
        folder = config.uploads()
        for upload in uploads:
            try:
                name = safe_name(upload.filename)
            except PathRefused as exc:
                raise HTTPException(422, str(exc)) from exc
            if upload.size is not None and upload.size > config.max_file_bytes:
                raise HTTPException(413, f"{name}: larger than {config.max_file_bytes} bytes")
            data = await upload.read(config.max_file_bytes + 1)
            if len(data) > config.max_file_bytes:
                raise HTTPException(413, f"{name}: larger than {config.max_file_bytes} bytes")
            # named by content: the same upload again is the same file (ingest: unchanged)
            path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}_{name}"
            if not path.exists():
                path.write_bytes(data)
            saved.append(path)
    finally:
        await form.close()
    return _accepted(_jobs(request).submit(saved))


class PathsBody(BaseModel):
    paths: list[str] = Field(..., min_length=1, max_length=1000,
                             description="files or folders inside the configured ingest folders")


@router.post("/ingest/paths", status_code=202, dependencies=[Depends(require_token)], tags=["write"],
             responses={401: {}, 403: {}, 413: {}, 422: {}})
async def ingest_paths(request: Request, body: PathsBody) -> JSONResponse:
    """Ingest files or folders the server can read, confined to its configured folders
    (DUIKOU_INGEST_FOLDERS); any other path is refused (403)."""
    config = config_of(request)
    if len(body.paths) > config.max_files:
        raise HTTPException(413, f"more than {config.max_files} paths")
    try:
        paths = [confine(p, config.folders) for p in body.paths]
    except PathRefused as exc:
        raise HTTPException(403, str(exc)) from exc
    return _accepted(_jobs(request).submit(paths))


@router.get("/jobs", dependencies=[Depends(require_token)], tags=["write"], responses={401: {}, 403: {}})
async def jobs(request: Request) -> JSONResponse:
    """Ingest jobs, oldest first, with their progress."""
    return JSONResponse([j.as_dict() for j in _jobs(request).all()])


@router.get("/jobs/{job_id}", dependencies=[Depends(require_token)], tags=["write"],
            responses={401: {}, 403: {}, 404: {}})
async def job(request: Request, job_id: str = Path(..., max_length=64)) -> JSONResponse:
    """One ingest job: queued, running (pages and documents so far), done (the ingest report) or failed."""
    found = _jobs(request).get(job_id)
    if found is None:
        raise HTTPException(404, "no such job")
    return JSONResponse(found.as_dict())
