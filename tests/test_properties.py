"""Property tests (issue 8): the pipeline holds its invariants on arbitrary and noisy text.

Inputs are (i) arbitrary Unicode text and (ii) realistic counterpart-assistance sentences
written for this file, mutated the way scraped pages are: characters inserted, deleted and
duplicated, traditional characters swapped in, pinyin annotations (`對(duì)`), spam and
page-furniture lines, random line breaks, full-width digits, HTML tags and entities.

The properties hold for any correct cleaner and extractor, whatever its rules:
- nothing raises (clean_text, split_articles, extract_pairings, extract_claims, process_page,
  storing the result);
- clean_text's offsets: len(text) + 1 entries, strictly increasing, inside the raw text, and
  each clean character comes from a raw character of the same kind (a digit from the same
  digit, a Chinese character from a Chinese character or an HTML entity);
- every Pairing and Claim evidence is a span of the document's clean text with
  quote == text[start:end], and the raw offsets the store records map it into the raw page;
- a claim's value parses back from its own quote (within 0.5%) whenever the quote holds a figure.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from duikou.clean import clean_text, split_articles
from duikou.extract.claims import extract_claims
from duikou.extract.numbers import NUMBER_PATTERN, magnitude, normalize_digits, parse_number
from duikou.extract.pairings import extract_pairings
from duikou.models import Claim, Document, Pairing, RawPage
from duikou.pipeline import process_page
from duikou.regions import default_gazetteer

# DUIKOU_PROPERTY_EXAMPLES=5000 for a deeper run; no example database (nothing written to the tree)
_N = int(os.environ.get("DUIKOU_PROPERTY_EXAMPLES", "150"))
FAST = settings(max_examples=_N, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=max(10, _N // 6), deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

# --- realistic text, written for these tests ------------------------------------------------

SENTENCES = (
    "江苏省对口支援新疆伊犁州，十年来累计投入援疆资金85.6亿元，实施项目1240个。",
    "2021年，南京市安排财政帮扶资金3.2亿元，支持商洛市建设产业园区12个。",
    "苏州市与铜仁市结对帮扶以来，两地互派干部人才560人次，培训各类人员1.8万人。",
    "浙江省对口支援青海省海西州，选派援青干部120名，援建学校和医院36所。",
    "广东省对口援建汶川县，共投入资金82.5亿元，建设项目707个。",
    "徐州市向宝鸡市捐赠物资折合人民币1500万元。",
    "今年以来，上海市帮助云南省销售农产品4300.5吨，销售金额2.35亿元。",
    "山东省对口支援北川县灾后重建，援建项目369个，总投资超过100亿元。",
    "北京市对口支援拉萨市，二十多年来累计选派援藏干部人才600余名。",
    "扬州市与丹东市开展对口合作，签约合作项目18个，总投资96亿元。",
    "十三五期间，福建省投入东西部协作资金两千万元，帮助宁夏回族自治区3.6万户贫困户脱贫。",
    "天津市对口支援甘肃省甘南州，共实施帮扶项目三百二十个。",
    "无锡市与延安市结对以来，累计引导企业投资12,500万元，带动就业2188人。",
    "江苏省的援青对口地区是海南藏族自治州，2010年以来江苏累计投入援青资金近20亿元。",
)
HEADLINES = (
    "江苏援疆十年：从输血到造血",
    "苏陕协作结硕果 南京商洛共建产业园",
    "2020年浙江援助青海海西州2.8亿元",
    "新华社南京6月3日电",
    "来源：某某日报 2020-06-03 10:21",
)
FURNITURE = (
    "当前位置：首页 > 新闻中心 > 正文",
    "版权所有 © 2020 某某网 ICP备12345678号",
    "版权声明：本网站所刊载信息，不代表本站观点。未经授权禁止转载。",
    "责任编辑：王某某",
    "扫一扫关注微信公众号",
    "亚博体育官网登录入口",
    "国产一区二区免费看在线观看久久精品",
    "分享到： 微信 微博 QQ空间",
    "1.某县召开工作会议\n2.某镇开展培训活动\n3.某村举行文艺演出",
    "上一篇：某市召开会议  下一篇：某县举行活动",
    "}",
    "----------",
)
TRADITIONAL = str.maketrans(
    "对援资万亿县区项个实设计帮苏东协门经济发展农产务销售干部"
    "级与边财带动结态业网页关链开录专为书",
    "對援資萬億縣區項個實設計幫蘇東協門經濟發展農產務銷售幹部"
    "級與邊財帶動結態業網頁關鏈開錄專為書",
)
PINYIN = ("(duì)", "(kǒu)", "(zhī)", "(yuán)", "（bāng）", "(men)", "(dāng qián)", "(xiàn)", "(q")
INSERTS = (
    "<p>", "</p>", "<br/>", "<br>", '<a href="http://www.example.cn/a.html">', "</a>",
    "<!-- note -->", "<script>var a=1;</script>", "<span style=\"color:red\">", "</div>",
    "&nbsp;", "&amp;", "&#20013;", "&#x56fd;", "&quot;", "&bogus;",
    "\u3000", "\xa0", "\u200b", "\ufeff", "\r\n", "\n", "\n\n", "\r", " ", "  ",
    "，", "。", ",,", "、", "|", "｜", ">", "(", ")", "（", "）", "“", "”", "-", "%", "％",
    "万", "亿", "元", "多", "余", "近", "约", "累计", "计划", "对口支援", "结对帮扶", "援建",
    "和", "与", "向", "省", "市", "县", "州", "１２", "０．５", "0", "7", ".", "第",
)
NUMERIC = "0123456789.,一二两三四五六七八九十百千万亿"
FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


@st.composite
def noisy_page(draw) -> str:
    """A page built from the sentences above, then mutated like a scraped page."""
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(("sentence", "sentence", "sentence", "headline", "furniture")))
        pool = {"sentence": SENTENCES, "headline": HEADLINES, "furniture": FURNITURE}[kind]
        parts.append(draw(st.sampled_from(pool)))
    glue = draw(st.sampled_from(("\n", "\n\n", "", "\r\n", "\n  ", "\n\u3000\u3000")))
    text = glue.join(parts)
    for _ in range(draw(st.integers(0, 10))):
        op = draw(st.sampled_from(
            ("insert", "insert", "delete", "duplicate", "traditional", "pinyin", "newline",
             "fullwidth", "line", "cut", "figure")
        ))
        n = len(text)
        at = draw(st.integers(0, n))
        if op == "insert":
            piece = draw(st.one_of(st.sampled_from(INSERTS), st.characters(), st.text(max_size=3)))
            text = text[:at] + piece + text[at:]
        elif op == "delete" and n:
            width = draw(st.integers(1, 4))
            text = text[:at] + text[at + width:]
        elif op == "duplicate" and n:
            width = draw(st.integers(1, 30))
            text = text[:at] + text[at:at + width] + text[at:]
        elif op == "traditional":
            end = draw(st.integers(at, n))
            text = text[:at] + text[at:end].translate(TRADITIONAL) + text[end:]
        elif op == "pinyin":
            cjk = [i + 1 for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff"]
            if cjk:
                i = draw(st.sampled_from(cjk))
                text = text[:i] + draw(st.sampled_from(PINYIN)) + text[i:]
        elif op == "newline":
            text = text[:at] + draw(st.sampled_from(("\n", "\n\n", "\r\n", "\n \n"))) + text[at:]
        elif op == "fullwidth":
            end = draw(st.integers(at, n))
            text = text[:at] + text[at:end].translate(FULL_WIDTH) + text[end:]
        elif op == "line":
            text = text[:at] + "\n" + draw(st.sampled_from(FURNITURE)) + "\n" + text[at:]
        elif op == "cut" and n:
            text = text[:at]  # a page cut off mid-sentence
        elif op == "figure":
            # noise inside or next to a number: 85.6亿 -> 85..6亿, 8多5.6亿, 85.6万亿 ...
            inside = [i for i, ch in enumerate(text) if ch in NUMERIC]
            if inside:
                i = draw(st.sampled_from(inside)) + draw(st.integers(0, 1))
                text = text[:i] + draw(st.sampled_from(NUMERIC + "多余近约至-~、 ")) + text[i:]
    return text


ARBITRARY = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from("对口支援帮扶江苏省新疆伊犁州县市区亿万元个人名吨干部资金项目累计，。、；：！？\n \r\t（）()《》“”0123456789"),
    ),
    max_size=300,
)
PAGES = st.one_of(noisy_page(), ARBITRARY)


# --- checks ----------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _same_kind(clean: str, raw: str) -> bool:
    """Whether clean character `clean` may have been produced from raw character `raw`."""
    if clean == raw or raw == "&":  # unchanged, or an HTML entity mapped to its '&'
        return True
    if clean.isascii() and clean.isdigit():
        return unicodedata.digit(raw, None) == int(clean)
    if _CJK.fullmatch(clean):
        # from a Chinese character of any block (extensions, compatibility ideographs) or
        # a look-alike, never from ASCII markup or a space
        return not raw.isascii() and not raw.isspace()
    return True  # spaces, punctuation, width variants: any source


def check_offsets(raw: str, text: str, offsets: list[int]) -> None:
    assert len(offsets) == len(text) + 1
    assert all(a < b for a, b in itertools.pairwise(offsets)), "offsets not increasing"
    assert offsets[0] >= 0 and offsets[-1] <= len(raw)
    for i, ch in enumerate(text):
        assert _same_kind(ch, raw[offsets[i]]), (i, ch, raw[offsets[i]])


def check_evidence(text: str, facts: list[Pairing] | list[Claim]) -> None:
    for fact in facts:
        ev = fact.evidence
        assert 0 <= ev.start < ev.end <= len(text), (ev, len(text))
        assert ev.quote == text[ev.start:ev.end]
        assert 0.0 <= ev.confidence <= 1.0


# a number, then (after a hedge) the magnitude that goes with it; or a number on its own
_FIGURES = (
    re.compile(rf"(?P<num>{NUMBER_PATTERN})(?P<hedge>[多余])?(?P<mag>[十百千]?[万萬亿億]{{0,2}})"),
    re.compile(rf"(?P<num>{NUMBER_PATTERN})(?P<mag>)"),
)


def figures(quote: str) -> list[float]:
    """Every value a figure in `quote` may stand for: the number, with and without the
    magnitude that follows it (3.2亿 -> 3.2e8; 80多亿 -> 8e9; in the malformed 三多百二十 both
    300 and 百二十 = 120; a comma between digits read as a separator too: 12,0500万 -> 12 and
    0500万, see test_a_number_grouped_across_a_comma_is_read_whole_or_not_at_all)."""
    out = []
    norm = normalize_digits(quote)
    for text in (norm, norm.replace(",", " ")):
        for figure in _FIGURES:
            for m in figure.finditer(text):
                value = parse_number(m.group("num"))
                if value is not None:
                    out += [value, value * magnitude(m.group("mag"))]
    return out


def check_values(claims: list[Claim]) -> None:
    for claim in claims:
        found = figures(claim.evidence.quote)
        if not found:
            continue  # the quote holds no figure to parse back
        assert any(abs(v - claim.value) <= 0.005 * abs(claim.value) for v in found), (
            claim.value, claim.unit, claim.evidence.quote, found,
        )


def check_document(page: RawPage, doc: Document, spans: list[tuple[int, int]]) -> None:
    # the document is one article of the page, exactly as read
    assert any(page.text[s:e] == doc.raw_text for s, e in spans or [(0, len(page.text))])
    check_offsets(doc.raw_text, doc.text, doc.offsets)


# --- properties ------------------------------------------------------------------------------


@FAST
@given(PAGES)
def test_clean_text_offsets(raw: str) -> None:
    text, offsets = clean_text(raw)
    check_offsets(raw, text, offsets)


@FAST
@given(PAGES)
def test_split_articles_spans(raw: str) -> None:
    spans = split_articles(raw)
    assert spans == sorted(spans)
    assert all(0 <= s < e <= len(raw) for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


@FAST
@given(PAGES)
def test_extractors_on_clean_text(raw: str) -> None:
    text, _ = clean_text(raw)
    mentions = default_gazetteer().find_mentions(text)
    check_evidence(text, extract_pairings(text, mentions, None))
    claims = extract_claims(text, mentions, "2020-06-03")
    check_evidence(text, claims)
    check_values(claims)


_NO_SURROGATES = re.compile("[\ud800-\udfff]")


@FAST
@given(PAGES)
def test_extractors_on_uncleaned_text(raw: str) -> None:
    """The extractors are pure functions of any string, cleaned or not."""
    mentions = default_gazetteer().find_mentions(raw)
    check_evidence(raw, extract_pairings(raw, mentions, None))
    claims = extract_claims(raw, mentions, None)
    check_evidence(raw, claims)
    check_values(claims)


def test_mentions_on_a_lone_surrogate() -> None:
    raw = "江苏省对口支援\ud800伊犁州"
    mentions = default_gazetteer().find_mentions(raw)
    check_evidence(raw, extract_pairings(raw, mentions, None))


def test_clean_text_replaces_lone_surrogates() -> None:
    text, offsets = clean_text("對\ud800口支援")
    assert text == "对\ufffd口支援" and offsets == [0, 1, 2, 3, 4, 5]


def test_process_page_on_a_lone_surrogate() -> None:
    page = RawPage(source_id="s", text="江苏省对口支援\ud800伊犁州。", path="s.jsonl")
    for processed in process_page(page):
        check_evidence(processed.document.text, processed.pairings)


def test_a_jsonl_page_with_a_lone_surrogate_is_read_and_ingested(tmp_path) -> None:
    from duikou.engines.local import ingest
    from duikou.read import read_paths
    from duikou.store import open_store

    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "a", "text": "\\ud800江苏省对口支援伊犁州。"}\n', "utf-8")
    pages = list(read_paths([path]))
    assert len(pages) == 1 and pages[0].text.startswith("\ufffd")
    store = open_store(str(tmp_path / "d.db"))
    ingest([path], store)
    assert store.counts()["documents"] == 1


@FAST
@given(PAGES)
@example("天津市对口支援甘肃省甘南州，共实施帮扶项目三多百二十个。\n" + SENTENCES[0] * 3)
def test_process_page(raw: str) -> None:
    page = RawPage(source_id="p", text=raw, path="p.txt", url="http://example.cn/p.html")
    spans = split_articles(raw)
    for processed in process_page(page):
        doc = processed.document
        check_document(page, doc, spans)
        check_evidence(doc.text, processed.pairings)
        check_evidence(doc.text, processed.claims)
        check_values(processed.claims)
        for fact in [*processed.pairings, *processed.claims]:
            raw_start, raw_end = doc.raw_span(fact.evidence.start, fact.evidence.end)
            assert 0 <= raw_start < raw_end <= len(doc.raw_text)


@SLOW
@given(st.lists(noisy_page().map(lambda raw: _NO_SURROGATES.sub("\ufffd", raw)), min_size=1, max_size=3))
def test_store_maps_evidence_into_the_raw_page(raws: list[str]) -> None:
    """Through the real store: the recorded raw span is the document's offsets of the clean
    span, lies inside the raw article, and the raw characters there produced the quote.
    (Pages as the readers give them: lone surrogates already U+FFFD.)"""
    from duikou.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "p.db"))
        try:
            docs = {}
            for n, raw in enumerate(raws):
                for processed in process_page(RawPage(source_id=f"p{n}", text=raw, path=f"p{n}.txt")):
                    store.add(processed)
                    docs[processed.document.doc_id] = processed.document
            for row in [*store.pairing_rows(), *store.claim_rows()]:
                doc = docs[row["doc_id"]]
                stored = store.document(row["doc_id"])
                assert stored["text"] == doc.text and stored["raw_text"] == doc.raw_text
                start, end, raw_start, raw_end = row["start"], row["end"], row["raw_start"], row["raw_end"]
                assert row["quote"] == doc.text[start:end]
                assert (raw_start, raw_end) == doc.raw_span(start, end)
                assert 0 <= raw_start < raw_end <= len(doc.raw_text)
                for i in range(start, end):
                    assert raw_start <= doc.offsets[i] < raw_end
                    assert _same_kind(doc.text[i], doc.raw_text[doc.offsets[i]])
        finally:
            store.engine.dispose()


@pytest.mark.parametrize(
    "sentence", ["无锡市累计投入资金1,2000万元。", "无锡市累计引导企业投资12,0500万元。"], ids=["1.2e8", "1.205e9"]
)
def test_a_number_grouped_across_a_comma_is_read_whole_or_not_at_all(sentence: str) -> None:
    mentions = default_gazetteer().find_mentions(sentence)
    for claim in extract_claims(sentence, mentions, None):
        assert claim.value in (1.2e8, 1.205e9), claim


# --- a figure written in any of the usual ways parses back to its value ---------------------

_CN = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 <= n < 10000 in Chinese numerals: 12 -> 十二, 305 -> 三百零五, 2010 -> 二千零一十."""
    out, zero = "", False
    for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += ("" if (unit == "十" and not out and digit == 1) else _CN[digit]) + unit
    return out


