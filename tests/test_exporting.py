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


def test_parquet_round_trip(example_store, tmp_path):
    import pyarrow.parquet as pq

    path = tmp_path / "pairings.parquet"
    n = export(example_store, "pairings", "parquet", path=str(path))
    table = pq.read_table(path)
    assert table.num_rows == n > 0
    assert set(PAIRING_FIELDS) <= set(table.column_names)
    row = table.slice(0, 1).to_pylist()[0]
    doc = example_store.document(row["doc_id"])
    assert doc["text"][row["start"]:row["end"]] == row["quote"]


def test_claims_export_columns(store, tmp_path):
    from duikou.exporting import CLAIM_FIELDS

    buffer = io.StringIO()
    assert export(store, "claims", "csv", out=buffer) == 0
    assert buffer.getvalue().strip() == ",".join(CLAIM_FIELDS)
