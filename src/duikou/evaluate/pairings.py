"""Score predicted pairings against gold labels at document level (SPEC §5).

A prediction matches a gold row when the page id matches and both parties match: by GB/T
code when both sides have one, by name when either code is null (兵团 divisions, 经开区).
Each (doc, donor, recipient) counts once, however many sentences state it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

_NAME_NOISE = re.compile(r"\s+")


def _norm(name: str | None) -> str:
    return _NAME_NOISE.sub("", name or "")


@functools.cache
def _division_names() -> frozenset[str]:
    """Names of coded divisions (贵州省, 安顺市, 新疆生产建设兵团 ...): the prefixes of a full name."""
    from duikou.regions import default_gazetteer

    names = {r.name for r in default_gazetteer().regions.values() if r.code}
    return frozenset(names | {"新疆生产建设兵团"})


def lowest_name(name: str) -> str:
    """The lowest-level part of a full name, as the corpus matches sides without a code
    (映秀镇 of 四川省阿坝藏族羌族自治州汶川县映秀镇; 安顺经济技术开发区 of 贵州省安顺市安顺经济技术开发区)."""
    names = _division_names()
    rest = _norm(name)
    while True:
        cut = next((k for k in range(len(rest) - 1, 1, -1) if rest[:k] in names), None)
        if cut is None:
            return rest
        rest = rest[cut:]


def _names_match(a: str | None, b: str | None) -> bool:
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return False
    return a == b or a.endswith(b) or b.endswith(a) or lowest_name(a) == lowest_name(b)


def _side_match(code_a: str | None, name_a: str | None, code_b: str | None, name_b: str | None) -> bool:
    if code_a and code_b:
        return str(code_a) == str(code_b)
    return _names_match(name_a, name_b)


def _page(doc: str) -> str:
    """doc ids of split pages are '<page>#N'; score at the page level."""
    return str(doc).split("#", 1)[0]


def _dedup(rows: Iterable[dict]) -> list[dict]:
    out: list[dict] = []
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        doc = _page(row.get("doc", ""))
        key = (
            doc,
            str(row.get("donor_code") or _norm(row.get("donor"))),
            str(row.get("recipient_code") or _norm(row.get("recipient"))),
        )
        if key in seen:
            continue
        seen.add(key)
        out.append({**row, "doc": doc})
    return out


def _matches(p: dict, g: dict) -> bool:
    return (
        p["doc"] == g["doc"]
        and _side_match(p.get("donor_code"), p.get("donor"), g.get("donor_code"), g.get("donor"))
        and _side_match(p.get("recipient_code"), p.get("recipient"), g.get("recipient_code"), g.get("recipient"))
    )


def score_pairings(predicted: list[dict], gold: list[dict]) -> dict:
    """precision, recall, f1, tp, fp, fn and the false positives / negatives with their quotes;
    programme_accuracy and programme_mismatches over the matched pairs.

    predicted: dicts with doc (page id, '#N' suffix allowed), donor, donor_code, recipient,
    recipient_code, programme, quote. gold: rows of gold_pairings.jsonl.
    """
    preds, golds = _dedup(predicted), _dedup(gold)
    matched_gold: set[int] = set()
    false_pos: list[dict] = []
    programme_wrong: list[dict] = []
    programme_total = 0
    tp = 0
    by_doc: dict[str, list[int]] = {}
    for i, g in enumerate(golds):
        by_doc.setdefault(g["doc"], []).append(i)
    for p in preds:
        hit = next((i for i in by_doc.get(p["doc"], []) if i not in matched_gold and _matches(p, golds[i])), None)
        if hit is None:
            hit_any = next((i for i in by_doc.get(p["doc"], []) if _matches(p, golds[i])), None)
            if hit_any is not None:
                continue  # a second prediction for an already matched pair: not an error
            false_pos.append({
                "doc": p["doc"], "donor": p.get("donor"), "recipient": p.get("recipient"),
                "programme": p.get("programme"), "quote": p.get("quote", ""),
                "extractor": p.get("extractor"),
            })
        else:
            matched_gold.add(hit)
            tp += 1
            want = golds[hit].get("program") or golds[hit].get("programme")
            if want and p.get("programme"):
                programme_total += 1
                if p["programme"] != want:
                    programme_wrong.append({"doc": p["doc"], "donor": p.get("donor"), "recipient": p.get("recipient"),
                                            "programme": p["programme"], "gold": want})
    false_neg = [
        {"doc": g["doc"], "donor": g.get("donor"), "recipient": g.get("recipient"),
         "programme": g.get("program") or g.get("programme"), "quote": g.get("evidence", "")}
        for i, g in enumerate(golds) if i not in matched_gold
    ]
    fp, fn = len(false_pos), len(false_neg)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision, "recall": recall, "f1": f1,
        "tp": tp, "fp": fp, "fn": fn,
        "false_positives": false_pos, "false_negatives": false_neg,
        # of the matched pairs whose gold row and prediction both name a programme
        "programme_accuracy": (programme_total - len(programme_wrong)) / programme_total if programme_total else 1.0,
        "programme_mismatches": programme_wrong,
    }
