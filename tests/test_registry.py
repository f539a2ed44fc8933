from duikou import registry
from duikou.regions import default_gazetteer


def test_every_arrangement_names_real_divisions():
    gazetteer = default_gazetteer()
    rows = registry.arrangements()
    assert len(rows) >= 20
    for a in rows:
        donor, recipient = gazetteer.by_code(a.donor_code), gazetteer.by_code(a.recipient_code)
        assert donor is not None and donor.name == a.donor, a
        assert recipient is not None and recipient.name == a.recipient, a
        assert a.source


def test_find_by_code_prefix():
    qinghai = registry.find(["33"], ["63"])
    assert [(a.donor, a.recipient) for a in qinghai] == [("浙江省", "海西蒙古族藏族自治州")]
    assert registry.find(["65"], None) == []
