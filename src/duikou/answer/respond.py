"""Answer a parsed question from the store and the reference registry.

A question is answered in parts, one donor and one recipient each. A part's verdict is
`yes` when the registry of official arrangements or the corpus supports the pairing, `no` when
the registry lists the recipient's official donors (for the programme the question implies) and
the donor is not among them, or, the registry having none, when a sentence of the corpus names
the recipient's donors for that programme without the donor (denial.py), `not_found` when
neither says anything. Its basis says where the
verdict comes from: `official` (a registry row and the decision that set it), `reported` (quotes
from the corpus), or both; the statement says both in plain Chinese, and never passes an
official row off as corpus evidence. See docs/ask-json.md for the JSON contract.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from duikou import registry
from duikou.answer import denial
from duikou.answer.question import ParsedQuestion, parse_question
from duikou.clean.dedup import normalise
from duikou.models import Region
from duikou.store import Store
from duikou.store.database import DisjointSets, region_prefix

# Words that name a programme outright; region words only imply one (PROGRAMME_PROVINCE).
PROGRAMME_HINTS = {
    "援疆": "援疆", "援藏": "援藏", "援青": "援青", "涉藏": "涉藏州县",
    "地震": "灾后重建", "灾后": "灾后重建", "东西部": "东西部协作", "扶贫协作": "东西部协作", "对口合作": "对口合作",
    "三峡": "其他对口支援", "南水北调": "其他对口支援", "皖北": "其他对口支援",
}
REGION_HINTS = {"新疆": "援疆", "西藏": "援藏"}
PROGRAMME_PROVINCE = {"援疆": "65", "援藏": "54", "援青": "63"}
PROVINCE_PROGRAMME = {"65": "援疆", "54": "援藏", "63": "援青"}
# a programme named in the question also admits these registry programmes
PROGRAMME_FAMILY = {"援藏": {"援藏", "涉藏州县"}, "涉藏州县": {"援藏", "涉藏州县"}}
VERB = {"东西部协作": "对口帮扶", "灾后重建": "对口援建", "对口合作": "对口合作"}
MAX_QUOTES = 3
MAX_OFFICIAL_IN_STATEMENT = 3
MARK_WORDS = {"yes": "是", "no": "否", "not_found": "未知"}


@dataclass
class Fact:
    """A pairing the corpus reports; donor and recipient as {"code", "name"}."""
    donor: dict[str, Any]
    recipient: dict[str, Any]
    programme: str
    since: int | None
    until: int | None
    documents: int  # distinct documents, reprints counted once
    quotes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Part:
    """One donor and one recipient (either may be {"code": None, "name": None} when the question
    leaves it open), the verdict, its basis and the evidence behind it."""
    donor: dict[str, Any]
    recipient: dict[str, Any]
    verdict: str  # yes | no | not_found (amount questions: found | not_found)
    basis: list[str]
    statement: str
    facts: list[Fact] = field(default_factory=list)
    official: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)

    @property
    def subject(self) -> str:
        """The side the part is about, for display: the donor, else the recipient."""
        return self.donor.get("name") or self.recipient.get("name") or ""


@dataclass
class Answer:
    question: str
    kind: str
    summary: str
    parts: list[Part] = field(default_factory=list)
    passages: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


NOBODY: dict[str, Any] = {"code": None, "name": None}


def side_of(region: Region | None) -> dict[str, Any]:
    if region is None:
        return dict(NOBODY)
    return {"code": region.code, "name": region.full_name}


# ---- corpus facts ---------------------------------------------------------------------------------

def _facts(rows: list[dict[str, Any]]) -> list[Fact]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["id"]].append(row)
    facts = []
    for group in grouped.values():
        first = group[0]
        clusters = _distinct_sources(group)
        quotes = [
            {"doc": r["source_id"], "doc_id": r["doc_id"], "url": r["url"], "quote": r["quote"].strip(),
             "start": r["start"], "end": r["end"]}
            for r in list(clusters.values())[:MAX_QUOTES]
        ]
        facts.append(Fact({"code": first["donor_code"], "name": first["donor_full"]},
                          {"code": first["recipient_code"], "name": first["recipient_full"]},
                          first["programme"], first["since"], first.get("until"), len(clusters), quotes))
    return sorted(facts, key=lambda f: -f.documents)


def _distinct_sources(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One row per independent source. Two evidence rows share a source when their documents are
    reprints of each other, when they stand in the same reprinted paragraph (passage), or when
    they quote the very same sentence."""
    sets = DisjointSets()
    find = sets.find
    for row in rows:
        doc = find("doc:" + row["cluster"])
        for other in ("quote:" + normalise(row["quote"]),
                      f"passage:{row['passage']}" if row.get("passage") is not None else None):
            if other:
                sets.join(other, doc)
    out: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: -r["confidence"]):  # the most explicit statement first
        out.setdefault(find("doc:" + row["cluster"]), row)
    return out


