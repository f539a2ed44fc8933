"""browse: the queries behind the web pages and the JSON API."""

import pytest

from duikou import browse, registry
from duikou.models import Claim, Document, Evidence, Pairing, ProcessedDocument, Region
from duikou.pipeline import content_hash

JIANGSU = Region("320000", "江苏省", "江苏省", "province", "320000")
HAINAN_ZHOU = Region("632500", "海南藏族自治州", "青海省海南藏族自治州", "prefecture", "630000", "630000")
GONGHE = Region("632521", "共和县", "青海省海南藏族自治州共和县", "county", "630000", "632500")


def doc(doc_id: str, text: str, published: str | None = None, claims: list[tuple[float, str]] = (),
        pairing: bool = True) -> ProcessedDocument:
    """A document whose whole text after the colon is the evidence of one pairing 江苏 → 海南州
    (援青, since 2010) and of figures 援助资金 (value, period) 江苏 → 共和县."""
    start = text.index(":") + 1
    d = Document(doc_id, doc_id, text, text, list(range(len(text) + 1)), published=published, title=f"标题{doc_id}")
    ev = Evidence(start, len(text), text[start:], "test", 0.9)
    pairings = [Pairing(JIANGSU, HAINAN_ZHOU, "援青", ev, since=2010)] if pairing else []
    facts = [Claim("援助资金", value, "元", ev, JIANGSU, GONGHE, period=period) for value, period in claims]
    return ProcessedDocument(d, [], pairings, facts, content_hash(text))


@pytest.fixture
def filled(store):
    store.add(doc("a", "报道:江苏省援建共和县投入资金一点五亿元。", "2019-05-01", [(1.5e8, "2019")]))
    store.add(doc("b", "转载:江苏省援建共和县,共投入资金一点五亿元。", None, [(1.5e8, "2019")]))
    # a reprint of a (same content: same cluster) that must count once
    store.add(doc("a-copy", "报道:江苏省援建共和县投入资金一点五亿元。", None, [(1.5e8, "2019")]))
    store.add(doc("c", "另一报道:江苏省援建共和县投入资金一点八亿元。", "2020-01-02", [(1.8e8, "2019")]))
    return store


def test_pairings_merge_the_registry_and_the_corpus(filled):
    items = browse.pairings(filled, donor="江苏", recipient="青海", limit=1000)["items"]
    merged = [i for i in items if i["recipient"]["code"] == "632500" and i["programme"] == "援青"]
    assert len(merged) == 1
    item = merged[0]
    assert item["basis"] == ["official", "reported"]
    assert item["donor"] == {"code": "320000", "name": "江苏省"}
    assert item["documents"] == 3  # a and a-copy are one source
    kinds = [s["kind"] for s in item["sources"]]
    assert kinds[0] == "official" and kinds.count("reported") == 3
    for source in item["sources"][1:]:
        assert browse.document(filled, source["doc_id"])["text"][source["start"]:source["end"]] == source["quote"]
    # every official row of 江苏 → 青海 is there, as the registry lists it
    official = {(i["recipient"]["code"], i["programme"]) for i in items if "official" in i["basis"]}
    assert official == {(a.recipient_code, a.programme) for a in registry.query(donor="江苏", recipient="青海")}


def test_pairings_take_codes_or_names_alike(filled):
    by_name = browse.pairings(filled, donor="江苏", recipient="青海省海南藏族自治州")
    by_code = browse.pairings(filled, donor="320000", recipient="632500")
    assert by_name == by_code and by_name["total"] > 0
    assert all(i["donor"]["code"].startswith("32") and i["recipient"]["code"].startswith("6325")
               for i in by_name["items"])


def test_basis_year_and_programme_filters(filled):
    reported = browse.pairings(filled, basis="reported", limit=1000)["items"]
    assert reported and all("reported" in i["basis"] and i["documents"] > 0 for i in reported)
    official = browse.pairings(filled, basis="official", limit=1000)["items"]
    assert official and all(i["basis"][0] == "official" for i in official)
    assert any(i["basis"] == ["official", "reported"] for i in official)  # the basis is whole, not filtered
    assert browse.pairings(filled, basis="official")["total"] == len(registry.arrangements()) - _repeats()
    for item in browse.pairings(filled, year=2005, limit=10000)["items"]:
        assert (item["since"] is None or item["since"] <= 2005) and (item["until"] is None or item["until"] >= 2005)
    ended = [a for a in registry.arrangements() if a.until is not None and a.until < 2005]
    assert ended  # so the year filter has something to drop
    kept = browse.pairings(filled, programme="援疆", limit=10000)["items"]
    assert kept and {i["programme"] for i in kept} == {"援疆"}


def _repeats() -> int:
    """Registry rows that share (donor, recipient, programme) with an earlier row (one item each)."""
    keys = [(a.donor_code or a.donor, a.recipient_code or a.recipient, a.programme) for a in registry.arrangements()]
    return len(keys) - len(set(keys))


def test_bad_filters_are_refused(filled):
    with pytest.raises(browse.FilterError, match="programme"):
        browse.pairings(filled, programme="援月")
    with pytest.raises(browse.FilterError, match="basis"):
        browse.pairings(filled, basis="rumour")
    with pytest.raises(browse.FilterError, match="unknown region"):
        browse.pairings(filled, donor="不存在的地方名字")


