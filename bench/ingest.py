"""Ingest throughput: `duikou ingest` end to end into SQLite, beside the pipeline alone and the
cheap first stages, on >= 10 MB built from ../shared/corpus.

The corpus pages (seeds + dev) are repeated under new ids until the page text reaches --mb MB;
each copy gets a first line of its own (第N期), so most documents are
near-duplicate reprints, as in real crawls (reprint clustering, shared passages and merged
sources all do their work). MB = 10^6 bytes of page text as UTF-8. Measured:

* ``stages``: read + split + clean + dedup signatures in this process (relevance and dates
  timed apart), the cheap front of the pipeline.
* ``pipeline_alone``: read + ``process_page`` on every page, nothing stored, one process.
* ``end_to_end``: the real command, ``duikou ingest FILE --db new.sqlite --json --workers N``,
  run as a child process for N = 1 and N = all cores; wall and CPU seconds (the CPU of its
  worker processes included). Per core: MB / (wall x workers), and MB / CPU second, which
  other jobs on a shared machine do not distort.
* ``store``: what the store adds per document, (end-to-end CPU - pipeline CPU) / documents.
* ``rerun``: the same command again on the filled database (everything unchanged).

Baselines: issue 11 measured 0.19 MB/s per core end to end with the store writing document by
document (about 26 statements per document); ``--before-db-url`` is not needed to compare,
``baseline`` below carries that figure and this machine's own measurement of it.

    PYTHONPATH=src .venv/bin/python bench/ingest.py [--mb 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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
from duikou.engines.local import default_workers
from duikou.models import RawPage
from duikou.pipeline import process_page
from duikou.read import read_paths

CORPUS = ROOT / ".." / "shared" / "corpus"
TARGET_MB_PER_S_PER_CORE = 2.0  # issue 11, end to end with the store
TARGET_SPEEDUP_2_CORES = 1.6
# issue 11, before batching: `duikou ingest` of 10 MB, one process, per-document store writes
ISSUE_BASELINE_MB_PER_S_PER_CORE = 0.19
# the same command measured on this project's machine just before batching (10.1 MB, 4884
# pages, 5016 documents; the machine loaded by other jobs): 243.8 s wall, 112.8 s CPU
MEASURED_BEFORE = {"mb": 10.098, "wall_s": 243.8, "cpu_s": 112.8, "documents": 5016}


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


def stages(data: Path, text_bytes: int) -> dict[str, Any]:
    """read + split + clean + dedup in this process (relevance and dates apart)."""
    stage = {"read": 0.0, "split+clean": 0.0, "relevance+date": 0.0, "dedup": 0.0}
    docs = paragraphs = 0
    doc_index, para_index = ReprintIndex(), ReprintIndex()
    t_start = t0 = time.perf_counter()
    for item in read_paths([data]):
        t1 = time.perf_counter()
        stage["read"] += t1 - t0
        if isinstance(item, RawPage):
            for n, (s, e) in enumerate(split_articles(item.text) or [(0, len(item.text))]):
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
                    doc_index.add(key, doc_sig)
                    for ps, _pe, sig in para_sigs:
                        para_index.add(f"{key}@{ps}", sig)
                        paragraphs += 1
                    docs += 1
                stage["dedup"] += time.perf_counter() - tc
        t0 = time.perf_counter()
    elapsed = time.perf_counter() - t_start
    core = elapsed - stage["relevance+date"]
    mb = text_bytes / 1e6
    return {
        "scope": "read+split+clean+dedup (one process)",
        "seconds": round(core, 2),
        "mb_per_s_per_core": round(mb / core, 2),
        "mb_per_s_per_core_incl_relevance_and_dates": round(mb / elapsed, 2),
        "target_mb_per_s_per_core": 5.0,
        "documents": docs,
        "paragraphs_indexed": paragraphs,
        "seconds_by_stage": {k: round(v, 2) for k, v in stage.items()},
    }


def pipeline_alone(data: Path, text_bytes: int) -> dict[str, Any]:
    """read + process_page over every page, nothing stored, one process."""
    process_page(RawPage("warm-up", "江苏省对口支援青海省海南藏族自治州。", "warm-up"))
    docs = 0
    w0, c0 = time.perf_counter(), time.process_time()
    for item in read_paths([data]):
        if isinstance(item, RawPage):
            docs += len(process_page(item))
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {"documents": docs, **_rates(text_bytes, wall, cpu, 1)}


def _rates(text_bytes: int, wall: float, cpu: float, workers: int) -> dict[str, Any]:
    mb = text_bytes / 1e6
    return {
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "mb_per_s": round(mb / wall, 3),
        "mb_per_s_per_core": round(mb / wall / workers, 3),
        "mb_per_cpu_second": round(mb / cpu, 3),
    }


def run_command(data: Path, db: Path, workers: int) -> dict[str, Any]:
    """`duikou ingest` as a child process; its report, wall and CPU seconds (children included)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = [sys.executable, "-c", "from duikou.cli import main; main()", "ingest", str(data),
               "--db", str(db), "--json", "--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - w0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"duikou ingest failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "report": json.loads(done.stdout)}


