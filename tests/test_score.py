"""Amount scoring: (doc, value ±0.5%, unit), distinct figures, one-to-one."""

import pytest

from duikou.extract.score import score_amounts


def _p(doc: str, value: float, unit: str = "元") -> dict:
    return {"doc": doc, "value": value, "unit": unit, "measure": "援助资金", "quote": "q"}


def _g(doc: str, value: float, unit: str = "元") -> dict:
    return {"doc": doc, "value": value, "unit": unit, "measure": "援助资金", "evidence": "e"}


def test_perfect() -> None:
    r = score_amounts([_p("a", 100.0), _p("a", 5, "个")], [_g("a", 100), _g("a", 5, "个")])
    assert (r["tp"], r["fp"], r["fn"]) == (2, 0, 0)
    assert r["f1"] == pytest.approx(1.0)


def test_tolerance_and_unit() -> None:
    r = score_amounts([_p("a", 1004.0), _p("a", 5, "人")], [_g("a", 1000), _g("a", 5, "个")])
    assert r["tp"] == 1  # 0.4% off matches
    assert r["fp"] == 1 and r["fn"] == 1  # unit differs
    r = score_amounts([_p("a", 1010.0)], [_g("a", 1000)])
    assert r["tp"] == 0  # 1% off does not


def test_doc_must_match() -> None:
    r = score_amounts([_p("b", 100.0)], [_g("a", 100)])
    assert (r["tp"], r["fp"], r["fn"]) == (0, 1, 1)
    assert r["false_positives"][0]["quote"] == "q"
    assert r["false_negatives"][0]["evidence"] == "e"


def test_repeated_figure_counts_once() -> None:
    r = score_amounts([_p("a", 100.0), _p("a", 100.0)], [_g("a", 100)])
    assert (r["tp"], r["fp"], r["fn"]) == (1, 0, 0)


def test_empty() -> None:
    r = score_amounts([], [])
    assert r["precision"] == 0.0 and r["recall"] == 0.0 and r["f1"] == 0.0


def test_split_articles_score_against_their_page() -> None:
    r = score_amounts([_p("a#2", 100.0)], [_g("a", 100)])
    assert r["tp"] == 1


def test_claim_rows() -> None:
    from duikou.extract.claims import extract_claims
    from duikou.extract.score import claim_rows

    rows = claim_rows("x", extract_claims("累计投入援助资金2亿元。", []))
    assert rows == [{"doc": "x", "value": 200_000_000.0, "unit": "元", "measure": "援助资金",
                     "quote": "累计投入援助资金2亿元"}]


def test_percentages_are_ignored() -> None:
    # a share or growth rate (unit %) is never an amount: not a false positive
    r = score_amounts([_p("a", 100.0), _p("a", 80.0, "%"), _p("b", 15.0, "%")], [_g("a", 100)])
    assert (r["tp"], r["fp"], r["fn"]) == (1, 0, 0)
    assert r["precision"] == pytest.approx(1.0)