def _prefixes(regions: list[Region]) -> list[str] | None:
    coded = [region_prefix(r) for r in regions if r.code]
    return coded or None


def _named(row: dict[str, Any], role: str, regions: list[Region]) -> bool:
    """Does the row's donor/recipient fall under one of the regions (code prefix, or the name for
    a side without a code)?"""
    code, name, full = row[f"{role}_code"], row[role], row[f"{role}_full"]
    for r in regions:
        if r.code and code and code.startswith(region_prefix(r)):
            return True
        if not r.code and r.name in (name, full):
            return True
    return False


def _sql_side(regions: list[Region] | None) -> list[str] | None:
    """Code prefixes to filter by in SQL; None (no filter) when a region has no code (then the
    rows are filtered by name afterwards)."""
    if not regions or any(not r.code for r in regions):
        return None
    return [region_prefix(r) for r in regions]


def _pairing_rows(store: Store, donors: list[Region] | None, recipients: list[Region] | None,
                  programme: str | None = None) -> list[dict[str, Any]]:
    """store.pairing_rows (every evidence row) for regions, sides without a code matched by name."""
    rows = store.pairing_rows(donor=_sql_side(donors), recipient=_sql_side(recipients), programme=programme)
    return [r for r in rows if (not donors or _named(r, "donor", donors))
            and (not recipients or _named(r, "recipient", recipients))]


def _corpus_facts(store: Store, donors: list[Region] | None, recipients: list[Region] | None,
                  programme: str | None = None) -> list[Fact]:
    """The pairings the corpus reports between the regions, one Fact each, with their
    independent sources counted and the best quotes, without reading every evidence row."""
    rows = store.pairing_facts(donor=_sql_side(donors), recipient=_sql_side(recipients), programme=programme,
                               quotes=MAX_QUOTES)
    rows = [r for r in rows if (not donors or _named(r, "donor", donors))
            and (not recipients or _named(r, "recipient", recipients))]
    return _as_facts(rows)


def facts_by_prefix(store: Store, donor: list[str] | None = None, recipient: list[str] | None = None,
                    programme: str | None = None) -> list[Fact]:
    """The pairings the corpus reports, filtered by code prefixes (as Store.pairing_rows), one
    Fact each, most documents first (`duikou pairings`, the notebook API)."""
    return _as_facts(store.pairing_facts(donor=donor, recipient=recipient, programme=programme, quotes=MAX_QUOTES))


def _as_facts(rows: list[dict[str, Any]]) -> list[Fact]:
    return [Fact({"code": r["donor_code"], "name": r["donor_full"]},
                 {"code": r["recipient_code"], "name": r["recipient_full"]}, r["programme"], r["since"], r.get("until"),
                 r["documents"],
                 [{"doc": q["source_id"], "doc_id": q["doc_id"], "url": q["url"], "quote": q["quote"].strip(),
                   "start": q["start"], "end": q["end"]} for q in r["quotes"]])
            for r in rows]


def _in_time(facts: list[Fact], as_of: int | None) -> list[Fact]:
    return [f for f in facts if as_of is None or f.since is None or f.since <= as_of]


# ---- registry -------------------------------------------------------------------------------------

def _side_filter(regions: list[Region] | None) -> list[str] | None:
    if not regions:
        return None
    return [region_prefix(r) if r.code else r.name for r in regions]


def _official_rows(donors: list[Region] | None, recipients: list[Region] | None,
                   programmes: set[str] | None = None) -> list[registry.Arrangement]:
    donor, recipient = _side_filter(donors), _side_filter(recipients)
    rows = _registry_rows(id(registry.arrangements()), tuple(donor) if donor else None,
                          tuple(recipient) if recipient else None)
    return [a for a in rows if not programmes or a.programme in programmes]


