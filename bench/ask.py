"""Latency of `duikou.answer.ask` through the Python API on a store of >= 100k documents.

The store is built by scaling ../shared/corpus (its 148 seeds and dev pages, 151 documents):
the pages are copied until the store holds the target number of documents (default 100,000,
about 663 copies). Copy N of a page gets its own ids (`<page>-cN`, `<page>-cN#2` ...), its own
URL (`...#cN`) and its numbers changed, keeping every length (see vary()): each run of digits
that is a year (19xx/20xx) moves by -3..+3, every other run of digits gets N added (modulo its
width). Copy 0 is the page as it is. So a copy of a page full of figures is a different article
with its own passages and figures, while a copy of a page with few digits stays a near
duplicate: reprint clustering sees realistic reprints (about 84% of the copies join an earlier
cluster), not 663 identical texts collapsed into one. What does not vary: the regions, so
every pairing of the corpus has about 663 times its evidence (江苏 -> 海南州 ~16k evidence
rows, 江苏 as subject of ~115k figures): a denser store than a real one of this size.

--method bulk (default; about 4 minutes): the full pipeline would take well over the 40 minutes
allowed here (about 33 ms a document through process_page + Store.add on this machine), so
the 148 pages go through the full pipeline (`process_page`) once, and each copy is made from
those processed documents: vary() applied to their raw and clean text (the same lengths, so
every extracted span and raw offset stays valid, and quotes are re-read from the changed text),
fresh content hashes, MinHash signatures, reprint clusters and paragraph passages (the real
ReprintIndex), pairing evidence years moved with the text, and figure values scaled by
(1 + N/10^5) so each copy's figures are its own facts, as re-extracting the changed numbers
would make them. These rows are written in bulk (executemany) in exactly the layout Store.add
writes; the pairings' independent sources are then computed by the store's own
_recompute_sources. What is not rerun per copy: region finding and extraction (a copy's
pairings and figures are those of its page). --method pipeline: every copy through
process_page in a worker process and Store.add here (honest but slow; used by the tests on a
tiny store). Both set `PRAGMA synchronous=OFF` while building (durability, not content).

The finished store is kept at --db (default /tmp/duikou-bench-ask-<N>.db, with a .json beside
it recording how it was built) and reused on the next run; it is written under a temporary
name first, so an interrupted build is never reused. An older store is upgraded in place by
open_store, as any database is.

Then a fixed list of questions of every kind (yes_no / who_aids / aided_by / amount / fallback:
questions the parser has no regions for, answered by the passage search) is asked --rounds
times after one warm-up round (which also builds the passage search index once; its time is
reported as index_build_s; the first search of a store also stores the passages' tokens, so
a new process builds it faster: index_build_from_stored_tokens_s). Fallback questions time
`ask`, and `related_passages` on its own as well; yes/no and who questions also time
`Store.pairing_facts` on its own (the corpus side of those answers), and amount questions
`Store.ranked_claims` on its own (the figures, with the parameters the answer derives). Prints JSON: p50, p95,
max overall and per kind (milliseconds), the first round, the slowest questions, store counts
and size, build time. No timing is asserted anywhere; the issue's target is p95 <= 50 ms.

    .venv/bin/python bench/ask.py [--docs 100000] [--rounds 5] [--db PATH] [--rebuild]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from duikou.models import RawPage

CORPUS = ROOT / ".." / "shared" / "corpus"

QUESTIONS: dict[str, list[str]] = {
    "yes_no": [
        "浙江、江苏两个省份是青海的援建省份吗",
        "天津是青海黄南州的对口支援省市吗",
        "上海对口支援果洛州吗",
        "山东省对口援建北川吗",
        "广东对口支援新疆喀什吗",
        "北京和拉萨是对口支援关系吗",
        "江苏省对口支援新疆伊犁州吗",
    ],
    "who_aids": [
        "青海黄南州的对口支援方是哪个省市?",
        "青海果洛州由哪个省市对口支援?",
        "汶川地震后哪个省对口援建北川?",
        "哪些省市对口支援新疆喀什地区?",
        "西藏日喀则由哪个省市对口支援?",
        "谁对口支援青海玉树州?",
        "和田地区的援疆省市是哪个?",
    ],
    "aided_by": [
        "汶川地震灾后重建中江苏省对口援建的是哪里?",
        "上海市对口支援哪些地区?",
        "浙江省对口支援哪里?",
        "广东省援疆对口支援的是哪个地区?",
        "北京市对口帮扶哪些地方?",
        "天津市对口支援青海的哪个州?",
        "福建省对口支援西藏哪里?",
    ],
    "amount": [
        "江苏省援助青海海南州的资金有多少?",
        "上海援助果洛州多少资金?",
        "浙江对口支援新疆累计投入多少援疆资金?",
        "北京向拉萨选派了多少名干部?",
        "广东援疆项目有多少个?",
        "山东援建北川投资多少?",
        "天津援助黄南州的项目有几个?",
    ],
    "fallback": [
        "援建学校和医院的情况怎么样",
        "对口支援干部的生活和工作",
        "牧民定居点建设",
        "地震灾后重建的新县城",
        "消费帮扶农产品销售",
        "今天天气怎么样",
        "量子计算机的工作原理",
    ],
}

_NUMBER = re.compile(r"\d+")


def year_shift(copy: int) -> int:
    """-3..+3, 0 for copy 0 (the original)."""
    return (copy + 3) % 7 - 3


def vary(text: str, copy: int) -> str:
    """The copy's text, the same length (so every span and offset stays valid): years (19xx,
    20xx) move by year_shift(copy), every other run of digits gets the copy number added
    (modulo its width, leading zeros kept). Copy 0 is the original."""
    if copy == 0:
        return text

    def change(m: re.Match[str]) -> str:
        digits = m.group()
        value = int(digits)
        if len(digits) == 4 and 1900 <= value <= 2099:
            return str(value + year_shift(copy))
        return str((value + copy) % 10 ** len(digits)).zfill(len(digits))

    return _NUMBER.sub(change, text)


def corpus_pages() -> list[dict]:
    pages = []
    for split in ("seeds", "dev"):
        with open(CORPUS / split / "pages.jsonl", encoding="utf-8") as f:
            pages.extend(json.loads(line) for line in f if line.strip())
    return pages


def _no_sync(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    cur.close()


def _open_for_build(path: Path):
    from sqlalchemy import event

    from duikou.store import open_store

    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        p.unlink(missing_ok=True)
    store = open_store(str(path))
    store.engine.dispose()
    event.listen(store.engine, "connect", _no_sync)
    return store


def _finish(store, tmp: Path, path: Path, t0: float, info: dict) -> dict:
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    store.engine.dispose()
    info = {"build_s": round(time.perf_counter() - t0, 1), **info}
    os.replace(tmp, path)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    Path(f"{path}.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), "utf-8")
    return info


def _process(page: RawPage):
    from duikou.pipeline import process_page

    return process_page(page)


def _copy_page(page: dict, copy: int) -> RawPage:
    url = page.get("url")
    return RawPage(f"{page['id']}-c{copy}", vary(page["text"], copy), "bench",
                   url=f"{url or 'https://bench.invalid/' + page['id']}#c{copy}")


def build_pipeline(path: Path, target_docs: int, workers: int = 1) -> dict:
    """Every copy through process_page (worker processes) and Store.add (this process)."""
    tmp = path.with_name(path.name + ".building")
    store = _open_for_build(tmp)
    pages = corpus_pages()
    t0 = time.perf_counter()
    stats = {"documents_stored": 0, "added": 0, "unchanged": 0, "replaced": 0, "reprints": 0}

    def every_copy():
        copy = 0
        while True:
            for page in pages:
                yield _copy_page(page, copy)
            copy += 1

    with mp.get_context("fork").Pool(workers) as pool:
        for processed in pool.imap(_process, every_copy(), chunksize=8):
            for doc in processed:
                result = store.add(doc)
                stats[result.status] += 1
                stats["reprints"] += result.reprint
                stats["documents_stored"] += 1
            if stats["documents_stored"] >= target_docs:
                break
        pool.terminate()
    return _finish(store, tmp, path, t0, {**stats, "method": "pipeline"})


def build_bulk(path: Path, target_docs: int, batch_copies: int = 25) -> dict:
    """The pages through the full pipeline once; then, for each copy, the processed documents
    with vary() applied to their text (same length, so the extracted spans stay valid) and
    fresh signatures, content hashes, reprint clusters and passages, written in bulk in the
    row layout Store.add writes (see the module docstring)."""
    from dataclasses import replace

    from sqlalchemy import insert, update

    from duikou.clean.dedup import ReprintIndex, document_signatures
    from duikou.pipeline import content_hash, process_page
    from duikou.store import schema as s
    from duikou.store.database import _claim_key, _pairing_key, _recompute_sources, quote_key

    tmp = path.with_name(path.name + ".building")
    store = _open_for_build(tmp)
    t0 = time.perf_counter()
    base = [d for page in corpus_pages() for d in process_page(_copy_page(page, 0))]
    docs_index, paragraphs_index = ReprintIndex(), ReprintIndex()
    by_hash: dict[str, str] = {}
    pairing_ids: dict[str, int] = {}
    pairing_since: dict[int, int | None] = {}
    claim_ids: dict[str, int] = {}
    passage_ids: dict[str, int] = {}
    next_id = {"documents": 0, "passages": 0, "pairings": 0, "claims": 0}
    stats = {"documents_stored": 0, "reprints": 0, "copies": 0}
    tables = ("documents", "passages", "passage_sources", "pairings", "pairing_evidence",
              "claims", "claim_evidence")
    rows: dict[str, list[dict]] = {t: [] for t in tables}

    def new_id(table: str) -> int:
        next_id[table] += 1
        return next_id[table]

    def evidence(fact: dict, document_id: int, doc, text: str, ev) -> dict:
        offsets = doc.offsets
        return {**fact, "document_id": document_id, "start": ev.start, "end": ev.end,
                "raw_start": offsets[ev.start], "raw_end": offsets[min(ev.end, len(offsets) - 1)],
                "quote": text[ev.start:ev.end], "extractor": ev.extractor, "confidence": ev.confidence}

    def flush() -> None:
        with store.engine.begin() as conn:
            for table in tables:
                if rows[table]:
                    conn.execute(insert(s.metadata.tables[table]), rows[table])
                    rows[table].clear()

    copy = 0
    while stats["documents_stored"] < target_docs:
        shift = year_shift(copy)
        for processed in base:
            if stats["documents_stored"] >= target_docs:
                break
            doc = processed.document
            source_id = f"{doc.source_id.removesuffix('-c0')}-c{copy}"
            doc_id = source_id + doc.doc_id[len(doc.source_id):]
            text, raw = vary(doc.text, copy), vary(doc.raw_text, copy)
            digest = content_hash(raw)
            signature, paragraphs = document_signatures(text)
            cluster = by_hash.get(digest) or docs_index.add(doc_id, signature)
            by_hash.setdefault(digest, cluster)
            stats["reprints"] += cluster != doc_id
            document_id = new_id("documents")
            rows["documents"].append({
                "id": document_id, "doc_id": doc_id, "source_id": source_id, "path": doc.path,
                "url": f"{doc.url.rsplit('#c', 1)[0]}#c{copy}",
                "title": vary(doc.title, copy) if doc.title else None,
                "published": (f"{int(doc.published[:4]) + shift}{doc.published[4:]}"
                              if doc.published and doc.published[:4].isdigit() else doc.published),
                "relevance": doc.relevance, "content_hash": digest, "cluster": cluster,
                "signature": json.dumps(signature), "raw_text": raw, "text": text})
            spans = []
            for start, end, sig in paragraphs:
                head = paragraphs_index.add(f"{doc_id}@{start}", sig)
                pid = passage_ids.get(head)
                if pid is None:
                    pid = passage_ids[head] = new_id("passages")
                    rows["passages"].append({"id": pid, "key": head, "text": text[start:end],
                                             "signature": json.dumps(sig)})
                rows["passage_sources"].append({"passage_id": pid, "document_id": document_id,
                                                "start": start, "end": end})
                spans.append((start, end, pid))
            seen: set[tuple] = set()
            for p in processed.pairings:
                key = _pairing_key(p)
                since = p.since + shift if p.since else p.since
                until = p.until + shift if p.until else p.until
                pid = pairing_ids.get(key)
                if pid is None:
                    pid = pairing_ids[key] = new_id("pairings")
                    pairing_since[pid] = since
                    rows["pairings"].append({
                        "id": pid, "key": key, "donor_code": p.donor.code, "donor": p.donor.name,
                        "donor_full": p.donor.full_name, "recipient_code": p.recipient.code,
                        "recipient": p.recipient.name, "recipient_full": p.recipient.full_name,
                        "programme": p.programme, "level": p.level, "since": since, "until": until})
                elif since is not None and (pairing_since[pid] is None or pairing_since[pid] > since):
                    pairing_since[pid] = since
                if ("p", pid, p.evidence.start, p.evidence.end) not in seen:
                    seen.add(("p", pid, p.evidence.start, p.evidence.end))
                    quote = text[p.evidence.start:p.evidence.end]
                    passage = next((x for a, b, x in spans if a <= p.evidence.start < b), None)
                    rows["pairing_evidence"].append(evidence(
                        {"pairing_id": pid, "since": since, "until": until, "cluster": cluster,
                         "quote_key": quote_key(quote), "passage_id": passage},
                        document_id, doc, text, p.evidence))
            for c in processed.claims:
                # each copy's figures are its own facts, as a re-extraction of the changed
                # numbers would make them: the value scaled by (1 + copy/10^5)
                c = replace(c, value=c.value * (1 + copy / 1e5))
                key = _claim_key(c)
                cid = claim_ids.get(key)
                if cid is None:
                    cid = claim_ids[key] = new_id("claims")
                    rows["claims"].append({
                        "id": cid, "key": key, "subject_code": c.subject.code if c.subject else None,
                        "subject": c.subject.full_name if c.subject else None,
                        "object_code": c.object.code if c.object else None,
                        "object": c.object.full_name if c.object else None,
                        "measure": c.measure, "value": c.value, "unit": c.unit, "qualifier": c.qualifier,
                        "period": c.period, "status": c.status, "base_measure": c.base_measure,
                        "base_value": c.base_value, "base_unit": c.base_unit})
                if ("c", cid, c.evidence.start, c.evidence.end) not in seen:
                    seen.add(("c", cid, c.evidence.start, c.evidence.end))
                    rows["claim_evidence"].append(evidence({"claim_id": cid}, document_id, doc, text, c.evidence))
            stats["documents_stored"] += 1
        copy += 1
        stats["copies"] = copy
        if copy % batch_copies == 0:
            flush()
            print(f"  {stats['documents_stored']} documents, {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr, flush=True)
    flush()
    with store.engine.begin() as conn:
        for pid, since in pairing_since.items():
            conn.execute(update(s.pairings).where(s.pairings.c.id == pid).values(since=since))
            _recompute_sources(conn, pid)  # the independent sources, as Store.add keeps them
    return _finish(store, tmp, path, t0, {**stats, "method": "bulk"})


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(percentile(values, 50), 2),
            "p95_ms": round(percentile(values, 95), 2), "max_ms": round(max(values), 2),
            "mean_ms": round(statistics.fmean(values), 2)}


def pairing_facts_of(question: str, store) -> list:
    """The corpus side of a yes/no or who question through Store.pairing_facts (sources and
    best quotes per pairing from the index) instead of every evidence row: parse, then one call
    per asked region, as the answer makes one pairing_rows call per part."""
    from duikou.answer.question import parse_question
    from duikou.store.database import region_prefix

    q = parse_question(question)
    out = []
    donors = [region_prefix(r) for r in q.donors if r.code] or None
    recipients = [region_prefix(r) for r in q.recipients if r.code] or None
    if q.kind == "who_aids":
        for r in recipients or []:
            out += store.pairing_facts(donor=donors, recipient=[r])
    elif q.kind == "aided_by":
        for d in donors or []:
            out += store.pairing_facts(donor=[d], recipient=recipients)
    else:
        for d in donors or []:
            out += store.pairing_facts(donor=[d], recipient=recipients)
    return out


def ranked_claims_of(question: str, store) -> list:
    """The figures of an amount question through Store.ranked_claims, with the parameters the
    answer derives from the question (measure word, year, 累计, the programme's province)."""
    from duikou.answer import respond
    from duikou.answer.question import parse_question
    from duikou.store.database import region_prefix

    q = parse_question(question)
    year = re.search(r"(?:19|20)\d{2}", q.text)
    programme = respond._implied_programme(q.text)
    word = next((w for w, p in respond.PROGRAMME_HINTS.items() if p == programme and w.startswith("援")), None)
    return store.ranked_claims([region_prefix(r) for r in q.donors if r.code],
                               [region_prefix(r) for r in q.recipients if r.code], q.measure,
                               year.group() if year else None, "累计" in q.text,
                               respond.PROGRAMME_PROVINCE.get(programme or ""), word)


def measure(store, rounds: int, questions: dict[str, list[str]] = QUESTIONS) -> dict:
    from duikou.answer import passages, respond
    from duikou.answer.passages import related_passages

    t0 = time.perf_counter()
    related_passages(store, "对口支援")  # builds the passage index once for this store
    index_s = time.perf_counter() - t0
    passages.clear_cache()  # as a new process: the tokens are stored now
    t0 = time.perf_counter()
    related_passages(store, "对口支援")
    reindex_s = time.perf_counter() - t0
    flat = [(kind, q) for kind, qs in questions.items() for q in qs]
    first: dict[str, float] = {}
    for _kind, q in flat:  # warm-up round: caches, the gazetteer, the registry
        t = time.perf_counter()
        respond.ask(q, store)
        first[q] = (time.perf_counter() - t) * 1000
    times: dict[str, list[float]] = {kind: [] for kind in questions}
    search: list[float] = []
    facts: list[float] = []
    figures: list[float] = []
    slowest: dict[str, float] = {}
    for _ in range(rounds):
        for kind, q in flat:
            t = time.perf_counter()
            respond.ask(q, store)
            ms = (time.perf_counter() - t) * 1000
            times[kind].append(ms)
            slowest[q] = max(slowest.get(q, 0.0), ms)
            if kind == "fallback":
                t = time.perf_counter()
                related_passages(store, q)
                search.append((time.perf_counter() - t) * 1000)
            elif kind in ("yes_no", "who_aids", "aided_by") and hasattr(store, "pairing_facts"):
                t = time.perf_counter()
                pairing_facts_of(q, store)
                facts.append((time.perf_counter() - t) * 1000)
            elif kind == "amount" and hasattr(store, "ranked_claims"):
                t = time.perf_counter()
                ranked_claims_of(q, store)
                figures.append((time.perf_counter() - t) * 1000)
    every = [ms for values in times.values() for ms in values]
    return {
        "questions": len(flat), "rounds": rounds,
        "overall": summary(every),
        "per_kind": {kind: summary(values) for kind, values in times.items()},
        "related_passages_alone": summary(search) if search else None,
        "pairing_facts_alone": summary(facts) if facts else None,
        "ranked_claims_alone": summary(figures) if figures else None,
        "first_round_ms": summary(list(first.values())),
        "slowest_questions_ms": dict(sorted(slowest.items(), key=lambda kv: -kv[1])[:5]),
        "index_build_s": round(index_s, 2),
        "index_build_from_stored_tokens_s": round(reindex_s, 2),
        "target_p95_ms": 50,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="documents in the store (default 100000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds over the questions (default 5)")
    parser.add_argument("--db", help="store file (default /tmp/duikou-bench-ask-<docs>.db)")
    parser.add_argument("--rebuild", action="store_true", help="build the store even if the file exists")
    parser.add_argument("--method", choices=("bulk", "pipeline"), default="bulk",
                        help="bulk: the pipeline once, copies written in bulk (default); "
                             "pipeline: every copy through process_page and Store.add (slow)")
    parser.add_argument("--workers", type=int, default=1, help="pipeline workers (--method pipeline)")
    args = parser.parse_args()
    if not (CORPUS / "seeds" / "pages.jsonl").exists():
        sys.exit(f"corpus not found at {CORPUS}")
    path = Path(args.db or f"/tmp/duikou-bench-ask-{args.docs}.db")
    info_path = Path(f"{path}.json")
    if args.rebuild or not path.exists():
        print(f"building {path} ({args.docs} documents) ...", file=sys.stderr, flush=True)
        if args.method == "bulk":
            info = build_bulk(path, args.docs)
        else:
            info = build_pipeline(path, args.docs, args.workers)
        info["reused"] = False
    else:
        info = json.loads(info_path.read_text("utf-8")) if info_path.exists() else {}
        info["reused"] = True
    from duikou.store import open_store

    store = open_store(str(path))
    counts = store.counts()
    result = measure(store, args.rounds)
    store.engine.dispose()
    print(json.dumps({
        "store": {"path": str(path), "megabytes": round(path.stat().st_size / 1e6, 1), **counts},
        "build": info,
        **result,
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
