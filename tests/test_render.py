from duikou.answer.render import render_text
from duikou.answer.respond import Answer, Fact, Part


def test_render_shows_question_answer_quotes_and_sources():
    jiangsu, hainan = {"code": "320000", "name": "江苏省"}, {"code": "632500", "name": "青海省海南藏族自治州"}
    fact = Fact(jiangsu, hainan, "援青", 2010, None, 2,
                [{"doc": "doc-1", "doc_id": "doc-1", "url": None, "quote": "江苏省对口支援海南州", "start": 0, "end": 10}])
    answer = Answer("江苏是青海的援建省份吗", "yes_no", "江苏省：是",
                    [Part(jiangsu, {"code": "630000", "name": "青海省"}, "yes", ["reported"], "是。", [fact])])
    text = render_text(answer)
    assert text.startswith("问：江苏是青海的援建省份吗\n答：江苏省：是")
    assert "✔ 江苏省 → 青海省  [本语料报道]" in text
    assert "江苏省 → 青海省海南藏族自治州（援青，2010年起；2 篇文档报道）" in text
    assert "「江苏省对口支援海南州」 — doc-1" in text


def test_marks_follow_the_verdict_not_the_basis():
    official = [{"programme": "援青", "donor": {"code": "330000", "name": "浙江省"},
                 "recipient": {"code": "632800", "name": "青海省海西蒙古族藏族自治州"}, "since": 2010, "until": None,
                 "active": True, "source": "某决定", "status": "confirmed"}]
    zhejiang, qinghai = {"code": "330000", "name": "浙江省"}, {"code": "630000", "name": "青海省"}
    parts = [Part(zhejiang, qinghai, "yes", ["official"], "浙江省：是。", official=official),
             Part(zhejiang, qinghai, "no", ["official"], "浙江省：否。", official=official),
             Part(zhejiang, qinghai, "not_found", [], "浙江省：未知。")]
    lines = render_text(Answer("q", "yes_no", "s", parts)).splitlines()
    marks = [line.split()[0] for line in lines if line.startswith(("✔", "✘", "?"))]
    assert marks == ["✔", "✘", "?"]
    assert "  · 官方安排：浙江省 → 青海省海西蒙古族藏族自治州（援青，2010年起） — 某决定" in lines


def test_passages_are_shown_as_related_passages_not_a_verdict():
    answer = Answer("q", "regions", "没有在问题中识别出地区，无法回答。", [],
                    [{"doc": "s001", "doc_id": "s001", "url": "http://x", "text": "援青干部在共和县", "score": 3.2}])
    text = render_text(answer)
    assert "相关段落" in text and "「援青干部在共和县」 — s001 http://x" in text
    assert "✔" not in text and "✘" not in text


def test_values_are_written_as_reports_write_them():
    from duikou.answer.respond import format_value

    assert format_value(184500000, "元") == "1.845亿元"
    assert format_value(69000000, "元") == "6900万元"
    assert format_value(5000, "元") == "5000元"
    assert format_value(80, "个") == "80个"


def test_periods_are_written_in_chinese():
    from duikou.answer.respond import format_period

    assert format_period("2016-") == "2016年起"
    assert format_period("2016-2020") == "2016–2020年"
    assert format_period("2019") == "2019年"
    assert format_period(None) == "时期未说明"