@lru_cache(maxsize=4096)
def _registry_rows(_table: int, donor: tuple[str, ...] | None,
                   recipient: tuple[str, ...] | None) -> tuple[registry.Arrangement, ...]:
    """registry.query, remembered: the registry is fixed data (keyed by the loaded table), and
    an answer asks it the same few questions many times (namesakes, orientation, parts)."""
    return tuple(registry.query(donor=list(donor) if donor else None, recipient=list(recipient) if recipient else None))


def _top_level(rows: list[registry.Arrangement]) -> list[registry.Arrangement]:
    """Drop a row whose recipient lies inside the recipient of another row of the same donor and
    programme (浙江省 → 海西州 says it; 浙江省 → 乌兰县 adds nothing to a summary)."""
    def inside(inner: str, outer: str) -> bool:
        if not inner or not outer or inner == outer:
            return False
        prefix = outer[:2] if outer.endswith("0000") else outer[:4] if outer.endswith("00") else outer
        return inner.startswith(prefix)

    out = []
    for a in rows:
        if any(b is not a and b.donor_code == a.donor_code and b.donor == a.donor and b.programme == a.programme
               and inside(a.recipient_code, b.recipient_code) for b in rows):
            continue
        out.append(a)
    return out


def _years(a: registry.Arrangement) -> str:
    if a.since and a.until:
        return f"{a.since}–{a.until}年"
    if a.since:
        return f"{a.since}年起"
    if a.until:
        return f"至{a.until}年"
    return "年份未记录"


def _official_phrase(a: registry.Arrangement) -> str:
    unconfirmed = "，未经核实" if a.status != "confirmed" else ""
    return f"{a.donor}{VERB.get(a.programme, '对口支援')}{a.recipient}（{a.programme}），{_years(a)}{unconfirmed}"


def _short(name: str | None) -> str:
    return name or "?"


# ---- programme of a question ----------------------------------------------------------------------

def _programme_hint(question: str) -> str | None:
    """A programme the question names outright (援疆, 地震, 东西部 …); 支援青海 is not 援青."""
    question = question.replace("援青海", "")
    return next((p for word, p in PROGRAMME_HINTS.items() if word in question), None)


def _implied_programme(question: str) -> str | None:
    return _programme_hint(question) or next((p for w, p in REGION_HINTS.items() if w in question), None)


def _family(programme: str | None) -> set[str] | None:
    if not programme:
        return None
    return PROGRAMME_FAMILY.get(programme, {programme})


# ---- yes / no -------------------------------------------------------------------------------------

