"""The application factory: one Store, the API router and the page router."""

from __future__ import annotations

from fastapi import FastAPI

from duikou.store import Store, open_store


def create_app(db: str | Store | None = None) -> FastAPI:
    """An app serving the store at `db` (path, URL or an open Store)."""
    from duikou.web import api, pages

    store = db if isinstance(db, Store) else open_store(db)
    app = FastAPI(title="duikou", description="Who assists whom in China's counterpart assistance, with evidence.")
    app.state.store = store
    app.include_router(api.router)
    app.include_router(pages.router)
    return app
