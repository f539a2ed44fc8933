"""Map points for regions, for drawing flows on the home page's map (for illustration only).

Points come from data/map_points.tsv (derived from echarts@4.9.0's map files by
scripts/vendor_assets.py): one per province and prefecture, keyed by GB/T 2260 code. A county
is drawn at its prefecture's point (or its province's, for county-level units under a province);
a unit without a code (XPCC division, development zone) at its parent's. Regions are matched by
code, never by a short name, so 海南藏族自治州 (632500) is drawn in Qinghai, not on Hainan island.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from typing import Any

Point = tuple[float, float]


@lru_cache(maxsize=1)
def points() -> dict[str, tuple[str, Point]]:
    """code -> (map name, (lon, lat))."""
    text = resources.files("duikou.web").joinpath("data", "map_points.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return {row["code"]: (row["name"], (float(row["lon"]), float(row["lat"])))
            for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)}


def code_point(code: str | None) -> Point | None:
    """The point of a code, or of the nearest enclosing unit that has one."""
    if not code or len(code) != 6 or not code.isdigit():
        return None
    table = points()
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        if candidate in table:
            return table[candidate][1]
    return None


@lru_cache(maxsize=4096)
def _uncoded_point(name: str) -> Point | None:
    from duikou.regions import default_gazetteer

    for region in default_gazetteer().lookup(name):
        point = code_point(region.code) or code_point(region.parent_code) or code_point(region.province_code)
        if point:
            return point
    return None


def region_point(region: dict[str, Any] | None) -> Point | None:
    """Point for a {"code", "name"} region: by its code, else (no code) by its full name's parent."""
    if not region:
        return None
    return code_point(region.get("code")) or (_uncoded_point(region["name"]) if region.get("name") else None)