def _part(q: ParsedQuestion, store: Store, donor: Region, recipient: Region | None,
          as_of: int | None) -> Part:
    explicit = _programme_hint(q.text)
    programmes = _family(explicit)
    recipients = [recipient] if recipient else None
    # the corpus: filtered by programme only when the question names no recipient
    facts = _corpus_facts(store, [donor], recipients, programme=explicit if not recipient else None)
    official = _official_rows([donor], recipients, programmes)
    if q.symmetric and recipient:  # the other way round counts too
        facts += _corpus_facts(store, recipients, [donor])
        official += _official_rows(recipients, [donor], programmes)
    facts = _in_time(sorted(facts, key=lambda f: -f.documents), as_of)
    implied = explicit or (_recipient_programme(q, recipient) if recipient else None)
    official = _ordered(official, donor, implied)
    started = [a for a in official if registry.started(a, as_of)]
    later = [a for a in official if not registry.started(a, as_of)]
    current = [a for a in started if registry.active(a, as_of)]
    if not current and facts and started:  # a report from after the official end keeps it current
        last = max(a.until or 0 for a in started)
        if any(f.since and f.since > last for f in facts):
            current = started

    target = recipient.full_name if recipient else (f"{explicit}受援地" if explicit else "任何地区")
    who = donor.name
    basis = (["official"] if started else []) + (["reported"] if facts else [])
    shown = _headline(current or started, donor)

    if started or facts:
        verdict = "yes"
        if started and not current:
            head = "曾是"
        else:
            head = "是"
        bits = []
        if started:
            label = "官方安排" if current else "官方安排，已结束"
            more = f"等{len(shown)}项" if len(shown) > MAX_OFFICIAL_IN_STATEMENT else ""
            bits.append(f"{head}（{label}：" + "；".join(_official_phrase(a) for a in shown[:MAX_OFFICIAL_IN_STATEMENT])
                        + more + "）")
        else:
            bits.append(head)
        if facts:
            docs = sorted({qt["doc"] for f in facts for qt in f.quotes})
            bits.append("本语料有报道：" + "；".join(_fact_line(f) for f in facts[:3])
                        + f"（{len(docs)} 篇文档：{'、'.join(docs[:5])}）")
        else:
            bits.append("本语料没有报道")
        if not started and facts:
            listed = _recipient_donors(q, recipient, explicit)
            if listed:
                bits.append("官方安排表中没有这一对")
        statement = f"{who}：" + "；".join(bits) + "。"
        return Part(side_of(donor), _target_side(recipient, explicit), verdict, basis, statement, facts,
                    [registry.record(a, as_of) for a in (current or started)])

    # neither the registry nor the corpus supports the pairing: does the registry list the
    # recipient's official donors, so that this donor's absence means no?
    listed = _recipient_donors(q, recipient, explicit)
    if later:
        statement = (f"{who}：否（{as_of}年时还没有这一安排；官方安排：" + "；".join(
            _official_phrase(a) for a in _headline(later, donor)[:MAX_OFFICIAL_IN_STATEMENT]) + "）；本语料没有报道。")
        return Part(side_of(donor), _target_side(recipient, explicit), "no", ["official"], statement, [],
                    [registry.record(a, as_of) for a in later])
    if listed:
        codes = {a.donor_code for a in listed if a.donor_code}
        wide = [a for a in listed if not any(c != a.donor_code and a.donor_code.startswith(
            c[:2] if c.endswith("0000") else c[:4] if c.endswith("00") else c) for c in codes)]
        names = [registry.side(a.donor_code, a.donor)["name"] for a in wide]
        donors = sorted(set(names), key=names.index)
        programme_word = next(iter({a.programme for a in listed})) if len({a.programme for a in listed}) == 1 else ""
        whose = f"{recipient.name}的{programme_word}" if recipient else (explicit or "")
        statement = (f"{who}：否（官方安排中{whose}对口支援方是："
                     f"{'、'.join(donors[:8])}{'等' if len(donors) > 8 else ''}，没有{who}）；本语料也没有报道。")
        return Part(side_of(donor), _target_side(recipient, explicit), "no", ["official"], statement, [],
                    [registry.record(a, as_of) for a in _top_level(listed)])
    denial = _corpus_denial(store, donor, recipient, implied)
    if denial is not None:
        stated, facts = denial
        names = "、".join(dict.fromkeys(r.name for r in stated.donors))
        quote = stated.quote
        statement = (f"{who}：否（本语料报道{recipient.name}的{implied}援助方是：{names}，没有{who}："
                     f"“{quote['quote']}”（{quote['doc']}））；官方安排表中没有{recipient.name}的{implied}援助方记录。")
        return Part(side_of(donor), side_of(recipient), "no", ["reported"], statement, facts)
    if recipient is not None and recipient.level == "province" and recipient.code \
            and not _official_rows(None, [recipient]) and not store.pairing_facts(recipient=_sql_side([recipient]),
                                                                                   quotes=0):
        # the registry holds every national programme down to prefectures: a province that is in
        # none of them as a recipient is assisted by nobody
        statement = (f"{who}：否（官方安排表中{recipient.name}不是任何对口支援、协作项目的受援方）；"
                     f"本语料也没有报道。")
        return Part(side_of(donor), side_of(recipient), "no", ["official"], statement)
    statement = f"{who}：未知（官方安排表中没有{target}的援助方记录；本语料也没有报道）。"
    return Part(side_of(donor), _target_side(recipient, explicit), "not_found", [], statement)


def _corpus_denial(store: Store, donor: Region, recipient: Region | None,
                   programme: str | None) -> tuple[denial.Statement, list[Fact]] | None:
    """A sentence of the corpus naming the recipient's donors for the programme, without the
    asked donor (denial.py), and the pairings it supports; None when there is none."""
    if recipient is None or not recipient.code or not programme:
        return None
    outer = {r.code for r in _containing(recipient)}
    if any(a.recipient_code in outer for a in _official_rows([donor], None)):
        return None  # the donor officially assists the prefecture or province around it: not a no
    facts = [f for f in _corpus_facts(store, None, [recipient], programme=programme)
             if f.recipient["code"] == recipient.code]
    stated = denial.donor_statement(recipient, [q for f in facts for q in f.quotes])
    if stated is None or not denial.contradicts(donor, stated):
        return None
    named = {r.code for r in stated.donors}
    return stated, [f for f in facts if f.donor["code"] in named]