def end_to_end(data: Path, text_bytes: int, workers: int, tmp: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n in sorted({1, workers}):
        db = tmp / f"ingest-{n}.db"
        run = run_command(data, db, n)
        report = run["report"]
        out[f"workers_{n}"] = {
            "workers": n, **_rates(text_bytes, run["wall"], run["cpu"], n),
            "documents": report["documents"], "reprints": report["reprints"],
            "pairing_evidence": report["totals"]["pairing_evidence"],
            "claim_evidence": report["totals"]["claim_evidence"],
        }
        if n == 1:
            again = run_command(data, db, 1)
            out["rerun_unchanged"] = {"seconds": round(again["wall"], 2), "cpu_seconds": round(again["cpu"], 2),
                                      "unchanged": again["report"]["unchanged"]}
    if workers > 1:
        one, many = out["workers_1"], out[f"workers_{workers}"]
        out["speedup"] = round(one["seconds"] / many["seconds"], 2)
        out["speedup_target"] = TARGET_SPEEDUP_2_CORES if workers == 2 else None
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=10.0, help="MB of page text (default 10)")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="processes for the parallel run (default: all cores)")
    parser.add_argument("--skip-stages", action="store_true", help="skip the read+clean+dedup stage timing")
    args = parser.parse_args()
    if not (CORPUS / "seeds" / "pages.jsonl").exists():
        sys.exit(f"corpus not found at {CORPUS}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "bench.jsonl"
        text_bytes = build(data, args.mb)
        result: dict[str, Any] = {"input_mb": round(text_bytes / 1e6, 2)}
        if not args.skip_stages:
            result["stages"] = stages(data, text_bytes)
        alone = result["pipeline_alone"] = pipeline_alone(data, text_bytes)
        e2e = result["end_to_end"] = end_to_end(data, text_bytes, args.workers, tmp)
    one = e2e["workers_1"]
    store_cpu = one["cpu_seconds"] - alone["cpu_seconds"]
    result["store"] = {
        "cpu_ms_per_document": round(1000 * store_cpu / one["documents"], 2),
        "share_of_end_to_end_cpu": round(store_cpu / one["cpu_seconds"], 3),
        "note": "end-to-end CPU minus pipeline-alone CPU (includes the command's start-up)",
    }
    before = MEASURED_BEFORE
    result["baseline"] = {
        "issue_11_mb_per_s_per_core": ISSUE_BASELINE_MB_PER_S_PER_CORE,
        "before_batching_on_this_machine": {
            **before,
            "mb_per_s_per_core": round(before["mb"] / before["wall_s"], 3),
            "mb_per_cpu_second": round(before["mb"] / before["cpu_s"], 3),
            "store_cpu_ms_per_document": round(
                1000 * (before["cpu_s"] - before["mb"] / alone["mb_per_cpu_second"]) / before["documents"], 2),
        },
    }
    result["acceptance"] = {
        "target_mb_per_s_per_core": TARGET_MB_PER_S_PER_CORE,
        "end_to_end_mb_per_cpu_second": one["mb_per_cpu_second"],
        "end_to_end_target_met": one["mb_per_cpu_second"] >= TARGET_MB_PER_S_PER_CORE,
        "pipeline_alone_mb_per_cpu_second": alone["mb_per_cpu_second"],
        "speedup_on_all_cores": e2e.get("speedup"),
    }
    result["machine"] = machine()
    print(json.dumps(result, ensure_ascii=False, indent=2))


def machine() -> dict[str, Any]:
    """What the numbers were measured on (the load matters: the machine may be shared)."""
    model = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), model)
    except OSError:
        pass
    return {"cpu": model, "cpu_count": os.cpu_count(), "usable_cores": default_workers(),
            "load_average_1m": round(os.getloadavg()[0], 2), "python": platform.python_version(),
            "platform": platform.platform()}


if __name__ == "__main__":
    main()
