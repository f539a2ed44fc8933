from duikou.models import RawPage
from duikou.pipeline import documents_of, process_page

GLUED = "苏州帮扶铜仁\n东西部扶贫协作中,苏州市对口帮扶铜仁市。\n}\n闽宁协作\n福建省对口帮扶宁夏回族自治区。\n"


def test_glued_page_becomes_several_documents_with_derived_ids():
    docs = documents_of(RawPage("page-1", GLUED, "x.txt"))
    assert [d.doc_id for d in docs] == ["page-1#1", "page-1#2"]
    assert all(d.source_id == "page-1" for d in docs)


def test_single_article_keeps_the_source_id():
    docs = documents_of(RawPage("page-2", "江苏省对口支援青海省海南藏族自治州。", "y.txt"))
    assert [d.doc_id for d in docs] == ["page-2"]


def test_every_evidence_quote_is_the_clean_text_at_its_span():
    page = RawPage("p", "江蘇援青\n2010年起,江蘇省對口支援青海省海南藏族自治州。\n", "z.txt")
    results = process_page(page)
    pairings = [p for r in results for p in r.pairings]
    assert pairings, "the pairing should be found"
    for r in results:
        for p in r.pairings:
            assert r.document.text[p.evidence.start:p.evidence.end] == p.evidence.quote
            s, e = r.document.raw_span(p.evidence.start, p.evidence.end)
            assert len(r.document.raw_text[s:e]) >= len(p.evidence.quote.strip()) > 0


def test_irrelevant_documents_are_not_mined():
    results = process_page(RawPage("q", "今天天气很好,北京市和上海市都是晴天。", "w.txt"))
    assert results[0].pairings == [] and results[0].claims == []


def test_furniture_only_articles_are_not_documents():
    page = RawPage("p", "闽宁协作\n福建省对口帮扶宁夏回族自治区,闽宁协作二十多年。\n}\n网站地图 | 关于我们 | 联系方式\n", "f.txt")
    docs = documents_of(page)
    assert len(docs) == 1 and "福建省对口帮扶" in docs[0].text
    assert docs[0].doc_id == "p#1"
