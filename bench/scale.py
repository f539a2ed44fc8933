"""Scale-out throughput: the local engine (1 process, all cores) and the Spark engine in local
mode on the same input, end to end into a fresh SQLite store. Prints one JSON object.

The input is ../shared/corpus pages repeated under new ids (a changed first line, so most are
near-duplicate reprints, as in real crawls) mixed with irrelevant filler pages (generated
local news), written as --files .jsonl partitions. MB = 10^6 bytes of page text as UTF-8.

    PYTHONPATH=src .venv/bin/python bench/scale.py [--mb 200 | --quick] [--files 8] [--spark-master local[2]]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from duikou.engines.local import default_workers
from duikou.engines.local import ingest as local_ingest
from duikou.store import open_store

CORPUS = ROOT / ".." / "shared" / "corpus"


def _filler(rng: random.Random, n: int) -> str:
    teams = ["市篮球队", "区足球队", "县中学代表队", "社区合唱团", "老年书画协会", "青年志愿者"]
    things = ["春季运动会", "读书节", "美食展", "摄影比赛", "环保志愿活动", "灯光秀", "马拉松"]
    lines = [f"本地新闻第{n}期"]
    for _ in range(rng.randint(8, 30)):
        lines.append(f"{rng.choice(teams)}参加了{rng.choice(things)},现场观众约{rng.randint(100, 9000)}人,"
                     f"活动持续{rng.randint(1, 9)}天,主办方表示明年将继续举办并扩大规模{rng.randint(1, 99)}项。")
    return "\n".join(lines)


def build(folder: Path, target_mb: float, files: int, filler_share: float = 0.5) -> tuple[int, int]:
    """(pages, bytes) written as `files` .jsonl files: corpus copies and filler pages."""
    pages = []
    for split in ("seeds", "dev"):
        with open(CORPUS / split / "pages.jsonl", encoding="utf-8") as f:
            pages.extend(json.loads(line) for line in f if line.strip())
    rng = random.Random(7)
    outs = [open(folder / f"part-{i:03d}.jsonl", "w", encoding="utf-8") for i in range(files)]
    written = n = 0
    copy = 0
    try:
        while written < target_mb * 1e6:
            for page in pages:
                if rng.random() < filler_share:
                    record = {"id": f"filler-{n}", "url": f"https://local.example.net/{n}", "text": _filler(rng, n)}
                else:
                    record = {"id": f"{page['id']}-{copy}", "url": page["url"], "text": f"第{copy}期\n" + page["text"]}
                outs[n % files].write(json.dumps(record, ensure_ascii=False) + "\n")
                written += len(record["text"].encode("utf-8"))
                n += 1
                if written >= target_mb * 1e6:
                    break
            copy += 1
    finally:
        for out in outs:
            out.close()
    return n, written


def _rates(report: dict, seconds: float, cores: int) -> dict:
    mb = report["bytes"] / 1e6
    return {"seconds": round(seconds, 2), "cores": cores, "pages": report["pages"], "documents": report["documents"],
            "reprints": report["reprints"], "pages_per_s": round(report["pages"] / seconds, 1),
            "mb_per_s": round(mb / seconds, 3), "mb_per_s_per_core": round(mb / seconds / cores, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=200.0, help="MB of page text (default 200)")
    parser.add_argument("--files", type=int, default=8, help="input files, i.e. Spark partitions (default 8)")
    parser.add_argument("--spark-master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--quick", action="store_true", help="3 MB in 4 files (numbers noisier)")
    parser.add_argument("--skip", action="append", default=[], choices=["local1", "local", "spark"],
                        help="leave a run out (repeatable)")
    args = parser.parse_args()
    if args.quick:
        args.mb, args.files = 3.0, 4
    if not (CORPUS / "seeds" / "pages.jsonl").exists():
        sys.exit(f"corpus not found at {CORPUS}")
    cores = default_workers()
    spark_cores = int(args.spark_master[6:-1]) if args.spark_master.startswith("local[") and \
        args.spark_master[6:-1].isdigit() else cores
    result: dict = {"machine": {"cpus": os.cpu_count(), "usable_cores": cores, "python": platform.python_version(),
                                "platform": platform.platform(), "load_average_at_start": os.getloadavg()}}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "input"
        data.mkdir()
        pages, size = build(data, args.mb, args.files)
        result["input"] = {"pages": pages, "megabytes": round(size / 1e6, 1), "files": args.files}
        runs: dict = {}
        for name, workers in (("local1", 1), ("local", cores)):
            if name in args.skip:
                continue
            store = open_store(str(Path(tmp) / f"{name}.db"))
            started = time.perf_counter()
            report = local_ingest([data], store, workers=workers)
            runs[f"local_{workers}_process" + ("es" if workers > 1 else "")] = _rates(
                report.as_dict(), time.perf_counter() - started, workers)
            store.engine.dispose()
        if "spark" not in args.skip:
            from duikou.engines.spark import ingest as spark_ingest
            from duikou.engines.spark import spark_session

            t0 = time.perf_counter()
            spark = spark_session(args.spark_master)
            startup = time.perf_counter() - t0
            store = open_store(str(Path(tmp) / "spark.db"))
            started = time.perf_counter()
            report = spark_ingest([data], store, spark=spark, output=Path(tmp) / "parquet")
            seconds = time.perf_counter() - started
            spark.stop()
            run = _rates(report.as_dict(), seconds, spark_cores)
            run["master"] = args.spark_master
            run["session_startup_seconds"] = round(startup, 2)
            run["stages_seconds"] = {k: round(v, 2) for k, v in report.stages.items()}
            pipeline = report.stages["process"]
            run["pipeline_to_parquet_mb_per_s"] = round(size / 1e6 / pipeline, 3)
            runs[f"spark_{args.spark_master}"] = run
        result["runs"] = runs
        single = runs.get("local_1_process")
        if single:
            result["speedup_over_1_process"] = {
                name: round(run["mb_per_s"] / single["mb_per_s"], 2) for name, run in runs.items() if run is not single}
            for name, run in runs.items():
                run["per_core_efficiency"] = round(run["mb_per_s_per_core"] / single["mb_per_s"], 2)
    result["load_average_at_end"] = os.getloadavg()
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
