"""score_pairings: page-level matching by code, by name where a code is null, each pair once."""

from __future__ import annotations

from duikou.evaluate.pairings import score_pairings


def row(doc, donor, dc, recipient, rc, quote="q"):
    return {"doc": doc, "donor": donor, "donor_code": dc, "recipient": recipient, "recipient_code": rc,
            "programme": "援疆", "quote": quote}


def gold(doc, donor, dc, recipient, rc):
    return {"doc": doc, "donor": donor, "donor_code": dc, "recipient": recipient, "recipient_code": rc,
            "program": "援疆", "since": None, "evidence": "e"}


def test_perfect_match_at_page_level():
    pred = [row("p1#2", "江苏省", "320000", "伊犁", "654000"), row("p1#3", "江苏省", "320000", "伊犁", "654000")]
    r = score_pairings(pred, [gold("p1", "江苏省", "320000", "伊犁州", "654000")])
    assert (r["tp"], r["fp"], r["fn"]) == (1, 0, 0)
    assert r["precision"] == r["recall"] == r["f1"] == 1.0


def test_null_codes_match_by_name():
    pred = [row("p2", "江苏省镇江市", "321100", "新疆生产建设兵团第四师", None)]
    r = score_pairings(pred, [gold("p2", "江苏省镇江市", "321100", "新疆生产建设兵团第四师", None)])
    assert r["tp"] == 1
    pred = [row("p2", "江苏省镇江市镇江新区", "321171", "陕西省渭南市合阳县", "610524")]
    r = score_pairings(pred, [gold("p2", "江苏省镇江市镇江新区", None, "陕西省渭南市合阳县", "610524")])
    assert r["tp"] == 1


def test_null_codes_match_on_the_lowest_level_name():
    # the corpus matches a side without a code on its lowest-level name, whatever parents are
    # written before it
    pred = [row("p3", "山东省青岛市西海岸新区", None, "贵州省安顺经济技术开发区", None)]
    r = score_pairings(pred, [gold("p3", "山东省青岛市西海岸新区", None, "贵州省安顺市安顺经济技术开发区", None)])
    assert r["tp"] == 1
    pred = [row("p3", "北京市", "110000", "四川省汶川县映秀镇", None)]
    assert score_pairings(pred, [gold("p3", "北京市", "110000", "四川省阿坝藏族羌族自治州汶川县映秀镇", None)])["tp"] == 1
    # another township of the same name part does not match
    pred = [row("p3", "北京市", "110000", "四川省汶川县漩口镇", None)]
    assert score_pairings(pred, [gold("p3", "北京市", "110000", "四川省阿坝藏族羌族自治州汶川县映秀镇", None)])["tp"] == 0


def test_errors_are_listed_with_quotes():
    pred = [row("p3", "上海市", "310000", "喀什地区", "653100", quote="上海对口支援喀什"),
            row("p3", "上海市", "310000", "莎车县", "653125", quote="上海援建莎车")]
    r = score_pairings(pred, [gold("p3", "上海市", "310000", "喀什地区", "653100"),
                              gold("p3", "上海市浦东新区", "310115", "莎车县", "653125")])
    assert (r["tp"], r["fp"], r["fn"]) == (1, 1, 1)
    assert r["false_positives"][0]["quote"] == "上海援建莎车"
    assert r["false_negatives"][0]["donor"] == "上海市浦东新区"
    assert abs(r["f1"] - 0.5) < 1e-9


def test_wrong_doc_does_not_match_and_empty_inputs():
    r = score_pairings([row("p4", "北京市", "110000", "和田地区", "653200")],
                       [gold("p5", "北京市", "110000", "和田地区", "653200")])
    assert (r["tp"], r["fp"], r["fn"]) == (0, 1, 1)
    r = score_pairings([], [])
    assert r["precision"] == 1.0 and r["recall"] == 1.0


def test_programme_mismatches_of_matched_pairs():
    pred = [dict(row("p6", "山东省", "370000", "北川县", "510726"), programme="其他对口支援"),
            dict(row("p6", "浙江省", "330000", "青川县", "510822"), programme="灾后重建")]
    golds = [dict(gold("p6", "山东省", "370000", "北川县", "510726"), program="灾后重建"),
             dict(gold("p6", "浙江省", "330000", "青川县", "510822"), program="灾后重建")]
    r = score_pairings(pred, golds)
    assert r["tp"] == 2
    assert r["programme_accuracy"] == 0.5
    assert r["programme_mismatches"] == [{"doc": "p6", "donor": "山东省", "recipient": "北川县",
                                          "programme": "其他对口支援", "gold": "灾后重建"}]
