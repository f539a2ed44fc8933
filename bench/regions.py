"""Benchmark: region mention detection + resolution throughput, in MB/s of UTF-8 text per core.

Builds a >= 50 MB text by repeating the cleaned pages of ../shared/corpus in memory (one
document per page, as the pipeline calls it), runs Gazetteer.find_mentions on every document
on one core, and compares with a plain baseline: a str.find loop over the same names (every
pattern the automaton holds), which is measured on a smaller slice because it scans the text
once per name. Prints JSON.

    PYTHONPATH=src python bench/regions.py [--mb 50] [--baseline-mb 1]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from duikou.clean import clean_text
from duikou.regions import default_gazetteer

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"


def corpus_documents() -> list[str]:
    docs = []
    for pages in sorted(CORPUS.glob("*/pages.jsonl")):
        for line in pages.read_text("utf-8").splitlines():
            if line.strip():
                docs.append(clean_text(json.loads(line)["text"])[0])
    if not docs:
        raise SystemExit(f"no pages found under {CORPUS}")
    return docs


def build(docs: list[str], megabytes: float) -> tuple[list[str], int]:
    """Repeat the documents until their UTF-8 size reaches the target."""
    out, size, i = [], 0, 0
    sizes = [len(d.encode("utf-8")) for d in docs]
    while size < megabytes * 1e6:
        out.append(docs[i % len(docs)])
        size += sizes[i % len(docs)]
        i += 1
    return out, size


def baseline(patterns: list[str], docs: list[str]) -> int:
    """str.find over every name, every document: the obvious way without an automaton."""
    hits = 0
    for text in docs:
        for name in patterns:
            pos = text.find(name)
            while pos >= 0:
                hits += 1
                pos = text.find(name, pos + 1)
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the test text (MB, UTF-8)")
    parser.add_argument("--baseline-mb", type=float, default=1.0, help="slice for the str.find baseline")
    args = parser.parse_args()

    t0 = time.perf_counter()
    gaz = default_gazetteer()
    load_s = time.perf_counter() - t0
    docs = corpus_documents()
    texts, size = build(docs, args.mb)

    t0 = time.perf_counter()
    mentions = sum(len(gaz.find_mentions(text)) for text in texts)
    ours_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    raw_matches = sum(len(gaz._matcher.find_matches_as_indexes(text)) for text in texts)
    scan_s = time.perf_counter() - t0

    base_texts, base_size = build(docs, args.baseline_mb)
    t0 = time.perf_counter()
    base_hits = baseline(gaz._patterns, base_texts)
    base_s = time.perf_counter() - t0

    print(json.dumps({
        "text_mb": round(size / 1e6, 1),
        "documents": len(texts),
        "gazetteer_load_s": round(load_s, 3),
        "patterns": len(gaz._patterns),
        "mentions": mentions,
        "find_mentions_s": round(ours_s, 2),
        "find_mentions_mb_per_s_per_core": round(size / 1e6 / ours_s, 1),
        "aho_corasick_scan_only_mb_per_s": round(size / 1e6 / scan_s, 1),
        "aho_corasick_raw_matches": raw_matches,
        "baseline": "str.find loop over the same names",
        "baseline_text_mb": round(base_size / 1e6, 2),
        "baseline_hits": base_hits,
        "baseline_s": round(base_s, 2),
        "baseline_mb_per_s_per_core": round(base_size / 1e6 / base_s, 3),
        "speedup": round((size / ours_s) / (base_size / base_s), 1),
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
