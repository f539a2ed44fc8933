"""`duikou eval --cv K`: folds by page, the learned decisions retrained per fold."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from duikou.cli import app
from duikou.evaluate.crossval import cross_validate, fold_of

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "seeds"


def test_folds_are_by_page_and_stable() -> None:
    assert fold_of("p001", 5) == fold_of("p001", 5)
    assert {fold_of(f"p{i:03d}", 5) for i in range(100)} == set(range(5))


def test_bad_fold_counts_are_refused(tmp_path: Path) -> None:
    pages = tmp_path / "pages.jsonl"
    pages.write_text('{"id": "a", "text": "江苏省对口支援伊犁州。"}\n', "utf-8")
    with pytest.raises(ValueError, match="K >= 2"):
        cross_validate(pages, k=1)
    with pytest.raises(ValueError, match="at least 3 pages"):
        cross_validate(pages, k=3)


def test_cross_validation_on_the_seed_pages() -> None:
    if not (SEEDS / "pages.jsonl").exists():
        pytest.skip(f"shared corpus not found at {SEEDS}")
    result = cross_validate(SEEDS / "pages.jsonl", SEEDS / "gold_pairings.jsonl", SEEDS / "gold_amounts.jsonl", k=2)
    assert result["pages"] == 5 and result["folds"] == 2
    for part in ("pairings", "amounts"):
        assert len(result[part]["folds"]) == 2
        assert result[part]["tp"] > 0 and 0 < result[part]["f1"] <= 1
    # the CLI prints the same numbers
    out = CliRunner().invoke(app, ["eval", "--pages", str(SEEDS / "pages.jsonl"), "--pairings",
                                   str(SEEDS / "gold_pairings.jsonl"), "--cv", "2"])
    assert out.exit_code == 0, out.output
    assert f"precision {result['pairings']['precision']:.3f}" in out.output
