"""Acceptance (1): every region in the corpus gold pairings resolves from its evidence sentence.

For each gold row the donor and the recipient must be among the mentions found in the
evidence sentence (cleaned with duikou.clean.clean_text), resolved to the gold code (to the
gold name when the code is null). Mentions come from find_mentions over the whole cleaned
document plus resolve_self_references (我省 / 我市 read as the page's own place), so document-level context (援青 making 海南 mean 海南州) is used exactly as in the
pipeline; the evidence span is located in the cleaned document text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duikou.clean import clean_text
from duikou.regions import default_gazetteer, resolve_self_references

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
SPLITS = ("seeds", "dev")
#: split -> floor. dev measured 92.1% on the 143-page dev split before townships and zones, 93.8% with
#: them (issue 8 items 12, 15), 94.8% with 我省/我市 resolved and 援迪 (all with the 3 first label
#: exceptions); 96.4% once the 5 rows whose sentence does not name the region joined the exceptions
#: (region_gold_exceptions.tsv); seeds 100%. Raise as the gazetteer grows.
MIN_RATE = {"seeds": 0.98, "dev": 0.95}


def _load(split: str) -> tuple[dict[str, tuple[str, str]], list[dict]]:
    folder = CORPUS / split
    if not (folder / "gold_pairings.jsonl").exists():
        pytest.skip(f"shared corpus not found at {folder} (needs ../shared/corpus beside the repo)")
    pages = {}
    for line in (folder / "pages.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            pages[row["id"]] = (row["text"], row.get("url") or "")
    gold = [json.loads(line) for line in (folder / "gold_pairings.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    return pages, gold


def _matches(mention, code: str | None, name: str) -> bool:
    if code:
        return mention.region.code == code
    return mention.region.full_name == name or mention.region.name == name or name.endswith(mention.region.name)


SENTENCE_END = "。！？!?\n"


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole sentence holding [start, end): some gold evidence is a clause of it."""
    left = max(text.rfind(c, 0, start) for c in SENTENCE_END) + 1
    rights = [i for i in (text.find(c, end) for c in SENTENCE_END) if i >= 0]
    return left, (min(rights) + 1 if rights else len(text))


def evaluate(split: str, whole_sentence: bool = False) -> tuple[int, int, list[str]]:
    """(regions found, regions asked, failures) for one split.

    whole_sentence=False looks only inside the gold evidence string; True widens it to the
    sentence of the cleaned page that holds it (several labels quote a clause whose subject
    is named earlier in the same sentence).
    """
    pages, gold = _load(split)
    gaz = default_gazetteer()
    cache: dict[str, tuple[str, list]] = {}
    found = total = 0
    failures: list[str] = []
    for row in gold:
        if row["doc"] not in cache:
            raw, url = pages.get(row["doc"], ("", ""))
            text, _ = clean_text(raw)
            mentions = gaz.find_mentions(text)
            mentions = sorted(mentions + resolve_self_references(text, mentions, url=url), key=lambda m: m.start)
            cache[row["doc"]] = (text, mentions)
        text, mentions = cache[row["doc"]]
        evidence, _ = clean_text(row["evidence"])
        start = text.find(evidence)
        if start >= 0:
            lo, hi = _sentence_around(text, start, start + len(evidence)) if whole_sentence else (
                start, start + len(evidence))
            inside = [m for m in mentions if lo <= m.start and m.end <= hi]
        else:  # evidence not found verbatim in the cleaned page: resolve it on its own
            inside = gaz.find_mentions(evidence)
        for role in ("donor", "recipient"):
            total += 1
            if any(_matches(m, row[f"{role}_code"], row[role]) for m in inside):
                found += 1
            else:
                got = ", ".join(f"{m.surface}->{m.region.code or m.region.name}" for m in inside)
                failures.append(f"{row['doc']} {role} {row[role]} {row[f'{role}_code']} | {evidence[:60]} | {got}")
    return found, total, failures


def _exceptions() -> set[tuple[str, str]]:
    """Gold rows whose evidence sentence does not name the region (label notes, see the file)."""
    path = Path(__file__).with_name("data") / "region_gold_exceptions.tsv"
    rows = [line.split("\t") for line in path.read_text("utf-8").splitlines()
            if line and not line.startswith(("#", "doc\t"))]
    return {(r[0], r[1]) for r in rows}


@pytest.mark.parametrize("split", SPLITS)
def test_gold_regions_resolve(split: str) -> None:
    strict_found, total, _ = evaluate(split)
    found, _, failures = evaluate(split, whole_sentence=True)
    known = _exceptions()
    unexpected = [f for f in failures if (f.split()[0], f.split()[1]) not in known]
    checked = total - (len(failures) - len(unexpected))
    rate = (checked - len(unexpected)) / checked
    print(f"\n{split}: evidence string {strict_found}/{total} ({strict_found / total:.1%}); "
          f"evidence sentence {found}/{total} ({found / total:.1%}); "
          f"excluding {total - checked} label exceptions {checked - len(unexpected)}/{checked} ({rate:.1%})")
    for failure in failures:
        print("  MISS", failure)
    assert rate >= MIN_RATE[split], "\n".join(unexpected)