@st.composite
def written_figure(draw) -> tuple[str, float, str]:
    """(sentence, value in base units, unit) for one figure, written as reports write them."""
    kind = draw(st.sampled_from(("money", "money", "people", "items", "tons")))
    styles = ["plain", "thousands", "fullwidth", "chinese"]
    if kind in ("money", "tons"):
        styles.append("decimal")
    style = draw(st.sampled_from(styles))
    n = draw(st.integers(1, 9999)) if style == "chinese" else draw(st.integers(11, 99999))
    if style == "decimal":
        digits = draw(st.integers(1, 2))
        number = n / 10**digits
        surface = f"{number:.{digits}f}"
    else:
        number = float(n)
        surface = {"plain": str(n), "thousands": f"{n:,}", "fullwidth": str(n).translate(FULL_WIDTH),
                   "chinese": chinese_numeral(n)}[style]
    mag = draw(st.sampled_from(("万", "亿", "") if kind == "money" else ("", "", "万")))
    hedge = "" if style == "decimal" else draw(st.sampled_from(("", "", "多", "余")))
    verb_word = draw(st.sampled_from(("", "累计", "共")))
    near = draw(st.sampled_from(("", "", "近", "超过", "约")))
    donor = draw(st.sampled_from(("江苏省", "南京市", "苏州市", "浙江省", "北京市", "深圳市")))
    what, unit_word, unit = {
        "money": (draw(st.sampled_from(("投入援疆资金", "安排帮扶资金", "投入对口支援资金"))), "元", "元"),
        "people": ("选派援疆干部人才", draw(st.sampled_from(("名", "人"))), "人"),
        "items": ("实施帮扶项目", "个", "个"),
        "tons": ("帮助销售农产品", "吨", "吨"),
    }[kind]
    sentence = f"十三五期间，{donor}对口支援新疆伊犁州，{verb_word}{what}{near}{surface}{hedge}{mag}{unit_word}。"
    return sentence, number * magnitude(mag), unit


