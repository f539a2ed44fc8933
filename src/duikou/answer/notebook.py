"""A Python API for notebooks: the objects `duikou ask --json` prints, and lists as tables.

    from duikou.answer import notebook as dk
    store = dk.connect("demo.db")                      # a path or SQLAlchemy URL; or pass a Store
    answer = dk.ask("浙江、江苏两个省份是青海的援建省份吗", store)
    answer.parts[0].verdict, answer.parts[0].basis     # 'yes', ['official']
    answer.as_dict()                                   # exactly the JSON of docs/ask-json.md
    dk.parts_frame(answer)                             # one row per part (pandas)
    dk.registry_frame(recipient="青海", as_of=2022)    # official arrangements (pandas)
    dk.pairings_frame(store, donor="江苏")             # what the corpus reports (pandas)

Tables are pyarrow Tables (`*_table`, pyarrow ships with duikou); `*_frame` converts them with
`Table.to_pandas()` and so needs pandas, which duikou does not depend on (`pip install pandas`).
"""

from __future__ import annotations

from typing import Any

from duikou import registry as _registry
from duikou.answer.respond import Answer, facts_by_prefix
from duikou.answer.respond import ask as _ask
from duikou.store import Store, open_store

__all__ = [
    "ask",
    "claims_frame",
    "claims_table",
    "connect",
    "pairings",
    "pairings_frame",
    "pairings_table",
    "parts_frame",
    "parts_table",
    "passages_frame",
    "passages_table",
    "registry",
    "registry_frame",
    "registry_table",
    "to_pandas",
]


def connect(db: str | None = None) -> Store:
    """Open a store: a SQLite path or a SQLAlchemy URL (default ./duikou.db or $DUIKOU_DB)."""
    return open_store(db)


def _store(store: Store | str | None) -> Store:
    return store if isinstance(store, Store) else open_store(store)


def ask(question: str, store: Store | str | None = None, as_of: int | None = None) -> Answer:
    """The Answer `duikou ask` prints: parts with verdict, basis, statement, facts, official rows,
    claims; `.as_dict()` is the --json object."""
    return _ask(question, _store(store), as_of=as_of)


def to_pandas(table: Any) -> Any:
    """A pyarrow Table as a pandas DataFrame (pandas must be installed)."""
    try:
        import pandas  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("DataFrames need pandas, which duikou does not install: pip install pandas "
                          "(or use the *_table functions, which return pyarrow Tables)") from exc
    return table.to_pandas()


def _table(rows: list[dict[str, Any]], columns: list[tuple[str, Any]]) -> Any:
    import pyarrow as pa

    schema = pa.schema(columns)
    return pa.Table.from_pylist([{name: row.get(name) for name in schema.names} for row in rows], schema=schema)


# ---- the registry --------------------------------------------------------------------------------

def registry(programme: str | None = None, donor: Any = None, recipient: Any = None,
             as_of: int | None = None) -> list[dict[str, Any]]:
    """Official arrangements as dicts (donor / recipient as {"code", "name"}), as `duikou registry --json`."""
    return [_registry.record(a, as_of) for a in _registry.query(programme, donor, recipient, as_of)]


def registry_table(programme: str | None = None, donor: Any = None, recipient: Any = None,
                   as_of: int | None = None) -> Any:
    return _registry.table(programme, donor, recipient, as_of)


def registry_frame(programme: str | None = None, donor: Any = None, recipient: Any = None,
                   as_of: int | None = None) -> Any:
    return to_pandas(registry_table(programme, donor, recipient, as_of))


# ---- answers -------------------------------------------------------------------------------------

def _string_columns(*names: str) -> list[tuple[str, Any]]:
    import pyarrow as pa

    return [(n, pa.string()) for n in names]


