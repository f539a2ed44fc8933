"""Accuracy floors, as trafilatura pins its scores: `duikou eval` on the shared corpus must not
get worse. Raise a floor when the score rises; never lower one to make a change pass."""

import pytest

from duikou.evaluate.run import _yes_no_agrees, evaluate

FLOORS = {
    # split: (pairing precision, pairing recall, amount F1, relevance accuracy, question accuracy)
    # measured with the learned decisions (issue 8), which are trained on these pages (regression
    # floors only): seeds 1.000 1.000 0.981 1.0 14/15; dev 0.909 0.851 0.994 0.979 38/49
    "seeds": (0.98, 0.98, 0.96, 1.0, 0.93),
    "dev": (0.89, 0.83, 0.97, 0.97, 0.76),
}


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_eval_floors(shared_corpus, split):
    d = shared_corpus / split
    result = evaluate(d / "pages.jsonl", d / "gold_pairings.jsonl", d / "gold_amounts.jsonl", d / "questions.jsonl")
    p_floor, r_floor, a_floor, rel_floor, q_floor = FLOORS[split]
    assert result["pairings"]["precision"] >= p_floor
    assert result["pairings"]["recall"] >= r_floor
    assert result["amounts"]["f1"] >= a_floor
    assert result["relevance"]["accuracy"] >= rel_floor
    assert result["questions"]["accuracy"] >= q_floor


def test_yes_no_agreement_per_region():
    answer = {"parts": [{"subject": "江苏省", "verdict": "yes"}, {"subject": "浙江省", "verdict": "no_evidence"}]}
    assert _yes_no_agrees("江苏:是(有报道)——江苏对口支援某州。浙江:本语料不支持。", answer)
    assert not _yes_no_agrees("江苏:是。浙江:是。", answer)
    both = {"parts": [{"subject": "天津市", "verdict": "yes"}, {"subject": "上海市", "verdict": "yes"}]}
    assert _yes_no_agrees("都是。天津对口支援某州;上海对口支援另一州。", both)
    assert not _yes_no_agrees("否:该省没有对口支援任务。", both)
