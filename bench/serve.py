"""Throughput and latency of the served JSON API (`duikou serve`) on the store built from
../shared/corpus (its seeds and dev pages).

Starts the server in a subprocess on 127.0.0.1 (a free port), waits until it answers, requests
every URL once (warm-up, reported as first_request_ms: the first requests load the gazetteer
and the passage search index, and each fills the answer cache), then drives a fixed number of requests (--requests, default 5000)
with --concurrency client threads (httpx, keep-alive) cycling through a fixed list of URLs over
the main read endpoints and ask: pairings (with and without filters, CSV), regions, a region
page, claims, documents, a document with its spans, stats, search and four questions.
Prints JSON: requests/s, p50/p99/max latency (ms) overall and per endpoint, non-200 answers,
and how the store and server were set up. The issue's target: >= 500 requests/s at p99 <= 100 ms
on a 2-core machine. The client runs on the same machine and takes its share of the CPU.
With --uncached every request carries a query parameter of its own (`_n=<i>`, ignored by the
API), so none is answered from the cache: what computing every answer costs.

    .venv/bin/python bench/serve.py [--requests 5000] [--concurrency 8] [--workers 1] [--uncached] [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpus"
SEED_QUESTION = "浙江、江苏两个省份是青海的援建省份吗"

URLS = [
    "/api/pairings",
    "/api/pairings?donor=江苏&recipient=青海",
    "/api/pairings?donor=320000&basis=reported",
    "/api/pairings?programme=援疆&year=2015&limit=50",
    "/api/pairings?programme=东西部协作&format=csv",
    "/api/regions",
    "/api/regions?q=青海",
    "/api/regions/630000",
    "/api/regions/江苏",
    "/api/claims?subject=江苏&limit=20",
    "/api/claims?year=2019",
    "/api/documents?limit=50",
    "/api/documents/s000",
    "/api/stats",
    "/api/search?q=江苏援青干部",
    "/api/ask?q=" + SEED_QUESTION,
    "/api/ask?q=哪些省份对口支援新疆",
    "/api/ask?q=江苏对口支援青海投入了多少资金",
    "/api/ask?q=上海对口支援哪些地方",
]


FIRST: dict[str, float] = {}  # URL -> ms of its first (uncached) request


def build_store(db: Path) -> dict:
    """The store from ../shared/corpus (reused when it exists)."""
    if db.exists():
        return {"built": False}
    sys.path.insert(0, str(ROOT / "src"))
    from duikou.engines.local import ingest
    from duikou.store import open_store

    pages = [CORPUS / "seeds" / "pages.jsonl", CORPUS / "dev" / "pages.jsonl"]
    missing = [str(p) for p in pages if not p.exists()]
    if missing:
        raise SystemExit(f"missing corpus files: {missing}")
    started = time.perf_counter()
    tmp = db.with_suffix(".building")
    for leftover in tmp.parent.glob(tmp.name + "*"):
        leftover.unlink()
    store = open_store(str(tmp))
    ingest(pages, store)
    store.engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    tmp.rename(db)
    return {"built": True, "build_s": round(time.perf_counter() - started, 1)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def endpoint(url: str) -> str:
    path = url.split("?")[0]
    parts = path.split("/")
    return "/".join(parts[:3]) + ("/{id}" if len(parts) > 3 else "")


def drive(base: str, n: int, concurrency: int, uncached: bool = False) -> tuple[float, list[tuple[str, float, int]]]:
    """n GETs from `concurrency` threads, each with its own keep-alive httpx.Client (the sync
    client costs about a quarter of the CPU per request of httpx.AsyncClient, and the client
    shares the machine with the server)."""
    import threading

    import httpx

    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()
    counter = iter(range(n))
    with httpx.Client(base_url=base, timeout=60) as client:
        for url in URLS:  # warm-up: each answer computed once (reported as first_request_ms)
            t = time.perf_counter()
            r = client.get(url)
            FIRST[url] = round((time.perf_counter() - t) * 1000, 1)
            if r.status_code != 200:
                raise SystemExit(f"warm-up {url}: {r.status_code} {r.text[:200]}")

    def worker() -> None:
        mine = []
        with httpx.Client(base_url=base, timeout=30) as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    break
                url = URLS[i % len(URLS)]
                t = time.perf_counter()
                r = client.get(url + (("&" if "?" in url else "?") + f"_n={i}" if uncached else ""))
                mine.append((endpoint(url), time.perf_counter() - t, r.status_code))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, results


def process_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_of(pid: int) -> float:
    """CPU seconds of a process and its children so far (Linux /proc), 0 where unknown."""
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for p in [pid, *map(int, children)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(times: list[float]) -> dict:
    ms = [t * 1000 for t in times]
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 2), "p99_ms": round(percentile(ms, 99), 2),
            "max_ms": round(max(ms), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--uncached", action="store_true", help="no request answered from the cache")
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "duikou-bench-serve.db")
    args = parser.parse_args()

    setup = build_store(args.db)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("DUIKOU_API_TOKEN", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "duikou", "serve", "--db", str(args.db), "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/api/stats", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("server did not start: " + (server.stderr.read().decode()[-2000:]
                                                             if server.poll() is not None else "timeout"))
            time.sleep(0.2)
        client_cpu, server_cpu = process_cpu(), cpu_of(server.pid)
        wall, results = drive(base, args.requests, args.concurrency, args.uncached)
        client_cpu, server_cpu = process_cpu() - client_cpu, cpu_of(server.pid) - server_cpu
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    by_endpoint: dict[str, list[float]] = {}
    for name, seconds, _status in results:
        by_endpoint.setdefault(name, []).append(seconds)
    out = {
        "requests": len(results), "concurrency": args.concurrency, "server_workers": args.workers, "uncached": args.uncached,
        "seconds": round(wall, 3), "requests_per_s": round(len(results) / wall, 1),
        **summary([t for _n, t, _s in results]),
        "non_200": sum(status != 200 for _n, _t, status in results),
        # CPU seconds spent while driving (warm-up included): server and this client
        "server_cpu_s": round(server_cpu, 2), "client_cpu_s": round(client_cpu, 2),
        "per_endpoint": {name: summary(times) for name, times in sorted(by_endpoint.items())},
        # the timed requests are answered from the per-data-version answer cache; the first request
        # of each URL computes it (the very first ones also load the gazetteer and the search index)
        "first_request_ms": FIRST, "urls": len(URLS), "db": str(args.db), "store": setup, "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
