"""Claim extraction on sentences written for these tests, plus the corpus amount F1 floor.

The sentence tests pin the measure rules (rule_claims: measure names, values, qualifiers,
periods, parties), which the learned decision keeps using for everything but the keep/drop
choice; the corpus floor measures extract_claims, the learned decision (issue 8)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duikou.extract.claims import extract_claims, load_measures, load_units, rule_claims
from duikou.models import Mention, Region

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"

ANHUI = Region("340000", "安徽省", "安徽省", "province")
HEFEI = Region("340100", "合肥市", "安徽省合肥市", "prefecture")
XIZANG = Region("540000", "西藏自治区", "西藏自治区", "province")
NAQU = Region("540600", "那曲市", "西藏自治区那曲市", "prefecture")


def mentions_for(text: str, *pairs: tuple[str, Region]) -> list[Mention]:
    """Mentions at the first occurrence of each surface (what a gazetteer would return)."""
    out = []
    for surface, region in pairs:
        start = text.index(surface)
        out.append(Mention(start, start + len(surface), surface, region))
    return sorted(out, key=lambda m: m.start)


def figures(text: str, mentions: list[Mention] | None = None, published: str | None = None):
    return [(c.measure, c.value, c.unit) for c in rule_claims(text, mentions or [], published)]


def test_money_count_and_people_in_one_sentence() -> None:
    text = "五年来，合肥市累计投入帮扶资金3.25亿元，实施援建项目146个，选派干部人才212名。"
    assert figures(text) == [
        ("援助资金", 325_000_000.0, "元"),
        ("项目数", 146.0, "个"),
        ("援派干部人才", 212.0, "人"),
    ]


def test_evidence_is_an_exact_span_of_the_text() -> None:
    text = "标题\n\n  今年以来，某市安排协作资金4500万元，实施项目38个。\n下一段"
    claims = rule_claims(text, [])
    assert claims
    for c in claims:
        ev = c.evidence
        assert text[ev.start:ev.end] == ev.quote
        assert "4500万元" in ev.quote
        assert 0.0 <= ev.confidence <= 1.0 and ev.extractor


def test_value_in_base_units_with_full_width_and_chinese_numerals() -> None:
    assert figures("已落实对口支援资金三千万元。") == [("援助资金", 30_000_000.0, "元")]
    assert figures("共安排援藏资金１２.５亿元。") == [("援助资金", 1_250_000_000.0, "元")]
    assert figures("累计投入援助资金8亿多元。") == [("援助资金", 800_000_000.0, "元")]


def test_number_after_and_before_measure_word() -> None:
    assert figures("三年间共完成120个援疆项目。") == [("项目数", 120.0, "个")]
    assert figures("安徽投入2.6亿元援藏资金。") == [("援助资金", 260_000_000.0, "元")]
    assert figures("先后选派86名援藏干部。") == [("援派干部人才", 86.0, "人")]


def test_people_lifted_out_of_poverty_need_an_aid_sentence() -> None:
    assert figures("累计投入帮扶资金5亿元，带动3.2万贫困人口脱贫。")[-1] == ("脱贫人口", 32_000.0, "人")
    # the recipient's own statistics, with no aid in the sentence, are not the donor's claim
    assert figures("全县去年有1.5万贫困人口脱贫。") == []


def test_hedges_go_to_the_qualifier_not_the_value() -> None:
    claims = rule_claims("累计投入援助资金近20亿元，实施项目300多个，签约金额超过50亿元。", [])
    got = [(c.value, c.qualifier) for c in claims]
    assert got == [(2_000_000_000.0, "近"), (300.0, "多"), (5_000_000_000.0, "超过")]


def test_period_and_status() -> None:
    text = "“十三五”期间，某市累计投入帮扶资金9.6亿元。今年已确定援建项目45个。"
    claims = rule_claims(text, [], published="2021-03-02")
    assert [c.period for c in claims] == ["2016-2020", "2021"]
    assert claims[1].status == "确定"
    assert claims[0].qualifier == "累计"


def test_subject_and_object_from_mentions() -> None:
    text = "合肥市向那曲市投入援藏资金1.2亿元。"
    ms = mentions_for(text, ("合肥市", HEFEI), ("那曲市", NAQU))
    (claim,) = rule_claims(text, ms)
    assert claim.subject == HEFEI and claim.object == NAQU
    text = "安徽对口支援西藏那曲实施项目230个。"
    ms = mentions_for(text, ("安徽", ANHUI), ("西藏", XIZANG), ("那曲", NAQU))
    (claim,) = rule_claims(text, ms)
    assert claim.subject == ANHUI and claim.object == NAQU


def test_no_mentions_means_no_parties() -> None:
    (claim,) = rule_claims("累计落实帮扶资金1亿元。", [])
    assert claim.subject is None and claim.object is None


@pytest.mark.parametrize(
    "text",
    [
        "2019年10月15日，援疆干部座谈会在乌鲁木齐召开。",  # dates
        "咨询电话：0551-62345678，援助热线12345。",  # phone numbers
        "第九批援藏干部人才抵达拉萨。",  # ordinal batch
        "援藏资金使用率达95%以上。",  # percentage without a base
        "爱心企业捐赠帮扶资金300万元。",  # donations are not the programme's money
        "当地农民人均纯收入达到12000元。",  # income statistics
        "全县地区生产总值31.7亿元。",  # GDP
        "项目组有7名援疆干部。",  # a handful of people, not a programme total
        "援助资金二三十万元。",  # vague ranges
        "实施援疆项目千余个。",  # a bare magnitude is rhetoric
        "家纺产业园可吸纳近3000名群众就业。",  # jobs with no aid figure
        "共有120名学生参加援疆夏令营。",  # students, not dispatched cadres
    ],
)
def test_random_numbers_are_not_claims(text: str) -> None:
    assert figures(text) == []


def test_breakdown_of_a_total_is_not_a_separate_claim() -> None:
    text = "累计安排援疆资金20亿元，其中用于民生领域的资金15亿元。"
    assert figures(text) == [("援助资金", 2_000_000_000.0, "元")]
    # …unless the breakdown names a recipient: it is that recipient's total
    text = "累计安排援藏资金20亿元，其中支援那曲市资金12亿元。"
    assert [v for _, v, _ in figures(text)] == [2_000_000_000.0, 1_200_000_000.0]


def test_illustrations_are_not_totals() -> None:
    assert figures("以某县为例，该县幼儿园由帮扶资金安排300万元。") == []


def test_sales_and_weights() -> None:
    text = "今年以来销往东部协作城市农产品1200.5吨，销售金额3600万元。"
    assert figures(text) == [("销售量", 1200.5, "吨"), ("销售额", 36_000_000.0, "元")]


def test_list_of_yearly_figures_inherits_the_measure() -> None:
    text = "某区持续加大帮扶资金——从2018年的1500万元，到2019年的3200万元。"
    claims = rule_claims(text, [])
    assert [(c.measure, c.value, c.period) for c in claims] == [
        ("援助资金", 15_000_000.0, "2018"),
        ("援助资金", 32_000_000.0, "2019"),
    ]


def test_run_on_page_stays_fast() -> None:
    import time

    text = "累计投入援助资金3.5亿元实施项目120个选派干部人才80名" * 2000  # no punctuation at all
    t0 = time.perf_counter()
    claims = rule_claims(text, [])
    assert len(claims) == 6000
    assert time.perf_counter() - t0 < 3.0


def test_data_files_load() -> None:
    rules = load_measures()
    assert any(r.measure == "-" for r in rules) and any(r.measure == "援助资金" for r in rules)
    assert rules[0].measure == "-"  # block rows are checked first
    assert load_units()["人次"] == ("人", "person")


def _corpus_predictions() -> tuple[list[dict], list[dict], dict[str, tuple[list[dict], list[dict]]]]:
    """Claims on every page of seeds and dev, as `duikou eval` makes them: the page split into
    articles and cleaned, regions from the gazetteer, the article's publication date."""
    from duikou.extract.score import claim_rows
    from duikou.models import RawPage
    from duikou.pipeline import documents_of
    from duikou.regions import default_gazetteer

    gazetteer = default_gazetteer()
    preds: list[dict] = []
    gold: list[dict] = []
    per_split: dict[str, tuple[list[dict], list[dict]]] = {}
    for split in ("seeds", "dev"):
        split_preds: list[dict] = []
        for line in (CORPUS / split / "pages.jsonl").read_text(encoding="utf-8").splitlines():
            page = json.loads(line)
            raw = RawPage(source_id=page["id"], text=page["text"], path="", url=page.get("url"))
            for doc in documents_of(raw):
                claims = extract_claims(doc.text, gazetteer.find_mentions(doc.text), doc.published)
                for c in claims:
                    assert doc.text[c.evidence.start:c.evidence.end] == c.evidence.quote
                split_preds += claim_rows(doc.doc_id, claims)
        split_gold = [json.loads(x) for x in (CORPUS / split / "gold_amounts.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
        preds += split_preds
        gold += split_gold
        per_split[split] = (split_preds, split_gold)
    return preds, gold, per_split


#: Floors a little (0.02) below what the extractor measures, per split: (precision, recall, F1).
#: Since issue 8 the decision is a model trained on these very pages, so these are in-sample
#: figures (seeds P 0.981 R 0.981 F1 0.981; dev P 0.995 R 0.993 F1 0.994; all P 0.992 R 0.990
#: F1 0.991) and they catch regressions, not overfitting: the honest number is the page-level
#: 5-fold cross-validation of scripts/train_models.py --part claims --cv 5 (docs/decisions.md:
#: pooled P 0.874 R 0.923 F1 0.897). The rules alone measured seeds P 0.948 R 0.514 F1 0.667;
#: dev P 0.969 R 0.532 F1 0.687.
FLOORS = {"seeds": (0.95, 0.96, 0.95), "dev": (0.96, 0.97, 0.96), "all": (0.96, 0.96, 0.96)}


def test_corpus_amount_f1_floor() -> None:
    """Amount P/R/F1 on each split and overall (SPEC §5) — the floors catch regressions."""
    if not (CORPUS / "seeds" / "gold_amounts.jsonl").exists():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    from duikou.extract.score import score_amounts

    preds, gold, per_split = _corpus_predictions()
    results = {split: score_amounts(p, g) for split, (p, g) in per_split.items()}
    results["all"] = score_amounts(preds, gold)
    for split, (p_floor, r_floor, f_floor) in FLOORS.items():
        result = results[split]
        assert result["precision"] >= p_floor, (split, result["false_positives"])
        assert result["recall"] >= r_floor, (split, result["false_negatives"])
        assert result["f1"] >= f_floor, (split, result["f1"])