def _containing(region: Region) -> list[Region]:
    """The prefecture and province a region lies in (by code)."""
    from duikou.regions import default_gazetteer

    code = region.code or ""
    outer = {code[:4] + "00", code[:2] + "0000"} - {code}
    return [r for r in map(default_gazetteer().by_code, sorted(outer)) if r is not None]


def _target_side(recipient: Region | None, programme: str | None) -> dict[str, Any]:
    if recipient:
        return side_of(recipient)
    return {"code": None, "name": f"{programme}受援地" if programme else None}


def _recipient_programme(q: ParsedQuestion, recipient: Region) -> str | None:
    """The programme a question implies for its recipient: named outright, else a region word
    (新疆 → 援疆), else for a province its frontier programme (青海 → 援青)."""
    return _implied_programme(q.text) or (
        PROVINCE_PROGRAMME.get((recipient.code or "")[:2]) if recipient.level == "province" else None)


def _recipient_donors(q: ParsedQuestion, recipient: Region | None, explicit: str | None) -> list[registry.Arrangement]:
    """The registry's official donors of the recipient for the programme the question implies
    (named outright, else the recipient's province: 青海 → 援青); with no recipient, every
    donor of the programme named."""
    if recipient is None:
        return registry.query(programme=explicit) if explicit else []
    return _official_rows(None, [recipient], _family(explicit or _recipient_programme(q, recipient)))


def _ordered(rows: list[registry.Arrangement], donor: Region, programme: str | None) -> list[registry.Arrangement]:
    """The asked donor's own rows before those of places inside it, the implied programme first,
    larger recipients first, older first."""
    def key(a: registry.Arrangement) -> tuple:
        own = a.donor_code == (donor.code or "") and (donor.code or a.donor == donor.name)
        level = (0 if a.recipient_code.endswith("0000") else 1 if a.recipient_code.endswith("00") else 2) \
            if a.recipient_code else 3
        return (not own, programme is not None and a.programme not in _family(programme), level, a.since or 0)
    return sorted(rows, key=key)


def _headline(rows: list[registry.Arrangement], donor: Region) -> list[registry.Arrangement]:
    """The rows a statement names: the donor's own when it has any, without rows inside them."""
    own = [a for a in rows if a.donor_code == (donor.code or "") and (donor.code or a.donor == donor.name)]
    return _top_level(own or rows)


def _fact_line(f: Fact) -> str:
    since = f"，{f.since}年起" if f.since else ""
    return f"{f.donor['name']} → {f.recipient['name']}（{f.programme}{since}）"


def _namesakes(region: Region) -> list[Region]:
    """Other divisions of the same name and level (市中区 is in 济南, 枣庄, 乐山, 内江)."""
    from duikou.regions import default_gazetteer

    return [r for r in default_gazetteer().lookup(region.name)
            if r.code != region.code and r.level == region.level and r.name == region.name]


def _disambiguate(donor: Region, recipient: Region | None) -> tuple[Region, Region | None]:
    """When the pair as read has no official row but a namesake of either side has one, the
    question means the namesake: the registry is the prior for a name the question leaves open."""
    if recipient is None or not donor.code or not recipient.code or _official_rows([donor], [recipient]):
        return donor, recipient
    for d in [donor] + _namesakes(donor):
        for r in [recipient] + _namesakes(recipient):
            if (d, r) != (donor, recipient) and _official_rows([d], [r]):
                return d, r
    return donor, recipient


def _oriented(store: Store, a: Region, b: Region | None) -> tuple[Region, Region | None]:
    if b is None or _official_rows([a], [b]) or _corpus_facts(store, [a], [b]):
        return a, b
    if _official_rows([b], [a]) or _corpus_facts(store, [b], [a]):
        return b, a
    return a, b


