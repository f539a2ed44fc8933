"""Throughput of read + split + clean + dedup on >= 50 MB built from ../shared/corpus.

The corpus pages are repeated (each copy gets its own id and a small change in its first line,
so documents are near-duplicates, not byte-identical) into a temporary .jsonl file, which is
then ingested through the real reader, one process: MB/s per core. Dedup = document and
paragraph signatures, each added to a ReprintIndex. Relevance and publication dates are run
too and reported separately (they are not part of the issue's read+clean+split+dedup scope).
MB = 10^6 bytes of page text as UTF-8.

    PYTHONPATH=src .venv/bin/python bench/ingest.py [--mb 50]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from duikou.clean import (
    ReprintIndex,
    clean_text,
    document_signatures,
    publication_date,
    relevance_score,
    split_articles,
)
from duikou.models import RawPage
from duikou.read import read_paths

CORPUS = ROOT / ".." / "shared" / "corpus"


def build(path: Path, target_mb: float) -> int:
    pages = []
    for split in ("seeds", "dev"):
        with open(CORPUS / split / "pages.jsonl", encoding="utf-8") as f:
            pages.extend(json.loads(line) for line in f if line.strip())
    written = 0
    copy = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < target_mb * 1e6:
            for page in pages:
                text = f"第{copy}期\n" + page["text"]
                line = json.dumps(
                    {"id": f"{page['id']}-{copy}", "url": page["url"], "text": text},
                    ensure_ascii=False,
                )
                out.write(line + "\n")
                written += len(text.encode("utf-8"))
            copy += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--mb", type=float, default=50.0, help="MB of page text to ingest (default 50)"
    )
    args = parser.parse_args()
    if not (CORPUS / "seeds" / "pages.jsonl").exists():
        sys.exit(f"corpus not found at {CORPUS}")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "bench.jsonl"
        text_bytes = build(data, args.mb)
        stage = {"read": 0.0, "split+clean": 0.0, "relevance+date": 0.0, "dedup": 0.0}
        docs = paragraphs = errors = 0
        doc_index = ReprintIndex()
        para_index = ReprintIndex()
        doc_clusters: set[str] = set()
        t_start = time.perf_counter()
        t0 = t_start
        for item in read_paths([data]):
            t1 = time.perf_counter()
            stage["read"] += t1 - t0
            if not isinstance(item, RawPage):
                errors += 1
                t0 = time.perf_counter()
                continue
            for n, (s, e) in enumerate(split_articles(item.text)):
                ta = time.perf_counter()
                text, _offsets = clean_text(item.text[s:e])
                tb = time.perf_counter()
                stage["split+clean"] += tb - ta
                relevance_score(text)
                publication_date(item.text[s:e], item.url, item.meta)
                tc = time.perf_counter()
                stage["relevance+date"] += tc - tb
                if text:
                    key = f"{item.source_id}#{n}"
                    doc_sig, para_sigs = document_signatures(text)
                    doc_clusters.add(doc_index.add(key, doc_sig))
                    for ps, _pe, sig in para_sigs:
                        para_index.add(f"{key}@{ps}", sig)
                        paragraphs += 1
                    docs += 1
                stage["dedup"] += time.perf_counter() - tc
            t0 = time.perf_counter()
        elapsed = time.perf_counter() - t_start
    mb = text_bytes / 1e6
    core = elapsed - stage["relevance+date"]
    print(
        json.dumps(
            {
                "input_mb": round(mb, 2),
                "seconds": round(core, 2),
                "mb_per_s_per_core": round(mb / core, 2),
                "scope": "read+split+clean+dedup (one process)",
                "target_mb_per_s_per_core": 5.0,
                "mb_per_s_per_core_incl_relevance_and_dates": round(mb / elapsed, 2),
                "documents": docs,
                "paragraphs_indexed": paragraphs,
                "document_clusters": len(doc_clusters),
                "read_errors": errors,
                "seconds_by_stage": {k: round(v, 2) for k, v in stage.items()},
                "cpu_count": os.cpu_count(),
                "python": sys.version.split()[0],
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
