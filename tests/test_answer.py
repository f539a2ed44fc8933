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


def test_a_programme_word_before_a_donor_word_names_the_recipient():
    q = parse_question("和田地区的援疆省市是哪个?")
    assert q.kind == "who_aids" and names(q.recipients) == ["和田地区"] and not q.donors
    q = parse_question("日喀则的对口援藏城市有哪些?")
    assert q.kind == "who_aids" and names(q.recipients) == ["日喀则市"]
    # 援疆地区 is where the aid goes: the region before it stays the donor
    q = parse_question("浙江省的援疆地区是哪里?")
    assert q.kind == "aided_by" and names(q.donors) == ["浙江省"]


def test_amount_question():
    q = parse_question("2018年苏州向铜仁投入了多少帮扶资金?")
    assert q.kind == "amount" and q.measure == "资金"
    assert names(q.donors) == ["苏州市"] and names(q.recipients) == ["铜仁市"]


def test_seed_question_on_examples(example_store):
    answer = ask("浙江、江苏两个省份是青海的援建省份吗", example_store)
    assert answer.summary == "浙江省：是；江苏省：是"
    parts = {p.subject: p for p in answer.parts}
    jiangsu, zhejiang = parts["江苏省"], parts["浙江省"]
    assert jiangsu.verdict == "yes" and jiangsu.basis == ["official", "reported"]
    assert jiangsu.recipient == {"code": "630000", "name": "青海省"}
    recipients = {f.recipient["name"] for f in jiangsu.facts}
    assert any(r.startswith("青海省") for r in recipients)
    quotes = [q for f in jiangsu.facts for q in f.quotes]
    assert any("01_jiangsu_qinghai" in q["doc"] and "青海" in q["quote"] for q in quotes)
    assert "本语料有报道" in jiangsu.statement
    # 浙江 → 海西州 is official and inside 青海: yes, on the registry alone, said plainly
    assert zhejiang.verdict == "yes" and zhejiang.basis == ["official"] and not zhejiang.facts
    assert zhejiang.statement == "浙江省：是（官方安排：浙江省对口支援海西蒙古族藏族自治州（援青），2010年起）；本语料没有报道。"
    row = zhejiang.official[0]
    assert row["donor"] == {"code": "330000", "name": "浙江省"}
    assert row["recipient"] == {"code": "632800", "name": "青海省海西蒙古族藏族自治州"}
    assert row["since"] == 2010 and row["until"] is None and row["source"] and row["status"] == "confirmed"


def test_unknown_region_gives_a_plain_answer(example_store):
    answer = ask("它是谁的援建方吗", example_store)
    assert "无法回答" in answer.summary and answer.parts == []


def test_a_donor_missing_from_the_official_list_is_no(example_store):
    answer = ask("海南省是汶川地震灾后重建的对口援建省份吗?", example_store)
    (part,) = answer.parts
    assert part.verdict == "no" and part.basis == ["official"]
    assert "没有海南省" in part.statement and "本语料也没有报道" in part.statement
    assert part.official and all(o["programme"] == "灾后重建" for o in part.official)


def test_programme_word_filters_whom_a_donor_assists(example_store):
    answer = ask("汶川地震后江苏省对口援建的是哪里?", example_store)
    recipients = {f.recipient["name"] for p in answer.parts for f in p.facts}
    assert recipients == {"四川省德阳市绵竹市"}
    (reported,) = [p for p in answer.parts if p.facts]
    assert reported.verdict == "yes" and set(reported.basis) == {"official", "reported"}


def test_a_relation_question_works_in_either_order(example_store):
    for question in ("苏州和铜仁是对口帮扶关系吗?", "铜仁和苏州是结对关系吗?"):
        q = parse_question(question)
        assert q.symmetric and len(q.donors) == len(q.recipients) == 1
        (part,) = ask(question, example_store).parts
        assert part.verdict == "yes", question
        assert {(f.donor["name"], f.recipient["name"]) for f in part.facts} == {("江苏省苏州市", "贵州省铜仁市")}
        assert part.donor == {"code": "320500", "name": "江苏省苏州市"}  # oriented as the evidence says


def test_official_rows_answer_when_the_corpus_is_silent(example_store):
    (part,) = ask("北京和拉萨是对口支援关系吗", example_store).parts
    assert part.verdict == "yes" and part.basis == ["official"]
    assert "北京市对口支援拉萨市（援藏），1994年起" in part.statement and "本语料没有报道" in part.statement


def test_an_ended_arrangement_is_answered_in_the_past_tense(example_store):
    answer = ask("苏州和铜仁是对口帮扶关系吗?", example_store)
    assert answer.summary == "苏州市：曾是（2013–2020年）"
    assert answer.parts[0].statement.startswith("苏州市：曾是（官方安排，已结束：")
    assert ask("苏州和铜仁是对口帮扶关系吗?", example_store, as_of=2018).summary == "苏州市：是"
    before = ask("浙江是青海的援建省份吗?", example_store, as_of=2005)
    assert before.parts[0].verdict == "no" and "2005年时还没有这一安排" in before.parts[0].statement


def test_a_province_nobody_assists_is_no(example_store):
    (part,) = ask("江苏是海南省的援建省份吗", example_store).parts
    assert part.verdict == "no" and "海南省不是任何对口支援" in part.statement


def test_who_aids_gives_one_part_per_donor(example_store):
    answer = ask("青海海西州由哪个省对口支援?", example_store)
    donors = [p.donor["name"] for p in answer.parts]
    assert donors[0] == "浙江省" and all(p.verdict == "yes" for p in answer.parts)
    assert answer.parts[0].recipient["code"] == "632800" and answer.parts[0].basis == ["official"]


def test_amount_part_carries_both_sides(example_store):
    answer = ask("江苏对青海累计安排了多少援助资金?", example_store)
    (part,) = answer.parts
    assert part.donor["code"] == "320000" and part.recipient["code"] == "630000"
    assert part.verdict in ("found", "not_found")


def test_passages_fill_in_when_nothing_can_be_judged(example_store, monkeypatch):
    import sys

    answer = ask("援青干部在共和县修建了什么", example_store)
    assert answer.parts == [] or all(p.verdict == "not_found" for p in answer.parts)
    assert isinstance(answer.passages, list)
    for p in answer.passages:
        assert {"doc", "doc_id", "url", "text", "score"} <= set(p)
    # a question with a verdict gets no passages
    assert ask("浙江、江苏两个省份是青海的援建省份吗", example_store).passages == []
    # without the search module the answer still comes, with no passages
    monkeypatch.setitem(sys.modules, "duikou.answer.passages", None)
    assert ask("援青干部在共和县修建了什么", example_store).passages == []


def test_zhiyuan_qinghai_is_not_the_programme_word():
    from duikou.answer.respond import _programme_hint

    assert _programme_hint("谁对口支援青海?") is None
    assert _programme_hint("江苏援青干部有多少?") == "援青"
    assert _programme_hint("汶川地震后哪个省对口援建北川?") == "灾后重建"
