"""The Spark engine: the local engine's per-page pipeline on Spark, Parquet out, then the store.

1. process: each input file is one partition; executors read it with duikou.read.read_file
   and run duikou.pipeline.process_page on every page, the very functions the local engine
   runs. One row per document (facts nested, see engines.parquet), in input order, written to
   <out>/processed.
2. tables: documents, mentions, pairings and claims (each row with its evidence) as flat
   Parquet tables, for analysis outside duikou.
3. reprints: near-duplicate clustering across partitions. Every MinHash signature is cut into
   datasketch's LSH bands (b x r for the threshold); a band is a shuffle key, and the members of
   a bucket are linked. Connected components are found by min-label propagation (a few
   shuffles), then each component runs through a ReprintIndex in input order on an executor.
   Every candidate a signature's LSH query can return lies in its component, so the decisions
   are those the store's own index takes when the local engine adds the same documents in the
   same order. Documents and paragraphs (passages) alike: <out>/reprints.
4. load: the driver adds the documents to the store in input order with those decisions.

A document whose doc_id is already stored or occurred earlier in the input (unchanged or
replaced) gets no decision: the store takes it as the local engine would (see docs/scaling.md).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duikou.engines.local import IngestReport
from duikou.engines.parquet import PROCESSED, document_row, from_row, ordinal, other_row
from duikou.models import RawPage, ReadError
from duikou.store import Store

_log = logging.getLogger(__name__)
_PRIOR = -(1 << 62)  # stored items come before every new one (offset by their row id)
_EMPTY = 0xFFFFFFFF


@dataclass
class SparkIngestReport(IngestReport):
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "engine": "spark", "stages": {k: round(v, 3) for k, v in self.stages.items()}}


def spark_session(master: str = "local[*]") -> Any:
    """A SparkSession whose Python workers run this interpreter (the venv's, with duikou)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise RuntimeError("the Spark engine needs PySpark: pip install 'duikou[spark]'") from exc
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise RuntimeError("the Spark engine needs Java 17 or newer (e.g. apt-get install openjdk-17-jre-headless)")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(master).appName("duikou ingest")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# -- 1. process --------------------------------------------------------------------------------
def _process_file(item: tuple[int, str]) -> Iterator[tuple]:
    """All rows of one input file (runs on an executor): read_paths' and the local engine's
    handling of each record, in the same order."""
    from duikou.pipeline import process_page
    from duikou.read import read_file

    number, name = item
    path = Path(name)
    if not path.exists():
        yield other_row(ordinal(number, 0), "error", name, "no such file")
        return
    if path.is_dir():
        return
    for record, page in enumerate(read_file(path)):
        at = ordinal(number, record)
        if isinstance(page, ReadError):
            yield other_row(at, "error", page.path, page.reason)
            continue
        size = len(page.text.encode("utf-8", "surrogatepass"))
        try:
            processed = process_page(page)
        except Exception as exc:  # a pipeline bug on one page must not stop the run
            yield other_row(at, "failed", page.path, f"processing failed: {exc!r}", size, page.source_id)
            continue
        if not processed:
            yield other_row(at, "page", page.path, None, size)
        for n, doc in enumerate(processed):
            yield document_row(ordinal(number, record, n), doc, size if n == 0 else None)


def process(spark: Any, paths: Iterable[str | Path], out: Path) -> None:
    """Stage 1: <out>/processed, one partition (and one part file) per input file, in order."""
    from duikou.read import iter_files

    files = [str(p) for p in iter_files(paths)]
    rdd = spark.sparkContext.parallelize(list(enumerate(files)), max(1, len(files))).flatMap(_process_file)
    spark.createDataFrame(rdd, PROCESSED, verifySchema=False).write.mode("overwrite").parquet(str(out / "processed"))


# -- 2. tables ---------------------------------------------------------------------------------
_REGION = ("code", "name", "full_name", "level")
_EVIDENCE = ("`start`", "`end`", "raw_start", "raw_end", "quote", "extractor", "confidence")


def _flat(prefix: str, names: Iterable[str], alias: str = "") -> list[str]:
    return [f"{prefix}.{n} AS {alias}{n}" if alias else f"{prefix}.{n}" for n in names]


def write_tables(spark: Any, out: Path) -> None:
    """Stage 2: documents, mentions, pairings (+evidence), claims (+evidence), errors."""
    processed = spark.read.parquet(str(out / "processed"))
    docs = processed.where("kind = 'document'")
    docs.select("ordinal", "doc_id", "source_id", "path", "url", "title", "published", "relevance",
                "content_hash", "raw_text", "text").write.mode("overwrite").parquet(str(out / "documents"))
    (docs.selectExpr("doc_id", "inline(mentions)")
     .selectExpr("doc_id", "`start`", "`end`", "surface", *_flat("region", _REGION, "region_"), "score", "why")
     .write.mode("overwrite").parquet(str(out / "mentions")))
    (docs.selectExpr("doc_id", "source_id", "inline(pairings)")
     .selectExpr("doc_id", "source_id", "donor.code AS donor_code", "donor.full_name AS donor",
                 "recipient.code AS recipient_code", "recipient.full_name AS recipient", "programme",
                 "level", "since", "until", *_flat("evidence", _EVIDENCE))
     .write.mode("overwrite").parquet(str(out / "pairings")))
    (docs.selectExpr("doc_id", "source_id", "inline(claims)")
     .selectExpr("doc_id", "source_id", "subject.code AS subject_code", "subject.full_name AS subject",
                 "object.code AS object_code", "object.full_name AS object", "measure", "value", "unit",
                 "qualifier", "period", "status", "base_measure", "base_value", "base_unit",
                 *_flat("evidence", _EVIDENCE))
     .write.mode("overwrite").parquet(str(out / "claims")))
    (processed.where("kind IN ('error', 'failed')").select("ordinal", "kind", "path", "source_id", "reason")
     .write.mode("overwrite").parquet(str(out / "errors")))


# -- 3. reprints -------------------------------------------------------------------------------
def _bands(item: tuple[Any, str, list[int]], ranges: list[tuple[int, int]]) -> list[tuple[int, Any]]:
    """(bucket, order) for each LSH band of a signature: the bucket is a 64-bit hash of the
    band's values (a collision only merges two components, which cannot change a decision)."""
    import numpy as np

    order, _key, signature = item
    values = np.asarray(signature, dtype=np.uint32)
    if (values == _EMPTY).all():
        return []  # never clustered (ReprintIndex)
    return [(int.from_bytes(hashlib.blake2b(bytes([i]) + values[a:b].tobytes(), digest_size=8).digest(),
                            "big", signed=True), order) for i, (a, b) in enumerate(ranges)]


def _components(buckets: Any, n: int) -> Any:
    """(order, label) for every order in a bucket of two or more: the smallest order of its
    connected component (min-label propagation over the bucket graph, until nothing moves)."""
    numbered = buckets.zipWithIndex().map(lambda mb: (mb[1], mb[0])).cache()  # bucket id -> members
    edges = numbered.flatMap(lambda kv: [(m, kv[0]) for m in kv[1]]).cache()  # (order, bucket id)
    labels = numbered.flatMap(lambda kv: [(m, kv[1][0]) for m in kv[1]]).reduceByKey(min, n).cache()
    while True:
        bucket_label = edges.join(labels, n).map(lambda kv: kv[1]).reduceByKey(min, n)
        new = (edges.map(lambda e: (e[1], e[0])).join(bucket_label, n).map(lambda kv: kv[1])
               .reduceByKey(min, n).cache())
        moved = new.join(labels, n).filter(lambda kv: kv[1][0] != kv[1][1]).count()
        _log.info("components: %d labels moved", moved)
        labels.unpersist()
        labels = new
        if not moved:
            return labels


def _decide(members: Iterable[tuple[Any, str, list[int]]]) -> list[tuple[Any, str]]:
    """ReprintIndex over one component in input order: (order, cluster) of each member."""
    from duikou.clean.dedup import ReprintIndex

    index = ReprintIndex()
    return [(order, index.add(key, signature)) for order, key, signature in sorted(members, key=lambda m: m[0])]


def reprint_decisions(items: Any) -> Any:
    """(order, cluster key) for every (order, key, signature) item: what one ReprintIndex
    given all items in order would answer, computed per component of colliding signatures."""
    from datasketch import MinHashLSH

    from duikou import settings

    lsh = MinHashLSH(threshold=settings.MINHASH_THRESHOLD, num_perm=settings.MINHASH_PERMUTATIONS)
    ranges = list(lsh.hashranges)
    n = items.context.defaultParallelism
    items = items.cache()
    buckets = (items.flatMap(lambda it: _bands(it, ranges)).groupByKey(n)
               .map(lambda kv: sorted(set(kv[1]))).filter(lambda m: len(m) > 1))
    labels = _components(buckets, n)
    grouped = (items.map(lambda it: (it[0], it)).leftOuterJoin(labels, n)
               .map(lambda kv: (kv[1][1] if kv[1][1] is not None else kv[0], kv[1][0])).groupByKey(n))
    decisions = grouped.flatMap(lambda kv: _decide(kv[1])).cache()
    _log.info("reprint decisions: %d items", decisions.count())  # computed once: its lineage holds the loop
    return decisions


def stored_items(store: Store) -> tuple[list[tuple], list[tuple]]:
    """Documents (order, doc_id, content_hash, signature, cluster) and passages (order, key,
    signature) already in the store, in the order the store's own indexes read them."""
    from sqlalchemy import select

    from duikou.store import schema as s

    d, p = s.documents, s.passages
    with store.engine.connect() as conn:
        docs = [(_PRIOR + r.id, r.doc_id, r.content_hash, json.loads(r.signature) if r.signature else None, r.cluster)
                for r in conn.execute(select(d.c.id, d.c.doc_id, d.c.content_hash, d.c.signature, d.c.cluster)
                                      .order_by(d.c.id))]
        passages = [((_PRIOR + r.id, 0), r.key, json.loads(r.signature))
                    for r in conn.execute(select(p.c.id, p.c.key, p.c.signature).order_by(p.c.id))]
    return docs, passages


def cluster_reprints(spark: Any, out: Path, prior_docs: list[tuple] = (),
                     prior_passages: list[tuple] = ()) -> None:
    """Stage 3: <out>/reprints, (ordinal, doc_id, cluster, passage_heads) of every document
    that is the first of its doc_id (the others are left to the store)."""
    sc = spark.sparkContext
    n = sc.defaultParallelism
    rows = (spark.read.parquet(str(out / "processed")).where("kind = 'document'")
            .selectExpr("ordinal", "doc_id", "content_hash", "signature", "paragraphs.start AS starts",
                        "paragraphs.signature AS signatures"))
    new = rows.rdd.map(lambda r: (r[0], r[1], r[2], r[3], None, list(zip(r[4], r[5], strict=True)))).cache()
    docs = new.map(lambda d: d[:5]).union(sc.parallelize(list(prior_docs), 1)).cache()
    first_of_id = docs.map(lambda d: (d[1], d[0])).reduceByKey(min, n)
    first_of_hash = docs.map(lambda d: (d[2], (d[0], d[4]))).reduceByKey(min, n)
    # (ordinal, doc_id, signature, eligible: new and first of its doc_id, first of its content hash)
    flags = (docs.map(lambda d: (d[1], d)).join(first_of_id, n)
             .map(lambda kv: (kv[1][0][2], (kv[1][0], kv[1][0][0] >= 0 and kv[1][1] == kv[1][0][0])))
             .join(first_of_hash, n)
             .map(lambda kv: (kv[1][0][0][0], kv[1][0][0][1], kv[1][0][0][3], kv[1][0][1], kv[1][1]))
             .cache())
    # the store's reprint index holds every stored document and each new content's first copy
    indexed = flags.filter(lambda f: f[0] < 0 or (f[3] and f[4][0] == f[0])).map(lambda f: (f[0], f[1], f[2] or []))
    decided = reprint_decisions(indexed.filter(lambda it: len(it[2]) > 0)).filter(lambda d: d[0] >= 0)
    empty = indexed.filter(lambda it: it[0] >= 0 and len(it[2]) == 0).map(lambda it: (it[0], it[1]))
    firsts = decided.union(empty).cache()  # new first copies of their content, eligible
    followers = flags.filter(lambda f: f[3] and f[4][0] != f[0])
    from_stored = followers.filter(lambda f: f[4][0] < 0).map(lambda f: (f[0], f[4][1]))
    from_new = (followers.filter(lambda f: f[4][0] >= 0).map(lambda f: (f[4][0], f[0]))
                .leftOuterJoin(firsts, n).map(lambda kv: (kv[1][0], kv[1][1])))
    clusters = firsts.union(from_stored).union(from_new)
    # passages: the paragraphs of eligible documents after the stored passages
    eligible = flags.filter(lambda f: f[3]).map(lambda f: (f[0], f[1])).cache()
    paragraphs = (new.map(lambda d: (d[0], d[5])).join(eligible, n)
                  .flatMap(lambda kv: [((kv[0], i), f"{kv[1][1]}@{start}", sig)
                                       for i, (start, sig) in enumerate(kv[1][0])]))
    heads = (reprint_decisions(paragraphs.union(sc.parallelize(list(prior_passages), 1)))
             .filter(lambda d: d[0][0] >= 0).map(lambda d: (d[0][0], (d[0][1], d[1]))).groupByKey(n)
             .mapValues(lambda hs: [h for _i, h in sorted(hs)]))
    result = (eligible.leftOuterJoin(clusters, n).leftOuterJoin(heads, n)
              .map(lambda kv: (kv[0], kv[1][0][0], kv[1][0][1], kv[1][1] or [])))
    (spark.createDataFrame(result, "ordinal:bigint,doc_id:string,cluster:string,passage_heads:array<string>")
     .coalesce(1).write.mode("overwrite").parquet(str(out / "reprints")))


# -- 4. load -----------------------------------------------------------------------------------
def _part_number(path: Path) -> int:
    match = re.match(r"part-(\d+)", path.name)
    return int(match.group(1)) if match else -1


def processed_rows(out: Path, batch_size: int = 64) -> Iterator[dict[str, Any]]:
    """<out>/processed in input order (part files in partition order, rows as written)."""
    import pyarrow.parquet as pq

    last = None
    for part in sorted((out / "processed").glob("part-*.parquet"), key=_part_number):
        for batch in pq.ParquetFile(part).iter_batches(batch_size=batch_size):
            for row in batch.to_pylist():
                if last is not None and row["ordinal"] <= last:
                    raise RuntimeError(f"{part}: rows out of input order")
                last = row["ordinal"]
                yield row


def _decisions(out: Path) -> dict[int, tuple[str | None, list[str]]]:
    import pyarrow.parquet as pq

    decisions: dict[int, tuple[str | None, list[str]]] = {}
    folder = out / "reprints"
    for part in sorted(folder.glob("part-*.parquet")):
        table = pq.read_table(part)
        for o, cluster, heads in zip(table["ordinal"].to_pylist(), table["cluster"].to_pylist(),
                                     table["passage_heads"].to_pylist(), strict=True):
            decisions[o] = (cluster, heads)
    return decisions


def load(out: Path, store: Store, paths: Iterable[str | Path] = (),
         on_page: Callable[[RawPage | ReadError, IngestReport], None] | None = None,
         report: IngestReport | None = None, batch_size: int = 200) -> IngestReport:
    """Stage 4: add the processed documents to the store in input order (Store.add_many, one
    transaction per batch), with the reprint decisions of stage 3; the report counts as the
    local engine's does."""
    report = report if report is not None else IngestReport()
    named = {str(Path(p)) for p in paths if not Path(p).is_dir()}
    decisions = _decisions(out)
    pending = []

    def flush() -> None:
        for result in store.add_many(pending):
            report.documents += 1
            setattr(report, result.status, getattr(report, result.status) + 1)
            report.reprints += result.reprint
            report.pairings += result.pairings
            report.claims += result.claims
        pending.clear()

    for row in processed_rows(out):
        kind, path = row["kind"], row["path"]
        if kind == "error":
            error = ReadError(path, row["reason"])
            if error.reason.startswith("unsupported file type") and path not in named:
                report.skipped.append(error)
            else:
                report.files.add(path.split(":")[0])
                report.errors.append(error)
            if on_page:
                on_page(error, report)
            continue
        if row["page_bytes"] is not None:  # the first row of a page
            report.files.add(path)
            report.pages += 1
            report.bytes += row["page_bytes"]
        if kind == "failed":
            report.errors.append(ReadError(f"{path} [{row['source_id']}]", row["reason"]))
        elif kind == "document":
            cluster, heads = decisions.get(row["ordinal"], (None, None))
            pending.append(from_row(row, cluster, heads))
            if len(pending) >= batch_size:
                flush()
        if on_page and row["page_bytes"] is not None:
            on_page(RawPage(row["source_id"] or "", "", path), report)
    flush()
    return report


def ingest(paths: Iterable[str | Path], store: Store, master: str = "local[*]", output: str | Path | None = None,
           spark: Any = None, on_page: Callable[[RawPage | ReadError, IngestReport], None] | None = None,
           batch_size: int = 200) -> SparkIngestReport:
    """Ingest files or folders with Spark: stages 1-4 above. `output` keeps the Parquet tables
    there (a folder every executor and the driver can reach); by default they go to a temporary
    folder removed at the end. `spark`: an existing SparkSession (else one on `master`, stopped
    at the end)."""
    paths = list(paths)
    report = SparkIngestReport()
    own = spark is None
    spark = spark or spark_session(master)
    temporary = tempfile.mkdtemp(prefix="duikou-spark-") if output is None else None
    out = Path(temporary or output).resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        for name, stage in (("process", lambda: process(spark, paths, out)),
                            ("tables", lambda: write_tables(spark, out)),
                            ("reprints", lambda: cluster_reprints(spark, out, *stored_items(store))),
                            ("load", lambda: load(out, store, paths, on_page, report, batch_size))):
            started = time.perf_counter()
            stage()
            report.stages[name] = time.perf_counter() - started
    finally:
        if own:
            spark.stop()
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)
    return report
