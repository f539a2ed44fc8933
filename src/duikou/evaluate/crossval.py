"""K-fold cross-validation by page for the learned decisions (``duikou eval --cv K``).

Why by page: candidates of one page share sentences, places and wording; a fold that trains on
some of a page's candidates and tests on the others measures memory, not generalisation. Folds
are assigned by a hash of the page id, so they are the same on every machine and run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duikou.evaluate.pairings import score_pairings
from duikou.evaluate.run import read_jsonl
from duikou.models import Document, Mention, RawPage


@dataclass
class LabelledDocument:
    page: str
    document: Document
    mentions: list[Mention]
    relevant: bool
    gold_pairings: list[dict] = field(default_factory=list)
    gold_amounts: list[dict] = field(default_factory=list)


def fold_of(page_id: str, k: int) -> int:
    return int(hashlib.sha1(page_id.encode("utf-8")).hexdigest(), 16) % k


def load(pages: Iterable[str | Path], pairings: Iterable[str | Path] = (),
         amounts: Iterable[str | Path] = ()) -> list[LabelledDocument]:
    """Every document of the given pages, cleaned and scanned, with its page's gold rows."""
    from duikou import settings
    from duikou.pipeline import documents_of
    from duikou.regions import default_gazetteer

    gold_p: dict[str, list[dict]] = {}
    for path in pairings:
        for row in read_jsonl(path):
            gold_p.setdefault(str(row["doc"]), []).append(row)
    gold_a: dict[str, list[dict]] = {}
    for path in amounts:
        for row in read_jsonl(path):
            gold_a.setdefault(str(row["doc"]), []).append(row)
    gazetteer = default_gazetteer()
    out = []
    for path in pages:
        for row in read_jsonl(path):
            page = RawPage(source_id=str(row["id"]), text=row.get("text") or "", path=str(path), url=row.get("url"))
            for doc in documents_of(page):
                out.append(LabelledDocument(
                    page.source_id, doc, gazetteer.find_mentions(doc.text),
                    doc.relevance >= settings.RELEVANCE_THRESHOLD,
                    gold_p.get(page.source_id, []), gold_a.get(page.source_id, []),
                ))
    return out


Examples = list[tuple[list[list[float]], list[int]]]  # per document: feature rows, labels


def _examples(docs: Sequence[LabelledDocument], make: Any, field: str) -> Examples:
    """Each document's training rows and labels, made once (a fold trains on a subset of them)."""
    return [make(d.document.text, d.mentions, d.document.published, getattr(d, field)) for d in docs]


def _joined(examples: Examples, chosen: Sequence[int]) -> tuple[list[list[float]], list[int]]:
    rows: list[list[float]] = []
    labels: list[int] = []
    for i in chosen:
        rows += examples[i][0]
        labels += examples[i][1]
    return rows, labels


def pairing_rows(docs: Sequence[LabelledDocument]) -> tuple[list[list[float]], list[int]]:
    from duikou.extract.pairing_decision import pairing_examples

    return _joined(_examples(docs, pairing_examples, "gold_pairings"), range(len(docs)))


def predicted_pairings(docs: Sequence[LabelledDocument], model: Any, threshold: float,
                       with_rules: bool = False) -> list[dict]:
    """The decision's pairings of each relevant document; with_rules, as extract_pairings
    combines them: the rules' pairings and the decision's pairs the rules did not read."""
    from duikou.extract.pairing_decision import decide_pairings
    from duikou.extract.pairings import extract_pairings

    out = []
    for d in docs:
        if not d.relevant:
            continue
        text, mentions, published = d.document.text, d.mentions, d.document.published
        if with_rules:
            found = extract_pairings(text, mentions, published, model, threshold)
        else:
            found = decide_pairings(text, mentions, published, model, threshold)
        for p in found:
            out.append({
                "doc": d.page, "donor": p.donor.full_name, "donor_code": p.donor.code,
                "recipient": p.recipient.full_name, "recipient_code": p.recipient.code,
                "programme": p.programme, "quote": p.evidence.quote,
            })
    return out


def _gold(docs: Sequence[LabelledDocument], field: str) -> list[dict]:
    """The gold rows of the documents' pages, each page once (its documents share them)."""
    seen, out = set(), []
    for d in docs:
        if d.page not in seen:
            seen.add(d.page)
            out += getattr(d, field)
    return out


def _gold_pairings(docs: Sequence[LabelledDocument]) -> list[dict]:
    return _gold(docs, "gold_pairings")


