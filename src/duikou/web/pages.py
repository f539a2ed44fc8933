"""Server-rendered HTML pages (Jinja2 templates, vendored static assets)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
