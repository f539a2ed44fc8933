"""The corpus says no: a sentence naming a recipient's donors for a programme (the registry has
none for it), on sentences written here."""

from dataclasses import replace

import pytest

from duikou.answer import ask
from duikou.answer.denial import contradicts, donor_statement
from duikou.models import Document, Evidence, Pairing, ProcessedDocument
from duikou.pipeline import content_hash
from duikou.regions import default_gazetteer
from duikou.store import open_store


def region(name):
    return default_gazetteer().lookup(name)[0]


def page(doc_id, text, pairs):
    """A stored page whose pairings (donor name, recipient name) all quote the whole text."""
    doc = Document(doc_id, doc_id, text, text, list(range(len(text) + 1)))
    ev = Evidence(0, len(text), text, "test", 0.9)
    pairings = [Pairing(region(d), region(r), "东西部协作", ev) for d, r in pairs]
    return ProcessedDocument(doc, [], pairings, [], content_hash(text))


@pytest.fixture
def store(tmp_path):
    store = open_store(str(tmp_path / "denial.db"))
    store.add(page("by", "据介绍，望谟县由杭州市对口帮扶，两地开展东西部协作。", [("杭州市", "望谟县")]))
    store.add(page("list", "对口帮扶册亨县的是宁波市和杭州市。", [("宁波市", "册亨县"), ("杭州市", "册亨县")]))
    store.add(page("role", "从江县的对口帮扶城市是大连市。", [("大连市", "从江县")]))
    store.add(page("one", "杭州市帮扶雷山县建设学校。", [("杭州市", "雷山县")]))
    yield store
    store.engine.dispose()


def part(store, question):
    (only,) = ask(question, store).parts
    return only


@pytest.mark.parametrize(("question", "named"), [
    ("厦门市是望谟县的东西部协作帮扶城市吗", "杭州市"),
    ("福州市是册亨县的东西部协作帮扶城市吗", "宁波市、杭州市"),
    ("无锡市是从江县的东西部协作帮扶城市吗", "大连市"),
])
def test_a_sentence_naming_the_donors_without_the_asked_one_is_a_no(store, question, named):
    p = part(store, question)
    assert p.verdict == "no" and p.basis == ["reported"]
    assert f"援助方是：{named}" in p.statement and p.facts and p.facts[0].quotes


def test_the_donors_the_sentence_names_are_yes(store):
    for question in ("杭州市是望谟县的东西部协作帮扶城市吗", "宁波市是册亨县的东西部协作帮扶城市吗"):
        p = part(store, question)
        assert p.verdict == "yes" and p.basis == ["reported"], question


def test_a_sentence_reporting_one_donor_says_nothing_about_others(store):
    p = part(store, "厦门市是雷山县的东西部协作帮扶城市吗")
    assert p.verdict == "not_found"


def test_a_place_inside_a_named_donor_is_not_contradicted(store):
    p = part(store, "杭州市西湖区是望谟县的东西部协作帮扶城市吗")
    assert p.verdict == "not_found"


def test_without_a_programme_the_corpus_does_not_say_no(store):
    # no programme word and no frontier province: which programme the sentence is about is open
    assert part(store, "厦门市是望谟县的对口帮扶城市吗").verdict == "not_found"


def test_a_donor_officially_assisting_the_prefecture_around_is_not_contradicted(store):
    # 宁波 officially assisted 黔西南州, where 望谟县 lies: the sentence naming 杭州 is no proof
    assert part(store, "宁波市是望谟县的东西部协作帮扶城市吗").verdict == "not_found"


def test_donor_statement_patterns():
    wangmo = region("望谟县")
    quote = {"quote": "望谟县由杭州市、宁波市共同对口帮扶。", "doc": "x"}
    stated = donor_statement(wangmo, [quote])
    assert [r.name for r in stated.donors] == ["杭州市", "宁波市"]
    assert contradicts(region("青岛市"), stated) and not contradicts(region("浙江省"), stated)
    assert donor_statement(wangmo, [{"quote": "杭州市对口帮扶望谟县。", "doc": "x"}]) is None
    assert donor_statement(replace(wangmo, code=None), [quote]) is None