def _yes_no(q: ParsedQuestion, store: Store, as_of: int | None) -> Answer:
    if not q.donors:
        return Answer(q.text, q.kind, "没有在问题中识别出援助方地区，无法回答。", [])
    pairs = [_disambiguate(d, r) for d in q.donors for r in (q.recipients or [None])]
    if q.symmetric:  # "A和B是对口关系吗": the donor is whichever side the registry or the corpus says
        pairs = [_oriented(store, d, r) for d, r in pairs]
    parts = [_part(q, store, d, r, as_of) for d, r in pairs]
    several = len(q.recipients) > 1

    def word(p: Part) -> str:
        if p.verdict == "yes" and p.statement.split("：", 1)[1].startswith("曾是"):
            spans = sorted({f"{o['since'] or '?'}–{o['until']}年" for o in p.official if o.get("until")})
            return f"曾是（{'、'.join(spans[:2])}）" if spans else "曾是"
        return MARK_WORDS[p.verdict]

    summary = "；".join(f"{d.name}{' → ' + r.name if several and r else ''}：{word(p)}"
                       for (d, r), p in zip(pairs, parts))
    return Answer(q.text, q.kind, summary, parts)


# ---- who assists X / whom X assists ---------------------------------------------------------------

def _who(q: ParsedQuestion, store: Store, aids: bool, as_of: int | None) -> Answer:
    """who_aids: who assists the recipients; aided_by: whom the donors assist. One part per pair
    found (the asked region on its side, each counterpart on the other), corpus pairs first."""
    anchors = q.recipients if aids else q.donors
    if not anchors:
        return Answer(q.text, q.kind, "没有在问题中识别出地区，无法回答。", [])
    programme = _programme_hint(q.text)
    parts: list[Part] = []
    sentences = []
    for anchor in anchors:
        others = (q.donors if aids else q.recipients) or None
        if aids:
            facts = _corpus_facts(store, others, [anchor], programme)
            official = _official_rows(others, [anchor], _family(programme))
        else:
            facts = _corpus_facts(store, [anchor], others, programme)
            official = _official_rows([anchor], others, _family(programme))
        official = [a for a in official if registry.started(a, as_of)]
        facts = _in_time(facts, as_of)
        role = "donor" if aids else "recipient"
        groups: dict[str, dict[str, Any]] = {}
        for f in facts:
            other = getattr(f, role)
            g = groups.setdefault(other["code"] or other["name"], {"side": other, "facts": [], "official": []})
            g["facts"].append(f)
        for a in _top_level(official):
            other = registry.side(a.donor_code, a.donor) if aids else registry.side(a.recipient_code, a.recipient)
            g = groups.setdefault(other["code"] or other["name"], {"side": other, "facts": [], "official": []})
            g["official"].append(a)
        reported = [g["side"]["name"] for g in groups.values() if g["facts"]]
        official_only = [g["side"]["name"] for g in groups.values() if not g["facts"]]
        if reported:
            sentence = f"本语料中{anchor.full_name}的{'援助方' if aids else '受援地'}：" + "、".join(reported) + "。"
        else:
            sentence = f"本语料未显示{'谁援助' if aids else ''}{anchor.full_name}{'' if aids else '援助哪里'}。"
        if official_only:
            sentence += "官方安排" + ("中另有" if reported else "：") + "、".join(official_only[:10]) + (
                "等" if len(official_only) > 10 else "") + "。"
        sentences.append(sentence)
        if not groups:
            parts.append(Part(side_of(anchor) if not aids else dict(NOBODY),
                              side_of(anchor) if aids else dict(NOBODY), "not_found", [], sentence))
            continue
        for g in sorted(groups.values(), key=lambda g: -sum(f.documents for f in g["facts"])):
            basis = (["official"] if g["official"] else []) + (["reported"] if g["facts"] else [])
            last = max((a.until or 0 for a in g["official"]), default=0)
            ended = bool(g["official"]) and not any(registry.active(a, as_of) for a in g["official"]) \
                and not any(f.since and f.since > last for f in g["facts"])
            bits = []
            if g["official"]:
                bits.append(("官方安排，已结束：" if ended else "官方安排：")
                            + "；".join(_official_phrase(a) for a in g["official"][:MAX_OFFICIAL_IN_STATEMENT]))
            bits.append(("本语料有报道：" + "；".join(_fact_line(f) for f in g["facts"][:3])) if g["facts"]
                        else "本语料没有报道")
            statement = f"{g['side']['name']}：{'曾是' if ended else '是'}（" + "；".join(bits) + "）。"
            donor, recipient = (g["side"], side_of(anchor)) if aids else (side_of(anchor), g["side"])
            parts.append(Part(donor, recipient, "yes", basis, statement, g["facts"],
                              [registry.record(a, as_of) for a in g["official"]]))
    return Answer(q.text, q.kind, " ".join(sentences), parts)


