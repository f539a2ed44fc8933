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
    if not edits:
        return tracked
    text, offsets = tracked
    pieces: list[str] = []
    keep: list[tuple[int, int]] = []  # offsets[a:b] survive, in order
    kept_from = 0  # end of the last edit that dropped characters
    pos = 0
    end_sentinel = offsets[-1]
    n = len(text)
    changed = False
    for start, end, repl in edits:
        k = len(repl)
        if start < pos or end < start or k > end - start:
            raise ValueError(f"bad edit {(start, end, repl)!r} at position {pos}")
        if start == end and not repl:
            continue
        changed = True
        if start > pos:
            pieces.append(text[pos:start])
        if repl:
            pieces.append(repl)
        if k < end - start:  # characters dropped (a same-length replacement keeps offsets)
            keep.append((kept_from, start + k))
            kept_from = end
            if end == n and not repl:
                # Deleting a suffix: end the map at the first deleted raw char (tight, still >=
                # the raw end of the last kept character).
                end_sentinel = offsets[start]
        pos = end
    if not changed:
        return tracked
    pieces.append(text[pos:])
    if not keep:
        return Tracked("".join(pieces), offsets)
    new_offsets: list[int] = []
    extend = new_offsets.extend
    for a, b in keep:
        extend(offsets[a:b])
    extend(offsets[kept_from:n])
    new_offsets.append(end_sentinel)
    return Tracked("".join(pieces), new_offsets)


def run(step: Callable[[str], list[Edit]], text: str) -> str:
    """Apply one cleaning step to plain text (handy in tests and notebooks)."""
    return apply_edits(Tracked.of(text), step(text)).text


_MAX_REPLACE = 12
_TABLE_CLASS: dict[tuple[int, int], tuple[re.Pattern[str], dict[int, str], bool]] = {}


def _is_table_class(gate: re.Pattern[str], table: dict[int, str]) -> bool:
    """Whether `gate` is exactly the class of the table's characters (as chars.WIDTH_CHARS is
    built): then its matches are every table character in the text, one by one."""
    key = (id(gate), id(table))
    hit = _TABLE_CLASS.get(key)
    if hit is not None and hit[0] is gate and hit[1] is table:
        return hit[2]
    ok = (
        isinstance(table, dict)
        and all(isinstance(k, int) for k in table)
        and gate.flags == re.UNICODE
        and gate.pattern == "[" + re.escape("".join(map(chr, table))) + "]"
    )
    if len(_TABLE_CLASS) > 64:
        _TABLE_CLASS.clear()
    _TABLE_CLASS[key] = (gate, table, ok)  # holding both keeps their ids from being reused
    return ok


def translate(
    tracked: Tracked, table: dict[int, str], gate: re.Pattern[str] | None = None
) -> Tracked:
    """1:1 character mapping; offsets unchanged. `gate` (a class of the table's characters)
    skips the work when none occurs."""
    text = tracked.text
    if gate is not None:
        if not _is_table_class(gate, table):
            if gate.search(text) is None:
                return tracked
            found: set[str] = set()
        else:
            found = set(gate.findall(text))
            if not found:
                return tracked
        if (
            found
            and len(found) <= _MAX_REPLACE
            and all(len(c) == 1 for c in found)
            and all(
                isinstance(r, str) and len(r) == 1 and ord(r) not in table
                for r in (table.get(ord(c)) for c in found)
            )
        ):
            # a few distinct characters to map (the usual case): str.replace per character is
            # much faster than translate's per-character table lookup; no replacement is
            # itself mapped, so the order of the replacements does not matter
            for c in found:
                text = text.replace(c, table[ord(c)])
            return Tracked(text, tracked.offsets)
    out = text.translate(table)
    if len(out) != len(text):  # a table entry mapped to != 1 char: refuse silently
        raise ValueError("translation tables must map one character to one character")
    return Tracked(out, tracked.offsets)
