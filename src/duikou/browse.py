"""Browsing queries for the web app and the JSON API: pure functions of a Store returning
JSON-ready dicts (regions always as {"code", "name"}), so the handlers and the pages hold no
logic of their own. Lists come as {"total", "limit", "offset", "items"} in a stable order.

Pairings combine the two kinds of knowledge duikou keeps apart: the official registry
(duikou.registry, basis "official") and what the corpus reports (basis "reported").
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select

from duikou import registry
from duikou.answer.respond import _distinct_sources
from duikou.models import PROGRAMMES as CORPUS_PROGRAMMES
from duikou.store import Store
from duikou.store import schema as s

#: every programme a filter may name (the registry has 涉藏州县 besides the corpus programmes)
PROGRAMMES = tuple(dict.fromkeys(registry.PROGRAMMES + CORPUS_PROGRAMMES))
BASES = ("official", "reported")
MAX_QUOTES = 3
_IN_CHUNK = 900


class FilterError(ValueError):
    """A filter the caller gave cannot be used (unknown region, programme or basis)."""


# ---- filters ----------------------------------------------------------------------------------------

def _sides(value: str | None) -> list[str] | None:
    """Code prefixes and/or literal names for a donor/recipient filter given as a code or a name."""
    if value is None or not str(value).strip():
        return None
    try:
        return registry.resolve_side(str(value))
    except LookupError as exc:
        raise FilterError(exc.args[0]) from exc


def _matches(code: str | None, names: tuple[str | None, ...], sides: list[str] | None) -> bool:
    """A side (code and its names) falls under one of the filter's prefixes or names."""
    if sides is None:
        return True
    for side in sides:
        if side.isdigit():
            if code and code.startswith(side):
                return True
        elif any(n and (n == side or (not code and side in n)) for n in names):
            return True
    return False


def _check(programme: str | None, basis: str | None) -> None:
    if programme and programme not in PROGRAMMES:
        raise FilterError(f"unknown programme {programme!r} (one of {' '.join(PROGRAMMES)})")
    if basis and basis not in BASES:
        raise FilterError(f"unknown basis {basis!r} (official or reported)")


def _in_force(since: int | None, until: int | None, year: int | None) -> bool:
    return year is None or ((since is None or since <= year) and (until is None or until >= year))


