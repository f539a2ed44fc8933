"""scripts/train_models.py, claims part: folds, threshold choice, and a small training run on
pages written for this test (the corpus run is `scripts/train_models.py --part claims --cv 5`)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "train_models.py"


def _script():
    spec = importlib.util.spec_from_file_location("train_models", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def test_folds_are_by_page_deterministic_and_balanced() -> None:
    t = _script()
    ids = [f"x{i:03d}" for i in range(23)]
    folds = t.fold_of(list(reversed(ids)) + ids[:5], 5)
    assert folds == t.fold_of(ids, 5)
    assert sorted(folds) == ids
    sizes = [list(folds.values()).count(k) for k in range(5)]
    assert max(sizes) - min(sizes) <= 1
    other = t.fold_of(ids, 5, seed=1)
    assert other == t.fold_of(ids, 5, seed=1) and other != folds


def test_threshold_is_the_smoothed_peak() -> None:
    t = _script()
    n = len(t.THRESHOLDS)
    flat = [0.5] * n
    spike = [0.5] * n
    spike[2] = 0.9  # a lone spike loses to a broad plateau
    plateau = [0.5] * n
    for i in range(8, 13):
        plateau[i] = 0.8
    assert t.best_threshold([plateau]) in t.THRESHOLDS[9:12]
    assert t.best_threshold([flat, plateau]) in t.THRESHOLDS[9:12]
    assert t.best_threshold([spike, plateau]) in t.THRESHOLDS[9:12]
    assert t.best_threshold([flat]) == 0.5


def test_training_on_a_tiny_corpus(tmp_path: Path) -> None:
    t = _script()
    split = tmp_path / "seeds"
    split.mkdir()
    pages, gold = [], []
    texts = [
        ("南京市对口帮扶商洛市，今年投入帮扶资金{a}万元，实施项目{b}个。商洛市总人口{c}万人。", True),
        ("苏州市对口帮扶铜仁市，累计选派干部人才{b}名，安排协作资金{a}万元。铜仁市面积{c}平方公里。", False),
    ]
    for i in range(10):
        tpl, with_items = texts[i % 2]
        a, b, c = 1000 + 37 * i, 20 + i, 200 + 11 * i
        pid = f"t{i:02d}"
        pages.append({"id": pid, "url": "", "text": "对口帮扶工作\n" + tpl.format(a=a, b=b, c=c), "relevant": True})
        gold.append({"doc": pid, "value": a * 10_000, "unit": "元", "evidence": f"{a}万元"})
        gold.append({"doc": pid, "value": b, "unit": "个" if with_items else "人", "evidence": str(b)})
    (split / "pages.jsonl").write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in pages), encoding="utf-8")
    (split / "gold_amounts.jsonl").write_text("\n".join(json.dumps(g, ensure_ascii=False) for g in gold), encoding="utf-8")
    report = t.train_claims(corpus=tmp_path, cv=5, write=False, splits=("seeds",), verbose=False, repeats=1)
    assert report["candidates"] >= 20 and 0 < report["positives"] < report["candidates"]
    assert len(report["folds"]) == 5
    assert report["threshold"] in t.THRESHOLDS
    assert 0.0 <= report["pooled"]["f1"] <= 1.0
