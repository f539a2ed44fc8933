"""The application factory: one Store, the API router and the page router, the OpenAPI docs
served from local files (no CDN), and the write-side configuration (token, folders, limits)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from typing import Any

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from duikou.store import Store, open_store
from duikou.web.security import WebConfig

#: sent with every response: JSON is never sniffed as HTML, pages are not framed by other sites
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                    "Referrer-Policy": "same-origin"}


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every response that lacks them."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _v in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.extra if k not in present]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(db: str | Store | None = None, config: WebConfig | None = None) -> FastAPI:
    """An app serving the store at `db` (path, URL or an open Store). config: the write side
    (default: from the environment, see WebConfig.from_env; without a token writes answer 403)."""
    from duikou.web import api, pages
    from duikou.web.jobs import Jobs

    store = db if isinstance(db, Store) else open_store(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.jobs.shutdown()  # let a running ingest finish its document

    app = FastAPIOffline(title="duikou", version="1", lifespan=lifespan,
                         description="Who assists whom in China's counterpart assistance, with evidence. "
                                     "Read endpoints are public; write endpoints need the bearer token.")
    app.state.store = store
    app.state.config = config if config is not None else WebConfig.from_env()
    app.state.jobs = Jobs(store, app.state.config.ingest_batch)

    app.state.api_cache = api._Cache()
    app.add_middleware(api.CachedReads, state=app.state)
    app.add_middleware(SecurityHeaders)

    app.include_router(api.router)
    app.include_router(pages.router)
    return app


def app_from_env() -> FastAPI:
    """The app for `duikou serve --workers N` (each worker process builds its own): the store
    from $DUIKOU_SERVE_DB (else $DUIKOU_DB), the rest from the environment (WebConfig.from_env)."""
    import os

    return create_app(os.environ.get("DUIKOU_SERVE_DB") or None)
