"""Vendor the web app's browser assets from npm, so `duikou serve` works with no internet.

Run once when upgrading (the outputs are committed; nothing is fetched at run time):

    python scripts/vendor_assets.py [--echarts TGZ] [--maps TGZ]

Without tarballs it runs `npm pack` for the pinned versions below. It writes:

* src/duikou/web/static/vendor/echarts.min.js  -- echarts@6.1.0 dist/echarts.min.js (Apache-2.0)
* src/duikou/web/static/vendor/china.json      -- echarts@4.9.0 map/json/china.json (Apache-2.0):
  the province outlines; ECharts 6 ships no maps, this file loads into it with registerMap
* src/duikou/web/static/vendor/LICENSE-echarts.txt, NOTICE-echarts.txt -- from echarts@6.1.0
* src/duikou/web/data/map_points.tsv -- one point per province and prefecture (plus the county-level
  units the province files list), GB/T 2260 code, from the `cp` point of echarts@4.9.0's
  china.json and map/json/province/*.json. Those files name prefectures in full (海南藏族自治州),
  so each point is matched to a code by its full name inside its own province: the short name
  海南 (the province) is never used for 海南藏族自治州.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ECHARTS = "echarts@6.1.0"
MAPS = "echarts@4.9.0"
ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src/duikou/web/static/vendor"
POINTS = ROOT / "src/duikou/web/data/map_points.tsv"
DIVISIONS = ROOT / "src/duikou/regions/data/divisions.tsv"
HISTORY = ROOT / "src/duikou/regions/data/history.tsv"


def _pack(spec: str, into: Path) -> Path:
    out = subprocess.run(["npm", "pack", spec, "--silent"], cwd=into, check=True, capture_output=True, text=True)
    return into / out.stdout.strip().splitlines()[-1]


def _extract(tgz: Path, into: Path) -> Path:
    with tarfile.open(tgz) as tar:
        tar.extractall(into, filter="data")
    return into / "package"


def _tsv(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def _codes() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """Province short name -> code, and (province code prefix, full or former name) -> code."""
    provinces: dict[str, str] = {}
    named: dict[tuple[str, str], str] = {}
    for row in _tsv(DIVISIONS):
        if row["gb"] != "1":
            continue
        code, name = row["code"], row["name"]
        if row["level"] == "province":
            for short in [name, *filter(None, row["shorts"].split("|"))]:
                provinces.setdefault(short, code)
        else:
            named.setdefault((code[:2], name), code)
    for row in _tsv(HISTORY) if HISTORY.exists() else []:
        old, new = row.get("old_name") or "", row.get("new_code") or ""
        if old and new:
            named.setdefault((new[:2], old), new)
    return provinces, named


def _province_prefix(name: str, provinces: dict[str, str]) -> str | None:
    for short, code in provinces.items():
        if name.startswith(short) or short.startswith(name):
            return code[:2]
    return None


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    """Outer rings as (lon, lat), decoding ECharts' compressed form (UTF8Encoding) when present."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    offsets = geometry.get("encodeOffsets")
    offsets = offsets if geometry["type"] == "MultiPolygon" else [offsets] if offsets else None
    rings = []
    for i, polygon in enumerate(polygons):
        ring = polygon[0]
        if isinstance(ring, str):  # zigzag delta encoding, scale 1024 (echarts parseGeoJson)
            x, y = offsets[i][0]
            points = []
            for j in range(0, len(ring), 2):
                dx, dy = ord(ring[j]) - 64, ord(ring[j + 1]) - 64
                x += (dx >> 1) ^ -(dx & 1)
                y += (dy >> 1) ^ -(dy & 1)
                points.append((x / 1024, y / 1024))
            ring = points
        rings.append([(float(a), float(b)) for a, b in ring])
    return rings