# ---- figures --------------------------------------------------------------------------------------

def _prefix_match(column: Any, prefixes: list[str]) -> Any:
    """column starts with one of the prefixes, as index-friendly ranges."""
    from sqlalchemy import false, or_

    if not prefixes:
        return false()
    return or_(*((column >= p) & (column < p[:-1] + chr(ord(p[-1]) + 1)) for p in prefixes))


def _ranked_claims(store: Store, subjects: list[str], objects: list[str], measure: str | None, year: str | None,
                   cumulative: bool, programme_province: str | None, programme_word: str | None,
                   limit: int = 8) -> list[dict[str, Any]]:
    """The best `limit` figures with a positive score, one evidence row each (its best-scoring
    one). Candidates: figures whose subject is an asked donor, whose object is an asked
    recipient, or that stand in a document stating the asked pairing."""
    from sqlalchemy import case, func, or_, select

    from duikou.store import schema as sc

    if not subjects and not objects:
        return []
    c, e, d = sc.claims, sc.claim_evidence, sc.documents
    by_subject = _prefix_match(c.c.subject_code, subjects)
    by_object = _prefix_match(c.c.object_code, objects)
    found = [by_subject, by_object]
    if subjects and objects:  # figures in documents that state this very pairing
        p, pe = sc.pairings, sc.pairing_evidence
        paired = (select(pe.c.document_id).join(p, p.c.id == pe.c.pairing_id)
                  .where(_prefix_match(p.c.donor_code, subjects), _prefix_match(p.c.recipient_code, objects)))
        found.append(e.c.document_id.in_(paired))

    def has(column: Any, word: str) -> Any:  # LIKE '%word%': SQLite and PostgreSQL alike
        return func.coalesce(column, "").contains(word, autoescape=True)

    score = case((by_subject, 2.0), else_=0.0) + case((by_object, 2.0), else_=0.0)
    if measure:
        score = score + case((has(c.c.measure, measure), 2.0), (has(e.c.quote, measure), 0.5), else_=-2.0)
    if year:
        score = score + case((func.substr(func.coalesce(c.c.period, ""), 1, len(year)) == year, 1.0),
                             (has(e.c.quote, year), 0.5), else_=-0.5)
    if cumulative:
        score = score + case((or_(c.c.qualifier == "累计", has(e.c.quote, "累计")), 1.0), else_=0.0)
    if programme_province:  # 援藏 figures are about Tibet
        about = [_prefix_match(c.c.object_code, [programme_province])]
        if programme_word:
            about.append(has(e.c.quote, programme_word))
        score = score + case((or_(*about), 1.5), else_=-1.0)
    group = case((by_subject, 0), (by_object, 1), else_=2)
    # first the best figures (claims and their evidence, no documents), then their best evidence
    best = func.max(score).label("best")
    top = (select(c.c.id, best, group.label("grp")).join(e, e.c.claim_id == c.c.id).where(or_(*found))
           .group_by(c.c.id).having(best > 0).order_by(best.desc(), group, c.c.id).limit(limit))
    with store.engine.connect() as conn:
        order = [row[0] for row in conn.execute(top)]
        if not order:
            return []
        rows = (select(c.c.id, c.c.measure, c.c.value, c.c.unit, c.c.qualifier, c.c.period, c.c.subject_code,
                       c.c.subject, c.c.object_code, c.c.object, e.c.quote, e.c.start, e.c.end, d.c.doc_id,
                       d.c.source_id, d.c.url,
                       func.row_number().over(partition_by=c.c.id, order_by=(score.desc(), d.c.doc_id, e.c.start))
                       .label("rank"))
                .join(e, e.c.claim_id == c.c.id).join(d, d.c.id == e.c.document_id)
                .where(c.c.id.in_(order), or_(*found))).subquery()
        result = conn.execute(select(rows).where(rows.c.rank == 1))
        keys = list(result.keys())
        chosen = {row[0]: dict(zip(keys, row)) for row in result}
    return [chosen[i] for i in order if i in chosen]


