from duikou.answer import ask
from duikou.answer.question import parse_question


def names(regions):
    return [r.name for r in regions]


def test_donors_before_shi_and_recipient_before_de():
    q = parse_question("山东、福建两个省份是宁夏的援建省份吗")
    assert q.kind == "yes_no"
    assert names(q.donors) == ["山东省", "福建省"]
    assert names(q.recipients) == ["宁夏回族自治区"]


def test_who_aids_with_a_nested_place():
    q = parse_question("谁对口支援新疆伊犁哈萨克自治州?")
    assert q.kind == "who_aids"
    assert names(q.recipients) == ["伊犁哈萨克自治州"]


def test_aided_by_and_recipient_by_you():
    assert parse_question("上海市对口支援新疆哪些县?").kind == "aided_by"
    q = parse_question("青海玉树州由哪个省市对口支援?")
    assert q.kind == "who_aids" and names(q.recipients) == ["玉树藏族自治州"]


def test_amount_question():
    q = parse_question("2018年苏州向铜仁投入了多少帮扶资金?")
    assert q.kind == "amount" and q.measure == "资金"
    assert names(q.donors) == ["苏州市"] and names(q.recipients) == ["铜仁市"]


def test_seed_question_on_examples(example_store):
    answer = ask("浙江、江苏两个省份是青海的援建省份吗", example_store)
    parts = {p.subject: p for p in answer.parts}
    assert parts["江苏省"].verdict == "yes"
    recipients = {f.recipient for f in parts["江苏省"].facts}
    assert any(r.startswith("青海省") for r in recipients)
    quotes = [q for f in parts["江苏省"].facts for q in f.quotes]
    assert any("01_jiangsu_qinghai" in q["doc"] and "青海" in q["quote"] for q in quotes)
    zhejiang = parts["浙江省"]
    assert zhejiang.verdict != "yes"
    assert "本语料未显示浙江省援助青海省" in zhejiang.statement
    assert "官方安排" in zhejiang.statement  # the registry row, labelled as not from the corpus


def test_unknown_region_gives_a_plain_answer(example_store):
    answer = ask("它是谁的援建方吗", example_store)
    assert "无法回答" in answer.summary


def test_absence_from_the_official_arrangement_is_labelled(example_store):
    answer = ask("海南省是汶川地震灾后重建的对口援建省份吗?", example_store)
    (part,) = answer.parts
    assert part.verdict != "yes"
    assert "【官方安排，非本语料证据】" in part.statement and "中也没有海南省" in part.statement


def test_programme_word_filters_whom_a_donor_assists(example_store):
    answer = ask("汶川地震后江苏省对口援建的是哪里?", example_store)
    recipients = {f.recipient for p in answer.parts for f in p.facts}
    assert recipients == {"四川省德阳市绵竹市"}


def test_a_relation_question_works_in_either_order(example_store):
    for question in ("苏州和铜仁是对口帮扶关系吗?", "铜仁和苏州是结对关系吗?"):
        q = parse_question(question)
        assert q.symmetric and len(q.donors) == len(q.recipients) == 1
        (part,) = ask(question, example_store).parts
        assert part.verdict == "yes", question
        assert {(f.donor, f.recipient) for f in part.facts} == {("江苏省苏州市", "贵州省铜仁市")}


def test_official_rows_answer_when_the_corpus_is_silent(example_store):
    (part,) = ask("北京和拉萨是对口支援关系吗", example_store).parts
    assert part.verdict == "official_only"
    assert "北京市 → 拉萨市（援藏，1994年起）" in part.statement
