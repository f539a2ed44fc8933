"""`make bench`: run the benchmarks in bench/, write one JSON report and a Markdown table, and put
the table in the README's "Performance" section.

Each script runs as a child process (its own interpreter, as a user runs it) and prints JSON;
this collects them under bench/results/report.json, with the machine and its load, and writes
bench/results/report.md: one row per stage and end to end, the measured figure beside its
baseline and target. The README's table sits between the bench-table markers and is replaced
by the new one.

    .venv/bin/python bench/report.py            # sizes of the acceptance runs, about 15 minutes
    .venv/bin/python bench/report.py --quick    # small sizes, a few minutes (numbers noisier)
    .venv/bin/python bench/report.py --only ingest regions
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
README = ROOT / "README.md"
START, END = "<!-- bench-table:start -->", "<!-- bench-table:end -->"

# script -> arguments (full, quick)
RUNS: dict[str, tuple[list[str], list[str]]] = {
    "regions": (["--mb", "20"], ["--mb", "5"]),
    "ingest": (["--mb", "10"], ["--mb", "3"]),
    "extract": (["--mb", "20"], ["--quick"]),
    "ask": (["--docs", "100000"], ["--docs", "10000", "--rounds", "2"]),
    "scale": ([], ["--quick"]),  # the Spark engine's benchmark, when it is there
}


def run(name: str, args: list[str]) -> dict[str, Any]:
    script = ROOT / "bench" / f"{name}.py"
    if not script.exists():
        return {"skipped": f"bench/{name}.py is not there"}
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(script), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False)
    seconds = round(time.perf_counter() - started, 1)
    if done.returncode != 0:
        return {"failed": done.returncode, "stderr": done.stderr[-3000:], "seconds": seconds}
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"failed": "output is not JSON", "stdout": done.stdout[-3000:], "seconds": seconds}
    return {"arguments": args, "seconds": seconds, "result": result}


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _num(value: Any, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        value = round(value, digits)
    return f"{value}{unit}"


def rows(report: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(stage, measured, baseline, target) for the table."""
    out = []
    regions = _get(report, "runs", "regions", "result")
    if regions:
        out.append((f"mention detection + resolution (`bench/regions.py`, {regions['text_mb']} MB)",
                    _num(regions["find_mentions_mb_per_s_per_core"], " MB/s"),
                    f"str.find loop: {_num(regions['baseline_mb_per_s_per_core'], ' MB/s', 3)}", "–"))
    ingest = _get(report, "runs", "ingest", "result")
    if ingest:
        mb = ingest["input_mb"]
        st = ingest.get("stages")
        if st:
            out.append((f"read + split + clean + dedup (`bench/ingest.py`, {mb} MB)",
                        _num(st["mb_per_s_per_core"], " MB/s/core"), "–",
                        _num(st["target_mb_per_s_per_core"], " MB/s/core")))
        alone = ingest["pipeline_alone"]
        out.append((f"whole pipeline, no store (`bench/ingest.py`, {mb} MB)",
                    f"{_num(alone['mb_per_cpu_second'], ' MB per CPU s', 3)} ({_num(alone['mb_per_s_per_core'], ' MB/s', 3)} wall)",
                    "–", "–"))
        one = ingest["end_to_end"]["workers_1"]
        before = ingest["baseline"]["before_batching_on_this_machine"]
        out.append((f"`duikou ingest` end to end into SQLite, 1 process ({mb} MB, {one['documents']} documents)",
                    f"{_num(one['mb_per_cpu_second'], ' MB per CPU s', 3)} ({_num(one['mb_per_s_per_core'], ' MB/s', 3)} wall)",
                    (f"per-document writes: {_num(before['mb_per_cpu_second'], ' MB per CPU s', 3)} "
                     f"({_num(before['mb_per_s_per_core'], ' MB/s', 3)} wall); issue 11: "
                     f"{ingest['baseline']['issue_11_mb_per_s_per_core']} MB/s"),
                    f"{ingest['acceptance']['target_mb_per_s_per_core']} MB/s/core"))
        out.append(("store cost per document (end to end minus pipeline, CPU)",
                    _num(ingest["store"]["cpu_ms_per_document"], " ms"),
                    _num(before["store_cpu_ms_per_document"], " ms"), "–"))
        many = [v for k, v in ingest["end_to_end"].items() if k.startswith("workers_") and v["workers"] > 1]
        if many:
            m = many[0]
            out.append((f"`duikou ingest --workers {m['workers']}` (local engine, processes)",
                        f"{_num(m['mb_per_s'], ' MB/s', 3)} wall, speedup {_num(ingest['end_to_end']['speedup'], '×')}",
                        f"1 process: {_num(one['mb_per_s'], ' MB/s', 3)}",
                        _num(ingest["end_to_end"].get("speedup_target"), "×")))
    extract = _get(report, "runs", "extract", "result")
    if extract:
        s = extract["summary"]
        out.append(("extraction quality, pairing F1 (`bench/extract.py`)", _num(s["pipeline_pairing_f1"], "", 3),
                    f"co-occurrence: {_num(s['baseline_pairing_f1'], '', 3)}", "–"))
        out.append((f"whole pipeline (`bench/extract.py`, {_get(extract, 'speed', 'input', 'mb')} MB)",
                    _num(s["pipeline_mb_per_s_per_core"], " MB/s", 3),
                    f"co-occurrence: {_num(s['baseline_mb_per_s_per_core'], ' MB/s', 3)}",
                    _num(_get(extract, "acceptance", "target_mb_per_s_per_core"), " MB/s")))
    ask = _get(report, "runs", "ask", "result")
    if ask:
        docs = _get(ask, "store", "documents")
        out.append((f"`ask` through the API (`bench/ask.py`, {docs} documents)",
                     f"p50 {_num(_get(ask, 'overall', 'p50_ms'), ' ms')}, p95 {_num(_get(ask, 'overall', 'p95_ms'), ' ms')}",
                     "–", f"p95 {_num(ask.get('target_p95_ms'), ' ms')}"))
    for name in ("scale",):
        entry = report["runs"].get(name, {})
        if "result" in entry:
            out.append((f"`bench/{name}.py`", "see report.json and docs/scaling.md", "–", "–"))
    for name, entry in report["runs"].items():
        if "failed" in entry:
            out.append((f"`bench/{name}.py`", f"failed: {entry['failed']}", "–", "–"))
    return out


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        (f"Measured {report['finished']} on {m['cpu']} ({m['cpu_count']} cores), Python {m['python']}, "
         f"load average {m['load_average_1m_start']} → {m['load_average_1m_end']} (a shared machine: wall-clock "
         "figures suffer from other jobs, CPU-second figures much less). MB = 10^6 bytes of page text. "
         "Full numbers: `bench/results/report.json`; rerun with `make bench`."),
        "",
        "| stage | measured | baseline | target |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(report)]
    return "\n".join(lines) + "\n"


