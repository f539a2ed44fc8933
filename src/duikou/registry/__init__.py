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


@lru_cache(maxsize=1)
def arrangements() -> tuple[Arrangement, ...]:
    text = resources.files("duikou.registry").joinpath("data", "arrangements.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return tuple(
        Arrangement(
            r["programme"], r["donor_code"], r["donor"], r["recipient_code"], r["recipient"],
            int(r["since"]) if r["since"] else None, int(r["until"]) if r["until"] else None, r["source"],
        )
        for r in csv.DictReader(lines, delimiter="\t")
    )


def find(donor_prefixes: list[str] | None = None, recipient_prefixes: list[str] | None = None) -> list[Arrangement]:
    """Arrangements whose donor and recipient codes start with one of the given prefixes."""
    def ok(code: str, prefixes: list[str] | None) -> bool:
        return not prefixes or any(code.startswith(p) for p in prefixes)
    return [a for a in arrangements() if ok(a.donor_code, donor_prefixes) and ok(a.recipient_code, recipient_prefixes)]