def _page(items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    limit, offset = max(0, limit), max(0, offset)
    return {"total": len(items), "limit": limit, "offset": offset, "items": items[offset:offset + limit]}


def _side_key(side: dict[str, Any]) -> tuple[str, str]:
    return (side["code"] or "~", side["name"] or "")


# ---- pairings ---------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _official() -> tuple[tuple[registry.Arrangement, dict[str, Any], dict[str, Any]], ...]:
    """Every registry row with its sides named once (the gazetteer look-ups are the slow part)."""
    return tuple((a, registry.side(a.donor_code, a.donor), registry.side(a.recipient_code, a.recipient))
                 for a in registry.arrangements())


def _official_source(a: registry.Arrangement, year: int | None) -> dict[str, Any]:
    return {"kind": "official", "source": a.source, "status": a.status, "since": a.since, "until": a.until,
            "active": registry.active(a, year)}


def _quote(q: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "reported", "doc": q["source_id"], "doc_id": q["doc_id"], "url": q["url"],
            "quote": q["quote"], "start": q["start"], "end": q["end"]}


_LATEST = select(s.documents.c.id, s.documents.c.content_hash).order_by(s.documents.c.id.desc()).limit(1)


def data_version(store: Store) -> str:
    """Changes whenever a document is added or replaced (a replaced document gets a new row, or
    the same id with a new content hash when it was the last one): what caches are keyed by."""
    with store.engine.connect() as conn:
        row = conn.execute(_LATEST).first()
    return f"{row[0]}-{row[1][:16]}" if row else "empty"


_facts: weakref.WeakKeyDictionary[Store, tuple[str, list[dict[str, Any]]]] = weakref.WeakKeyDictionary()


def _corpus_facts(store: Store) -> list[dict[str, Any]]:
    """Every pairing the corpus reports (Store.pairing_facts with its best quotes), read once per
    store and data version: each filtered list is then cut from it in memory."""
    version = data_version(store)
    cached = _facts.get(store)
    if cached is None or cached[0] != version:
        cached = (version, store.pairing_facts(quotes=MAX_QUOTES))
        _facts[store] = cached
    return cached[1]


def pairings(store: Store, donor: str | None = None, recipient: str | None = None,
             programme: str | None = None, year: int | None = None, basis: str | None = None,
             limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Who assists whom: one item per (donor, recipient, programme), official and reported merged.

    donor / recipient: a GB/T 2260 code or prefix, or a name (a province selects everything inside
    it); year: only what was in force that year; basis: "official" or "reported" (items with it).
    Item: donor, recipient ({"code","name"}), programme, since, until, basis, documents (independent
    corpus sources, reprints counted once) and sources (official decisions, then the best corpus
    quotes: {"kind": "reported", "doc", "doc_id", "url", "quote", "start", "end"}, quote ==
    the document's clean text[start:end]). Ordered by donor code, recipient code, programme."""
    _check(programme, basis)
    return _page(_all_pairings(store, _sides(donor), _sides(recipient), programme, year, basis), limit, offset)


def _all_pairings(store: Store, donors: list[str] | None, recipients: list[str] | None,
                  programme: str | None, year: int | None, basis: str | None) -> list[dict[str, Any]]:
    items: dict[tuple[Any, ...], dict[str, Any]] = {}

    def item(donor: dict[str, Any], recipient: dict[str, Any], prog: str) -> dict[str, Any]:
        key = (donor["code"] or donor["name"], recipient["code"] or recipient["name"], prog)
        if key not in items:
            items[key] = {"donor": donor, "recipient": recipient, "programme": prog, "since": None, "until": None,
                          "basis": [], "documents": 0, "sources": [], "_open": False}
        return items[key]

    for a, dside, rside in _official():
        if (programme and a.programme != programme) or (year is not None and not registry.active(a, year)):
            continue
        if not _matches(a.donor_code, (a.donor, dside["name"]), donors) or \
                not _matches(a.recipient_code, (a.recipient, rside["name"]), recipients):
            continue
        it = item(dict(dside), dict(rside), a.programme)  # copies: the named rows are shared
        if "official" not in it["basis"]:
            it["basis"].append("official")
        it["sources"].append(_official_source(a, year))
        if a.since is not None and (it["since"] is None or a.since < it["since"]):
            it["since"] = a.since
        it["_open"] = it["_open"] or a.until is None
        if not it["_open"] and a.until is not None:
            it["until"] = max(it["until"] or a.until, a.until)
    for f in _corpus_facts(store):
        if programme and f["programme"] != programme:
            continue
        if not _in_force(f["since"], f["until"], year):
            continue
        if not _matches(f["donor_code"], (f["donor"], f["donor_full"]), donors) or \
                not _matches(f["recipient_code"], (f["recipient"], f["recipient_full"]), recipients):
            continue
        it = item({"code": f["donor_code"], "name": f["donor_full"]},
                  {"code": f["recipient_code"], "name": f["recipient_full"]}, f["programme"])
        official = "official" in it["basis"]
        it["basis"].append("reported")
        it["documents"] = f["documents"]
        it["sources"] += [_quote(q) for q in f["quotes"]]
        if f["since"] is not None and (it["since"] is None or f["since"] < it["since"]):
            it["since"] = f["since"]
        if not official:
            it["until"] = f["until"]
    out = []
    for it in items.values():
        if it.pop("_open"):
            it["until"] = None
        if basis is None or basis in it["basis"]:
            out.append(it)
    out.sort(key=lambda i: (_side_key(i["donor"]), _side_key(i["recipient"]), i["programme"]))
    return out


# ---- claims (reported figures) ----------------------------------------------------------------------

def _period_years(period: str | None) -> tuple[int | None, int | None] | None:
    """2019 → (2019, 2019); 2016-2020 → (2016, 2020); 2016- → (2016, None); else None."""
    if not period:
        return None
    first, _, last = period.partition("-")
    if not first[:4].isdigit():
        return None
    start = int(first[:4])
    if "-" not in period:
        return start, start
    return start, int(last[:4]) if last[:4].isdigit() else None


def _claim_rows(store: Store, subjects: list[str] | None, objects: list[str] | None,
                measure: str | None, either: bool = False) -> list[dict[str, Any]]:
    """Evidence rows of figures whose subject / object fall under the filters (both, or with
    `either` one of them), codes filtered in SQL and names afterwards."""
    sql = lambda sides: sides if sides and all(x.isdigit() for x in sides) else None

    def ok(r: dict[str, Any], role: str, sides: list[str] | None) -> bool:
        return sides is not None and _matches(r[f"{role}_code"], (r[role],), sides)

    if either:
        rows = {(r["id"], r["doc_id"], r["start"], r["end"]): r
                for sides, kw in ((subjects, "subject"), (objects, "object_"))
                for r in store.claim_rows(**{kw: sql(sides)}, measure=measure)
                if ok(r, kw.rstrip("_"), sides)}
        return [rows[k] for k in sorted(rows)]
    return [r for r in store.claim_rows(subject=sql(subjects), object_=sql(objects), measure=measure)
            if (subjects is None or ok(r, "subject", subjects)) and (objects is None or ok(r, "object", objects))]


def _claim_items(rows: list[dict[str, Any]], year: int | None) -> list[dict[str, Any]]:
    """One item per figure, its independent sources counted once (as for pairings and answers:
    reprinted documents, a reprinted paragraph or the same sentence are one source)."""
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        grouped[r["id"]].append(r)
    out = []
    for claim_id in sorted(grouped):
        group = grouped[claim_id]
        first = group[0]
        years = _period_years(first["period"])
        if year is not None and (years is None or not _in_force(years[0], years[1], year)):
            continue
        best = _distinct_sources(sorted(group, key=lambda r: (r["doc_id"], r["start"])))
        out.append({
            "id": claim_id, "subject": {"code": first["subject_code"], "name": first["subject"]},
            "object": {"code": first["object_code"], "name": first["object"]}, "measure": first["measure"],
            "value": first["value"], "unit": first["unit"], "qualifier": first["qualifier"],
            "period": first["period"], "status": first["status"], "documents": len(best),
            "sources": [_quote(r) for r in list(best.values())[:MAX_QUOTES]],
        })
    return out


def claims(store: Store, subject: str | None = None, object_: str | None = None, measure: str | None = None,
           year: int | None = None, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Reported figures (money, projects, cadres ...), one item per figure with its best quotes;
    subject / object as codes or names; year: the figure's period covers it. Ordered by id."""
    rows = _claim_rows(store, _sides(subject), _sides(object_), measure or None)
    return _page(_claim_items(rows, year), limit, offset)


# ---- regions ----------------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def _level(code: str | None) -> str | None:
    if not code:
        return None
    from duikou.regions import default_gazetteer

    region = default_gazetteer().by_code(code)
    return region.level if region else None


def regions(store: Store, q: str | None = None, programme: str | None = None, year: int | None = None,
            basis: str | None = None, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Every region that assists or is assisted (official or reported, filters as `pairings`),
    with how many pairings it has on each side; q: a code prefix or a part of the name.
    Ordered by code (regions without one last, by name)."""
    _check(programme, basis)
    counts: dict[tuple[Any, ...], dict[str, Any]] = {}
    for it in _all_pairings(store, None, None, programme, year, basis):
        for role, side in (("assists", it["donor"]), ("assisted_by", it["recipient"])):
            key = (side["code"] or "~", side["name"])
            entry = counts.setdefault(key, {"code": side["code"], "name": side["name"], "level": _level(side["code"]),
                                            "assists": 0, "assisted_by": 0})
            entry[role] += 1
    items = [counts[k] for k in sorted(counts)]
    if q and q.strip():
        q = q.strip()
        items = [i for i in items if (i["code"] or "").startswith(q) or q in (i["name"] or "")]
    return _page(items, limit, offset)


def _resolve_region(code: str) -> dict[str, Any] | None:
    """{"code", "name", "level"} for a code or a name, None when nobody knows it."""
    from duikou.regions import default_gazetteer

    value = (code or "").strip()
    if not value:
        return None
    gazetteer = default_gazetteer()
    if value.isdigit():
        region = gazetteer.by_code(value.ljust(6, "0")) if len(value) <= 6 else None
        return {"code": region.code, "name": region.full_name, "level": region.level} if region else None
    if value in registry.uncoded_names():
        return {"code": None, "name": value, "level": None}
    ranked = gazetteer.candidates(value)
    if not ranked:
        return None
    region = ranked[0].region
    return {"code": region.code, "name": region.full_name, "level": region.level}


def _figures(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Figures grouped by what they measure (subject, object, measure, period, qualifier): the
    values reported side by side (`conflict` when they differ), each with its independent sources."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for item in _claim_items(rows, None):
        key = (item["subject"]["code"] or item["subject"]["name"] or "", item["object"]["code"] or
               item["object"]["name"] or "", item["measure"], item["period"] or "", item["qualifier"] or "")
        groups[key].append(item)
    out = []
    for key in sorted(groups):
        items = sorted(groups[key], key=lambda i: (-i["documents"], i["value"], i["id"]))
        first = items[0]
        out.append({
            "subject": first["subject"], "object": first["object"], "measure": first["measure"],
            "period": first["period"], "qualifier": first["qualifier"],
            "conflict": len({(i["value"], i["unit"]) for i in items}) > 1,
            "values": [{"value": i["value"], "unit": i["unit"], "status": i["status"], "documents": i["documents"],
                        "sources": i["sources"]} for i in items],
        })
    return out


def _documents_info(store: Store, doc_ids: set[str]) -> dict[str, dict[str, Any]]:
    d = s.documents
    out: dict[str, dict[str, Any]] = {}
    ordered = sorted(doc_ids)
    with store.engine.connect() as conn:
        for at in range(0, len(ordered), _IN_CHUNK):
            query = (select(d.c.doc_id, d.c.source_id, d.c.title, d.c.url, d.c.published)
                     .where(d.c.doc_id.in_(ordered[at:at + _IN_CHUNK])))
            for row in conn.execute(query):
                out[row.doc_id] = dict(row._mapping)
    return out


def region(store: Store, code: str) -> dict[str, Any] | None:
    """A region's page: who assists it and whom it assists (official and reported, with since,
    until and basis), the figures reported about it (conflicting values side by side, reprints
    counted once, with sources), a timeline, and the documents behind it. `code`: a GB/T 2260
    code or a name; None when nobody knows it. Places inside the region count as the region."""
    found = _resolve_region(code)
    if found is None:
        return None
    sides = registry.resolve_side(found["code"]) if found["code"] else [found["name"]]
    assists = _all_pairings(store, sides, None, None, None, None)
    assisted_by = _all_pairings(store, None, sides, None, None, None)
    claim_rows = _claim_rows(store, sides, sides, None, either=True)
    figures = _figures(claim_rows)
    # the documents behind it: evidence of its pairings and figures
    per_doc: dict[str, dict[str, int]] = defaultdict(lambda: {"pairings": 0, "claims": 0})
    sql = sides if all(x.isdigit() for x in sides) else None
    seen = set()
    for kw in ("donor", "recipient"):
        for r in store.pairing_rows(**{kw: sql}):
            if _matches(r[f"{kw}_code"], (r[kw], r[f"{kw}_full"]), sides) and \
                    (r["id"], r["doc_id"], r["start"]) not in seen:
                seen.add((r["id"], r["doc_id"], r["start"]))
                per_doc[r["doc_id"]]["pairings"] += 1
    for r in claim_rows:
        per_doc[r["doc_id"]]["claims"] += 1
    info = _documents_info(store, set(per_doc))
    documents = [{**info[doc_id], **per_doc[doc_id]} for doc_id in per_doc if doc_id in info]
    documents.sort(key=lambda d: d["doc_id"])
    documents.sort(key=lambda d: d["published"] or "", reverse=True)  # newest first, undated last
    return {"region": found, "assists": assists, "assisted_by": assisted_by, "figures": figures,
            "timeline": _timeline(assists, assisted_by, figures, documents), "documents": documents}


def _timeline(assists: list[dict[str, Any]], assisted_by: list[dict[str, Any]], figures: list[dict[str, Any]],
              documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Dated events, oldest first: pairings starting and ending, figures by the first year of their
    period, documents by their publication date."""
    events = []
    for role, items in (("donor", assists), ("recipient", assisted_by)):
        for it in items:
            for kind, year in (("pairing_start", it["since"]), ("pairing_end", it["until"])):
                if year is not None:
                    events.append({"year": year, "date": str(year), "kind": kind, "role": role,
                                   "donor": it["donor"], "recipient": it["recipient"],
                                   "programme": it["programme"], "basis": it["basis"]})
    for f in figures:
        years = _period_years(f["period"])
        if years:
            events.append({"year": years[0], "date": f["period"], "kind": "figure", "measure": f["measure"],
                           "subject": f["subject"], "object": f["object"], "values": [
                               {"value": v["value"], "unit": v["unit"]} for v in f["values"]]})
    for d in documents:
        if (d["published"] or "")[:4].isdigit():
            events.append({"year": int(d["published"][:4]), "date": d["published"], "kind": "document",
                           "doc_id": d["doc_id"], "title": d["title"]})
    order = {"pairing_start": 0, "figure": 1, "document": 2, "pairing_end": 3}
    events.sort(key=lambda e: (e["year"], e["date"], order[e["kind"]], str(e.get("doc_id") or ""),
                               str(e.get("donor") or e.get("subject") or ""), str(e.get("recipient") or "")))
    return events


# ---- documents --------------------------------------------------------------------------------------

def _evidence_counts(store: Store, document_ids: list[int]) -> dict[int, tuple[int, int]]:
    pe, ce = s.pairing_evidence, s.claim_evidence
    out: dict[int, list[int]] = {i: [0, 0] for i in document_ids}
    with store.engine.connect() as conn:
        for at in range(0, len(document_ids), _IN_CHUNK):
            chunk = document_ids[at:at + _IN_CHUNK]
            for slot, table in ((0, pe), (1, ce)):
                for doc, n in conn.execute(select(table.c.document_id, func.count())
                                           .where(table.c.document_id.in_(chunk)).group_by(table.c.document_id)):
                    out[doc][slot] = n
    return {k: (v[0], v[1]) for k, v in out.items()}


def documents(store: Store, q: str | None = None, limit: int = 100, offset: int = 0) -> dict[str, Any]:
    """Stored documents (no text), ordered by doc_id, with how many pairing and figure evidence
    rows each holds; q: a part of the title, the doc id or the URL."""
    d = s.documents
    where = []
    if q and q.strip():
        term = q.strip()
        where.append(d.c.title.contains(term, autoescape=True) | d.c.doc_id.contains(term, autoescape=True)
                     | d.c.url.contains(term, autoescape=True))
    limit, offset = max(0, limit), max(0, offset)
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(d).where(*where)).scalar_one()
        rows = [dict(r._mapping) for r in conn.execute(
            select(d.c.id, d.c.doc_id, d.c.source_id, d.c.title, d.c.url, d.c.published, d.c.relevance, d.c.cluster)
            .where(*where).order_by(d.c.doc_id).limit(limit).offset(offset))]
    counts = _evidence_counts(store, [r["id"] for r in rows])
    for r in rows:
        r["pairings"], r["claims"] = counts[r.pop("id")]
        cluster = r.pop("cluster")
        r["reprint_of"] = cluster if cluster != r["doc_id"] else None
    return {"total": total, "limit": limit, "offset": offset, "items": rows}


def document(store: Store, doc_id: str, raw: bool = False) -> dict[str, Any] | None:
    """One document: its cleaned text with the evidence spans [{start, end, kind, quote, ...}]
    (quote == text[start:end]; raw_start/raw_end locate it in the raw text), its source id, URL
    and title, and the other articles cut from the same page. `doc_id` may also be a source id
    (the page's first article then). raw: include the raw text as scraped. None when absent."""
    d = s.documents
    with store.engine.connect() as conn:
        row = conn.execute(select(d).where(d.c.doc_id == doc_id)).first()
        if row is None:
            row = conn.execute(select(d).where(d.c.source_id == doc_id).order_by(d.c.id).limit(1)).first()
        if row is None:
            return None
        articles = list(conn.execute(select(d.c.doc_id).where(d.c.source_id == row.source_id)
                                     .order_by(d.c.id)).scalars())
        spans = _spans(conn, row.id)
    out = {"doc_id": row.doc_id, "source_id": row.source_id, "url": row.url, "title": row.title,
           "published": row.published, "relevance": row.relevance,
           "reprint_of": row.cluster if row.cluster != row.doc_id else None, "articles": articles,
           "text": row.text, "spans": spans}
    if raw:
        out["raw_text"] = row.raw_text
    return out


def _spans(conn: Any, document_id: int) -> list[dict[str, Any]]:
    p, pe, c, ce = s.pairings, s.pairing_evidence, s.claims, s.claim_evidence
    spans = []
    for r in conn.execute(select(pe.c.start, pe.c.end, pe.c.raw_start, pe.c.raw_end, pe.c.quote, pe.c.extractor,
                                 pe.c.confidence, p.c.donor_code, p.c.donor_full, p.c.recipient_code,
                                 p.c.recipient_full, p.c.programme, pe.c.since, pe.c.until)
                          .join(p, p.c.id == pe.c.pairing_id).where(pe.c.document_id == document_id)):
        spans.append({"start": r.start, "end": r.end, "raw_start": r.raw_start, "raw_end": r.raw_end,
                      "kind": "pairing", "quote": r.quote, "extractor": r.extractor, "confidence": r.confidence,
                      "donor": {"code": r.donor_code, "name": r.donor_full},
                      "recipient": {"code": r.recipient_code, "name": r.recipient_full},
                      "programme": r.programme, "since": r.since, "until": r.until})
    for r in conn.execute(select(ce.c.start, ce.c.end, ce.c.raw_start, ce.c.raw_end, ce.c.quote, ce.c.extractor,
                                 ce.c.confidence, c.c.subject_code, c.c.subject, c.c.object_code, c.c.object,
                                 c.c.measure, c.c.value, c.c.unit, c.c.qualifier, c.c.period)
                          .join(c, c.c.id == ce.c.claim_id).where(ce.c.document_id == document_id)):
        spans.append({"start": r.start, "end": r.end, "raw_start": r.raw_start, "raw_end": r.raw_end,
                      "kind": "claim", "quote": r.quote, "extractor": r.extractor, "confidence": r.confidence,
                      "subject": {"code": r.subject_code, "name": r.subject},
                      "object": {"code": r.object_code, "name": r.object}, "measure": r.measure,
                      "value": r.value, "unit": r.unit, "qualifier": r.qualifier, "period": r.period})
    spans.sort(key=lambda x: (x["start"], x["end"], x["kind"], x["quote"]))
    return spans


# ---- search and totals ------------------------------------------------------------------------------

def search(store: Store, q: str, limit: int = 10) -> dict[str, Any]:
    """Passages related to free text (BM25 over the stored passages, as the ask fallback), best first."""
    from duikou.answer.passages import related_passages

    items = related_passages(store, q, k=max(0, limit)) if q and q.strip() else []
    return {"query": q, "total": len(items), "items": items}


def stats(store: Store) -> dict[str, Any]:
    """Totals for the home page: the store's counts, corpus pairings per programme, the registry's
    arrangements per programme."""
    p = s.pairings
    with store.engine.connect() as conn:
        by_programme = dict(conn.execute(select(p.c.programme, func.count()).group_by(p.c.programme)
                                         .order_by(p.c.programme)).all())
    official: dict[str, int] = defaultdict(int)
    for a in registry.arrangements():
        official[a.programme] += 1
    return {**store.counts(), "pairings_by_programme": by_programme,
            "registry": {"arrangements": len(registry.arrangements()),
                         "by_programme": dict(sorted(official.items()))}}
