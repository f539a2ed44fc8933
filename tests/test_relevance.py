"""Relevance: accuracy on the labelled corpus (>= 95%) and behaviour on invented texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duikou import settings
from duikou.clean import clean_text, relevance_score, split_articles
from duikou.clean.relevance import domain_terms

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def page_score(raw: str) -> float:
    """A page is relevant when one of its articles is."""
    scores = [relevance_score(clean_text(raw[s:e])[0]) for s, e in split_articles(raw)]
    return max(scores, default=0.0)


def test_relevance_accuracy_on_labelled_corpus() -> None:
    pages = []
    for split in ("seeds", "dev"):
        path = CORPUS / split / "pages.jsonl"
        if path.exists():
            pages.extend(
                json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()
            )
    if not pages:
        pytest.skip(f"real corpus not found at {CORPUS}")
    right = sum(
        (page_score(p["text"]) >= settings.RELEVANCE_THRESHOLD) == p["relevant"] for p in pages
    )
    accuracy = right / len(pages)
    print(f"relevance accuracy {right}/{len(pages)} = {accuracy:.3f}")
    assert accuracy >= 0.95


def test_scores_are_in_unit_interval() -> None:
    for text in ("", "a", "对口支援" * 1000, "天气" * 5000):
        assert 0.0 <= relevance_score(text) <= 1.0


def test_programme_words_make_a_text_relevant() -> None:
    text = "某省第十批援疆干部抵达受援地,将在三年内实施援疆项目一百个。"
    assert relevance_score(text) >= settings.RELEVANCE_THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        "某市最低工资标准公布,月最低工资上调至两千元。",
        "今年某地高考报名人数再创新高,考点设置在市区各中学。",
        "某公司发布新款手机,搭载最新芯片,售价三千元起。" * 20,
    ],
)
def test_unrelated_news_is_not_relevant(text: str) -> None:
    assert relevance_score(text) < settings.RELEVANCE_THRESHOLD


def test_poverty_relief_news_without_counterpart_assistance_is_not_relevant() -> None:
    text = (
        "某县扶贫办深入开展精准扶贫工作,干部结合脱贫攻坚任务走访贫困户,落实帮扶措施。"
        "今年全县扶贫资金重点用于产业扶贫,帮扶贫困户发展养殖,助力乡村振兴,巩固脱贫攻坚成果。"
    )
    assert relevance_score(text) < settings.RELEVANCE_THRESHOLD


def test_foreign_aid_news_is_not_relevant() -> None:
    text = "由中国援建的某国体育场近日竣工,将用于举办国际赛事,当地政府表示感谢。"
    assert relevance_score(text) < settings.RELEVANCE_THRESHOLD


def test_one_passing_mention_in_a_long_unrelated_article_stays_low() -> None:
    text = "某市举办运动会,来自各区的运动员参加了比赛。" * 200 + "会上还提到了扶贫工作。"
    assert relevance_score(text) < settings.RELEVANCE_THRESHOLD


def test_vocabulary_is_a_data_file_of_general_terms() -> None:
    terms = domain_terms()
    assert {"对口支援", "援疆", "援藏", "援青", "东西部协作"} <= set(terms)
    assert all(len(t) <= 8 for t in terms)  # words, not corpus sentences
