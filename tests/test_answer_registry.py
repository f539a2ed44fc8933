"""Every official arrangement is answered yes, through the same Python API the CLI uses, and
plausible false pairs are answered no (the registry lists the recipient's donors without them)."""

import time

import pytest

from duikou import registry
from duikou.answer import ask


def test_every_registry_row_is_answered_yes(example_store):
    started = time.perf_counter()
    wrong = []
    for a in registry.arrangements():
        question = f"{a.donor}是{a.recipient}的对口支援省市吗"
        answer = ask(question, example_store)
        if [p.verdict for p in answer.parts] != ["yes"] or "official" not in answer.parts[0].basis:
            wrong.append((question, answer.summary))
    assert not wrong, wrong[:20]
    assert len(registry.arrangements()) >= 600
    assert time.perf_counter() - started < 120  # one store, no subprocess: a few ms a question


FALSE_PAIRS = [
    # the neighbouring prefecture: 海南州 is 江苏's, 海西州 浙江's
    "浙江省是海南藏族自治州的对口支援省市吗",
    "江苏省是海西蒙古族藏族自治州的对口支援省市吗",
    # a swapped donor: 果洛 is 上海's, 黄南 天津's; 喀什 is not 江苏's; 拉萨 not 辽宁's
    "天津市是果洛藏族自治州的对口支援省市吗",
    "江苏是喀什地区的对口支援省市吗",
    "辽宁省是拉萨市的援藏省份吗",
    "北京市是日喀则市的对口支援省市吗",
    "深圳市是和田地区的对口支援省市吗",
    # 海南省 is not 海南州
    "江苏是海南省的援建省份吗",
    # a donor of another programme or another recipient of the same one
    "上海是北川的援建省份吗",
    "山东是宁夏的帮扶省份吗",
    "广东省是伊犁哈萨克自治州的对口支援省市吗",
    "海南省是汶川地震灾后重建的对口援建省份吗",
    # a city of the right province, but not the one listed
    "苏州市是遵义市的对口支援省市吗",
    "南京市是海东市的对口支援省市吗",
]


@pytest.mark.parametrize("question", FALSE_PAIRS)
def test_plausible_false_pairs_are_answered_no(example_store, question):
    (part,) = ask(question, example_store).parts
    assert part.verdict == "no", part.statement
    assert part.basis == ["official"] and "否" in part.statement


def test_hainan_prefecture_is_not_hainan_province(example_store):
    assert ask("江苏是海南州的援建省份吗", example_store).parts[0].verdict == "yes"
    assert ask("江苏是海南省的援建省份吗", example_store).parts[0].verdict == "no"


def test_an_ambiguous_district_takes_the_one_the_registry_pairs():
    from duikou.answer.question import parse_question
    from duikou.answer.respond import _disambiguate

    q = parse_question("市中区是临夏市的对口支援省市吗")
    donor, recipient = _disambiguate(q.donors[0], q.recipients[0])
    assert donor.code == "370103" and recipient.code == "622901"  # 济南市市中区
