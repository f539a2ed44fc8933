"""Crash safety: `duikou ingest` killed with SIGKILL at random points, then run again, ends with
exactly what an uninterrupted run stores: nothing lost, nothing counted twice. On SQLite, and on
PostgreSQL when DUIKOU_TEST_POSTGRES_URL names a server (.ci/run starts one).

The command runs in a forked child of this process (the real CLI entry point, `duikou.cli.app`,
after the parent has loaded the gazetteer and the models), so each of the many runs costs its
work, not a fresh interpreter's start: that keeps 20+ kills per database within seconds."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from duikou.models import RawPage
from duikou.read import read_paths

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"
KILLS = 20  # runs killed, per database
CHAIN = 5  # kills in a row on one database before the run that completes it
SERVER = os.environ.get("DUIKOU_TEST_POSTGRES_URL")

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork to run the command cheaply")


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    """The example corpus and reprints of it under new ids (some exact, some with a first line
    added): 16 pages, stored two documents per transaction below."""
    found = [p for p in read_paths([EXAMPLES]) if isinstance(p, RawPage)]
    path = tmp_path_factory.mktemp("crash") / "pages.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for copy in range(2):
            for n, page in enumerate(found):
                text = page.text if copy == 0 or n % 2 else f"转载 {copy}\n{page.text}"
                out.write(json.dumps({"id": f"{Path(page.source_id).name}-{copy}", "url": page.url, "text": text},
                                     ensure_ascii=False) + "\n")
    import duikou.cli  # imported once here, not in every child
    import duikou.engines.local  # noqa: F401
    from duikou.pipeline import process_page

    process_page(replace(found[0], source_id="warm-up"))  # gazetteer and models loaded before forking
    return path


def _start(db: str, path: Path, workers: int) -> int:
    """`duikou ingest` in a child process of its own process group; returns its pid."""
    pid = os.fork()
    if pid == 0:  # the child: run the command, never return into pytest
        code = 1
        try:
            os.setsid()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            from duikou.cli import app

            app(["ingest", str(path), "--db", db, "--json", "--workers", str(workers), "--batch", "2"],
                standalone_mode=False)
            code = 0
        finally:
            os._exit(code)
    return pid


def _run(db: str, path: Path, workers: int) -> float:
    """Run to the end; its duration."""
    started = time.perf_counter()
    _, status = os.waitpid(_start(db, path, workers), 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return time.perf_counter() - started


def _killed(db: str, path: Path, workers: int, after: float) -> bool:
    """Start the command and SIGKILL it (its worker processes too) after `after` seconds;
    whether it was still running then."""
    pid = _start(db, path, workers)
    time.sleep(after)
    finished, status = os.waitpid(pid, os.WNOHANG)
    if finished:
        assert os.waitstatus_to_exitcode(status) == 0
        return False
    os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return True


def _state(db: str) -> dict:
    """Exports, counts and each pairing's independent sources, without database ids."""
    from duikou.exporting import export
    from duikou.store import open_store

    store = open_store(db)
    exported = {}
    for what in ("pairings", "claims"):
        out = io.StringIO()
        export(store, what, "jsonl", out=out)
        exported[what] = out.getvalue()
    facts = [(f["key"], f["since"], f["documents"], [(q["doc_id"], q["start"], q["quote"]) for q in f["quotes"]])
             for f in store.pairing_facts()]
    state = {"exports": exported, "counts": store.counts(), "facts": facts}
    store.engine.dispose()
    return state


def _crash_and_resume(new_db, pages: Path) -> None:
    reference_db = new_db()
    sys.stdout.flush()
    sys.stderr.flush()
    duration = _run(reference_db, pages, workers=1)
    expected = _state(reference_db)
    assert expected["counts"]["documents"] >= 16 and expected["counts"]["pairing_evidence"] > 30
    rng = random.Random(11)
    kills = rounds = 0
    deadline = time.monotonic() + 40 * duration + 30
    while kills < KILLS:
        assert time.monotonic() < deadline, f"only {kills} runs could be killed in time"
        db, workers = new_db(), 1 + rounds % 2
        for _ in range(CHAIN):  # killed again and again while resuming, until a run completes
            if not _killed(db, pages, workers, rng.uniform(0.0, 0.8 * duration)):
                break
            kills += 1
        _run(db, pages, workers)
        assert _state(db) == expected, f"after round {rounds} ({kills} kills so far)"
        rounds += 1


def test_sqlite_survives_sigkill(tmp_path, pages):
    def new_db() -> str:
        return str(tmp_path / f"{uuid.uuid4().hex[:8]}.db")

    _crash_and_resume(new_db, pages)


@pytest.mark.skipif(not SERVER, reason="no PostgreSQL server: set DUIKOU_TEST_POSTGRES_URL "
                                       "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres)")
def test_postgres_survives_sigkill(pages):
    from sqlalchemy import create_engine, text

    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    made = []

    def new_db() -> str:
        name = f"duikou_crash_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return SERVER.rsplit("/", 1)[0] + "/" + name

    try:
        _crash_and_resume(new_db, pages)
    finally:
        with admin.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