def cross_validate_pairings(docs: Sequence[LabelledDocument], k: int = 5,
                            thresholds: Sequence[float] = (0.3, 0.4, 0.5, 0.6, 0.7),
                            with_rules: bool = False) -> dict[str, Any]:
    """Train on K-1 folds, predict the held-out fold; pooled and per-fold scores per threshold
    (with_rules: scored as extract_pairings combines the rules and the decision)."""
    from duikou.extract.pairing_decision import pairing_examples, train_pairing_model

    examples = _examples(docs, pairing_examples, "gold_pairings")
    preds: dict[float, list[dict]] = {t: [] for t in thresholds}
    folds: list[dict[str, Any]] = []
    for f in range(k):
        test = [d for d in docs if fold_of(d.page, k) == f]
        model = train_pairing_model(*_joined(examples, [i for i, d in enumerate(docs) if fold_of(d.page, k) != f]))
        gold = _gold_pairings(test)
        fold_scores = {}
        for t in thresholds:
            p = predicted_pairings(test, model, t, with_rules)
            preds[t] += p
            s = score_pairings(p, gold)
            fold_scores[t] = (s["precision"], s["recall"], s["f1"])
        folds.append({"fold": f, "pages": len({d.page for d in test}), "scores": fold_scores})
    gold_all = _gold_pairings(docs)
    pooled = {t: score_pairings(preds[t], gold_all) for t in thresholds}
    return {"folds": folds, "pooled": pooled}


def _gold_amounts(docs: Sequence[LabelledDocument]) -> list[dict]:
    return _gold(docs, "gold_amounts")


def cross_validate_amounts(docs: Sequence[LabelledDocument], k: int = 5) -> dict[str, Any]:
    """The figures' decision, trained on K-1 folds and scored on the held-out fold."""
    from duikou.extract.claim_model import claim_examples, train_claim_model
    from duikou.extract.claims import extract_claims
    from duikou.extract.score import claim_rows, score_amounts

    examples = _examples(docs, claim_examples, "gold_amounts")
    preds: list[dict] = []
    folds: list[dict[str, Any]] = []
    for f in range(k):
        test = [d for d in docs if fold_of(d.page, k) == f]
        model = train_claim_model(*_joined(examples, [i for i, d in enumerate(docs) if fold_of(d.page, k) != f]))
        fold_preds = []
        for d in test:
            if d.relevant:
                claims = extract_claims(d.document.text, d.mentions, d.document.published, model=model)
                fold_preds += [{**row, "doc": d.page} for row in claim_rows(d.document.doc_id, claims)]
        s = score_amounts(fold_preds, _gold_amounts(test))
        folds.append({"fold": f, "pages": len({d.page for d in test}),
                      "scores": (s["precision"], s["recall"], s["f1"])})
        preds += fold_preds
    return {"folds": folds, "pooled": score_amounts(preds, _gold_amounts(docs))}


def cross_validate(pages: str | Path, pairings: str | Path | None = None, amounts: str | Path | None = None,
                   k: int = 5) -> dict[str, Any]:
    """`duikou eval --cv K`: page-level K-fold cross-validation of every learned decision whose
    gold is given, scored as the pipeline extracts (pairings: the rules and the fold's decision
    at the shipped threshold; figures: the fold's decision). The rules themselves are not
    retrained: on pages they were written against, the pairing score is optimistic."""
    from duikou.extract.pairing_decision import shipped_threshold

    if k < 2:
        raise ValueError("--cv needs K >= 2 folds")
    docs = load([pages], [pairings] if pairings else [], [amounts] if amounts else [])
    n_pages = len(read_jsonl(pages))  # pages that are only page furniture give no document
    if n_pages < k:
        raise ValueError(f"--cv {k} needs at least {k} pages; {pages} has {n_pages}")
    result: dict[str, Any] = {"pages": n_pages, "documents": len(docs), "folds": k}
    if pairings:
        t = shipped_threshold()
        r = cross_validate_pairings(docs, k, thresholds=(t,), with_rules=True)
        result["pairings"] = {**r["pooled"][t], "threshold": t,
                              "folds": [{"fold": f["fold"], "pages": f["pages"], "scores": f["scores"][t]}
                                        for f in r["folds"]]}
    if amounts:
        r = cross_validate_amounts(docs, k)
        result["amounts"] = {**r["pooled"], "folds": r["folds"]}
    return result
