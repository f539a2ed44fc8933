"""Answer a parsed question from the store and the reference registry.

Every statement is either backed by quotes from the corpus, labelled as an official
arrangement from the registry, or said plainly to be not found in the corpus.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from duikou import registry
from duikou.answer.question import ParsedQuestion, parse_question
from duikou.clean.dedup import normalise
from duikou.models import Region
from duikou.store import Store
from duikou.store.database import region_prefix

PROGRAMME_HINTS = {
    "援疆": "援疆", "新疆": "援疆", "援藏": "援藏", "西藏": "援藏", "援青": "援青",
    "地震": "灾后重建", "灾后": "灾后重建", "东西部": "东西部协作", "扶贫协作": "东西部协作", "对口合作": "对口合作",
}
MAX_QUOTES = 3
PROGRAMME_PROVINCE = {"援疆": "65", "援藏": "54", "援青": "63"}


@dataclass
class Fact:
    donor: str
    recipient: str
    programme: str
    since: int | None
    documents: int  # distinct documents, reprints counted once
    quotes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Part:
    subject: str
    verdict: str  # yes | no_evidence | official_only | found | not_found
    statement: str
    facts: list[Fact] = field(default_factory=list)
    official: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Answer:
    question: str
    kind: str
    summary: str
    parts: list[Part] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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
        facts.append(Fact(first["donor_full"], first["recipient_full"], first["programme"], first["since"],
                          len(clusters), quotes))
    return sorted(facts, key=lambda f: -f.documents)


def _distinct_sources(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One row per independent source. Two evidence rows share a source when their documents are
    reprints of each other, when they stand in the same reprinted paragraph (passage), or when
    they quote the very same sentence."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows:
        doc = find("doc:" + row["cluster"])
        for other in ("quote:" + normalise(row["quote"]),
                      f"passage:{row['passage']}" if row.get("passage") is not None else None):
            if other:
                parent[find(other)] = doc
    out: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: -r["confidence"]):  # the most explicit statement first
        out.setdefault(find("doc:" + row["cluster"]), row)
    return out


def _official(arrangements: list[registry.Arrangement]) -> list[dict[str, Any]]:
    return [asdict(a) for a in arrangements]


def _official_note(official: list[dict[str, Any]]) -> str:
    """Registry rows, labelled so they are never taken for corpus evidence."""
    if not official:
        return ""
    return "【官方安排，非本语料证据】" + "；".join(
        f"{a['donor']} → {a['recipient']}（{a['programme']}，{a['since']}年起）" for a in official) + "。"


def _programme_hint(question: str) -> str | None:
    return next((p for word, p in PROGRAMME_HINTS.items() if word in question), None)


def _names(regions: list[Region]) -> str:
    return "、".join(r.full_name for r in regions)


def _fact_line(f: Fact) -> str:
    since = f"，{f.since}年起" if f.since else ""
    return f"{f.donor} → {f.recipient}（{f.programme}{since}）"


def _yes_no(q: ParsedQuestion, store: Store) -> Answer:
    programme = _programme_hint(q.text) if not q.recipients else None
    rprefix = [region_prefix(r) for r in q.recipients] or None
    parts = []
    for donor in q.donors or []:
        rows = store.pairing_rows(donor=[region_prefix(donor)], recipient=rprefix, programme=programme)
        official = _official(registry.find([region_prefix(donor)], rprefix))
        if q.symmetric:  # the other way round counts too
            back = [region_prefix(donor)]
            rows += store.pairing_rows(donor=rprefix, recipient=back, programme=programme)
            official += _official(registry.find(rprefix, back))
        facts = _facts(rows)
        target = _names(q.recipients) or (f"{programme}对口地区" if programme else "任何地区")
        if facts:
            statement = f"是。本语料支持{donor.full_name}援助{target}：" + "；".join(_fact_line(f) for f in facts[:5]) + "。"
            verdict = "yes"
        else:
            elsewhere = _facts(store.pairing_rows(donor=[region_prefix(donor)]))
            statement = f"本语料未显示{donor.full_name}援助{target}。"
            if elsewhere:
                statement += "语料中" + donor.full_name + "的对口关系只有：" + "；".join(_fact_line(f) for f in elsewhere[:5]) + "。"
            else:
                statement += f"语料中没有{donor.full_name}作为援助方的记录。"
            verdict = "official_only" if official else "no_evidence"
            facts = elsewhere[:5]
        if official:
            statement += _official_note(official)
        elif programme and verdict != "yes" and any(a.programme == programme for a in registry.arrangements()):
            sources = sorted({a.source.split(";")[0] for a in registry.arrangements() if a.programme == programme})
            statement += f"【官方安排，非本语料证据】{'、'.join(sources)}中也没有{donor.full_name}。"
        parts.append(Part(donor.full_name, verdict, statement, facts, official))
    if not q.donors:
        return Answer(q.text, q.kind, "没有在问题中识别出援助方地区，无法回答。", [])
    summary = "；".join(f"{p.subject}：{'是' if p.verdict == 'yes' else '本语料未显示'}" for p in parts)
    return Answer(q.text, q.kind, summary, parts)


def _who(q: ParsedQuestion, store: Store, aids: bool) -> Answer:
    """who_aids: who assists the recipients; aided_by: whom the donors assist."""
    anchors = q.recipients if aids else q.donors
    if not anchors:
        return Answer(q.text, q.kind, "没有在问题中识别出地区，无法回答。", [])
    parts, corpus_statements = [], []
    programme = _programme_hint(q.text)
    for anchor in anchors:
        prefix = [region_prefix(anchor)]
        others = [region_prefix(r) for r in (q.donors if aids else q.recipients)] or None
        if aids:
            rows = store.pairing_rows(recipient=prefix, donor=others, programme=programme)
            official = _official(registry.find(others, prefix))
        else:
            rows = store.pairing_rows(donor=prefix, recipient=others, programme=programme)
            official = _official(registry.find(prefix, others))
        if programme:
            official = [a for a in official if a["programme"] == programme]
        facts = _facts(rows)
        names = sorted({f.donor if aids else f.recipient for f in facts}, key=lambda n: -sum(
            f.documents for f in facts if (f.donor if aids else f.recipient) == n))
        if facts:
            statement = f"本语料中{anchor.full_name}的{'援助方' if aids else '受援地'}：" + "、".join(names) + "。"
            verdict = "found"
        else:
            statement = f"本语料未显示{'谁援助' if aids else ''}{anchor.full_name}{'' if aids else '援助哪里'}。"
            verdict = "official_only" if official else "not_found"
        corpus_statements.append(statement)
        parts.append(Part(anchor.full_name, verdict, statement + _official_note(official), facts, official))
    return Answer(q.text, q.kind, " ".join(corpus_statements), parts)


def _amount(q: ParsedQuestion, store: Store) -> Answer:
    """Figures about the regions asked for, best match first: both sides named, the measure
    asked for, the period asked for, a cumulative figure when the question says 累计."""
    subjects = [region_prefix(r) for r in q.donors]
    objects = [region_prefix(r) for r in q.recipients]
    rows = store.claim_rows(subject=subjects or None) if subjects else []
    rows += store.claim_rows(object_=objects or None) if objects else []
    if subjects and objects:  # figures in documents that state this very pairing
        documents = {r["doc_id"] for r in store.pairing_rows(donor=subjects, recipient=objects)}
        rows += store.claim_rows(doc_ids=documents)
    year = re.search(r"(?:19|20)\d{2}", q.text)
    cumulative = "累计" in q.text
    programme = _programme_hint(q.text)
    programme_word = next((w for w, p in PROGRAMME_HINTS.items() if p == programme and w.startswith("援")), None)
    programme_province = PROGRAMME_PROVINCE.get(programme or "")

    def starts(code: str | None, prefixes: list[str]) -> bool:
        return bool(code) and any(code.startswith(p) for p in prefixes)

    def score(r: dict[str, Any]) -> float:
        s = 2.0 * starts(r["subject_code"], subjects) + 2.0 * starts(r["object_code"], objects)
        if q.measure:
            s += 2.0 if q.measure in r["measure"] else (0.5 if q.measure in r["quote"] else -2.0)
        if year:
            s += 1.0 if (r["period"] or "").startswith(year.group()) else (0.5 if year.group() in r["quote"] else -0.5)
        if cumulative:
            s += 1.0 if r["qualifier"] == "累计" or "累计" in r["quote"] else 0.0
        if programme_province:  # 援藏 figures are about Tibet
            about = (r["object_code"] or "").startswith(programme_province) or bool(
                programme_word and programme_word in r["quote"])
            s += 1.5 if about else -1.0
        return s

    best: dict[int, dict[str, Any]] = {}
    for r in sorted(rows, key=score, reverse=True):
        best.setdefault(r["id"], r)
    ranked = [r for r in best.values() if score(r) > 0][:8]
    claims = [
        {"measure": r["measure"], "value": r["value"], "unit": r["unit"], "qualifier": r["qualifier"],
         "period": r["period"], "subject": r["subject"], "object": r["object"],
         "doc": r["source_id"], "quote": r["quote"].strip()}
        for r in ranked
    ]
    who = _names(q.donors + q.recipients) or "问题中的地区"
    if claims:
        first = claims[0]
        summary = (f"本语料中最相关的数字：{_format_value(first)}（{first['measure']}，"
                   f"{format_period(first['period'])}，{first['doc']}）；共 {len(claims)} 条相关数字。")
        part = Part(who, "found", summary, claims=claims)
    else:
        summary = f"本语料未找到{who}的相关金额或数量。"
        part = Part(who, "not_found", summary)
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


def _format_value(claim: dict[str, Any]) -> str:
    return format_value(claim["value"], claim["unit"])


def ask(question: str, store: Store) -> Answer:
    q = parse_question(question)
    if q.kind == "yes_no":
        return _yes_no(q, store)
    if q.kind == "who_aids":
        return _who(q, store, aids=True)
    if q.kind == "aided_by":
        return _who(q, store, aids=False)
    if q.kind == "amount":
        return _amount(q, store)
    if q.donors and q.recipients:
        return _yes_no(q, store)
    if q.recipients:
        return _who(q, store, aids=True)
    if q.donors:
        return _who(q, store, aids=False)
    return Answer(question, q.kind, "没有在问题中识别出地区，无法回答。", [])
