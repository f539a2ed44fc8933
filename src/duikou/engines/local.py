"""The local engine: read files, run the pipeline on each page (in worker processes when asked),
store the results in batches.

Pages are processed in windows: while the workers run one window, the main process stores the
one before it, in page order, through Store.add_many (one transaction per batch). Results are
therefore the same whatever the number of workers or the batch size; a crash loses at most the
batch being written, and a rerun skips every stored document (its content hash is unchanged).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path

from duikou.models import ProcessedDocument, RawPage, ReadError
from duikou.pipeline import process_page
from duikou.read import read_paths
from duikou.store import Store

BATCH_DOCUMENTS = 200  # documents per store transaction
WINDOW_PAGES = 64  # pages handed to the workers at a time, per worker


@dataclass
class IngestReport:
    pages: int = 0
    documents: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    reprints: int = 0
    bytes: int = 0  # UTF-8 size of the page texts read
    pairings: int = 0
    claims: int = 0
    errors: list[ReadError] = field(default_factory=list)
    skipped: list[ReadError] = field(default_factory=list)
    files: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": len(self.files), "pages": self.pages, "documents": self.documents,
            "added": self.added, "replaced": self.replaced, "unchanged": self.unchanged,
            "reprints": self.reprints, "bytes": self.bytes, "megabytes": round(self.bytes / 1e6, 3),
            "pairing_evidence_added": self.pairings, "claim_evidence_added": self.claims,
            "errors": [{"path": e.path, "reason": e.reason} for e in self.errors],
            "skipped": [{"path": e.path, "reason": e.reason} for e in self.skipped],
        }


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _process(page: RawPage) -> list[ProcessedDocument] | str:
    """The pipeline on one page; a failure comes back as its description (a pipeline bug on one
    page must not stop the run)."""
    try:
        return process_page(page)
    except Exception as exc:  # noqa: BLE001 - reported with the page, the run goes on
        return f"processing failed: {exc!r}"


def _windows(items: Iterable[RawPage | ReadError], size: int) -> Iterator[list[RawPage | ReadError]]:
    window: list[RawPage | ReadError] = []
    for item in items:
        window.append(item)
        if len(window) >= size:
            yield window
            window = []
    if window:
        yield window


def _pool(workers: int) -> Pool:
    """Worker processes; forked where possible, after the parent has loaded the gazetteer and the
    models once, so the workers share them instead of each loading its own."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods:
        process_page(RawPage("warm-up", "江苏省对口支援青海省海南藏族自治州。", "warm-up"))
        return multiprocessing.get_context("fork").Pool(workers)
    return multiprocessing.get_context("spawn").Pool(workers)


def ingest(paths: Iterable[str | Path], store: Store,
           on_page: Callable[[RawPage | ReadError, IngestReport], None] | None = None,
           workers: int = 1, batch_size: int = BATCH_DOCUMENTS) -> IngestReport:
    """Ingest files or folders; a bad file is reported and the run goes on. `on_page` is
    called after each page or error with the report so far (for progress display).
    `workers` > 1 runs the pipeline in that many processes (the same functions, the same
    results); documents are stored `batch_size` at a time, each batch one transaction."""
    report = IngestReport()
    paths = list(paths)
    named = {str(Path(p)) for p in paths if not Path(p).is_dir()}
    batch: list[ProcessedDocument] = []

    def store_batch() -> None:
        for result in store.add_many(batch):
            report.documents += 1
            setattr(report, result.status, getattr(report, result.status) + 1)
            report.reprints += result.reprint
            report.pairings += result.pairings
            report.claims += result.claims
        batch.clear()

    def finish(window: list[RawPage | ReadError], results: Iterator[list[ProcessedDocument] | str]) -> None:
        for item in window:
            if isinstance(item, ReadError) and item.reason.startswith("unsupported file type") \
                    and item.path not in named:
                report.skipped.append(item)  # a file of another kind inside a folder: not an error
            elif isinstance(item, ReadError):
                report.files.add(item.path.split(":")[0])
                report.errors.append(item)
            else:
                report.files.add(item.path)
                report.pages += 1
                report.bytes += len(item.text.encode("utf-8", "surrogatepass"))
                processed = next(results)
                if isinstance(processed, str):
                    report.errors.append(ReadError(f"{item.path} [{item.source_id}]", processed))
                else:
                    batch.extend(processed)
                    if len(batch) >= batch_size:
                        store_batch()
            if on_page:
                on_page(item, report)

    items = read_paths(paths)
    if workers <= 1:
        for window in _windows(items, WINDOW_PAGES):
            finish(window, iter([_process(item) for item in window if isinstance(item, RawPage)]))
    else:
        with _pool(workers) as pool:
            running: deque[tuple[list[RawPage | ReadError], AsyncResult]] = deque()
            for window in _windows(items, WINDOW_PAGES * workers):
                pages = [item for item in window if isinstance(item, RawPage)]
                running.append((window, pool.map_async(_process, pages, chunksize=4)))
                if len(running) > 1:  # keep the workers busy while the main process stores
                    done, result = running.popleft()
                    finish(done, iter(result.get()))
            while running:
                done, result = running.popleft()
                finish(done, iter(result.get()))
    if batch:
        store_batch()
    return report
