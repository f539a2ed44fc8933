import pytest

from duikou import registry
from duikou.regions import default_gazetteer


def test_every_arrangement_names_real_divisions():
    """A coded side must be that division (by its official name); a side without a code (兵团
    divisions, townships, central enterprises) must at least be named."""
    gazetteer = default_gazetteer()
    rows = registry.arrangements()
    assert len(rows) >= 600
    for a in rows:
        for code, name in ((a.donor_code, a.donor), (a.recipient_code, a.recipient)):
            assert name, a
            if code:
                region = gazetteer.by_code(code)
                assert region is not None and region.name == name, a
        assert a.source and a.status in ("confirmed", "unconfirmed"), a
        assert a.until is None or a.since is None or a.until >= a.since, a


def test_no_arrangement_is_listed_twice():
    keys = [(a.programme, a.donor_code, a.donor, a.recipient_code, a.recipient, a.since)
            for a in registry.arrangements()]
    assert len(keys) == len(set(keys))


def test_find_by_code_prefix():
    qinghai = registry.find(["33"], ["63"])
    pairs = {(a.donor, a.recipient) for a in qinghai}
    assert ("浙江省", "海西蒙古族藏族自治州") in pairs
    assert all(a.donor_code.startswith("33") and a.recipient_code.startswith("63") for a in qinghai)
    assert not any(a.recipient_code.startswith("632500") for a in qinghai)  # 海南州 is 江苏's


def test_query_resolves_names_and_a_province_selects_all_inside():
    rows = registry.query(recipient="青海", programme="援青")
    assert rows and all(a.recipient_code.startswith("63") for a in rows)
    assert {a.donor for a in rows if a.recipient_code == "632800"} >= {"浙江省"}
    assert registry.query(donor="浙江", recipient="海西州") == registry.query(donor="330000", recipient="632800")
    with pytest.raises(LookupError):
        registry.query(donor="火星")


def test_query_as_of_keeps_what_was_in_force():
    suzhou_tongren = registry.query(donor="苏州", recipient="铜仁")
    assert suzhou_tongren and all(a.until == 2020 for a in suzhou_tongren)
    assert registry.query(donor="苏州", recipient="铜仁", as_of=2018) == suzhou_tongren
    assert registry.query(donor="苏州", recipient="铜仁", as_of=2022) == []
    assert registry.query(donor="浙江", recipient="海西州", as_of=2005) == []


def test_sides_without_a_code_are_matched_by_name():
    rows = registry.query(recipient="新疆生产建设兵团第一师")
    assert rows and all(a.recipient == "新疆生产建设兵团第一师" for a in rows)
    assert "新疆生产建设兵团第一师" in registry.uncoded_names()


def test_records_and_tables_carry_code_and_name():
    (row,) = [a for a in registry.query(donor="浙江", recipient="海西州") if a.recipient_code == "632800"]
    r = registry.record(row)
    assert r["donor"] == {"code": "330000", "name": "浙江省"}
    assert r["recipient"] == {"code": "632800", "name": "青海省海西蒙古族藏族自治州"}
    assert r["active"] and r["since"] == 2010 and r["status"] == "confirmed"
    table = registry.table(programme="援青")
    assert table.num_rows == len(registry.query(programme="援青"))
    assert table.column_names == list(registry.FLAT_COLUMNS)