def parts_table(answer: Answer) -> Any:
    """One row per part: donor, recipient, verdict, basis, statement and counts of its evidence."""
    import pyarrow as pa

    rows = [{"donor_code": p.donor.get("code"), "donor": p.donor.get("name"),
             "recipient_code": p.recipient.get("code"), "recipient": p.recipient.get("name"),
             "verdict": p.verdict, "basis": "+".join(p.basis), "statement": p.statement,
             "official": len(p.official), "facts": len(p.facts),
             "documents": len({q["doc"] for f in p.facts for q in f.quotes} | {c["doc"] for c in p.claims}),
             "claims": len(p.claims)} for p in answer.parts]
    return _table(rows, _string_columns("donor_code", "donor", "recipient_code", "recipient", "verdict", "basis",
                                        "statement")
                  + [("official", pa.int64()), ("facts", pa.int64()), ("documents", pa.int64()),
                     ("claims", pa.int64())])


def parts_frame(answer: Answer) -> Any:
    return to_pandas(parts_table(answer))


def passages_table(answer: Answer) -> Any:
    import pyarrow as pa

    return _table(answer.passages, _string_columns("doc", "doc_id", "url", "text") + [("score", pa.float64())])


def passages_frame(answer: Answer) -> Any:
    return to_pandas(passages_table(answer))


# ---- the corpus ----------------------------------------------------------------------------------

def _prefixes(value: Any) -> list[str] | None:
    sides = _registry.resolve_side(value)
    if sides is None:
        return None
    return [s for s in sides if s.isdigit()] or None


def pairings(store: Store | str | None = None, donor: Any = None, recipient: Any = None,
             programme: str | None = None) -> list[dict[str, Any]]:
    """Pairings the corpus reports (reprints counted once), as `duikou pairings`, donor and
    recipient as {"code", "name"}."""
    from dataclasses import asdict

    facts = facts_by_prefix(_store(store), donor=_prefixes(donor), recipient=_prefixes(recipient), programme=programme)
    return [asdict(f) for f in facts]


def pairings_table(store: Store | str | None = None, donor: Any = None, recipient: Any = None,
                   programme: str | None = None) -> Any:
    import pyarrow as pa

    rows = [{"donor_code": f["donor"]["code"], "donor": f["donor"]["name"], "recipient_code": f["recipient"]["code"],
             "recipient": f["recipient"]["name"], "programme": f["programme"], "since": f["since"],
             "until": f["until"], "documents": f["documents"],
             "first_quote": f["quotes"][0]["quote"] if f["quotes"] else None,
             "first_doc": f["quotes"][0]["doc"] if f["quotes"] else None}
            for f in pairings(store, donor, recipient, programme)]
    return _table(rows, _string_columns("donor_code", "donor", "recipient_code", "recipient", "programme")
                  + [("since", pa.int64()), ("until", pa.int64()), ("documents", pa.int64())]
                  + _string_columns("first_quote", "first_doc"))


def pairings_frame(store: Store | str | None = None, donor: Any = None, recipient: Any = None,
                   programme: str | None = None) -> Any:
    return to_pandas(pairings_table(store, donor, recipient, programme))


def claims_table(store: Store | str | None = None, subject: Any = None, object_: Any = None,
                 measure: str | None = None) -> Any:
    """Reported figures, one row per piece of evidence, as `duikou claims`."""
    import pyarrow as pa

    rows = _store(store).claim_rows(subject=_prefixes(subject), object_=_prefixes(object_), measure=measure)
    rows = [{**r, "doc": r["source_id"]} for r in rows]
    return _table(rows, _string_columns("measure") + [("value", pa.float64())]
                  + _string_columns("unit", "qualifier", "period", "subject_code", "subject", "object_code", "object",
                                    "doc", "doc_id", "url", "quote") + [("start", pa.int64()), ("end", pa.int64())])


def claims_frame(store: Store | str | None = None, subject: Any = None, object_: Any = None,
                 measure: str | None = None) -> Any:
    return to_pandas(claims_table(store, subject, object_, measure))
