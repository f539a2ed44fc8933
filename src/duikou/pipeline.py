"""The pipeline for one page: split -> clean -> relevance -> mentions -> extract.

Each step is a pure function of one document, so the local engine and the Spark engine
run exactly this code.
"""

from __future__ import annotations

import hashlib

from duikou import settings
from duikou.clean import clean_text, relevance_score, split_articles
from duikou.clean.dedup import minhash_signature
from duikou.extract.pairings import extract_pairings
from duikou.models import Document, ProcessedDocument, RawPage
from duikou.regions import default_gazetteer

try:  # claims arrive with the claim extractor
    from duikou.extract.claims import extract_claims
except ImportError:  # pragma: no cover - during bootstrap only
    extract_claims = None  # type: ignore[assignment]

try:
    from duikou.clean import publication_date
except ImportError:  # pragma: no cover
    publication_date = None  # type: ignore[assignment]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def documents_of(page: RawPage) -> list[Document]:
    """Split a page into articles and clean each one."""
    spans = split_articles(page.text) or [(0, len(page.text))]
    documents = []
    for number, (start, end) in enumerate(spans):
        raw = page.text[start:end]
        text, offsets = clean_text(raw)
        doc_id = page.source_id if len(spans) == 1 else f"{page.source_id}#{number + 1}"
        published = publication_date(raw, page.url, page.meta) if publication_date else None
        documents.append(Document(
            doc_id=doc_id, source_id=page.source_id, raw_text=raw, text=text, offsets=offsets,
            path=page.path, url=page.url, published=published,
            relevance=relevance_score(text), meta=dict(page.meta),
        ))
    return documents


def process_document(document: Document) -> ProcessedDocument:
    mentions = default_gazetteer().find_mentions(document.text)
    pairings, claims = [], []
    if document.relevance >= settings.RELEVANCE_THRESHOLD:
        pairings = extract_pairings(document.text, mentions, document.published)
        if extract_claims is not None:
            claims = extract_claims(document.text, mentions, document.published)
    return ProcessedDocument(document, mentions, pairings, claims, content_hash(document.raw_text),
                             minhash_signature(document.text))


def process_page(page: RawPage) -> list[ProcessedDocument]:
    return [process_document(d) for d in documents_of(page)]
