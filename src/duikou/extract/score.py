"""Amount scoring (SPEC §5): a predicted figure matches gold when doc, value (±0.5%) and unit match.

Both sides are reduced to distinct (doc, value, unit) figures first: a figure repeated in a
document (title and body) is one figure, and gold lists each figure once per document.
Matching is then one-to-one between the distinct figures.

Percentages (unit "%": shares and growth rates tied to a base figure) are not amounts: gold
amounts never list them, so predicted rows whose unit is "%" are ignored, never counted as
false positives.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

REL_TOL = 0.005
#: The unit of a percentage claim; such rows are not amounts and are not scored.
PERCENT = "%"


def _close(a: float, b: float, tol: float = REL_TOL) -> bool:
    return abs(a - b) <= tol * max(abs(a), abs(b), 1e-9)


def _norm_unit(unit: Any) -> str:
    return str(unit or "").strip()


def _page_of(doc: str, gold_docs: set[str]) -> str:
    """'s000#2' (the 2nd article split from page s000) scores against page s000's gold."""
    if doc not in gold_docs and "#" in doc:
        return doc.split("#", 1)[0]
    return doc


def claim_rows(doc: str, claims: list[Any]) -> list[dict]:
    """Predicted rows for score_amounts from duikou.models.Claim objects of one document."""
    return [
        {"doc": doc, "value": c.value, "unit": c.unit, "measure": c.measure, "quote": c.evidence.quote}
        for c in claims
    ]


def _distinct(rows: list[dict]) -> list[dict]:
    """One row per (doc, value ±tol, unit), keeping the first."""
    kept: list[dict] = []
    by_doc_unit: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        key = (str(row.get("doc")), _norm_unit(row.get("unit")))
        value = float(row.get("value") or 0)
        if any(_close(value, float(k.get("value") or 0)) for k in by_doc_unit[key]):
            continue
        by_doc_unit[key].append(row)
        kept.append(row)
    return kept


def score_amounts(predicted: list[dict], gold: list[dict]) -> dict:
    """Precision/recall/F1 over (doc, value, unit), with the unmatched rows for inspection.

    predicted: dicts with doc, value, unit, measure, quote. gold: gold_amounts.jsonl rows
    (doc, value, unit, measure, evidence ...). Returns precision, recall, f1, tp, fp, fn,
    false_positives (predicted rows with their quote) and false_negatives (gold rows with
    their evidence sentence). Predicted rows with unit "%" (percentages) are ignored.
    """
    predicted = [p for p in predicted if _norm_unit(p.get("unit")) != PERCENT]
    gold_docs = {str(g.get("doc")) for g in gold}
    predicted = [{**p, "doc": _page_of(str(p.get("doc")), gold_docs)} for p in predicted]
    preds = _distinct(predicted)
    golds = _distinct(gold)
    unmatched_gold: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for g in golds:
        unmatched_gold[(str(g.get("doc")), _norm_unit(g.get("unit")))].append(g)
    tp = 0
    false_positives: list[dict] = []
    for p in preds:
        pool = unmatched_gold[(str(p.get("doc")), _norm_unit(p.get("unit")))]
        value = float(p.get("value") or 0)
        match = next((g for g in pool if _close(value, float(g.get("value") or 0))), None)
        if match is None:
            false_positives.append(
                {k: p.get(k) for k in ("doc", "value", "unit", "measure", "quote")}
            )
        else:
            pool.remove(match)
            tp += 1
    false_negatives = [
        {k: g.get(k) for k in ("doc", "value", "unit", "measure", "evidence")}
        for pool in unmatched_gold.values()
        for g in pool
    ]
    fp, fn = len(false_positives), len(false_negatives)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "false_positives": false_positives,
        "false_negatives": false_negatives,
    }