def _middle(geometry: dict) -> list[float]:
    """Centre of the bounding box of the largest ring, for features without a `cp` point."""
    ring = max(_rings(geometry), key=len)
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return [(min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2]


def map_points(maps: Path) -> list[tuple[str, str, float, float, str]]:
    """(code, name, lon, lat, source file) for every point the map files give and the gazetteer knows."""
    provinces, named = _codes()
    china = json.loads((maps / "map/json/china.json").read_text("utf-8"))
    rows: list[tuple[str, str, float, float, str]] = []
    missing: list[str] = []
    for f in china["features"]:
        name, cp = f["properties"]["name"], f["properties"]["cp"]
        code = provinces.get(name)
        if code is None:
            missing.append(f"china.json: {name}")
            continue
        rows.append((code, name, cp[0], cp[1], "map/json/china.json"))
    for path in sorted((maps / "map/json/province").glob("*.json")):
        data = json.loads(path.read_text("utf-8"))
        for f in data["features"]:
            name, cp = f["properties"]["name"], f["properties"].get("cp") or _middle(f["geometry"])
            prefix = _PINYIN_PROVINCE.get(path.stem)  # a province file holds only its own units
            code = named.get((prefix, name)) if prefix else None
            if code is None:
                missing.append(f"{path.name}: {name}")
                continue
            rows.append((code, name, cp[0], cp[1], f"map/json/province/{path.name}"))
    if missing:
        print(f"{len(missing)} map names with no code (left out): {', '.join(missing)}", file=sys.stderr)
    seen: dict[str, tuple[str, str, float, float, str]] = {}
    for row in rows:
        seen.setdefault(row[0], row)
    return sorted(seen.values())


_PINYIN_PROVINCE = {
    "anhui": "34", "aomen": "82", "beijing": "11", "chongqing": "50", "fujian": "35", "gansu": "62",
    "guangdong": "44", "guangxi": "45", "guizhou": "52", "hainan": "46", "hebei": "13", "heilongjiang": "23",
    "henan": "41", "hubei": "42", "hunan": "43", "jiangsu": "32", "jiangxi": "36", "jilin": "22",
    "liaoning": "21", "neimenggu": "15", "ningxia": "64", "qinghai": "63", "shandong": "37", "shanghai": "31",
    "shanxi": "14", "shanxi1": "61", "sichuan": "51", "taiwan": "71", "tianjin": "12", "xianggang": "81",
    "xinjiang": "65", "xizang": "54", "yunnan": "53", "zhejiang": "33",
}


def write_points(rows: list[tuple[str, str, float, float, str]]) -> None:
    POINTS.parent.mkdir(parents=True, exist_ok=True)
    with POINTS.open("w", encoding="utf-8", newline="") as out:
        out.write(f"# One map point per division (GB/T 2260 code): the `cp` point of {MAPS}'s map/json files\n"
                  "# (Apache-2.0), matched by full name within its province. For illustration only.\n"
                  "# Generated by scripts/vendor_assets.py -- do not edit by hand.\n")
        out.write("code\tname\tlon\tlat\tsource\n")
        for code, name, lon, lat, source in rows:
            out.write(f"{code}\t{name}\t{lon:.4f}\t{lat:.4f}\t{source}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--echarts", type=Path, help=f"{ECHARTS} tarball (npm pack)")
    parser.add_argument("--maps", type=Path, help=f"{MAPS} tarball (npm pack)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        echarts = _extract(args.echarts or _pack(ECHARTS, work), work / "e6")
        maps = _extract(args.maps or _pack(MAPS, work), work / "e4")
        for package, spec in ((echarts, ECHARTS), (maps, MAPS)):
            meta = json.loads((package / "package.json").read_text("utf-8"))
            if f"{meta['name']}@{meta['version']}" != spec or meta.get("license") != "Apache-2.0":
                sys.exit(f"unexpected package {meta['name']}@{meta['version']} ({meta.get('license')})")
        VENDOR.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(echarts / "dist/echarts.min.js", VENDOR / "echarts.min.js")
        shutil.copyfile(echarts / "LICENSE", VENDOR / "LICENSE-echarts.txt")
        shutil.copyfile(echarts / "NOTICE", VENDOR / "NOTICE-echarts.txt")
        shutil.copyfile(maps / "map/json/china.json", VENDOR / "china.json")
        rows = map_points(maps)
        write_points(rows)
    print(f"vendored {ECHARTS} and {MAPS} maps into {VENDOR.relative_to(ROOT)}; "
          f"{len(rows)} map points into {POINTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
