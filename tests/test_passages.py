"""The search fallback: BM25 over stored passages (bm25s + jieba), on pages written here."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from duikou.answer import passages as P
from duikou.answer.passages import related_passages
from duikou.models import RawPage
from duikou.pipeline import process_page
from duikou.store import schema

SETTLEMENT = ("玉树藏族自治州的牧民定居点建设进展顺利,援建工作队帮助牧民搬进新居,"
              "定居点里修建了学校、卫生院和文化活动室,牧民的孩子可以就近上学")
PAGES = {
    "site-a": ("高原新居\n" + SETTLEMENT + "。\n"
               "记者在结古镇看到,新建的街道两旁种满了树,傍晚时分广场上有人跳锅庄舞。\n"),
    "site-b": ("援建故事\n今年夏天,记者再次来到玉树,走访了几位援建干部和当地的老师。\n"
               + SETTLEMENT + "!\n一位老人说,住进定居点以后,冬天再也不怕风雪了。\n"),
    "site-c": ("消费帮扶\n东部城市的超市开设了消费帮扶专柜,销售来自西部的牦牛肉、青稞和枸杞等农产品,"
               "全年农产品销售额比上年明显增长。\n"
               "电商平台也开设了专区,帮助合作社把农产品卖到全国各地,农户的收入随之提高。\n"),
    "site-d": ("医疗援助\n援派医生在县人民医院开展义诊,培训当地医护人员三百多人次,"
               "新开展的手术项目填补了县里的空白,许多病人不出县就能看病。\n"),
}


def ingest(store, pages: dict[str, str]) -> None:
    for source, text in pages.items():
        for processed in process_page(RawPage(source, text, source, url=f"https://example.org/{source}")):
            store.add(processed)


@pytest.fixture
def search_store(store):
    ingest(store, PAGES)
    return store


def test_the_most_relevant_passage_comes_first(search_store):
    results = related_passages(search_store, "牧民定居点建设的情况怎么样")
    assert results, "the settlement paragraph should be found"
    assert "牧民定居点" in results[0]["text"]
    assert results[0]["doc"] in {"site-a", "site-b"}
    assert set(results[0]) >= {"doc", "doc_id", "url", "text", "score"}
    assert results[0]["url"] == f"https://example.org/{results[0]['doc']}"
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0

    assert related_passages(search_store, "牧民定居點建設")[0]["text"] == results[0]["text"]  # traditional

    results = related_passages(search_store, "超市销售农产品的消费帮扶")
    assert results and "消费帮扶专柜" in results[0]["text"] and results[0]["doc"] == "site-c"


def test_an_unrelated_question_finds_nothing(search_store):
    for question in ("量子计算机的工作原理是什么", "今天天气怎么样", "股票市场明天会涨吗", "?!。", ""):
        assert related_passages(search_store, question) == [], question


def test_a_reprinted_paragraph_is_one_result_with_its_sources(search_store):
    results = related_passages(search_store, "玉树牧民定居点修建学校和卫生院", k=10)
    settlement = [r for r in results if "牧民定居点建设进展顺利" in r["text"]]
    assert len(settlement) == 1  # two sites, one passage
    assert settlement[0]["sources"] == 2
    assert settlement[0]["doc"] == "site-a"  # the first copy stored
    texts = [r["text"] for r in results]
    assert len(texts) == len(set(texts))


def test_text_is_returned_as_stored(store):
    odd = ("援建项目简报 & 说明:牧民定居点的供暖工程已经完工,温度<18度的房间减少了,"
           "\"温暖工程\"让三千多户牧民过上了暖冬,援建资金全部到位并公开")
    ingest(store, {"site-x": "简报\n" + odd + "\n"})
    (result,) = related_passages(store, "牧民定居点供暖工程", k=1)
    with store.engine.connect() as conn:
        stored = conn.execute(select(schema.passages.c.text)).scalars().all()
    assert result["text"] in stored
    assert "简报 & 说明" in result["text"] and "温度<18度" in result["text"] and '"温暖工程"' in result["text"]


def test_an_empty_store_answers_nothing(store):
    assert related_passages(store, "牧民定居点建设") == []
    assert related_passages(store, "") == []


def test_k_limits_the_results(search_store):
    assert len(related_passages(search_store, "援建 牧民 农产品 医院 学校", k=1, min_coverage=0.0)) == 1
    assert related_passages(search_store, "牧民定居点", k=0) == []


def test_the_index_is_built_once_and_rebuilt_after_an_ingest(search_store, monkeypatch):
    related_passages(search_store, "牧民定居点")
    built = []
    real_build = P._build
    monkeypatch.setattr(P, "_build", lambda store, count: built.append(count) or real_build(store, count))
    for _ in range(3):
        related_passages(search_store, "牧民定居点")
    assert built == []  # reused
    assert related_passages(search_store, "县人民医院义诊") and related_passages(search_store, "口腔诊所的牙医") == []
    ingest(search_store, {"site-e": ("口腔义诊\n援派的口腔科牙医在乡卫生院为牧民检查牙齿,"
                                     "口腔诊所的设备由援建城市捐赠,一年接诊两千多人次。\n")})
    results = related_passages(search_store, "口腔诊所的牙医")
    assert len(built) == 1  # more passages: rebuilt once
    assert results and results[0]["doc"] == "site-e"


def test_tokens_are_stored_for_the_next_process(search_store, monkeypatch):
    P.clear_cache()
    first = related_passages(search_store, "牧民定居点建设")
    with search_store.engine.connect() as conn:
        stored = conn.execute(select(schema.passages.c.tokens)).scalars().all()
    assert stored and all(t and t.startswith(P.TOKENS_VERSION + "\t") for t in stored)
    P.clear_cache()  # as a new process would start
    calls = []
    real = P.tokens
    monkeypatch.setattr(P, "tokens", lambda text: calls.append(text) or real(text))
    assert related_passages(search_store, "牧民定居点建设") == first
    assert calls == ["牧民定居点建设"]  # only the question was segmented
    with search_store.engine.begin() as conn:  # tokens of another tokenizer version are redone
        conn.execute(schema.passages.update().values(tokens="old\tx y"))
    P.clear_cache()
    assert related_passages(search_store, "牧民定居点建设") == first
