"""The reference registry: official arrangements shipped with duikou, kept apart from what the
corpus reports, so every answer can say which of the two a fact comes from."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Arrangement:
    programme: str
    donor_code: str
    donor: str
    recipient_code: str
    recipient: str
    since: int | None
    until: int | None
    source: str
    status: str = "confirmed"  # or "unconfirmed": entered from the public record, not yet checked


@lru_cache(maxsize=1)
def arrangements() -> tuple[Arrangement, ...]:
    """Every row of data/arrangements*.tsv (one file per group of programmes), first row wins
    for a repeated (programme, donor, recipient, since)."""
    folder = resources.files("duikou.registry").joinpath("data")
    files = sorted((f for f in folder.iterdir() if f.name.startswith("arrangements") and f.name.endswith(".tsv")),
                   key=lambda f: (f.name != "arrangements.tsv", f.name))
    out: list[Arrangement] = []
    seen: set[tuple[str, str, str, str, str, int | None]] = set()
    for f in files:
        lines = [line for line in f.read_text("utf-8").splitlines() if line and not line.startswith("#")]
        for r in csv.DictReader(lines, delimiter="\t"):
            a = Arrangement(
                r["programme"], r["donor_code"] or "", r["donor"], r["recipient_code"] or "", r["recipient"],
                int(r["since"]) if r["since"] else None, int(r["until"]) if r["until"] else None, r["source"],
                (r.get("status") or "confirmed").strip(),
            )
            key = (a.programme, a.donor_code, a.donor, a.recipient_code, a.recipient, a.since)
            if key not in seen:
                seen.add(key)
                out.append(a)
    return tuple(out)


def find(donor_prefixes: list[str] | None = None, recipient_prefixes: list[str] | None = None) -> list[Arrangement]:
    """Arrangements whose donor and recipient codes start with one of the given prefixes."""
    def ok(code: str, prefixes: list[str] | None) -> bool:
        return not prefixes or any(code.startswith(p) for p in prefixes)
    return [a for a in arrangements() if ok(a.donor_code, donor_prefixes) and ok(a.recipient_code, recipient_prefixes)]


# ---- queries (the library behind `duikou registry` and the answers) ------------------------------

PROGRAMMES = ("援疆", "援藏", "援青", "涉藏州县", "东西部协作", "灾后重建", "对口合作", "其他对口支援")


def active(a: Arrangement, as_of: int | None = None) -> bool:
    """In force in the year as_of (None: in force now, i.e. not ended)."""
    if as_of is None:
        return a.until is None
    return (a.since is None or a.since <= as_of) and (a.until is None or a.until >= as_of)


def started(a: Arrangement, as_of: int | None = None) -> bool:
    """Set up by the year as_of (always, when as_of is None)."""
    return as_of is None or a.since is None or a.since <= as_of


@lru_cache(maxsize=1)
def uncoded_names() -> tuple[str, ...]:
    """Names of the sides that have no GB/T 2260 code (兵团 divisions, townships, central
    enterprises), longest first: the question parser matches them literally."""
    names = {n for a in arrangements() for code, n in ((a.donor_code, a.donor), (a.recipient_code, a.recipient))
             if not code and n}
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def _side_matches(code: str, name: str, side: Any) -> bool:
    """side: a code prefix (str of digits), a name (str), or a list of them."""
    if side is None:
        return True
    if isinstance(side, (list, tuple, set)):
        return any(_side_matches(code, name, s) for s in side)
    if side.isdigit():
        return bool(code) and code.startswith(side)
    return name == side or (not code and side in name)


def resolve_side(value: Any) -> list[str] | None:
    """A donor/recipient filter from what a user gives: None, a Region, a code prefix, a region name
    (resolved with the gazetteer: a province selects everything inside it) or a list of these.
    Names the gazetteer does not know (central enterprises, 兵团 divisions, townships) are matched
    literally against the registry's names. Raises LookupError for a name nobody knows."""
    if value is None:
        return None
    if isinstance(value, (list, tuple, set)):
        return [p for v in value for p in (resolve_side(v) or [])]
    from duikou.models import Region
    from duikou.store.database import region_prefix

    if isinstance(value, Region):
        return [region_prefix(value)] if value.code else [value.name]
    value = str(value).strip()
    if value.isdigit():
        if len(value) == 6:  # a full code selects the division and everything inside it
            return [value[:2] if value.endswith("0000") else value[:4] if value.endswith("00") else value]
        return [value]
    if value in uncoded_names():
        return [value]
    from duikou.regions import default_gazetteer

    ranked = default_gazetteer().candidates(value)
    if not ranked:
        if any(value in n for n in uncoded_names()):
            return [value]
        raise LookupError(f"unknown region {value!r}")
    region = ranked[0].region
    return [region_prefix(region)] if region.code else [region.name]


def query(programme: str | None = None, donor: Any = None, recipient: Any = None,
          as_of: int | None = None) -> list[Arrangement]:
    """Official arrangements, filtered. donor / recipient: see resolve_side (a province selects
    everything inside it); as_of: only the arrangements in force that year."""
    dsides, rsides = resolve_side(donor), resolve_side(recipient)
    out = []
    for a in arrangements():
        if programme and a.programme != programme:
            continue
        if not _side_matches(a.donor_code, a.donor, dsides) or not _side_matches(a.recipient_code, a.recipient, rsides):
            continue
        if as_of is not None and not active(a, as_of):
            continue
        out.append(a)
    return out


def side(code: str | None, name: str) -> dict[str, Any]:
    """{"code", "name"}: the full name from the gazetteer when the code is known."""
    if code:
        from duikou.regions import default_gazetteer

        region = default_gazetteer().by_code(code)
        if region is not None:
            return {"code": code, "name": region.full_name}
    return {"code": code or None, "name": name}


def record(a: Arrangement, as_of: int | None = None) -> dict[str, Any]:
    """One arrangement as a plain dict; donor and recipient as {"code", "name"}."""
    return {"programme": a.programme, "donor": side(a.donor_code, a.donor),
            "recipient": side(a.recipient_code, a.recipient), "since": a.since, "until": a.until,
            "active": active(a, as_of), "source": a.source, "status": a.status}


FLAT_COLUMNS = ("programme", "donor_code", "donor", "recipient_code", "recipient", "since", "until", "active",
                "status", "source")


def flat(a: Arrangement, as_of: int | None = None) -> dict[str, Any]:
    """One arrangement as a flat row (CSV, tables)."""
    r = record(a, as_of)
    return {"programme": a.programme, "donor_code": a.donor_code or None, "donor": r["donor"]["name"],
            "recipient_code": a.recipient_code or None, "recipient": r["recipient"]["name"], "since": a.since,
            "until": a.until, "active": r["active"], "status": a.status, "source": a.source}


def table(programme: str | None = None, donor: Any = None, recipient: Any = None, as_of: int | None = None):
    """The query as a pyarrow Table (pyarrow ships with duikou); `.to_pandas()` when pandas is installed."""
    import pyarrow as pa

    rows = [flat(a, as_of) for a in query(programme, donor, recipient, as_of)]
    return pa.Table.from_pylist(rows, schema=pa.schema([
        ("programme", pa.string()), ("donor_code", pa.string()), ("donor", pa.string()),
        ("recipient_code", pa.string()), ("recipient", pa.string()), ("since", pa.int64()), ("until", pa.int64()),
        ("active", pa.bool_()), ("status", pa.string()), ("source", pa.string())]))
