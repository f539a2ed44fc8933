"""The notebook API returns the objects `ask --json` prints, and tables for lists."""

import importlib.util

import pytest

from duikou.answer import notebook as dk


def test_ask_returns_the_same_objects_as_the_cli(example_store):
    answer = dk.ask("浙江、江苏两个省份是青海的援建省份吗", example_store)
    assert [p.verdict for p in answer.parts] == ["yes", "yes"]
    data = answer.as_dict()
    assert list(data) == ["question", "kind", "summary", "parts", "passages"]
    table = dk.parts_table(answer)
    assert table.column("donor").to_pylist() == ["浙江省", "江苏省"]
    assert table.column("basis").to_pylist() == ["official", "official+reported"]


def test_registry_and_pairings_as_tables(example_store):
    assert dk.registry(donor="浙江", recipient="海西州")[0]["donor"] == {"code": "330000", "name": "浙江省"}
    table = dk.registry_table(recipient="青海", programme="援青")
    assert table.num_rows >= 6 and set(table.column("programme").to_pylist()) == {"援青"}
    pairs = dk.pairings_table(example_store, donor="江苏")
    assert pairs.num_rows and all(c.startswith("32") for c in pairs.column("donor_code").to_pylist())
    assert dk.pairings(example_store, recipient="青海")[0]["recipient"]["code"].startswith("63")
    assert {"measure", "value", "unit", "doc", "quote"} <= set(dk.claims_table(example_store).column_names)


def test_frames_need_pandas():
    if importlib.util.find_spec("pandas") is None:
        with pytest.raises(ImportError, match="pip install pandas"):
            dk.registry_frame()
    else:
        frame = dk.registry_frame(programme="援青")
        assert len(frame) == dk.registry_table(programme="援青").num_rows
