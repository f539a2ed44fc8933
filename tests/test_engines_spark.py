"""The Spark engine against the local engine on the same small crawl (one local[2] session).

The crawl is generated here: the example pages and ../shared/corpus pages, reprints of them
under new URLs (a changed first line) spread over other WARC files than their originals, and
irrelevant filler pages; plus a .jsonl file, a bad line and a file of another kind.
"""

from __future__ import annotations

import io
import json
import random
import shutil
from pathlib import Path

import pytest

from duikou.engines.local import ingest as local_ingest
from duikou.exporting import export
from duikou.models import RawPage
from duikou.read import read_paths
from duikou.store import open_store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"

pytest.importorskip("pyspark", reason="PySpark is not installed (pip install -e '.[dev]' installs it)")


@pytest.fixture(scope="module")
def spark():
    from duikou.engines.spark import spark_session

    if shutil.which("java") is None:
        pytest.skip("no java on this machine: Spark needs Java 17 (.ci/run installs openjdk-17-jre-headless)")
    session = spark_session("local[2]")
    yield session
    session.stop()


def _filler(rng: random.Random, n: int) -> str:
    """An irrelevant page: local news of no counterpart assistance (generated, not scraped)."""
    teams = ["市篮球队", "区足球队", "县中学代表队", "社区合唱团", "老年书画协会"]
    things = ["春季运动会", "读书节", "美食展", "摄影比赛", "环保志愿活动"]
    lines = [f"本地新闻第{n}期"]
    for _ in range(rng.randint(4, 9)):
        lines.append(f"{rng.choice(teams)}参加了{rng.choice(things)},现场观众约{rng.randint(100, 9000)}人,"
                     f"活动持续{rng.randint(1, 9)}天,主办方表示明年将继续举办并扩大规模{rng.randint(1, 99)}项。")
    return "\n".join(lines)


def _pages(shared: Path) -> list[tuple[str, str]]:
    pages = [(f"https://example.org/{Path(p.source_id).name}", p.text)
             for p in read_paths([EXAMPLES]) if isinstance(p, RawPage)]
    for split, limit in (("seeds", 5), ("dev", 40)):
        with open(shared / split / "pages.jsonl", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()][:limit]
        pages += [(f"https://news.example.com/{split}/{row['id']}", row["text"]) for row in rows]
    return pages


def _write_warc(path: Path, records: list[tuple[str, str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for url, text, kind in records:
            if kind == "html":
                body = "".join(f"<p>{line}</p>" for line in text.split("\n"))
                payload, ctype = f"<html><body><article>{body}</article></body></html>", "text/html; charset=utf-8"
            else:
                payload, ctype = text, "text/plain; charset=utf-8"
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload.encode("utf-8")),
                                                          http_headers=headers))


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> Path:
    shared = ROOT / ".." / "shared" / "corpus"
    if not (shared / "seeds" / "pages.jsonl").exists():
        pytest.skip("../shared/corpus is absent: the Spark comparison needs the shared corpus beside the repo")
    folder = tmp_path_factory.mktemp("crawl")
    rng = random.Random(11)
    pages = _pages(shared)
    files: list[list[tuple[str, str, str]]] = [[], [], []]
    for i, (url, text) in enumerate(pages):
        files[i % 3].append((url, text, "html" if i % 4 == 0 else "text"))
        if i % 2 == 0:  # a reprint in another file (another partition), its first line changed
            files[(i + 1) % 3].append((f"{url}?reprint={i}", f"转载自网络\n{text}", "text"))
        if i % 7 == 0:  # and a byte-identical copy under another URL
            files[(i + 2) % 3].append((f"{url}?copy={i}", text, "text"))
    for n in range(60):
        files[n % 3].append((f"https://local.example.net/{n}", _filler(rng, n), "text"))
    for number, records in enumerate(files):
        rng.shuffle(records)
        _write_warc(folder / f"crawl-{number}.warc.gz", records)
    with open(folder / "extra.jsonl", "w", encoding="utf-8") as f:
        for url, text in pages[:6]:
            f.write(json.dumps({"id": url + "#jsonl", "url": url, "text": "(转)" + text}, ensure_ascii=False) + "\n")
        f.write("this line is not json\n")
    (folder / "notes.md").write_text("# not a page", encoding="utf-8")
    return folder


def _exports(store) -> dict[str, str]:
    out = {}
    for what in ("pairings", "claims"):
        buffer = io.StringIO()
        export(store, what, "jsonl", out=buffer)
        out[what] = buffer.getvalue()
    return out


def _clusters(store) -> dict[str, tuple[str, str]]:
    from sqlalchemy import select

    from duikou.store import schema as s

    with store.engine.connect() as conn:
        docs = {r.doc_id: r.cluster for r in conn.execute(select(s.documents.c.doc_id, s.documents.c.cluster))}
        passages = sorted(conn.execute(select(s.passages.c.key)).scalars())
        sources = sorted(tuple(r) for r in conn.execute(select(s.pairing_sources.c.pairing_id,
                                                               s.pairing_sources.c.best_id)))
    return {"documents": docs, "passages": passages, "sources": sources}


def _report(report) -> dict:
    return {k: v for k, v in report.as_dict().items() if k not in ("engine", "stages")}


def test_spark_and_local_engines_store_the_same(spark, crawl, tmp_path):
    from duikou.engines.spark import ingest as spark_ingest

    local_store, spark_store = open_store(str(tmp_path / "local.db")), open_store(str(tmp_path / "spark.db"))
    local = local_ingest([crawl], local_store)
    parquet = tmp_path / "parquet"
    remote = spark_ingest([crawl], spark_store, spark=spark, output=parquet)
    assert _report(remote) == _report(local)
    assert local.reprints > 20 and local.pairings > 20 and local.claims > 20 and len(local.errors) == 1
    assert _exports(spark_store) == _exports(local_store)
    assert _clusters(spark_store) == _clusters(local_store)
    assert spark_store.counts() == local_store.counts()

    import pyarrow.parquet as pq

    assert pq.read_table(parquet / "documents").num_rows == local.documents
    pairings = pq.read_table(parquet / "pairings").to_pylist()
    assert {(p["doc_id"], p["start"], p["quote"]) for p in pairings} >= {
        (json.loads(line)["doc_id"], json.loads(line)["start"], json.loads(line)["quote"])
        for line in _exports(local_store)["pairings"].splitlines()}
    assert pq.read_table(parquet / "mentions").num_rows > 0 and pq.read_table(parquet / "claims").num_rows > 0
    reprints = pq.read_table(parquet / "reprints").to_pylist()
    assert sum(r["cluster"] != r["doc_id"] for r in reprints) == local.reprints


def test_a_spark_run_after_a_local_one_continues_the_same_store(spark, crawl, tmp_path):
    """Reprint decisions take the stored documents and passages into account; pages already
    stored are unchanged."""
    from duikou.engines.spark import ingest as spark_ingest

    files = sorted(crawl.glob("*.warc.gz"))
    both, mixed = open_store(str(tmp_path / "local.db")), open_store(str(tmp_path / "mixed.db"))
    local_ingest(files, both)
    local_ingest(files[:1], mixed)
    report = spark_ingest(files, mixed, spark=spark)
    assert report.unchanged > 0 and report.added > 0
    assert _exports(mixed) == _exports(both)
    assert _clusters(mixed) == _clusters(both)
