"""One reader per file format; each yields RawPage or ReadError and never raises.

Limits (duikou.settings, read at call time so tests can lower them) keep memory bounded:
MAX_FILE_BYTES per file, MAX_RECORD_BYTES per jsonl line / WARC record, MAX_PAGE_CHARS per
page, MAX_DECOMPRESSED_BYTES and MAX_COMPRESSION_RATIO for gzip streams (bombs).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Self

from duikou import settings
from duikou.models import RawPage, ReadError
from duikou.read.encoding import (
    Decoded,
    DecodeError,
    declared_charset,
    decode_bytes,
    normalise_encoding,
)

Result = RawPage | ReadError

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
WARC_SUFFIXES = {".warc", ".arc"}
_RATIO_GRACE = 4 * 1024 * 1024  # judge the compression ratio only after this much output


class TooLarge(Exception):
    """A stream grew past a limit; the message says which."""


def kind_of(path: Path) -> tuple[str | None, bool]:
    """('txt'|'html'|'jsonl'|'warc'|None, gzipped?) from the file name."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    gz = bool(suffixes) and suffixes[-1] in (".gz", ".gzip")
    last = (
        suffixes[-2] if gz and len(suffixes) == 2 else (suffixes[-1] if suffixes and not gz else "")
    )
    for kind, group in (
        ("txt", TEXT_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("jsonl", JSONL_SUFFIXES),
        ("warc", WARC_SUFFIXES),
    ):
        if last in group:
            return kind, gz
    return None, gz


class GuardedGzip(io.RawIOBase):
    """A gzip stream that raises TooLarge past a size or compression-ratio limit (bombs)."""

    def __init__(self, raw: IO[bytes]):
        self._raw = raw
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""
        self._in = 0
        self._out = 0
        self._eof = False
        self._started = False
        self.truncated = False

    def readable(self) -> bool:
        return True

    def _check(self) -> None:
        if self._out > settings.MAX_DECOMPRESSED_BYTES:
            raise TooLarge(f"decompresses to more than {settings.MAX_DECOMPRESSED_BYTES} bytes")
        if self._out > _RATIO_GRACE and self._out > settings.MAX_COMPRESSION_RATIO * max(
            1, self._in
        ):
            raise TooLarge(
                f"compression ratio above {settings.MAX_COMPRESSION_RATIO}:1 (gzip bomb?)"
            )

    def _fill(self) -> None:
        """Decompress one step into self._pending (bounded output per step)."""
        if self._inflate.unconsumed_tail:
            chunk = self._inflate.unconsumed_tail
        else:
            chunk = self._raw.read(64 * 1024)
            self._in += len(chunk)
            if not chunk:
                self._eof = True
                # a cut-off member: hand out what was decompressed, fail on the next read
                self.truncated = self._started and not self._inflate.eof
                return
        self._started = True
        out = self._inflate.decompress(chunk, 1024 * 1024)
        while self._inflate.eof:  # concatenated gzip members (WARC.gz: one per record)
            rest = self._inflate.unused_data
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._started = bool(rest)
            if not rest:
                break
            out += self._inflate.decompress(rest, 1024 * 1024)
        self._out += len(out)
        self._check()
        self._pending += out

    def readinto(self, buffer: Any) -> int:
        want = len(buffer)
        while len(self._pending) < want and not self._eof:
            self._fill()
        n = min(want, len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


class Stream:
    """A binary stream over a file, gunzipped through GuardedGzip when needed.

    A gzip stream cut off mid-member simply ends (so the records before the cut are still
    read); `truncated` then tells the reader to report it."""

    def __init__(self, path: Path, gz: bool):
        self._raw = path.open("rb")
        self._guard = GuardedGzip(self._raw) if gz else None
        self.file: IO[bytes] = (
            io.BufferedReader(self._guard, buffer_size=256 * 1024) if self._guard else self._raw
        )

    @property
    def truncated(self) -> bool:
        return self._guard is not None and self._guard.truncated

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._raw.close()


_TRUNCATED = "gzip data ends in the middle of a member (truncated file)"


def read_limited(stream: IO[bytes], limit: int, chunk: int = 1024 * 1024) -> bytearray:
    """Read at most `limit` bytes, in chunks (memory grows with the data, not the limit);
    TooLarge if there is more."""
    data = bytearray()
    while True:
        piece = stream.read(min(chunk, limit + 1 - len(data)))
        if not piece:
            return data
        data += piece
        if len(data) > limit:
            raise TooLarge(f"larger than {limit:,} bytes")


def _page_too_large(text: str) -> str | None:
    if len(text) > settings.MAX_PAGE_CHARS:
        return (
            f"page too large: {len(text):,} characters (limit {settings.MAX_PAGE_CHARS:,}); "
            "not an article — split the file first"
        )
    return None


def _meta_with(
    decoded_warning: str | None, encoding: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    meta: dict[str, Any] = {"encoding": encoding}
    if decoded_warning:
        meta["warning"] = decoded_warning
    if extra:
        meta.update(extra)
    return meta


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _page_text(data: bytes, html: bool, declared: str | None = None) -> tuple[Decoded, str, dict[str, Any]]:
    """Decode a page's bytes (charset declared by the transport, else by an HTML meta tag) and,
    for HTML, keep its main text. Raises DecodeError."""
    decoded = decode_bytes(data, declared or (declared_charset(data) if html else None))
    if not html:
        return decoded, decoded.text, {}
    from duikou.read.html import html_to_text

    text, extra = html_to_text(decoded.text)
    extra["format"] = "html"
    return decoded, text, extra


def read_text_file(path: Path, gz: bool, html: bool) -> Iterator[Result]:
    """A whole .txt / .html file is one page; source_id is the file path."""
    with Stream(path, gz) as stream:
        data = read_limited(stream.file, settings.MAX_FILE_BYTES)
        if stream.truncated:
            yield ReadError(str(path), _TRUNCATED)
            return
    if not data.strip():
        yield ReadError(str(path), "empty file")
        return
    try:
        decoded, text, extra = _page_text(data, html)
    except DecodeError as exc:
        yield ReadError(str(path), str(exc))
        return
    if not text.strip():
        yield ReadError(
            str(path), "no text in the file" + (" (HTML without visible text)" if html else "")
        )
        return
    problem = _page_too_large(text)
    if problem:
        yield ReadError(str(path), problem)
        return
    yield RawPage(
        str(path), text, str(path), None, _meta_with(decoded.warning, decoded.encoding, extra)
    )


def _readline_bounded(stream: IO[bytes], limit: int) -> tuple[bytes, bool]:
    """One line of at most `limit` bytes; (b'', False) at EOF; too-long lines are skipped."""
    line = stream.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line, True
    while True:  # skip the rest of an over-long line without holding it in memory
        more = stream.readline(1024 * 1024)
        if not more or more.endswith(b"\n"):
            return line[:0], False


def read_jsonl(path: Path, gz: bool) -> Iterator[Result]:
    """One page per line: {"id", "url", "text", ...}; other fields are kept as metadata."""
    limit = settings.MAX_RECORD_BYTES
    records = pages = 0
    no_text = 0
    held: list[ReadError] = []
    with Stream(path, gz) as opened:
        stream = opened.file
        number = 0
        while True:
            line, ok = _readline_bounded(stream, limit)
            number += 1
            where = f"{path}:{number}"
            if not ok:
                yield ReadError(where, f"record longer than {limit:,} bytes, skipped")
                records += 1
                continue
            if not line:
                break
            if not line.strip():
                continue
            records += 1
            try:
                text_line = line.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    text_line = line.decode("gb18030")
                except UnicodeDecodeError:
                    yield ReadError(where, "record is not UTF-8 text")
                    continue
            try:
                record = json.loads(text_line)
            except json.JSONDecodeError as exc:
                yield ReadError(where, f"bad JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(record, dict):
                yield ReadError(where, "record is not a JSON object")
                continue
            text = record.get("text")
            if not isinstance(text, str):
                no_text += 1
                if pages == 0:
                    held.append(ReadError(where, "record has no 'text' string"))
                    if no_text >= 3:
                        yield ReadError(
                            str(path), "records have no 'text' field (not a file of pages)"
                        )
                        return
                else:
                    yield ReadError(where, "record has no 'text' string")
                continue
            if held:  # the first records lacked text but this is a file of pages after all
                yield from held
                held.clear()
            problem = _page_too_large(text)
            if problem:
                yield ReadError(where, problem)
                continue
            text = _LONE_SURROGATE.sub("\ufffd", text)  # a "\ud800" escape is no character
            source_id = str(record.get("id") or f"{path}:{number}")
            url = record.get("url") if isinstance(record.get("url"), str) else None
            meta = {k: v for k, v in record.items() if k not in {"id", "url", "text"}}
            pages += 1
            yield RawPage(source_id, text, str(path), url, meta)
        if opened.truncated:
            yield from held
            yield ReadError(f"{path}:{number}", _TRUNCATED)
            return
    yield from held
    if records == 0:
        yield ReadError(str(path), "empty file")


def _content_charset(content_type: str | None) -> str | None:
    if not content_type or "charset=" not in content_type.lower():
        return None
    value = content_type.lower().split("charset=", 1)[1].split(";")[0].strip(" \"'")
    return normalise_encoding(value) if value else None


def read_warc(path: Path) -> Iterator[Result]:
    """HTML/text responses (and WET conversion records) of a .warc / .warc.gz file.

    source_id is the WARC-Target-URI (or the record id when there is none). A record larger
    than MAX_RECORD_BYTES ends the file (reading past it could mean decompressing a bomb).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    pages = 0
    number = 0
    raw = path.open("rb")
    guarded: IO[bytes] = raw
    gz: GuardedGzip | None = None
    if path.suffix.lower() in (".gz", ".gzip"):
        # let the guard do the decompression so bombs are caught; warcio then sees plain WARC
        gz = GuardedGzip(raw)
        guarded = io.BufferedReader(gz, buffer_size=256 * 1024)
    try:
        for record in ArchiveIterator(guarded, arc2warc=True):
            number += 1
            where = f"{path}:{number}"
            rtype = record.rec_type
            if rtype not in ("response", "resource", "conversion"):
                continue
            if rtype == "response" and record.http_headers is not None:
                ctype = record.http_headers.get_header("Content-Type") or ""
                status = record.http_headers.get_statuscode() or ""
                if not status.startswith("2"):
                    continue
            else:
                ctype = record.rec_headers.get_header("Content-Type") or ""
            low = ctype.lower()
            is_html = "html" in low
            if not (is_html or low.startswith("text/plain") or (rtype == "conversion" and not low)):
                continue
            try:
                payload = read_limited(record.content_stream(), settings.MAX_RECORD_BYTES)
            except TooLarge:
                yield ReadError(
                    where,
                    f"record larger than {settings.MAX_RECORD_BYTES:,} bytes; rest of the file skipped",
                )
                return
            except (zlib.error, OSError, EOFError) as exc:
                yield ReadError(where, f"cannot read record payload: {exc}")
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or None
            record_id = record.rec_headers.get_header("WARC-Record-ID") or where
            try:
                decoded, text, extra = _page_text(payload, is_html, _content_charset(ctype))
            except DecodeError as exc:
                yield ReadError(where, f"{url or record_id}: {exc}")
                continue
            if not text.strip():
                continue
            problem = _page_too_large(text)
            if problem:
                yield ReadError(where, problem)
                continue
            extra.update(
                {
                    "warc_record_id": record_id,
                    "warc_date": record.rec_headers.get_header("WARC-Date"),
                    "content_type": ctype,
                }
            )
            pages += 1
            yield RawPage(
                url or record_id,
                text,
                str(path),
                url,
                _meta_with(decoded.warning, decoded.encoding, extra),
            )
    except TooLarge as exc:
        yield ReadError(f"{path}:{number}", f"{exc}; rest of the file skipped")
        return
    except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
        yield ReadError(f"{path}:{number}", f"not a readable WARC file or truncated: {exc}")
        return
    except Exception as exc:  # noqa: BLE001 - warcio fails in many ways on damaged records
        if gz is not None and gz.truncated:
            yield ReadError(f"{path}:{number}", f"{_TRUNCATED}; rest of the file skipped")
        else:
            yield ReadError(
                f"{path}:{number}", f"damaged WARC record ({type(exc).__name__}: {exc})"
            )
        return
    finally:
        raw.close()
    if gz is not None and gz.truncated:
        yield ReadError(f"{path}:{number}", f"{_TRUNCATED}; rest of the file skipped")
        return
    if pages == 0:
        yield ReadError(str(path), "no HTML or text records in the WARC file")


def read_file(path: Path) -> Iterator[Result]:
    """Dispatch on the file name; every failure becomes a ReadError naming the file."""
    kind, gz = kind_of(path)
    if kind is None:
        yield ReadError(
            str(path), f"unsupported file type {''.join(path.suffixes[-2:]) or '(none)'}"
        )
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        yield ReadError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    if size == 0:
        yield ReadError(str(path), "empty file")
        return
    if size > settings.MAX_FILE_BYTES and kind != "warc" and kind != "jsonl":
        yield ReadError(
            str(path), f"file too large: {size:,} bytes (limit {settings.MAX_FILE_BYTES:,})"
        )
        return
    if kind == "txt" and not gz and size > 4 * settings.MAX_PAGE_CHARS:
        # even at 4 bytes per character this is more text than one page may hold
        yield ReadError(
            str(path),
            f"page too large: {size:,} bytes of text in one file (limit {settings.MAX_PAGE_CHARS:,} "
            "characters); not an article — split the file first",
        )
        return
    try:
        if kind == "warc":
            yield from read_warc(path)
        elif kind == "jsonl":
            yield from read_jsonl(path, gz)
        else:
            yield from read_text_file(path, gz, html=kind == "html")
    except TooLarge as exc:
        yield ReadError(str(path), str(exc))
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        yield ReadError(str(path), f"corrupt or truncated gzip data: {exc}")
    except OSError as exc:
        yield ReadError(str(path), f"cannot read: {exc.strerror or exc}")
    except (MemoryError, RecursionError) as exc:  # pragma: no cover - last resort
        yield ReadError(str(path), f"out of resources while reading: {type(exc).__name__}")
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the run
        yield ReadError(str(path), f"unexpected error while reading ({type(exc).__name__}: {exc})")
