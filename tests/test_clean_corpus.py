"""Acceptance tests of read + split + clean on every real page in ../shared/corpus.

- every gold evidence string, run through clean_text itself, is found in the cleaned text of
  one of its document's articles (no sentence of the article is lost);
- no spam / boilerplate line survives in a cleaned relevant document (checked with marker
  lists written independently of the cleaner's own vocabulary);
- pinyin annotation noise is gone;
- offsets map every clean span back to the raw page.
"""

from __future__ import annotations

import itertools
import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from duikou.clean import clean_text, split_articles

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
SPLITS = ("seeds", "dev")

# Independent of src/duikou/clean/data: strings that never belong to an article body.
SPAM_MARKERS = (
    "国产",
    "一区二区",
    "免费看",
    "在线观看",
    "久久精品",
    "久久午夜",
    "A片",
    "ICP",
    "Copyright",
    "©",
    "版权",
    "免责声明",
    "当前位置",
    "您当前的位置",
    "客服热线",
    "客服电话",
    "服务热线",
    "责任编辑",
    "扫描关注",
    "微信公众号",
    "本文地址",
    "原文地址",
    "快照地址",
    "关于我们",
    "网站地图",
    "联系我们",
    "劳务派遣公司",
    "仅供参考",
    "请勿",
    "http",
    "www.",
    "字号",
    "打印",
    "热门搜索",
    "推荐阅读",
    "我要回帖",
    "亚博",
)
EMAIL = re.compile(r"[A-Za-z0-9._-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}")
PINYIN = re.compile(r"[(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def _load(name: str) -> list[dict]:
    rows = []
    for split in SPLITS:
        path = CORPUS / split / name
        if path.exists():
            rows.extend(
                json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()
            )
    return rows


@lru_cache(maxsize=1)
def pages() -> dict[str, dict]:
    if not (CORPUS / "seeds" / "pages.jsonl").exists():
        pytest.skip(f"real corpus not found at {CORPUS} (../shared/corpus next to the repository)")
    return {p["id"]: p for p in _load("pages.jsonl")}


@lru_cache(maxsize=1)
def cleaned() -> dict[str, list[tuple[str, list[int], int]]]:
    """page id -> [(clean text, offsets, raw start of the article)]"""
    out = {}
    for pid, page in pages().items():
        raw = page["text"]
        out[pid] = [(*clean_text(raw[s:e]), s) for s, e in split_articles(raw)]
    return out


def gold_rows() -> list[dict]:
    pages()
    return _load("gold_pairings.jsonl") + _load("gold_amounts.jsonl")


def test_corpus_is_there() -> None:
    assert len(pages()) >= 48


def test_every_gold_evidence_survives_cleaning() -> None:
    missing = []
    rows = gold_rows()
    for row in rows:
        evidence = clean_text(row["evidence"])[0]
        if not any(evidence in text for text, _, _ in cleaned()[row["doc"]]):
            missing.append((row["doc"], row["evidence"][:60]))
    # 855/855 kept on the 148-page corpus (issue 8; 848 before a page set one short line per
    # phrase and a headline glued after a copyright footer were kept): any loss fails.
    assert rows and not missing, f"{len(missing)}/{len(rows)} evidence strings lost: {missing}"


def test_gold_evidence_maps_back_to_the_raw_page() -> None:
    for row in gold_rows():
        evidence = clean_text(row["evidence"])[0]
        raw = pages()[row["doc"]]["text"]
        for text, offsets, start in cleaned()[row["doc"]]:
            i = text.find(evidence)
            if i >= 0:
                original = raw[start + offsets[i] : start + offsets[i + len(evidence)]]
                # the raw span cleans to (at least) the evidence
                assert evidence in clean_text(original)[0] or not evidence.strip()
                break


def test_no_spam_line_survives_in_relevant_documents() -> None:
    bad = []
    for pid, page in pages().items():
        if not page["relevant"]:
            continue
        for text, _, _ in cleaned()[pid]:
            for line in text.splitlines():
                hits = [m for m in SPAM_MARKERS if m in line] + EMAIL.findall(line)
                if hits:
                    bad.append((pid, hits, line[:60]))
    assert not bad, bad[:10]


def test_pinyin_noise_is_gone() -> None:
    for pid, docs in cleaned().items():
        for text, _, _ in docs:
            assert not PINYIN.search(text), (pid, PINYIN.search(text))


def test_offsets_are_valid_on_every_page() -> None:
    for pid, docs in cleaned().items():
        raw = pages()[pid]["text"]
        for text, offsets, start in docs:
            assert len(offsets) == len(text) + 1
            assert all(a < b for a, b in itertools.pairwise(offsets)), pid
            assert start + offsets[-1] <= len(raw)


def test_long_sentences_of_relevant_pages_are_kept() -> None:
    """Beyond the gold: every raw line that is clearly a sentence (>= 25 Chinese characters,
    a full stop, none of the spam markers) is found in the cleaned articles."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    lost = []
    for pid, page in pages().items():
        if not page["relevant"]:
            continue
        docs = cleaned()[pid]
        for line in page["text"].splitlines():
            if (
                len(cjk.findall(line)) < 25
                or "。" not in line
                or any(m in line for m in SPAM_MARKERS)
            ):
                continue
            want = clean_text(line)[0]
            if want and not any(want in text for text, _, _ in docs):
                lost.append((pid, line[:50]))
    assert not lost, lost[:10]


def test_traditional_pages_become_simplified() -> None:
    docs = cleaned()["s001"]
    joined = "\n".join(text for text, _, _ in docs)
    assert "对口帮扶" in joined and "對口" not in joined