@FAST
@given(written_figure(), st.lists(st.sampled_from(SENTENCES + FURNITURE), max_size=3), st.booleans())
def test_a_written_figure_parses_back(figure, context: list[str], traditional: bool) -> None:
    """Whatever the extractor decides to keep, a claim quoting this sentence carries the value
    the sentence states (Arabic, decimal, thousands separators, full-width or Chinese digits,
    万/亿, hedges), also in traditional characters amid other lines."""
    sentence, value, unit = figure
    written = sentence.translate(TRADITIONAL) if traditional else sentence
    raw = "\n".join([*context, written, *context[:1]])
    want = clean_text(sentence)[0]
    text = clean_text(raw)[0]
    claims = extract_claims(text, default_gazetteer().find_mentions(text), "2020-06-03")
    processed = process_page(RawPage(source_id="f", text=raw, path="f.txt"))
    for claim in [*claims, *(c for p in processed for c in p.claims)]:
        if claim.evidence.quote in want and claim.unit == unit:  # (its one figure)
            assert abs(claim.value - value) <= 0.005 * value, (sentence, claim.value, value)


def test_chinese_numerals_helper() -> None:
    assert [chinese_numeral(n) for n in (1, 12, 20, 305, 1005, 2010, 9999)] == [
        "一", "十二", "二十", "三百零五", "一千零五", "二千零一十", "九千九百九十九",
    ]
    assert all(parse_number(chinese_numeral(n)) == n for n in range(1, 10000))


def test_a_real_looking_page_yields_facts() -> None:
    """The generator is not vacuous: the sentences above do produce pairings and figures."""
    raw = "\n".join(SENTENCES)
    processed = process_page(RawPage(source_id="p", text=raw, path="p.txt"))
    assert sum(len(p.pairings) for p in processed) >= 3
    assert sum(len(p.claims) for p in processed) >= 5
