"""Held-out claim check: passages written for this test (tests/data/claims_heldout.tsv),
run through the whole chain (clean -> regions -> claims) and scored per passage on
(value ±0.5%, unit). Floors are pinned slightly below the measured scores."""

from __future__ import annotations

from pathlib import Path

from duikou.clean import clean_text
from duikou.extract.claims import extract_claims
from duikou.regions import default_gazetteer

DATA = Path(__file__).resolve().parent / "data" / "claims_heldout.tsv"

#: Floors, slightly below the measured P 0.929 R 0.881 (tp 156, fp 12, fn 21; 183 passages) of
#: the learned decision (issue 8), which never saw these passages: it is trained on the corpus
#: pages only, with no rule output among its features. Twenty labels moved to the complete
#: scope in issue 8 (see the file's header), and the c-series (25 passages on the kinds of
#: figure the complete scope added) was written before the model ran on it: first run P 0.944
#: R 0.773 (tp 17, fp 1, fn 5). The measure rules alone (rule_claims), written from the older
#: passages, score P 1.000 R 0.791 on the file and P 1.000 R 0.409 on the c-series. The model's
#: misses are rare kinds in the corpus
#: (tonnes sold, trainees in 人次, Chinese-numeral and bare-magnitude counts, 销售额 of a
#: 消费帮扶 shop); its false positives are capacities, central or local shares, per-household
#: income and recipients' own statistics inside aid sentences. The passages are short and name
#: their regions with placeholders (甲市, 乙县) the gazetteer does not know, while the model has
#: learnt that figures of assistance sit in sentences naming the partners: recall here moves
#: with the threshold more than on real pages (0.910 at threshold 0.45, 0.881 at 0.50).
MIN_PRECISION = 0.91
MIN_RECALL = 0.86
TOLERANCE = 0.005


def load_cases() -> list[tuple[str, str | None, str, list[tuple[float, str]]]]:
    cases = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cid, published, text, expected = line.split("\t")
        figs: list[tuple[float, str]] = []
        if expected.strip() != "none":
            for item in expected.split("|"):
                value, unit = item.split()
                figs.append((float(value), unit))
        cases.append((cid, None if published == "-" else published, text, figs))
    return cases


def _same(a: tuple[float, str], b: tuple[float, str]) -> bool:
    return a[1] == b[1] and abs(a[0] - b[0]) <= TOLERANCE * max(abs(b[0]), 1e-9)


def score() -> tuple[int, int, int, list[str]]:
    gaz = default_gazetteer()
    tp = fp = fn = 0
    problems: list[str] = []
    for cid, published, text, expected in load_cases():
        clean, _ = clean_text(text)
        claims = extract_claims(clean, gaz.find_mentions(clean), published)
        listed_pct = any(u == "%" for _, u in expected)
        got = [(c.value, c.unit) for c in claims if c.unit != "%" or listed_pct]
        left = list(expected)
        for g in got:
            hit = next((e for e in left if _same(g, e)), None)
            if hit is not None:
                left.remove(hit)
                tp += 1
            else:
                fp += 1
                problems.append(f"{cid} FP {g[0]:g} {g[1]}: {text}")
        for e in left:
            fn += 1
            problems.append(f"{cid} FN {e[0]:g} {e[1]}: {text}")
    return tp, fp, fn, problems


def test_heldout_file_is_big_enough() -> None:
    cases = load_cases()
    assert len(cases) >= 70
    assert len({c[0] for c in cases}) == len(cases)
    assert sum(1 for c in cases if not c[3]) >= 20  # hard negatives


def test_heldout_claims_precision_recall() -> None:
    tp, fp, fn, problems = score()
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"\nheld-out claims: P {precision:.3f} R {recall:.3f} (tp {tp}, fp {fp}, fn {fn})")
    for p in problems:
        print("  " + p)
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL
