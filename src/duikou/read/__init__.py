"""Read: turn files and folders into RawPage records (or ReadError, and the run goes on).

Contract used by the rest of the pipeline:
    read_paths(paths) -> Iterator[RawPage | ReadError]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from charset_normalizer import from_bytes

from duikou.models import RawPage, ReadError

SUPPORTED = {".txt", ".jsonl"}


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8 first, then whatever charset-normalizer finds (GBK read as GB18030)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise ValueError("cannot detect the text encoding (binary file?)")
    encoding = best.encoding.lower()
    if encoding in {"gbk", "gb2312", "cp936"}:
        encoding = "gb18030"
    return data.decode(encoding)


def _looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def read_file(path: Path) -> Iterator[RawPage | ReadError]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        yield ReadError(str(path), f"unsupported file type {suffix or '(none)'}")
        return
    data = path.read_bytes()
    if not data.strip():
        yield ReadError(str(path), "empty file")
        return
    if _looks_binary(data):
        yield ReadError(str(path), "binary content, not text")
        return
    try:
        text = decode_bytes(data)
    except (ValueError, LookupError) as exc:
        yield ReadError(str(path), str(exc))
        return
    if suffix == ".txt":
        yield RawPage(source_id=str(path), text=text, path=str(path))
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            page_text = record["text"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            yield ReadError(f"{path}:{number}", f"bad JSON record: {exc}")
            continue
        source_id = str(record.get("id") or f"{path}:{number}")
        meta = {k: v for k, v in record.items() if k not in {"id", "url", "text"}}
        yield RawPage(source_id, page_text, str(path), record.get("url"), meta)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        else:
            yield p


def read_paths(paths: Iterable[str | Path]) -> Iterator[RawPage | ReadError]:
    for path in iter_files(paths):
        if not path.exists():
            yield ReadError(str(path), "no such file")
            continue
        try:
            yield from read_file(path)
        except OSError as exc:
            yield ReadError(str(path), f"cannot read: {exc.strerror or exc}")
