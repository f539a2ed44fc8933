"""Read: turn files and folders into RawPage records (or ReadError, and the run goes on).

Contract used by the rest of the pipeline:
    read_paths(paths) -> Iterator[RawPage | ReadError]

Formats: .txt (one page per file), .html/.htm (main text via Resiliparse), .jsonl
({"id","url","text",...}, one page per line, other fields kept in meta), .warc/.warc.gz
(warcio; HTML/text responses), and .txt.gz/.html.gz/.jsonl.gz. Encoding: UTF-8, GB18030 for
anything GBK-like, Big5 (see encoding.py). Records are produced one at a time (streaming).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from duikou.models import RawPage, ReadError
from duikou.read.encoding import Decoded, DecodeError, decode_bytes
from duikou.read.formats import read_file

__all__ = ["DecodeError", "Decoded", "decode_bytes", "iter_files", "read_file", "read_paths"]


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given, and the files under folders (sorted, hidden files skipped)."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        else:
            yield p


def read_paths(paths: Iterable[str | Path]) -> Iterator[RawPage | ReadError]:
    """Every page in the given files and folders; a bad file or record gives a ReadError."""
    for path in iter_files(paths):
        if not path.exists():
            yield ReadError(str(path), "no such file")
            continue
        if path.is_dir():
            continue
        yield from read_file(path)