def test_pagination_is_stable_and_complete(filled):
    whole = browse.pairings(filled, limit=100000)
    pages = [browse.pairings(filled, limit=37, offset=at)["items"] for at in range(0, whole["total"], 37)]
    assert [i for page in pages for i in page] == whole["items"]
    keys = [(i["donor"]["code"] or "~", i["donor"]["name"], i["recipient"]["code"] or "~", i["recipient"]["name"],
             i["programme"]) for i in whole["items"]]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_region_page_puts_conflicting_values_side_by_side(filled):
    page = browse.region(filled, "632521")
    assert page["region"] == {"code": "632521", "name": "青海省海南藏族自治州共和县", "level": "county"}
    money = [f for f in page["figures"] if f["measure"] == "援助资金"]
    assert len(money) == 1 and money[0]["conflict"]
    values = {v["value"]: v for v in money[0]["values"]}
    assert set(values) == {1.5e8, 1.8e8}
    assert values[1.5e8]["documents"] == 2  # a, b; a-copy is a reprint of a
    assert {s["doc_id"] for s in values[1.8e8]["sources"]} == {"c"}
    assert {d["doc_id"] for d in page["documents"]} == {"a", "a-copy", "b", "c"}
    assert page["documents"][0]["doc_id"] == "c"  # newest first


def test_region_page_of_a_province_by_name(filled):
    page = browse.region(filled, "青海")
    assert page["region"]["code"] == "630000"
    donors = {(i["donor"]["code"], i["recipient"]["code"], i["programme"]) for i in page["assisted_by"]}
    assert ("320000", "632500", "援青") in donors
    assert all(i["recipient"]["code"].startswith("63") for i in page["assisted_by"])
    assert page["assists"] == []
    years = [e["year"] for e in page["timeline"]]
    assert years == sorted(years) and any(e["kind"] == "document" for e in page["timeline"])
    assert browse.region(filled, "不存在的地方名字") is None


def test_document_has_its_evidence_spans(filled):
    d = browse.document(filled, "c")
    assert d["source_id"] == "c" and d["title"] == "标题c" and "raw_text" not in d
    assert {s["kind"] for s in d["spans"]} == {"pairing", "claim"}
    for span in d["spans"]:
        assert d["text"][span["start"]:span["end"]] == span["quote"]
    assert browse.document(filled, "c", raw=True)["raw_text"]
    assert browse.document(filled, "absent") is None
    assert browse.document(filled, "a-copy")["reprint_of"] == "a"


def test_documents_list_counts_evidence(filled):
    listed = browse.documents(filled)
    assert listed["total"] == 4 and [d["doc_id"] for d in listed["items"]] == ["a", "a-copy", "b", "c"]
    assert all(d["pairings"] == 1 and d["claims"] == 1 for d in listed["items"])
    assert {d["doc_id"]: d["reprint_of"] for d in listed["items"]}["a-copy"] == "a"
    assert set(listed["items"][0]) == {"doc_id", "source_id", "title", "url", "published", "relevance", "pairings",
                                       "claims", "reprint_of"}
    assert [d["doc_id"] for d in browse.documents(filled, q="copy")["items"]] == ["a-copy"]
    assert browse.documents(filled, q="%")["total"] == 0  # LIKE wildcards are literal


def test_claims_one_item_per_figure(filled):
    items = browse.claims(filled, subject="江苏", object_="632521")["items"]
    assert sorted(i["value"] for i in items) == [1.5e8, 1.8e8]
    assert {i["value"]: i["documents"] for i in items}[1.5e8] == 2
    assert browse.claims(filled, year=2019)["total"] == 2
    assert browse.claims(filled, year=2018)["total"] == 0


def test_regions_and_stats(filled):
    listed = browse.regions(filled, q="海南藏族", limit=1000)["items"]
    zhou = next(r for r in listed if r["code"] == "632500")
    assert zhou["assisted_by"] >= 1 and zhou["level"] == "prefecture"
    assert all("海南藏族" in r["name"] for r in listed)
    stats = browse.stats(filled)
    assert stats["documents"] == 4 and stats["pairings_by_programme"] == {"援青": 1}
    assert stats["registry"]["arrangements"] == len(registry.arrangements())


def test_on_the_example_corpus(example_store):
    """The bundled examples: the seed pairing is reported and official."""
    item = next(i for i in browse.pairings(example_store, donor="江苏", recipient="青海", basis="reported")["items"]
                if i["recipient"]["code"] == "632500")
    assert "official" in item["basis"]
    hits = browse.search(example_store, "江苏 援青 干部")["items"]
    assert hits and all("text" in h for h in hits)


def test_items_are_the_callers_own(filled):
    """Changing an answer (as a page might) changes no later answer."""
    first = browse.pairings(filled, donor="江苏", recipient="青海", limit=1000)
    for item in first["items"]:
        item["donor"]["name"] = "changed"
        item["sources"].clear()
    again = browse.pairings(filled, donor="江苏", recipient="青海", limit=1000)
    assert all(i["donor"]["name"] != "changed" and i["sources"] for i in again["items"])
