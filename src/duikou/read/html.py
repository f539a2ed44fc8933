"""HTML -> main text with Resiliparse (C++, fast, installs as a wheel for Python 3.11).

Why Resiliparse rather than trafilatura: bulk ingest (Common Crawl WARCs) needs speed, and its
main-content mode already drops navigation, headers and footers; what survives is cleaned by
the line rules of duikou.clean. <script>/<style> content never reaches the text.
"""

from __future__ import annotations

import re
from typing import Any

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

_META_DATE_NAMES = (
    "article:published_time",
    "publishdate",
    "publish_date",
    "pubdate",
    "pubtime",
    "publishtime",
    "og:release_date",
    "dc.date",
    "dc.date.issued",
    "date",
    "weibo:article:create_at",
)
_MIN_MAIN_CHARS = 50


def html_to_text(html: str) -> tuple[str, dict[str, Any]]:
    """Main text of a page (falling back to all visible text when main-content extraction
    finds next to nothing) and metadata: title, published (from <meta>) when present."""
    tree = HTMLTree.parse(html)
    meta: dict[str, Any] = {}
    title = (tree.title or "").strip()
    if title:
        meta["title"] = title
    head = tree.head
    if head is not None:
        for el in head.get_elements_by_tag_name("meta"):
            name = (
                el.getattr("name") or el.getattr("property") or el.getattr("itemprop") or ""
            ).lower()
            if name in _META_DATE_NAMES and el.getattr("content"):
                meta["published"] = el.getattr("content").strip()
                break
    text = extract_plain_text(tree, main_content=True, alt_texts=False, links=False)
    if len(text.strip()) < _MIN_MAIN_CHARS:
        full = extract_plain_text(tree, main_content=False, alt_texts=False, links=False)
        if len(full.strip()) > len(text.strip()):
            text = full
    if title and title not in text[:500]:
        text = f"{title}\n\n{text}"
    return re.sub(r"\n{3,}", "\n\n", text).strip(), meta
