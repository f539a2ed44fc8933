"""The reference registry: official arrangements shipped with duikou, kept apart from what the
corpus reports, so every answer can say which of the two a fact comes from."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


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
