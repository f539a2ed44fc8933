"""Train the learned decisions shipped in src/duikou/extract/data/ (issue 8).

    .venv/bin/python scripts/train_models.py --part claims            # train and ship claims.lgb.txt
    .venv/bin/python scripts/train_models.py --part claims --cv 5     # page-level CV first, then ship
    .venv/bin/python scripts/train_models.py --part claims --cv 5 --no-write

Training data: the labelled pages of the corpus (seeds + dev: pages.jsonl and
gold_amounts.jsonl), run through the pipeline's own steps (split, clean, relevance, regions),
so the features are what `duikou eval` and ingest compute. Deterministic: LightGBM with one
thread and fixed seeds; folds are the page ids, sorted, assigned round-robin.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
DATA = ROOT / "src" / "duikou" / "extract" / "data"
SPLITS = ("seeds", "dev")


def _jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def load_corpus(corpus: Path, splits: tuple[str, ...] = SPLITS) -> tuple[list[dict], dict[str, list[dict]]]:
    """(pages, gold amount rows by page id) of the given splits."""
    pages: list[dict] = []
    gold: dict[str, list[dict]] = defaultdict(list)
    for split in splits:
        pages += _jsonl(corpus / split / "pages.jsonl")
        for row in _jsonl(corpus / split / "gold_amounts.jsonl"):
            gold[str(row["doc"])].append(row)
    return pages, gold


# --- claims ---------------------------------------------------------------------------------

def claim_documents(pages: list[dict]) -> list[dict[str, Any]]:
    """Per document the pipeline would extract from: page id, doc id, text, mentions, date."""
    from duikou import settings
    from duikou.models import RawPage
    from duikou.pipeline import documents_of
    from duikou.regions import default_gazetteer

    gazetteer = default_gazetteer()
    docs = []
    for page in pages:
        raw = RawPage(source_id=str(page["id"]), text=page["text"], path="", url=page.get("url"))
        for doc in documents_of(raw):
            if doc.relevance < settings.RELEVANCE_THRESHOLD:
                continue  # the pipeline extracts nothing from it
            docs.append({"page": str(page["id"]), "doc": doc.doc_id, "text": doc.text,
                         "mentions": gazetteer.find_mentions(doc.text), "published": doc.published})
    return docs


def _doc_examples(doc: dict[str, Any], gold: list[dict]) -> tuple[list[list[float]], list[int], list[tuple[float, str]]]:
    from duikou.extract.claim_model import features, labels_of
    from duikou.extract.claims import figure_candidates

    ctx, figures = figure_candidates(doc["text"], doc["mentions"], doc["published"], rules=False)
    if not figures:
        return [], [], []
    rows = features(ctx, figures)
    labels = labels_of(ctx, figures, gold)
    return rows, labels, [(f.q.value, f.q.unit) for f in figures]


def rule_rows(docs: list[dict[str, Any]]) -> list[dict]:
    """Predicted rows of the measure rules alone, for comparison."""
    from duikou.extract.claims import rule_claims
    from duikou.extract.score import claim_rows

    rows: list[dict] = []
    for doc in docs:
        rows += claim_rows(doc["doc"], rule_claims(doc["text"], doc["mentions"], doc["published"]))
    return rows


def fold_of(page_ids: list[str], k: int, seed: int = 0) -> dict[str, int]:
    """Page id -> fold: ids sorted (seed 0) or ordered by a hash of seed and id, then
    assigned round-robin (deterministic)."""
    ids = sorted(set(page_ids))
    if seed:
        ids.sort(key=lambda pid: hashlib.md5(f"{seed}:{pid}".encode()).hexdigest())
    return {pid: i % k for i, pid in enumerate(ids)}


def _score(pred: list[dict], gold: list[dict]) -> dict:
    from duikou.extract.score import score_amounts

    return score_amounts(pred, gold)


def _rows_at(examples: list[dict], probs: list[float], t: float) -> list[dict]:
    return [{"doc": ex["doc"], "value": ex["value"], "unit": ex["unit"]} for ex, p in zip(examples, probs) if p >= t]


THRESHOLDS = tuple(i / 100 for i in range(5, 96, 5))


def f1_curve(examples: list[dict], probs: list[float], gold: list[dict]) -> list[float]:
    """Pooled F1 at each of THRESHOLDS."""
    return [_score(_rows_at(examples, probs, t), gold)["f1"] for t in THRESHOLDS]


def best_threshold(curves: list[list[float]]) -> float:
    """The threshold maximising the F1 curves' mean, smoothed over its two neighbours (the
    curve is flat near the top; a single fold assignment's peak is noise)."""
    mean = [sum(c[i] for c in curves) / len(curves) for i in range(len(THRESHOLDS))]
    smooth = [sum(mean[max(0, i - 1):i + 2]) / len(mean[max(0, i - 1):i + 2]) for i in range(len(mean))]
    return THRESHOLDS[max(range(len(smooth)), key=lambda i: (round(smooth[i], 4), -abs(THRESHOLDS[i] - 0.5)))]