def _amount(q: ParsedQuestion, store: Store) -> Answer:
    """Figures about the regions asked for, best match first: both sides named, the measure
    asked for, the period asked for, a cumulative figure when the question says 累计, a figure
    about the programme's province. Scored and ranked in SQL, so a store of millions of figures
    returns only the best few."""
    subjects = [region_prefix(r) for r in q.donors if r.code]
    objects = [region_prefix(r) for r in q.recipients if r.code]
    year = re.search(r"(?:19|20)\d{2}", q.text)
    programme = _implied_programme(q.text)
    args = (q.measure, year.group() if year else None, "累计" in q.text, PROGRAMME_PROVINCE.get(programme or ""),
            next((w for w, p in PROGRAMME_HINTS.items() if p == programme and w.startswith("援")), None))
    ranker = getattr(store, "ranked_claims", None)  # the store's own (bounded, faster on large stores)
    if ranker is not None:
        ranked = ranker(subjects or None, objects or None, *args) if subjects or objects else []
    else:
        ranked = _ranked_claims(store, subjects, objects, *args)
    claims = [
        {"measure": r["measure"], "value": r["value"], "unit": r["unit"], "qualifier": r["qualifier"],
         "period": r["period"], "subject": {"code": r["subject_code"], "name": r["subject"]},
         "object": {"code": r["object_code"], "name": r["object"]},
         "doc": r["source_id"], "doc_id": r["doc_id"], "url": r["url"], "quote": r["quote"].strip(),
         "start": r["start"], "end": r["end"]}
        for r in ranked
    ]
    who = "、".join(r.full_name for r in q.donors + q.recipients) or "问题中的地区"
    donor = side_of(q.donors[0]) if q.donors else dict(NOBODY)
    recipient = side_of(q.recipients[0]) if q.recipients else dict(NOBODY)
    if claims:
        first = claims[0]
        summary = (f"本语料中最相关的数字：{format_value(first['value'], first['unit'])}（{first['measure']}，"
                   f"{format_period(first['period'])}，{first['doc']}）；共 {len(claims)} 条相关数字。")
        part = Part(donor, recipient, "found", ["reported"], summary, claims=claims)
    else:
        summary = f"本语料未找到{who}的相关金额或数量。"
        part = Part(donor, recipient, "not_found", [], summary)
    return Answer(q.text, q.kind, summary, [part])


def format_value(value: float, unit: str) -> str:
    """Money the way reports write it (亿元, 万元); counts as plain numbers."""
    if unit == "元" and abs(value) >= 1e8:
        return f"{value / 1e8:.6g}亿元"
    if unit == "元" and abs(value) >= 1e4:
        return f"{value / 1e4:.6g}万元"
    return f"{value:.10g}{unit}"


def format_period(period: str | None) -> str:
    """2016- → 2016年起, 2016-2020 → 2016–2020年, 2019 → 2019年."""
    if not period:
        return "时期未说明"
    if period.endswith("-"):
        return f"{period[:-1]}年起"
    if "-" in period:
        return period.replace("-", "–") + "年"
    return f"{period}年" if period.isdigit() else period


# ---- passages fallback ----------------------------------------------------------------------------

def _passages(store: Store, question: str, k: int = 5) -> list[dict[str, Any]]:
    """Related passages (BM25) when the question cannot be answered as a verdict; [] when the
    search module is not installed or fails."""
    try:
        from duikou.answer.passages import related_passages
    except ImportError:
        return []
    try:
        return list(related_passages(store, question, k=k))
    except Exception:  # noqa: BLE001 - the fallback must never break an answer
        return []


def ask(question: str, store: Store, as_of: int | None = None) -> Answer:
    """Answer a question in Chinese. as_of: the year the answer is about (default: now)."""
    q = parse_question(question)
    if q.kind == "yes_no" or (q.kind == "regions" and q.donors and q.recipients):
        answer = _yes_no(q, store, as_of)
    elif q.kind == "who_aids" or (q.kind == "regions" and q.recipients):
        answer = _who(q, store, True, as_of)
    elif q.kind == "aided_by" or (q.kind == "regions" and q.donors):
        answer = _who(q, store, False, as_of)
    elif q.kind == "amount":
        answer = _amount(q, store)
    else:
        answer = Answer(question, q.kind, "没有在问题中识别出地区，无法回答。", [])
    if not answer.parts or all(p.verdict == "not_found" for p in answer.parts):
        answer.passages = _passages(store, question)
        if answer.passages:
            answer.summary += f"（另有 {len(answer.passages)} 个相关段落，仅供参考，不是判断。）"
    return answer
