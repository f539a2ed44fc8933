"""`duikou eval`: ingest gold pages into a temporary store and compare with the gold files
(SPEC §5). Pairings and amounts are scored at page level (`doc` = the page id)."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

from duikou import settings
from duikou.answer import ask
from duikou.engines.local import ingest
from duikou.exporting import claim_records, pairing_records
from duikou.store import Store, open_store


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def relevance_accuracy(store: Store, pages: list[dict[str, Any]]) -> dict[str, Any]:
    best: dict[str, float] = {}
    for doc in store.documents():
        best[doc["source_id"]] = max(best.get(doc["source_id"], 0.0), doc["relevance"])
    labelled = [p for p in pages if "relevant" in p]
    wrong = [p["id"] for p in labelled if (best.get(str(p["id"]), 0.0) >= settings.RELEVANCE_THRESHOLD) != bool(p["relevant"])]
    total = len(labelled)
    return {"accuracy": (total - len(wrong)) / total if total else None, "total": total, "wrong": wrong}


NUMBER = re.compile(r"\d+(?:\.\d+)?")


YES = re.compile(r"^(都)?是|^[^。;；]{0,8}[:：]是")
NO = re.compile(r"^(都)?(否|不是)|不支持")


def _part_subject(part: dict[str, Any]) -> str:
    return (part.get("donor") or {}).get("name") or part.get("subject") or ""


def _donor_matches(gold_donor: str, part: dict[str, Any]) -> bool:
    """Does the part's donor ({"code","name"}, the name with its parents) denote the gold donor
    (a full name such as 珠海市 or 江苏省)?"""
    name = _part_subject(part)
    return name == gold_donor or name.endswith(gold_donor)


def score_verdicts(verdicts: dict[str, str], answer: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per gold donor: right when the answer has a part for that donor and every such part's
    verdict equals the gold verdict."""
    rows = []
    for donor, gold in verdicts.items():
        got = [p["verdict"] for p in answer["parts"] if _donor_matches(donor, p)]
        rows.append({"donor": donor, "gold": gold, "got": got, "correct": bool(got) and all(v == gold for v in got)})
    return rows


def _yes_no_agrees(gold: str, answer: dict[str, Any]) -> bool:
    """For questions without gold "verdicts": per asked region when the gold answer speaks of each
    ("江苏:是…浙江:本语料不支持"), otherwise the overall yes or no."""
    overall_yes = bool(YES.search(gold)) and not NO.match(gold)
    for part in answer["parts"]:
        short = re.sub(r"(省|市|自治区|维吾尔|回族|壮族)+$", "", _part_subject(part))
        m = re.search(re.escape(short) + r"[:：]([^。]*)", gold)
        expected = (not NO.search(m.group(1)) and m.group(1).startswith("是")) if m else overall_yes
        if (part["verdict"] == "yes") != expected:
            return False
    return bool(answer["parts"])


def _question_correct(question: dict[str, Any], answer: dict[str, Any]) -> bool:
    """A lenient, explicit check: the answer must cite a supporting document and name the
    regions (or figures) the gold answer names."""
    cited = {q["doc"] for part in answer["parts"] for fact in part["facts"] for q in fact["quotes"]}
    cited |= {c["doc"] for part in answer["parts"] for c in part["claims"]}
    text = json.dumps(answer, ensure_ascii=False)
    if question["type"] == "amount":
        gold_numbers = {float(n) for n in NUMBER.findall(question["answer"])}
        values = {c["value"] for part in answer["parts"] for c in part["claims"]}
        shown = {v / 1e8 for v in values} | {v / 1e4 for v in values} | values
        return any(abs(g - v) <= 0.005 * max(g, 1e-9) for g in gold_numbers for v in shown)
    if question["type"] == "yes_no":
        return _yes_no_agrees(question["answer"], answer)
    wanted = [r for r in question.get("regions", [])]
    support = set(question.get("support_docs", []))
    return bool(cited & support) and any(r in text for r in wanted)


def evaluate(pages: str | Path, pairings: str | Path | None = None, amounts: str | Path | None = None,
             questions: str | Path | None = None, db: str | None = None) -> dict[str, Any]:
    """Score against gold files; the pages go into `db` when given (kept for inspection: it
    must be a new database), else into a temporary one."""
    if db is None:
        with tempfile.TemporaryDirectory() as tmp:
            return _evaluate(open_store(str(Path(tmp) / "eval.db")), pages, pairings, amounts, questions)
    return _evaluate(open_store(db), pages, pairings, amounts, questions)


def _evaluate(store: Store, pages: str | Path, pairings: str | Path | None, amounts: str | Path | None,
              questions: str | Path | None) -> dict[str, Any]:
    from duikou.evaluate.pairings import score_pairings
    from duikou.extract.score import score_amounts

    page_rows = read_jsonl(pages)
    if store.counts()["documents"]:
        raise ValueError("eval needs an empty database: scores on a database that holds other pages mean nothing")
    try:
        report = ingest([pages], store)
        result: dict[str, Any] = {"pages": len(page_rows), "documents": report.documents,
                                  "relevance": relevance_accuracy(store, page_rows)}
        if pairings:
            result["pairings"] = score_pairings(list(pairing_records(store)), read_jsonl(pairings))
        if amounts:
            result["amounts"] = score_amounts(list(claim_records(store)), read_jsonl(amounts))
        if questions:
            rows = read_jsonl(questions)
            outcomes = []
            for q in rows:
                answer = ask(q["q"], store).as_dict()
                outcome = {"q": q["q"], "type": q["type"], "summary": answer["summary"]}
                if q["type"] == "yes_no" and q.get("verdicts"):
                    outcome["parts"] = score_verdicts(q["verdicts"], answer)
                    outcome["correct"] = all(p["correct"] for p in outcome["parts"])
                else:
                    outcome["correct"] = _question_correct(q, answer)
                outcomes.append(outcome)
            right = sum(o["correct"] for o in outcomes)
            parts = [p for o in outcomes for p in o.get("parts", [])]
            parts_right = sum(p["correct"] for p in parts)
            result["questions"] = {"accuracy": right / len(rows) if rows else None, "total": len(rows),
                                   "correct": right,
                                   "parts": {"accuracy": parts_right / len(parts) if parts else None,
                                             "total": len(parts), "correct": parts_right},
                                   "outcomes": outcomes}
    finally:
        store.engine.dispose()
    return result
