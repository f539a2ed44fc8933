"""Keep bench/ask.py from rotting: build a tiny scaled store both ways and time a few questions.

No timing is asserted (machines differ); only that the script's parts run end to end and that
the scaled copies keep their spans valid.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_ask", ROOT / "bench" / "ask.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def test_vary_keeps_the_length_and_changes_the_numbers(bench):
    text = "2010年起,江苏省投入援青资金3.5亿元,选派干部086名。"
    assert bench.vary(text, 0) == text
    for copy in (1, 5, 999):
        varied = bench.vary(text, copy)
        assert len(varied) == len(text) and varied != text
        assert varied.replace("援青资金", "") != text
    assert bench.vary(text, 1).startswith("2011年起")
    assert "087名" in bench.vary(text, 1)


def test_bulk_store_and_measure(bench, shared_corpus, tmp_path):
    from duikou.store import open_store

    path = tmp_path / "bulk.db"
    info = bench.build_bulk(path, 400)
    assert info["documents_stored"] == 400 and path.exists() and Path(f"{path}.json").exists()
    store = open_store(str(path))
    counts = store.counts()
    assert counts["documents"] == 400
    assert 0 < counts["distinct_documents"] < 400  # some copies are reprints, not all
    assert counts["passage_sources"] > counts["passages"]
    for row in store.pairing_rows()[:200]:  # quotes are the stored text at the stored span
        doc = store.document(row["doc_id"])
        assert doc["text"][row["start"]:row["end"]] == row["quote"]
    from collections import defaultdict

    from duikou.answer.respond import _distinct_sources

    grouped = defaultdict(list)
    for row in store.pairing_rows():
        grouped[row["id"]].append(row)
    facts = store.pairing_facts()
    assert len(facts) == len(grouped)
    for fact in facts:  # the bulk writer keeps the sources as Store.add does
        assert fact["documents"] == len(_distinct_sources(grouped[fact["id"]]))
    questions = {kind: qs[:1] for kind, qs in bench.QUESTIONS.items()}
    result = bench.measure(store, rounds=1, questions=questions)
    assert result["questions"] == 5 and set(result["per_kind"]) == set(questions)
    assert result["overall"]["p95_ms"] >= result["overall"]["p50_ms"] > 0
    store.engine.dispose()


def test_pipeline_store(bench, shared_corpus, tmp_path):
    from duikou.store import open_store

    path = tmp_path / "pipeline.db"
    info = bench.build_pipeline(path, 30)
    assert info["documents_stored"] >= 30
    store = open_store(str(path))
    assert store.counts()["documents"] == info["documents_stored"]
    store.engine.dispose()
