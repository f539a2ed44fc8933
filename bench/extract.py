"""End-to-end extraction benchmark: quality (F1 against gold) and speed (MB/s per core).

What is measured, and why (GitHub issue 5):

* **Quality.** Every page of ../shared/corpus (seeds + dev) goes through the real pipeline,
  read -> split -> clean -> relevance -> mentions -> extract, exactly as
  ``duikou.pipeline.process_page`` runs it, and the pairings and amounts it finds are scored
  against the gold files with the project's own scorers (``score_pairings``, SPEC §5: doc +
  donor/recipient codes; ``score_amounts``: doc + value ±0.5% + unit), at page level.

* **A naive baseline** written here, to show what the extractor adds. It sees the same clean
  text and the same gazetteer mentions (``default_gazetteer().find_mentions``) and applies one
  rule: in every sentence (split at 。！？；!?; and line breaks) that contains an assistance
  keyword (``KEYWORDS``), every pair of distinct regions is a pairing, donor = the region
  named first, recipient = the one named later (Chinese reports say "A 对口支援 B", donor
  first). Distinct = a different GB/T code (or name, for units without a code). No relevance
  gate, no programme logic, no province/prefecture nesting rule. Two variants are scored too,
  for context only: both directions of every pair, and full names only (without the
  one-character abbreviation / programme-word mentions such as 苏 in 苏陕 or 疆 in 援疆).

* **Speed.** The corpus pages are repeated until their page text reaches ``--mb`` MB (UTF-8
  bytes of the ``text`` field, 1 MB = 10^6 bytes; default 50). Each copy gets its own id and
  keeps its text unchanged: identical reprints are what real crawls contain, and nothing in the
  pipeline caches per text. The copies are written to a temporary .jsonl file *before* timing;
  the timed loop then reads it with the real reader (``duikou.read.read_paths``) and runs
  ``process_page`` on each page, discarding the results (no database store: that is the
  ingest benchmark's business). The baseline is timed over the same file (read, split/clean,
  mentions, naive rule). One process, one thread of Python: the figure *is* per core
  (``cores_used`` = 1; CPU seconds are reported beside wall seconds as a check, and so is the
  rate over CPU time, ``mb_per_cpu_s``: on a machine other jobs share, wall time also counts
  the time the process waited for a core). The acceptance figure stays the wall-time rate.
  Also reported: a per-stage breakdown (CPU time) and the cost of adding an in-memory SQLite
  store, both on a slice of at most ``--slice-mb`` MB, and optionally a cProfile of the
  pipeline (``--profile N``, to stderr).

Prints one JSON object to stdout.

    .venv/bin/python bench/extract.py            # >= 50 MB, the acceptance run
    .venv/bin/python bench/extract.py --quick    # 5 MB smoke run
    .venv/bin/python bench/extract.py --mb 10 --profile 25 --errors

Acceptance (issue 5): the baseline is beaten on pairing F1 by a clear margin (taken here as
>= CLEAR_MARGIN absolute), and the full pipeline runs at >= TARGET_MB_PER_S per core.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:  # works without the editable install too
    sys.path.insert(0, str(ROOT / "src"))

from duikou.evaluate.pairings import score_pairings
from duikou.extract.score import score_amounts
from duikou.models import Document, Mention, RawPage
from duikou.pipeline import documents_of, process_page
from duikou.read import read_paths
from duikou.regions import default_gazetteer

CORPUS = ROOT / ".." / "shared" / "corpus"
SPLITS = ("seeds", "dev")
TARGET_MB_PER_S = 2.0
CLEAR_MARGIN = 0.10  # absolute pairing-F1 points the pipeline must lead the baseline by

# Assistance keywords for the naive baseline: the programme words of SPEC §1 and their common
# wordings. A sentence must contain one of them for its region pairs to count.
KEYWORDS = (
    "对口支援", "对口援建", "对口帮扶", "对口协作", "对口合作", "对口援助", "对口扶贫",
    "东西部协作", "东西部扶贫协作", "东西协作", "扶贫协作", "结对",
    "援疆", "援藏", "援青", "援建", "帮扶",
)
_KEYWORD_RE = re.compile("|".join(sorted(map(re.escape, KEYWORDS), key=len, reverse=True)))
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
_PROGRAMME_OF = {"援疆": "援疆", "援藏": "援藏", "援青": "援青", "东西部协作": "东西部协作",
                 "东西部扶贫协作": "东西部协作", "东西协作": "东西部协作", "扶贫协作": "东西部协作",
                 "对口合作": "对口合作", "援建": "灾后重建", "对口援建": "灾后重建"}
_WEAK_WHY = ("abbrev:", "programme-word:")


# --------------------------------------------------------------------------- corpus


def corpus_available(corpus: Path = CORPUS) -> bool:
    return all((corpus / s / "pages.jsonl").exists() for s in SPLITS)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_pages(corpus: Path = CORPUS) -> list[RawPage]:
    """The gold pages, through the real reader (so ids and text are what ingest sees)."""
    pages = [p for p in read_paths([corpus / s / "pages.jsonl" for s in SPLITS]) if isinstance(p, RawPage)]
    if not pages:
        raise SystemExit(f"no pages found under {corpus}")
    return pages


def load_gold(corpus: Path = CORPUS) -> tuple[list[dict], list[dict]]:
    pairings: list[dict] = []
    amounts: list[dict] = []
    for s in SPLITS:
        if (corpus / s / "gold_pairings.jsonl").exists():
            pairings += read_jsonl(corpus / s / "gold_pairings.jsonl")
        if (corpus / s / "gold_amounts.jsonl").exists():
            amounts += read_jsonl(corpus / s / "gold_amounts.jsonl")
    return pairings, amounts


# --------------------------------------------------------------------------- the naive baseline


def _key(m: Mention) -> str:
    return m.region.code or m.region.full_name


def baseline_pairings(doc: Document, mentions: list[Mention], both_orders: bool = False,
                      names_only: bool = False) -> list[dict]:
    """Every pair of distinct regions in a sentence with an assistance keyword (see docstring).

    Rows in the format score_pairings expects. Mentions are sorted by start (find_mentions'
    contract), so one pass over the sentences with a moving index suffices.
    """
    text = doc.text
    rows: list[dict] = []
    if names_only:
        mentions = [m for m in mentions if not m.why.startswith(_WEAK_WHY)]
    i, n = 0, len(mentions)
    start = 0
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    if not ends or ends[-1] < len(text):
        ends.append(len(text))
    for end in ends:
        s_start, start = start, end
        while i < n and mentions[i].start < s_start:
            i += 1
        j = i
        in_sentence: list[Mention] = []
        while j < n and mentions[j].start < end:
            if mentions[j].end <= end:
                in_sentence.append(mentions[j])
            j += 1
        if len(in_sentence) < 2:
            continue
        sentence = text[s_start:end]
        cue = _KEYWORD_RE.search(sentence)
        if cue is None:
            continue
        programme = _PROGRAMME_OF.get(cue.group(), "其他对口支援")
        ordered: list[Mention] = []
        seen: set[str] = set()
        for m in in_sentence:  # first mention of each region, in text order
            if _key(m) not in seen:
                seen.add(_key(m))
                ordered.append(m)
        quote = sentence.strip()
        for a in range(len(ordered)):
            for b in range(a + 1, len(ordered)):
                pairs = [(ordered[a], ordered[b])]
                if both_orders:
                    pairs.append((ordered[b], ordered[a]))
                for donor, recipient in pairs:
                    rows.append({
                        "doc": doc.source_id, "donor": donor.region.full_name, "donor_code": donor.region.code,
                        "recipient": recipient.region.full_name, "recipient_code": recipient.region.code,
                        "programme": programme, "quote": quote, "extractor": "baseline",
                    })
    return rows


# --------------------------------------------------------------------------- quality


def _pairing_row(doc: Document, p: Any) -> dict:
    return {
        "doc": doc.source_id, "donor": p.donor.full_name, "donor_code": p.donor.code,
        "recipient": p.recipient.full_name, "recipient_code": p.recipient.code,
        "programme": p.programme, "quote": p.evidence.quote, "extractor": p.evidence.extractor,
    }


def _amount_row(doc: Document, c: Any) -> dict:
    return {"doc": doc.source_id, "value": c.value, "unit": c.unit, "measure": c.measure,
            "quote": c.evidence.quote}


def _summary(score: dict, errors: bool) -> dict:
    out = {k: (round(score[k], 4) if isinstance(score[k], float) else score[k])
           for k in ("precision", "recall", "f1", "tp", "fp", "fn")}
    if errors:
        out["false_positives"] = score["false_positives"]
        out["false_negatives"] = score["false_negatives"]
    return out


def quality(corpus: Path = CORPUS, errors: bool = False) -> dict[str, Any]:
    """Pairing and amount scores of the pipeline, and pairing scores of the naive baseline."""
    pages = load_pages(corpus)
    gold_pairings, gold_amounts = load_gold(corpus)
    gazetteer = default_gazetteer()
    pred_pairings: list[dict] = []
    pred_amounts: list[dict] = []
    base: dict[str, list[dict]] = {"mention_order": [], "both_orders": [], "names_only": []}
    documents = 0
    for page in pages:
        for processed in process_page(page):  # the real pipeline, relevance gate included
            doc = processed.document
            documents += 1
            pred_pairings += [_pairing_row(doc, p) for p in processed.pairings]
            pred_amounts += [_amount_row(doc, c) for c in processed.claims]
        for doc in documents_of(page):  # the baseline: same clean text, same gazetteer
            mentions = gazetteer.find_mentions(doc.text)
            base["mention_order"] += baseline_pairings(doc, mentions)
            base["both_orders"] += baseline_pairings(doc, mentions, both_orders=True)
            base["names_only"] += baseline_pairings(doc, mentions, names_only=True)
    pipe_p = score_pairings(pred_pairings, gold_pairings)
    base_p = score_pairings(base["mention_order"], gold_pairings)
    result: dict[str, Any] = {
        "pages": len(pages),
        "documents": documents,
        "gold_pairings": len(gold_pairings),
        "gold_amounts": len(gold_amounts),
        "pipeline": {
            "pairings": _summary(pipe_p, errors),
            "amounts": _summary(score_amounts(pred_amounts, gold_amounts), errors),
        },
        "baseline": {
            "rule": "every pair of distinct regions in a sentence with an assistance keyword; "
                    "donor = named first",
            "pairings": _summary(base_p, errors),
            "variants_pairing_f1": {
                "both_orders": round(score_pairings(base["both_orders"], gold_pairings)["f1"], 4),
                "names_only": round(score_pairings(base["names_only"], gold_pairings)["f1"], 4),
            },
        },
        "pairing_f1_margin": round(pipe_p["f1"] - base_p["f1"], 4),
    }
    return result


# --------------------------------------------------------------------------- speed


def build_input(pages: list[RawPage], megabytes: float, path: Path) -> dict[str, Any]:
    """Write copies of the pages (distinct ids, same text) to a .jsonl file until the page
    text reaches `megabytes` MB; at least one copy of every page."""
    target = megabytes * 1e6
    sizes = [len(p.text.encode("utf-8")) for p in pages]
    written = count = copy = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < target or copy == 0:
            for page, size in zip(pages, sizes):
                if copy and written >= target:
                    break
                record = {"id": f"{page.source_id}~{copy}", "url": page.url, "text": page.text}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += size
                count += 1
            copy += 1
    return {"mb": round(written / 1e6, 3), "bytes": written, "pages": count, "copies": copy,
            "file_mb": round(path.stat().st_size / 1e6, 3)}


def _pages(path: Path) -> Iterator[RawPage]:
    for item in read_paths([path]):
        if isinstance(item, RawPage):
            yield item


def _rate(text_bytes: int, pages: int, wall: float, cpu: float) -> dict[str, Any]:
    """Rates over wall time (the headline) and over this process's CPU time: on a machine other
    jobs share, wall time also counts the time the process waited for a core, CPU time does not."""
    return {
        "seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "pages_per_s": round(pages / wall, 1) if wall else None,
        "mb_per_s_per_core": round(text_bytes / 1e6 / wall, 3) if wall else None,
        "mb_per_cpu_s": round(text_bytes / 1e6 / cpu, 3) if cpu else None,
    }


def _time(path: Path, per_page: Any) -> dict[str, Any]:
    """Run per_page(page) -> (documents, pairings, claims) over every page read from path."""
    pages = docs = pairings = claims = text_bytes = 0
    w0, c0 = time.perf_counter(), time.process_time()
    for page in _pages(path):
        pages += 1
        text_bytes += len(page.text.encode("utf-8"))
        d, p, c = per_page(page)
        docs, pairings, claims = docs + d, pairings + p, claims + c
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    return {**_rate(text_bytes, pages, wall, cpu), "pages": pages, "documents": docs,
            "pairings": pairings, "claims": claims}


def time_pipeline(path: Path) -> dict[str, Any]:
    """read_paths + process_page on every page; results counted, then dropped (no store)."""
    def per_page(page: Any) -> tuple[int, int, int]:
        processed = process_page(page)
        return (len(processed), sum(len(p.pairings) for p in processed),
                sum(len(p.claims) for p in processed))
    return _time(path, per_page)


def time_baseline(path: Path) -> dict[str, Any]:
    """read_paths + documents_of + find_mentions + the naive rule, over the same file."""
    gazetteer = default_gazetteer()

    def per_page(page: Any) -> tuple[int, int, int]:
        docs = documents_of(page)
        return len(docs), sum(len(baseline_pairings(d, gazetteer.find_mentions(d.text))) for d in docs), 0
    result = _time(path, per_page)
    del result["claims"]
    return result


def time_stages(path: Path) -> dict[str, Any]:
    """CPU seconds per stage, mirroring process_document (for orientation; the headline figure
    is time_pipeline, which calls process_page itself). CPU time, so that the shares do not
    depend on what else the machine runs; "pairings" is the rules and the learned decision
    together (extract_pairings), "claims" the figures and their attribution."""
    from duikou import settings
    from duikou.clean.dedup import document_signatures
    from duikou.extract.claims import extract_claims
    from duikou.extract.pairings import extract_pairings
    from duikou.pipeline import attribute_claims, content_hash

    clock = time.process_time
    gazetteer = default_gazetteer()
    stages = dict.fromkeys(("read", "split+clean+relevance+date", "mentions", "pairings", "claims",
                            "hash+minhash"), 0.0)
    text_bytes = 0
    t = clock()
    for page in _pages(path):
        t1 = clock()
        stages["read"] += t1 - t
        text_bytes += len(page.text.encode("utf-8"))
        docs = documents_of(page)
        t2 = clock()
        stages["split+clean+relevance+date"] += t2 - t1
        for doc in docs:
            a = clock()
            mentions = gazetteer.find_mentions(doc.text)
            b = clock()
            stages["mentions"] += b - a
            if doc.relevance >= settings.RELEVANCE_THRESHOLD:
                pairings = extract_pairings(doc.text, mentions, doc.published)
                c = clock()
                stages["pairings"] += c - b
                attribute_claims(extract_claims(doc.text, mentions, doc.published), pairings)
                b = clock()
                stages["claims"] += b - c
            content_hash(doc.raw_text)
            document_signatures(doc.text)
            stages["hash+minhash"] += clock() - b
        t = clock()
    total = sum(stages.values())
    return {"mb": round(text_bytes / 1e6, 3), "clock": "process CPU time",
            "seconds": {k: round(v, 3) for k, v in stages.items()},
            "share": {k: round(v / total, 3) if total else None for k, v in stages.items()}}


def time_with_store(path: Path) -> dict[str, Any]:
    """The pipeline plus Store.add into an in-memory SQLite database (sqlite://)."""
    from duikou.store import open_store

    store = open_store("sqlite://")
    pages = text_bytes = 0
    try:
        w0, c0 = time.perf_counter(), time.process_time()
        for page in _pages(path):
            pages += 1
            text_bytes += len(page.text.encode("utf-8"))
            for processed in process_page(page):
                store.add(processed)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        counts = store.counts()
    finally:
        store.engine.dispose()
    return {**_rate(text_bytes, pages, wall, cpu), "mb": round(text_bytes / 1e6, 3), "pages": pages,
            "store_counts": counts}


def profile_pipeline(path: Path, top: int, out: Any = sys.stderr) -> None:
    """cProfile of read + process_page over `path`; the top functions by own time to `out`."""
    profiler = cProfile.Profile()
    profiler.enable()
    for page in _pages(path):
        process_page(page)
    profiler.disable()
    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(buf.getvalue(), file=out)


def speed(pages: list[RawPage], megabytes: float, slice_mb: float = 5.0, store: bool = True,
          stages: bool = True, profile: int = 0, workdir: Path | None = None) -> dict[str, Any]:
    """Build the input, warm up, time the pipeline and the baseline (and the extras)."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        data = Path(tmp) / "bench.jsonl"
        built = build_input(pages, megabytes, data)
        small = Path(tmp) / "slice.jsonl"
        built_small = build_input(pages, min(slice_mb, megabytes), small)
        # warm-up: load the gazetteer, OpenCC, automata and data files outside the timed runs
        for page in pages[:3]:
            process_page(page)
        result: dict[str, Any] = {
            "input": {**built, "what": "page text (UTF-8 bytes of the jsonl 'text' field), "
                                      "corpus pages repeated with distinct ids"},
            "cores_used": 1,
            "per_core_note": "single process, single Python thread: MB/s = MB/s per core",
            "pipeline": time_pipeline(data),
            "baseline": time_baseline(data),
        }
        if stages:
            result["pipeline_stages_on_slice"] = time_stages(small)
        if store:
            result["pipeline_with_sqlite_memory_store_on_slice"] = time_with_store(small)
        result["slice"] = {"mb": built_small["mb"], "pages": built_small["pages"]}
        if profile:
            profile_pipeline(small, profile)
    return result


# --------------------------------------------------------------------------- main


def run(megabytes: float, corpus: Path = CORPUS, errors: bool = False, slice_mb: float = 5.0,
        store: bool = True, stages: bool = True, profile: int = 0) -> dict[str, Any]:
    q = quality(corpus, errors=errors)
    s = speed(load_pages(corpus), megabytes, slice_mb=slice_mb, store=store, stages=stages, profile=profile)
    pipe_speed = s["pipeline"]["mb_per_s_per_core"] or 0.0
    return {
        "benchmark": "bench/extract.py (issue 5): end-to-end extraction quality and speed",
        "corpus": str(corpus.resolve()),
        "quality": q,
        "speed": s,
        "summary": {
            "pipeline_pairing_f1": q["pipeline"]["pairings"]["f1"],
            "baseline_pairing_f1": q["baseline"]["pairings"]["f1"],
            "pipeline_amount_f1": q["pipeline"]["amounts"]["f1"],
            "pairing_f1_margin": q["pairing_f1_margin"],
            "pipeline_pages_per_s": s["pipeline"]["pages_per_s"],
            "pipeline_mb_per_s_per_core": pipe_speed,
            "pipeline_mb_per_cpu_s": s["pipeline"]["mb_per_cpu_s"],
            "baseline_pages_per_s": s["baseline"]["pages_per_s"],
            "baseline_mb_per_s_per_core": s["baseline"]["mb_per_s_per_core"],
            "baseline_mb_per_cpu_s": s["baseline"]["mb_per_cpu_s"],
        },
        "acceptance": {
            "input_mb": s["input"]["mb"],
            "input_at_least_50_mb": s["input"]["mb"] >= 50,
            "clear_margin_required": CLEAR_MARGIN,
            "baseline_beaten_by_clear_margin": q["pairing_f1_margin"] >= CLEAR_MARGIN,
            "target_mb_per_s_per_core": TARGET_MB_PER_S,
            "speed_target_met": pipe_speed >= TARGET_MB_PER_S,
            "speed_target_met_in_cpu_time": (s["pipeline"]["mb_per_cpu_s"] or 0.0) >= TARGET_MB_PER_S,
        },
        "machine": {"cpu_count": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
    }


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="See the module docstring for what is measured.")
    parser.add_argument("--mb", type=float, default=50.0, help="MB of page text to time (default 50)")
    parser.add_argument("--quick", action="store_true", help="a 5 MB smoke run (overrides --mb)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder with seeds/ and dev/")
    parser.add_argument("--slice-mb", type=float, default=5.0,
                        help="MB for the stage breakdown, the store run and the profile (default 5)")
    parser.add_argument("--no-store", action="store_true", help="skip the in-memory SQLite store run")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="cProfile the pipeline on the slice; top N functions to stderr")
    parser.add_argument("--errors", action="store_true", help="include false positives / negatives")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not corpus_available(args.corpus):
        sys.exit(f"corpus not found at {args.corpus.resolve()} (needs seeds/ and dev/ pages.jsonl)")
    megabytes = 5.0 if args.quick else args.mb
    result = run(megabytes, args.corpus, errors=args.errors, slice_mb=args.slice_mb,
                 store=not args.no_store, profile=args.profile)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
