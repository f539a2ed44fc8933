"""Keep bench/extract.py from rotting: run its quality and speed code on a tiny input.

No timing is asserted (machines differ); only that the script runs end to end, prints the
JSON it promises, and that the naive baseline follows its documented rule.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpus"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_extract", ROOT / "bench" / "extract.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def _document(text: str):
    from duikou.models import Document

    return Document(doc_id="t1", source_id="t1", raw_text=text, text=text, offsets=list(range(len(text) + 1)))


def test_baseline_rule(bench):
    from duikou.regions import default_gazetteer

    text = "江苏省对口支援青海省海南藏族自治州。南京市与上海市召开座谈会。"
    doc = _document(text)
    mentions = default_gazetteer().find_mentions(text)
    rows = bench.baseline_pairings(doc, mentions)
    pairs = {(r["donor_code"], r["recipient_code"]) for r in rows}
    # first sentence: keyword, pairs in mention order; second sentence: no keyword, nothing
    assert ("320000", "632500") in pairs
    assert not any(r["donor_code"] == "320100" or r["recipient_code"] == "310000" for r in rows)
    assert all(r["doc"] == "t1" and r["quote"].startswith("江苏省") for r in rows)
    both = bench.baseline_pairings(doc, mentions, both_orders=True)
    assert len(both) == 2 * len(rows)
    assert ("632500", "320000") in {(r["donor_code"], r["recipient_code"]) for r in both}


def test_bench_runs_end_to_end(bench, capsys):
    if not bench.corpus_available(CORPUS):
        pytest.skip(f"../shared/corpus is absent (looked in {CORPUS.resolve()}): the benchmark needs the real pages")
    bench.main(["--mb", "0.2", "--slice-mb", "0.1"])
    out = json.loads(capsys.readouterr().out)
    q, s = out["quality"], out["speed"]
    assert q["pages"] > 0 and q["gold_pairings"] > 0
    for block in (q["pipeline"]["pairings"], q["pipeline"]["amounts"], q["baseline"]["pairings"]):
        assert 0.0 <= block["f1"] <= 1.0 and block["tp"] + block["fn"] > 0
    assert s["input"]["mb"] >= 0.2 and s["cores_used"] == 1
    for name in ("pipeline", "baseline"):
        assert s[name]["pages"] == s["input"]["pages"]
        assert s[name]["mb_per_s_per_core"] > 0 and s[name]["pages_per_s"] > 0
    assert s["pipeline"]["documents"] >= s["pipeline"]["pages"]
    assert set(s["pipeline_stages_on_slice"]["seconds"]) >= {"mentions", "pairings", "claims"}
    assert s["pipeline_with_sqlite_memory_store_on_slice"]["store_counts"]["documents"] > 0
    assert set(out["summary"]) >= {"pipeline_pairing_f1", "baseline_pairing_f1", "pipeline_mb_per_s_per_core",
                                   "baseline_mb_per_s_per_core"}
    assert out["acceptance"]["input_at_least_50_mb"] is False
