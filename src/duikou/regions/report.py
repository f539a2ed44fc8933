"""`duikou region NAME [--context TEXT]`: the ranked readings of a name, as plain dicts.

Kept apart from the CLI so the web app and notebooks get the same answer: each dict has
`code` first (None for units without a GB/T 2260 code, e.g. XPCC divisions), then the names,
level, parents, validity years, how the name matched and why it ranks where it does.
"""

from __future__ import annotations

from typing import Any

from duikou.regions.gazetteer import Gazetteer, default_gazetteer


def _year(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


def describe_candidates(name: str, context: str = "",
                        gazetteer: Gazetteer | None = None) -> list[dict[str, Any]]:
    """Ranked candidates for name (best first) as JSON-ready dicts with `code` first."""
    gaz = gazetteer or default_gazetteer()
    query = gaz.normalise_query(name)
    out: list[dict[str, Any]] = []
    for rank, cand in enumerate(gaz.candidates(name, context), start=1):
        unit = cand.unit
        region = cand.region
        former = [
            {"name": old, "code": code or None, "valid_from": _year(since), "valid_to": _year(until)}
            for old, code, since, until in (unit.former if unit else ())
        ]
        matched: dict[str, Any] = {"surface": query, "as": cand.kind}
        if cand.kind == "former":
            hit = next((f for f in former if f["name"] == query), None) or next(
                (f for f in former if f["name"].startswith(query)), None)
            if hit:
                matched.update(valid_from=hit["valid_from"], valid_to=hit["valid_to"])
        parent = gaz.by_code(region.parent_code) if region.parent_code else None
        province = gaz.by_code(region.province_code) if region.province_code else None
        out.append({
            "code": region.code,
            "rank": rank,
            "name": region.name,
            "full_name": region.full_name,
            "level": region.level,
            "province_code": region.province_code,
            "province": province.name if province else None,
            "parent_code": region.parent_code,
            "parent": parent.name if parent else None,
            "valid_from": _year(unit.since) if unit else None,  # None: in force since 2008 or earlier
            "valid_to": None,  # every candidate is a unit in force today
            "matched": matched,
            "former_names": former,
            "score": cand.score,
            "why": cand.why,
        })
    return out


def format_candidates(rows: list[dict[str, Any]]) -> str:
    """A short human-readable table for the CLI (one line per candidate, then its reasons)."""
    if not rows:
        return "no region matches that name"
    lines = []
    for row in rows:
        years = ""
        if row["valid_from"]:
            years = f" since {row['valid_from']}"
        matched = row["matched"]
        if matched.get("as") == "former":
            span = f"{matched.get('valid_from') or ''}–{matched.get('valid_to') or ''}"
            years += f" (as {matched['surface']} {span})"
        lines.append(f"{row['rank']}. {row['code'] or '—'}  {row['full_name']}  [{row['level']}]{years}"
                     f"  score {row['score']}")
        lines.extend(f"     - {reason}" for reason in row["why"])
    return "\n".join(lines)
