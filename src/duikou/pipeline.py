"""The pipeline for one page: split -> clean -> relevance -> mentions -> extract.

Each step is a pure function of one document, so the local engine and the Spark engine
run exactly this code.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import replace

from duikou import settings
from duikou.clean import clean_text, publication_date, relevance_score, split_articles
from duikou.clean.dedup import document_signatures
from duikou.extract.claims import extract_claims
from duikou.extract.pairings import extract_pairings
from duikou.models import Claim, Document, Pairing, ProcessedDocument, RawPage
from duikou.regions import default_gazetteer


def content_hash(text: str) -> str:
    # surrogatepass: a lone surrogate (a .jsonl "\ud800" escape) must not stop the run
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _title(page: RawPage, text: str) -> str | None:
    """The page's own title when it has one, else the article's first line if it is short."""
    first = text.strip().split("\n", 1)[0].strip()
    return page.meta.get("title") or (first if 0 < len(first) <= 40 else None)


def documents_of(page: RawPage) -> list[Document]:
    """Split a page into articles and clean each one."""
    spans = split_articles(page.text) or [(0, len(page.text))]
    documents = []
    for number, (start, end) in enumerate(spans):
        raw = page.text[start:end]
        text, offsets = clean_text(raw)
        if not text.strip():
            continue  # page furniture only (menus, link lists): nothing to store
        doc_id = page.source_id if len(spans) == 1 else f"{page.source_id}#{number + 1}"
        published = publication_date(raw, page.url, page.meta)
        documents.append(Document(
            doc_id=doc_id, source_id=page.source_id, raw_text=raw, text=text, offsets=offsets,
            path=page.path, url=page.url, published=published, title=_title(page, text),
            relevance=relevance_score(text), meta=dict(page.meta),
        ))
    return documents


def attribute_claims(claims: list[Claim], pairings: list[Pairing]) -> list[Claim]:
    """A figure whose sentence names no donor or recipient belongs to the document's main
    pairing, when one pairing clearly dominates the document (stated at least twice as often
    as any other)."""
    counts = Counter((p.donor, p.recipient) for p in pairings)
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] < 2 * ranked[1][1]):
        return claims
    donor, recipient = ranked[0][0]
    out = []
    for claim in claims:
        if claim.subject is None and claim.object in (None, recipient):
            claim = replace(claim, subject=donor, object=recipient)
        elif claim.object is None and claim.subject == donor:
            claim = replace(claim, object=recipient)
        out.append(claim)
    return out


def process_document(document: Document) -> ProcessedDocument:
    mentions = default_gazetteer().find_mentions(document.text)
    pairings, claims = [], []
    if document.relevance >= settings.RELEVANCE_THRESHOLD:
        pairings = extract_pairings(document.text, mentions, document.published)
        claims = attribute_claims(extract_claims(document.text, mentions, document.published), pairings)
    signature, paragraphs = document_signatures(document.text)
    return ProcessedDocument(document, mentions, pairings, claims, content_hash(document.raw_text),
                             signature, paragraphs)


def process_page(page: RawPage) -> list[ProcessedDocument]:
    return [process_document(d) for d in documents_of(page)]
