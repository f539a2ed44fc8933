"""Figures as candidates plus a learned decision (issue 8): candidates, features, the shipped
model, the cross-validation entry points. Sentences written for these tests."""

from __future__ import annotations

import math

import pytest

from duikou.extract import learned
from duikou.extract.claim_model import (
    FEATURES,
    claim_examples,
    decide,
    features,
    model_text,
    shipped_model,
    threshold_of,
    train_claim_model,
)
from duikou.extract.claims import RULES, extract_claims, figure_candidates, rule_claims


def candidates(text: str) -> list[tuple[float, str, str]]:
    _, figs = figure_candidates(text, [])
    return [(f.q.value, f.q.unit, f.q.loose) for f in figs]


def test_candidates_include_what_the_rules_never_consider() -> None:
    assert (1000.0, "人", "vague") in candidates("先后有千名专家到受援地开展帮扶。")
    assert (100.0, "人", "vague") in candidates("组建了百余人的专业团队。")
    assert (6.0, "人", "small") in candidates("某市选派6名医生赴当地。")
    assert (120_000_000.0, "元", "bare") in candidates("双方签约项目投资1.2亿，涉及农业和旅游。")
    assert (5000.0, "人", "") in candidates("带动5000多农牧民增收。")  # a noun as the unit
    assert (10_000_000.0, "元", "vague") in candidates("近年援助资金上千万元。")
    assert candidates("股价上2万元。") == [] and candidates("数百名干部。") == []


def test_candidates_skip_ranges_codes_ordinals_and_other_measures() -> None:
    assert candidates("每个项目补助20万至40万元。") == []
    assert candidates("第十五批援疆干部。") == []
    assert candidates("新建温室3.2万平方米。") == []  # 万 then a noun: not money


def test_one_feature_row_per_candidate() -> None:
    ctx, figs = figure_candidates("累计投入帮扶资金3亿元，实施项目42个，选派干部86名。", [])
    rows = features(ctx, figs)
    assert len(rows) == len(figs) == 3
    assert all(len(r) == len(FEATURES) for r in rows)
    assert all(math.isfinite(x) for r in rows for x in r)


def test_shipped_model_loads_with_its_threshold() -> None:
    model = shipped_model()
    assert model is not None, "src/duikou/extract/data/claims.lgb.txt is missing: run scripts/train_models.py"
    assert 0.05 <= threshold_of(model) <= 0.95
    assert model.names == FEATURES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("五年来，苏州市累计投入东西部协作帮扶资金3.25亿元，在铜仁市实施帮扶项目146个。", {(325_000_000.0, "元"), (146.0, "个")}),
        ("三年来江苏省共选派党政干部和专业技术人才212名到陕西省挂职帮扶。", {(212.0, "人")}),
        ("通过劳务协作，帮助汉中市贫困劳动力转移就业3600人。", {(3600.0, "人")}),
        ("今年以来通过消费帮扶，南京市累计销售商洛市农产品2.8亿元。", {(280_000_000.0, "元")}),
    ],
)
def test_clear_aid_figures_are_kept(text: str, expected: set[tuple[float, str]]) -> None:
    """(With the regions a gazetteer finds: the model has learnt that figures of assistance
    sit in sentences naming the partners.)"""
    from duikou.regions import default_gazetteer

    got = {(c.value, c.unit) for c in extract_claims(text, default_gazetteer().find_mentions(text))}
    assert expected <= got


@pytest.mark.parametrize(
    "text",
    [
        "咨询电话0991-2345678，邮编830000。",
        "该县总人口32.5万人，面积1.2万平方公里。",
        "2019年10月15日，座谈会在当地召开。",
        "全县农村居民人均可支配收入达到12580元，同比增长9.6%。",
    ],
)
def test_obvious_non_figures_are_dropped(text: str) -> None:
    assert [(c.value, c.unit) for c in extract_claims(text, []) if c.unit != "%"] == []


def test_learned_claims_keep_exact_evidence_and_fields() -> None:
    text = "标题\n\n  “十三五”期间，某市累计投入对口帮扶资金9.6亿元，实施项目120个。\n下一段"
    claims = extract_claims(text, [], published="2021-03-02")
    assert claims
    for c in claims:
        ev = c.evidence
        assert text[ev.start:ev.end] == ev.quote
        assert ev.extractor == "claims.learned" and 0.0 <= ev.confidence <= 1.0
        assert c.measure
    money = next(c for c in claims if c.unit == "元")
    assert money.measure == "援助资金" and money.period == "2016-2020" and money.qualifier == "累计"


def test_rules_stay_available() -> None:
    text = "累计投入帮扶资金3亿元，实施项目42个。"
    assert [c.evidence.extractor for c in rule_claims(text, [])] == ["claims.measure_rule"] * 2
    assert rule_claims(text, []) == extract_claims(text, [], model=RULES)


def test_run_on_page_stays_fast() -> None:
    import time

    text = "累计投入援助资金3.5亿元实施项目120个选派干部人才80名" * 2000  # no punctuation at all
    t0 = time.perf_counter()
    extract_claims(text, [])
    assert time.perf_counter() - t0 < 5.0


def test_examples_training_and_a_passed_model() -> None:
    """The cross-validation entry points: examples of a page against its gold, a model
    trained on them, extract_claims with that model; training is deterministic."""
    pages = [
        ("累计投入帮扶资金3亿元，实施项目42个，全县总人口52万人。", [{"value": 3e8, "unit": "元"}, {"value": 42, "unit": "个"}]),
        ("今年安排协作资金8000万元，该县面积3000平方公里，常住人口40万人。", [{"value": 8e7, "unit": "元"}]),
        ("选派干部人才65名，培训基层干部1200人次，户籍人口30万人。", [{"value": 65, "unit": "人"}, {"value": 1200, "unit": "人"}]),
    ] * 4
    rows: list[list[float]] = []
    labels: list[int] = []
    for text, gold in pages:
        r, lab = claim_examples(text, [], None, gold)
        assert len(r) == len(lab)
        rows += r
        labels += lab
    assert 0 < sum(labels) < len(labels)
    model = train_claim_model(rows, labels, threshold=0.5)
    again = train_claim_model(rows, labels, threshold=0.5)
    assert model.predict(rows) == again.predict(rows)
    got = {(c.value, c.unit) for c in extract_claims("累计投入帮扶资金5亿元，全县总人口60万人。", [], model=model)}
    assert (5e8, "元") in got and (600_000.0, "人") not in got
    # the shipped file format: a threshold line LightGBM skips
    loaded = learned.from_string(model_text(model), FEATURES)
    assert loaded.predict(rows[:3]) == model.predict(rows[:3])
    ctx, figs = figure_candidates("累计投入帮扶资金5亿元。", [])
    assert [f.q.value for f, _ in decide(ctx, figs, model)] == [5e8]


def test_measure_of_a_figure_no_rule_names() -> None:
    from duikou.extract.claims import _fallback_measure

    assert _fallback_measure("person", "援助资金支持建设安居房，使近", "使近3万名农牧民直接受益") == "受益人数"
    assert _fallback_measure("person", "先后有", "先后有千名专家") == "援派干部人才"
    assert _fallback_measure("person", "共有", "共有300人") == "人数"
    assert _fallback_measure("money", "向受援地捐赠物资价值", "") == "社会捐赠"
    assert _fallback_measure("money", "安排", "") == "援助资金"
    assert _fallback_measure("household", "带动近", "带动近900户农户增收") == "受益户数"
