from duikou.answer.render import render_text
from duikou.answer.respond import Answer, Fact, Part


def test_render_shows_question_answer_quotes_and_sources():
    fact = Fact("江苏省", "青海省海南藏族自治州", "援青", 2010, 2,
                [{"doc": "doc-1", "doc_id": "doc-1", "url": None, "quote": "江苏省对口支援海南州", "start": 0, "end": 10}])
    answer = Answer("江苏是青海的援建省份吗", "yes_no", "江苏省：是",
                    [Part("江苏省", "yes", "是。", [fact])])
    text = render_text(answer)
    assert text.startswith("问：江苏是青海的援建省份吗\n答：江苏省：是")
    assert "江苏省 → 青海省海南藏族自治州（援青，2010年起；2 篇文档报道）" in text
    assert "「江苏省对口支援海南州」 — doc-1" in text


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