def cross_validate(examples: list[dict], rows: list[list[float]], labels: list[int], k: int,
                   seed: int = 0, page_ids: list[str] | None = None) -> tuple[dict[str, int], list[float]]:
    """Out-of-fold probabilities of every candidate: folds by page (fold_of), a model trained
    on the other K-1 folds predicts each fold."""
    from duikou.extract.claim_model import train_claim_model

    folds = fold_of(page_ids if page_ids is not None else [ex["page"] for ex in examples], k, seed)
    probs = [0.0] * len(rows)
    for fold in range(k):
        train_idx = [i for i, ex in enumerate(examples) if folds[ex["page"]] != fold]
        test_idx = [i for i, ex in enumerate(examples) if folds[ex["page"]] == fold]
        if not test_idx:
            continue
        model = train_claim_model([rows[i] for i in train_idx], [labels[i] for i in train_idx])
        for i, p in zip(test_idx, model.predict([rows[i] for i in test_idx])):
            probs[i] = p
    return folds, probs


def train_claims(corpus: Path = DEFAULT_CORPUS, cv: int = 0, write: bool = True,
                 splits: tuple[str, ...] = SPLITS, verbose: bool = True, seed: int = 0,
                 repeats: int = 3) -> dict[str, Any]:
    """Train the claims decision on the corpus gold; with cv > 1 first run a page-level
    K-fold cross-validation (`repeats` fold assignments) and take the threshold from it. Writes claims.lgb.txt when
    `write`. Returns the CV report (per fold and pooled) and the threshold."""
    from duikou.extract.claim_model import DEFAULT_THRESHOLD, model_text, train_claim_model

    def say(*a: Any) -> None:
        if verbose:
            print(*a, flush=True)

    pages, gold_by_page = load_corpus(corpus, splits)
    docs = claim_documents(pages)
    examples: list[dict] = []
    rows: list[list[float]] = []
    labels: list[int] = []
    for doc in docs:
        r, lab, vals = _doc_examples(doc, gold_by_page.get(doc["page"], []))
        for (value, unit), y in zip(vals, lab):
            examples.append({"page": doc["page"], "doc": doc["doc"], "value": value, "unit": unit, "label": y})
        rows += r
        labels += lab
    all_gold = [g for page in pages for g in gold_by_page.get(str(page["id"]), [])]
    say(f"claims: {len(pages)} pages, {len(docs)} documents, {len(rows)} candidates, "
        f"{sum(labels)} positive; gold figures {len(all_gold)}")
    report: dict[str, Any] = {"pages": len(pages), "candidates": len(rows), "positives": sum(labels)}
    rules = _score(rule_rows(docs), all_gold)
    say(f"  the measure rules alone (rule_claims): P {rules['precision']:.3f}  R {rules['recall']:.3f}  "
        f"F1 {rules['f1']:.3f}")
    report["rules"] = {k2: rules[k2] for k2 in ("precision", "recall", "f1")}
    threshold = DEFAULT_THRESHOLD
    if cv and cv > 1:
        page_ids = [str(p["id"]) for p in pages]
        runs = []
        for r in range(max(repeats, 1)):
            # every page has a fold, also one with no candidate (its gold counts as missed)
            folds, probs = cross_validate(examples, rows, labels, cv, seed + r, page_ids)
            runs.append((folds, probs, f1_curve(examples, probs, all_gold)))
        threshold = best_threshold([c for _, _, c in runs])
        folds, probs, _ = runs[0]
        per_fold = []
        for k in range(cv):
            fold_pages = {pid for pid, f in folds.items() if f == k}
            idx = [i for i, ex in enumerate(examples) if ex["page"] in fold_pages]
            gold = [g for g in all_gold if str(g["doc"]) in fold_pages]
            s = _score(_rows_at([examples[i] for i in idx], [probs[i] for i in idx], threshold), gold)
            per_fold.append({k2: s[k2] for k2 in ("precision", "recall", "f1", "tp", "fp", "fn")})
            say(f"  fold {k}: pages {len(fold_pages):3d}  P {s['precision']:.3f}  R {s['recall']:.3f}  "
                f"F1 {s['f1']:.3f}  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
        pooled = _score(_rows_at(examples, probs, threshold), all_gold)
        say(f"  pooled at threshold {threshold:.2f}: P {pooled['precision']:.3f}  R {pooled['recall']:.3f}  "
            f"F1 {pooled['f1']:.3f}  (tp {pooled['tp']}, fp {pooled['fp']}, fn {pooled['fn']})")
        others = [_score(_rows_at(examples, pr, threshold), all_gold) for _, pr, _ in runs[1:]]
        if others:
            say("  pooled F1 with other fold assignments (seeds "
                f"{', '.join(str(seed + r) for r in range(1, len(runs)))}): "
                + ", ".join(f"{o['f1']:.3f}" for o in others))
        report.update(folds=per_fold, threshold=threshold,
                      pooled={k2: pooled[k2] for k2 in ("precision", "recall", "f1", "tp", "fp", "fn")},
                      repeats=[{k2: o[k2] for k2 in ("precision", "recall", "f1")} for o in others],
                      oof=list(zip(examples, probs)))
    model = train_claim_model(rows, labels, threshold)
    fit = _score(_rows_at(examples, model.predict(rows), threshold), all_gold)
    say(f"  trained on all ({len(rows)} candidates), threshold {threshold:.2f}: fit F1 {fit['f1']:.3f}")
    report["threshold"] = threshold
    if write:
        path = DATA / "claims.lgb.txt"
        path.write_text(model_text(model), encoding="utf-8")
        say(f"  wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")
    return report


# --- pairings -------------------------------------------------------------------------------

#: Thresholds tried by cross-validation for the pairing decision.
PAIRING_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def train_pairings(corpus: Path = DEFAULT_CORPUS, cv: int = 0, write: bool = True, seed: int = 0,
                   threshold: float | None = None) -> dict[str, Any]:
    """Train the pairing decision on every labelled document of seeds + dev and ship it.

    The decision is judged by cross-validation of the learned part alone and of the pipeline's
    combination (the rules plus the decision's added pairs), reported over all pages and over
    the pages the rules were not written against. The shipped threshold (the model file's first
    line) is pairing_decision.THRESHOLD unless `threshold` is given (see docs/decisions.md)."""
    from duikou.evaluate import crossval
    from duikou.extract.pairing_decision import THRESHOLD, train_pairing_model

    pages = [corpus / s / "pages.jsonl" for s in SPLITS]
    gold = [corpus / s / "gold_pairings.jsonl" for s in SPLITS]
    docs = crossval.load(pages, gold)
    report: dict[str, Any] = {"documents": len(docs)}
    if cv > 1:
        for with_rules in (False, True):
            r = crossval.cross_validate_pairings(docs, cv, PAIRING_THRESHOLDS, with_rules=with_rules)
            name = "rules + decision" if with_rules else "decision alone"
            for t, s in r["pooled"].items():
                print(f"pairings CV {cv}-fold, {name}, threshold {t:.1f}: P {s['precision']:.3f}  "
                      f"R {s['recall']:.3f}  F1 {s['f1']:.3f}")
            report[name] = {t: {k: s[k] for k in ("precision", "recall", "f1")} for t, s in r["pooled"].items()}
    rows, labels = crossval.pairing_rows(docs)
    model = train_pairing_model(rows, labels)
    report["pairs"], report["positives"] = len(rows), sum(labels)
    print(f"pairings: trained on {len(rows)} candidate pairs ({sum(labels)} stated) of {len(docs)} documents")
    if write:
        path = DATA / "pairings.lgb.txt"
        model.threshold = THRESHOLD if threshold is None else threshold
        path.write_text(model.to_text(), encoding="utf-8")
        print(f"  wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB), threshold {model.threshold}")
    return report


#: --part name -> function(corpus=Path, cv=int, write=bool[, seed=int]) that trains and ships it.
PARTS = {"claims": train_claims, "pairings": train_pairings}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=sorted(PARTS), action="append",
                        help="which decision to train (repeatable; default: all)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with seeds/ and dev/")
    parser.add_argument("--cv", type=int, default=0, help="K-fold page-level cross-validation first (K>1)")
    parser.add_argument("--seed", type=int, default=0, help="fold assignment: 0 = sorted ids round-robin, else by hash")
    parser.add_argument("--no-write", action="store_true", help="do not write the model files")
    args = parser.parse_args(argv)
    for part in args.part or sorted(PARTS):
        extra = {"seed": args.seed} if args.seed else {}
        PARTS[part](corpus=args.corpus, cv=args.cv, write=not args.no_write, **extra)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
