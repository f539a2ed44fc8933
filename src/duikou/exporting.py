"""Export pairings and claims, one row per piece of evidence, as JSON Lines, CSV or Parquet.

`quote == text[start:end]` of the document's clean text; raw_start/raw_end locate the same
words in the document's raw text (`Store.document(doc_id)["raw_text"]`: its article exactly as
scraped — for a page split into several articles, `<page>#N`, the N-th article, not the file).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, TextIO

from duikou.store import Store

PAIRING_FIELDS = ("doc", "doc_id", "donor", "donor_code", "recipient", "recipient_code", "programme",
                  "since", "until", "quote", "start", "end", "raw_start", "raw_end", "extractor", "confidence")
CLAIM_FIELDS = ("doc", "doc_id", "subject", "subject_code", "object", "object_code", "measure", "value", "unit",
                "qualifier", "period", "status", "base_measure", "base_value", "base_unit", "quote", "start", "end", "raw_start", "raw_end", "extractor",
                "confidence")


def pairing_records(store: Store) -> Iterator[dict[str, Any]]:
    for r in store.pairing_rows():
        yield {
            "doc": r["source_id"], "doc_id": r["doc_id"], "donor": r["donor_full"], "donor_code": r["donor_code"],
            "recipient": r["recipient_full"], "recipient_code": r["recipient_code"], "programme": r["programme"],
            "since": r["since"], "until": r["until"], "quote": r["quote"], "start": r["start"], "end": r["end"],
            "raw_start": r["raw_start"], "raw_end": r["raw_end"], "extractor": r["extractor"],
            "confidence": r["confidence"],
        }


def claim_records(store: Store) -> Iterator[dict[str, Any]]:
    for r in store.claim_rows():
        yield {
            "doc": r["source_id"], "doc_id": r["doc_id"], "subject": r["subject"], "subject_code": r["subject_code"],
            "object": r["object"], "object_code": r["object_code"], "measure": r["measure"], "value": r["value"],
            "unit": r["unit"], "qualifier": r["qualifier"], "period": r["period"], "status": r["status"],
            "base_measure": r["base_measure"], "base_value": r["base_value"], "base_unit": r["base_unit"],
            "quote": r["quote"], "start": r["start"], "end": r["end"], "raw_start": r["raw_start"],
            "raw_end": r["raw_end"], "extractor": r["extractor"], "confidence": r["confidence"],
        }


def write_jsonl(records: Iterator[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(records: Iterator[dict[str, Any]], out: TextIO, fields: tuple[str, ...]) -> int:
    writer = csv.DictWriter(out, fieldnames=list(fields))
    writer.writeheader()
    n = 0
    for record in records:
        writer.writerow(record)
        n += 1
    return n


def write_parquet(records: Iterator[dict[str, Any]], path: str, fields: tuple[str, ...]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("Parquet export needs pyarrow (pip install pyarrow)") from exc
    rows = list(records)
    table = pa.Table.from_pylist(rows, schema=None) if rows else pa.table({f: [] for f in fields})
    pq.write_table(table, path)
    return len(rows)


def export(store: Store, what: str, fmt: str, out: TextIO | None = None, path: str | None = None) -> int:
    records = pairing_records(store) if what == "pairings" else claim_records(store)
    fields = PAIRING_FIELDS if what == "pairings" else CLAIM_FIELDS
    if fmt == "parquet":
        if not path:
            raise ValueError("Parquet export needs --output FILE")
        return write_parquet(records, path, fields)
    target = out or io.StringIO()
    if fmt == "jsonl":
        return write_jsonl(records, target)
    if fmt == "csv":
        return write_csv(records, target, fields)
    raise ValueError(f"unknown format {fmt!r}: use jsonl, csv or parquet")
