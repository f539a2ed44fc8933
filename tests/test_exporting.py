import csv
import io
import json

import pytest

from duikou.exporting import PAIRING_FIELDS, export


def test_jsonl_rows_carry_evidence(example_store):
    buffer = io.StringIO()
    n = export(example_store, "pairings", "jsonl", out=buffer)
    rows = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert n == len(rows) > 0
    for row in rows:
        doc = example_store.document(row["doc_id"])
        assert doc["text"][row["start"]:row["end"]] == row["quote"]


def test_csv_has_the_declared_columns(example_store):
    buffer = io.StringIO()
    export(example_store, "pairings", "csv", out=buffer)
    reader = csv.DictReader(io.StringIO(buffer.getvalue()))
    assert tuple(reader.fieldnames) == PAIRING_FIELDS
    assert sum(1 for _ in reader) > 0


def test_parquet_needs_a_path(example_store):
    with pytest.raises(ValueError):
        export(example_store, "pairings", "parquet")


def test_unknown_format(example_store):
    with pytest.raises(ValueError):
        export(example_store, "claims", "xml", out=io.StringIO())