def update_readme(table: str) -> bool:
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        return False
    README.write_text(pattern.sub(lambda _m: f"{START}\n{table}{END}", text), encoding="utf-8")
    return True


def machine() -> dict[str, Any]:
    model = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), model)
    except OSError:
        pass
    return {"cpu": model, "cpu_count": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--only", nargs="*", choices=sorted(RUNS), help="run only these benchmarks")
    parser.add_argument("--no-readme", action="store_true", help="do not touch README.md")
    args = parser.parse_args()
    report: dict[str, Any] = {"machine": {**machine(), "load_average_1m_start": round(os.getloadavg()[0], 2)},
                              "quick": args.quick, "runs": {}}
    for name, (full, quick) in RUNS.items():
        if args.only and name not in args.only:
            continue
        print(f"bench/{name}.py ...", file=sys.stderr, flush=True)
        report["runs"][name] = run(name, quick if args.quick else full)
    report["machine"]["load_average_1m_end"] = round(os.getloadavg()[0], 2)
    report["finished"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    table = markdown(report)
    (RESULTS / "report.md").write_text(table, encoding="utf-8")
    if not args.no_readme and not update_readme(table):
        print(f"README.md has no {START} … {END} markers: table not inserted", file=sys.stderr)
    sys.stdout.write(table)


if __name__ == "__main__":
    main()
