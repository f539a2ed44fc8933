"""The local engine: read files, run the pipeline on each page, store the results."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from duikou.models import RawPage, ReadError
from duikou.pipeline import process_page
from duikou.read import read_paths
from duikou.store import Store


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


def ingest(paths: Iterable[str | Path], store: Store,
           on_page: Callable[[RawPage | ReadError, IngestReport], None] | None = None) -> IngestReport:
    """Ingest files or folders; a bad file is reported and the run goes on. `on_page` is
    called after each page or error with the report so far (for progress display)."""
    report = IngestReport()
    paths = list(paths)
    named = {str(Path(p)) for p in paths if not Path(p).is_dir()}
    for item in read_paths(paths):
        if isinstance(item, ReadError) and item.reason.startswith("unsupported file type") and item.path not in named:
            report.skipped.append(item)  # a file of another kind inside a folder: not an error
        elif isinstance(item, ReadError):
            report.files.add(item.path.split(":")[0])
            report.errors.append(item)
        else:
            report.files.add(item.path)
            report.pages += 1
            report.bytes += len(item.text.encode("utf-8", "surrogatepass"))
            try:
                processed = process_page(item)
            except Exception as exc:  # a pipeline bug on one page must not stop the run
                report.errors.append(ReadError(f"{item.path} [{item.source_id}]", f"processing failed: {exc!r}"))
                processed = []
            for doc in processed:
                result = store.add(doc)
                report.documents += 1
                setattr(report, result.status, getattr(report, result.status) + 1)
                report.reprints += result.reprint
                report.pairings += result.pairings
                report.claims += result.claims
        if on_page:
            on_page(item, report)
    return report
