"""Article splitting on invented pages (the real glued seed page is checked too, if present)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duikou.clean import split_articles

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"

BODY_A = "某省对口支援某州十年来,累计投入援建资金二十亿元,实施项目三百个,受援地面貌一新。" * 6
BODY_B = "某市与某县结对帮扶以来,两地互派干部五十名,共建产业园三个,带动就业五千人。" * 6


def pieces(raw: str) -> list[str]:
    return [raw[s:e] for s, e in split_articles(raw)]


def test_single_article_is_one_span() -> None:
    raw = "标题一\n" + BODY_A
    assert split_articles(raw) == [(0, len(raw))]


def test_lone_brace_lines_separate_articles() -> None:
    raw = f"标题一\n{BODY_A}\n}}\n\n标题二\n{BODY_B}\n}}\n"
    got = pieces(raw)
    assert len(got) == 2
    assert BODY_A in got[0] and BODY_B in got[1]
    assert all("}" not in p for p in got)


def test_rule_lines_separate_articles() -> None:
    assert len(pieces(f"{BODY_A}\n----------\n{BODY_B}")) == 2


def test_repeated_dateline_starts_a_new_article_with_its_headline() -> None:
    raw = f"新华社北京3月5日电 {BODY_A}\n某市援建新闻第二篇\n新华社成都3月6日电 {BODY_B}\n"
    got = pieces(raw)
    assert len(got) == 2
    assert got[1].startswith("某市援建新闻第二篇")


def test_repeated_page_header_starts_a_new_article() -> None:
    raw = f"第一篇标题\n发布时间:2020-01-02\n{BODY_A}\n第二篇标题\n发布时间:2020-01-03\n{BODY_B}\n"
    got = pieces(raw)
    assert len(got) == 2 and got[1].startswith("第二篇标题")


def test_short_preface_before_dateline_is_not_split_off() -> None:
    raw = f"某问题是什么\n新华网成都10月30日电 {BODY_A}"
    assert len(pieces(raw)) == 1


def test_spans_are_ordered_and_inside_raw() -> None:
    raw = f"\n\n{BODY_A}\n}}\n{BODY_B}\n}}\n\n"
    spans = split_articles(raw)
    assert spans == sorted(spans)
    assert all(0 <= s < e <= len(raw) for s, e in spans)


def test_empty_and_separator_only() -> None:
    assert split_articles("") == []
    assert split_articles("}\n}\n") == []


def test_glued_seed_page_is_split() -> None:
    path = CORPUS / "seeds" / "pages.jsonl"
    if not path.exists():
        pytest.skip(f"real corpus not found at {CORPUS}")
    page = json.loads(path.read_text("utf-8").splitlines()[0])
    assert len(split_articles(page["text"])) >= 3
