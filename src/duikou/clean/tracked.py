"""Text that remembers where each character came from.

Every cleaning step is an *edit list* computed by a pure function of the current text; edits
are applied here so the offset map back to the raw text stays correct by construction:
deleting skips raw characters, a replacement of n characters by k <= n characters keeps the
raw offsets of the first k, and a 1:1 translation keeps all offsets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

Edit = tuple[int, int, str]  # replace text[start:end] by repl (len(repl) <= end - start)


class Tracked(NamedTuple):
    """Clean text plus offsets: offsets[i] = raw index of text[i]; len(text) + 1 entries."""

    text: str
    offsets: list[int]

    @classmethod
    def of(cls, raw: str) -> Tracked:
        return cls(raw, list(range(len(raw) + 1)))


def apply_edits(tracked: Tracked, edits: Iterable[Edit]) -> Tracked:
    """Apply sorted, non-overlapping edits; replacements may only shrink or keep length."""
    text, offsets = tracked
    pieces: list[str] = []
    new_offsets: list[int] = []
    pos = 0
    end_sentinel = offsets[-1]
    n = len(text)
    changed = False
    for start, end, repl in edits:
        if start < pos or end < start or len(repl) > end - start:
            raise ValueError(f"bad edit {(start, end, repl)!r} at position {pos}")
        if start == end and not repl:
            continue
        changed = True
        if start > pos:
            pieces.append(text[pos:start])
            new_offsets.extend(offsets[pos:start])
        if repl:
            pieces.append(repl)
            new_offsets.extend(offsets[start : start + len(repl)])
        if end == n and not repl:
            # Deleting a suffix: end the map at the first deleted raw char (tight, still >= the
            # raw end of the last kept character).
            end_sentinel = offsets[start]
        pos = end
    if not changed:
        return tracked
    pieces.append(text[pos:])
    new_offsets.extend(offsets[pos:n])
    new_offsets.append(end_sentinel)
    return Tracked("".join(pieces), new_offsets)


def run(step: Callable[[str], list[Edit]], text: str) -> str:
    """Apply one cleaning step to plain text (handy in tests and notebooks)."""
    return apply_edits(Tracked.of(text), step(text)).text


def translate(
    tracked: Tracked, table: dict[int, str], gate: re.Pattern[str] | None = None
) -> Tracked:
    """1:1 character mapping; offsets unchanged. `gate` (a class of the table's characters)
    skips the work when none occurs."""
    if gate is not None and gate.search(tracked.text) is None:
        return tracked
    out = tracked.text.translate(table)
    if len(out) != len(tracked.text):  # a table entry mapped to != 1 char: refuse silently
        raise ValueError("translation tables must map one character to one character")
    return Tracked(out, tracked.offsets)
