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
