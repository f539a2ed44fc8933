"""Background ingest jobs for the write endpoints: one worker thread (the store takes one writer
at a time), progress kept in memory and read through /api/jobs/{id}. Each document is stored in
its own transaction (Store.add), so readers never see half of one."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duikou.models import ReadError
from duikou.store import Store

MAX_KEPT = 200  # finished jobs remembered (oldest forgotten first)


@dataclass
class Job:
    id: str
    paths: list[str]
    status: str = "queued"  # queued | running | done | failed
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    progress: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "files": len(self.paths), "created": self.created,
                "started": self.started, "finished": self.finished, "progress": dict(self.progress),
                "result": self.result, "error": self.error}


class Jobs:
    """The app's ingest queue."""

    def __init__(self, store: Store, batch_size: int = 20) -> None:
        self.store = store
        self.batch_size = batch_size  # documents per transaction: progress shows in the store this often
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="duikou-ingest")

    def submit(self, paths: list[Path]) -> Job:
        job = Job(uuid.uuid4().hex, [str(p) for p in paths])
        with self._lock:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.status in ("done", "failed")]
            for old in finished[:max(0, len(finished) - MAX_KEPT)]:
                del self._jobs[old.id]
        self._pool.submit(self._run, job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: (j.created, j.id))

    def _run(self, job: Job) -> None:
        from duikou.engines.local import ingest

        job.status, job.started = "running", time.time()

        def tick(item: Any, so_far: Any) -> None:
            job.progress = {"pages": so_far.pages, "documents": so_far.documents, "added": so_far.added,
                            "errors": len(so_far.errors), "bytes": so_far.bytes,
                            "last": item.path if isinstance(item, ReadError) else item.source_id}

        try:
            report = ingest(job.paths, self.store, on_page=tick, batch_size=self.batch_size)
        except Exception as exc:  # noqa: BLE001 - reported through the job, the server goes on
            job.status, job.error = "failed", f"{type(exc).__name__}: {exc}"
        else:
            job.result = report.as_dict()
            job.progress = {"pages": report.pages, "documents": report.documents, "added": report.added,
                            "errors": len(report.errors), "bytes": report.bytes}
            job.status = "done"
        job.finished = time.time()

    def wait(self, job_id: str, timeout: float = 60.0) -> Job | None:
        """Block until the job ends (tests, scripts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(job_id)
            if job is None or job.status in ("done", "failed"):
                return job
            time.sleep(0.02)
        return self.get(job_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
