"""Readers: every format, encodings, and a robustness set built in tmp_path.

Each hostile input must give a clear per-file result (a RawPage, possibly with a warning in
meta, or a ReadError naming the file and a reason), never an exception, with bounded memory.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from duikou import settings
from duikou.models import RawPage, ReadError
from duikou.read import decode_bytes, read_paths

ARTICLE = "某省对口支援某州,累计投入援建资金十二亿元,实施项目二百个,受援地群众生活明显改善。"
ARTICLE_T = "某省對口支援某州,累計投入援建資金十二億元,實施項目二百個,受援地群眾生活明顯改善。"


def read_all(*paths: Path) -> list[RawPage | ReadError]:
    return list(read_paths(paths))


def only(results: list[RawPage | ReadError]) -> RawPage | ReadError:
    assert len(results) == 1, results
    return results[0]


# --- formats -------------------------------------------------------------------------------


def test_txt_utf8(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    page = only(read_all(f))
    assert isinstance(page, RawPage)
    assert page.text == ARTICLE and page.source_id == str(f) and page.path == str(f)
    assert page.meta["encoding"] == "utf-8"


@pytest.mark.parametrize(
    ("encoding", "text", "expected"),
    [
        ("gbk", ARTICLE, "gb18030"),
        ("gb2312", ARTICLE, "gb18030"),
        ("big5", ARTICLE_T, "big5hkscs"),
        ("utf-16", ARTICLE, "utf-16-le"),
    ],
)
def test_legacy_encodings(tmp_path: Path, encoding: str, text: str, expected: str) -> None:
    f = tmp_path / "a.txt"
    f.write_bytes((text * 3).encode(encoding))
    page = only(read_all(f))
    assert isinstance(page, RawPage), page
    assert page.text == text * 3
    assert page.meta["encoding"] == expected


def test_gbk_only_characters_decode_as_gb18030() -> None:
    text = "丢失的字符:€,以及中文。" + ARTICLE
    assert decode_bytes(text.encode("gb18030")).text == text


def test_jsonl_records_and_metadata(tmp_path: Path) -> None:
    f = tmp_path / "pages.jsonl"
    rows = [
        {
            "id": "x1",
            "url": "http://example.cn/1",
            "text": ARTICLE,
            "relevant": True,
            "site": "某网",
        },
        {"id": "x2", "text": ARTICLE_T},
    ]
    f.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n\n", encoding="utf-8"
    )
    got = read_all(f)
    assert [p.source_id for p in got] == ["x1", "x2"]
    assert got[0].url == "http://example.cn/1" and got[0].meta == {"relevant": True, "site": "某网"}
    assert got[1].url is None


def test_jsonl_bad_records_name_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "pages.jsonl"
    f.write_text(
        json.dumps({"id": "ok", "text": ARTICLE}, ensure_ascii=False)
        + "\n{not json\n[1, 2]\n"
        + json.dumps({"id": "no-text"})
        + "\n"
        + json.dumps({"id": "ok2", "text": ARTICLE}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    got = read_all(f)
    pages = [g for g in got if isinstance(g, RawPage)]
    errors = [g for g in got if isinstance(g, ReadError)]
    assert [p.source_id for p in pages] == ["ok", "ok2"]
    assert [e.path for e in errors] == [f"{f}:2", f"{f}:3", f"{f}:4"]
    assert "bad JSON" in errors[0].reason and "no 'text'" in errors[2].reason


def test_jsonl_without_text_fields_is_one_error(tmp_path: Path) -> None:
    f = tmp_path / "gold.jsonl"
    f.write_text("\n".join(json.dumps({"doc": i}) for i in range(50)), encoding="utf-8")
    err = only(read_all(f))
    assert isinstance(err, ReadError) and "not a file of pages" in err.reason


def test_html_main_text_without_script(tmp_path: Path) -> None:
    f = tmp_path / "page.html"
    html = f"""<html><head><meta charset="gbk"><title>某省援疆工作纪实</title>
    <meta name="publishdate" content="2019-10-30">
    <script>var ad = "国产精品一区二区"; document.write(ad);</script>
    <style>.x {{ color: red }}</style></head>
    <body><div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a></div>
    <article><h1>某省援疆工作纪实</h1><p>{ARTICLE}</p><p>{ARTICLE}</p></article>
    <footer>Copyright 2019</footer><script>alert("国产")</script></body></html>"""
    f.write_bytes(html.encode("gbk"))
    page = only(read_all(f))
    assert isinstance(page, RawPage)
    assert ARTICLE in page.text
    assert "var ad" not in page.text and "国产" not in page.text and "alert" not in page.text
    assert page.meta["title"] == "某省援疆工作纪实" and page.meta["published"] == "2019-10-30"
    assert page.meta["encoding"] == "gb18030"


def test_html_without_text(tmp_path: Path) -> None:
    f = tmp_path / "empty.htm"
    f.write_text(
        "<html><head><script>var a=1;</script></head><body></body></html>", encoding="utf-8"
    )
    err = only(read_all(f))
    assert isinstance(err, ReadError) and "no text" in err.reason


def _warc(path: Path, records: list[tuple[str, str, bytes]], gz: bool = True) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gz)
        for url, ctype, payload in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(payload), http_headers=headers
            )
            writer.write_record(record)


def test_warc_gz_html_and_text_records(tmp_path: Path) -> None:
    f = tmp_path / "crawl.warc.gz"
    html = f"<html><head><title>某州援建</title></head><body><p>{ARTICLE}</p></body></html>"
    _warc(
        f,
        [
            ("http://example.cn/a.html", "text/html; charset=gbk", html.encode("gbk")),
            ("http://example.cn/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + os.urandom(200)),
            ("http://example.cn/b.txt", "text/plain; charset=utf-8", ARTICLE_T.encode("utf-8")),
        ],
    )
    got = read_all(f)
    assert [type(g) for g in got] == [RawPage, RawPage]
    assert got[0].source_id == "http://example.cn/a.html" and got[0].url == got[0].source_id
    assert ARTICLE in got[0].text and got[0].meta["warc_record_id"]
    assert got[1].text == ARTICLE_T


def test_plain_warc(tmp_path: Path) -> None:
    f = tmp_path / "crawl.warc"
    _warc(f, [("http://example.cn/c.html", "text/html", f"<p>{ARTICLE}</p>".encode())], gz=False)
    page = only(read_all(f))
    assert isinstance(page, RawPage) and ARTICLE in page.text


def test_truncated_warc_gz(tmp_path: Path) -> None:
    f = tmp_path / "cut.warc.gz"
    _warc(
        f,
        [
            (f"http://example.cn/{i}.html", "text/html", f"<p>{ARTICLE}{i}</p>".encode())
            for i in range(5)
        ],
    )
    data = f.read_bytes()
    f.write_bytes(data[: len(data) * 2 // 3])
    got = read_all(f)
    assert any(isinstance(g, RawPage) for g in got)
    assert isinstance(got[-1], ReadError) and str(f) in got[-1].path


def test_warc_without_html(tmp_path: Path) -> None:
    f = tmp_path / "img.warc.gz"
    _warc(f, [("http://example.cn/logo.png", "image/png", os.urandom(100))])
    err = only(read_all(f))
    assert isinstance(err, ReadError) and "no HTML or text records" in err.reason


def test_gzipped_txt_and_jsonl(tmp_path: Path) -> None:
    a = tmp_path / "a.txt.gz"
    a.write_bytes(gzip.compress(ARTICLE.encode("utf-8")))
    b = tmp_path / "b.jsonl.gz"
    b.write_bytes(
        gzip.compress(json.dumps({"id": "g1", "text": ARTICLE}, ensure_ascii=False).encode())
    )
    got = read_all(a, b)
    assert [g.text for g in got] == [ARTICLE, ARTICLE]


def test_folder_walk_goes_on_after_bad_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text(ARTICLE, encoding="utf-8")
    got = read_all(tmp_path, tmp_path / "missing.txt")
    kinds = {Path(g.path).name: type(g).__name__ for g in got}
    assert kinds == {
        "bad.txt": "ReadError",
        "image.png": "ReadError",
        "good.txt": "RawPage",
        "missing.txt": "ReadError",
    }
    reasons = {Path(g.path).name: g.reason for g in got if isinstance(g, ReadError)}
    assert reasons["bad.txt"] == "empty file" and "unsupported" in reasons["image.png"]
    assert reasons["missing.txt"] == "no such file"


# --- robustness set ------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    for name in ("e.txt", "e.html", "e.jsonl", "e.warc.gz"):
        (tmp_path / name).write_bytes(b"")
        err = only(read_all(tmp_path / name))
        assert isinstance(err, ReadError) and err.reason == "empty file"


def test_whitespace_only_file(tmp_path: Path) -> None:
    f = tmp_path / "w.txt"
    f.write_bytes(b"  \n\n\t \r\n")
    err = only(read_all(f))
    assert isinstance(err, ReadError) and err.reason == "empty file"


def test_binary_file(tmp_path: Path) -> None:
    for name in ("bin.txt", "bin.html", "bin.jsonl"):
        f = tmp_path / name
        f.write_bytes(bytes(range(256)) * 64 + os.urandom(4096))
        got = read_all(f)
        assert got and all(isinstance(g, ReadError) for g in got), got
    assert "binary" in read_all(tmp_path / "bin.txt")[0].reason


def test_truncated_multibyte_character(tmp_path: Path) -> None:
    f = tmp_path / "cut.txt"
    f.write_bytes(ARTICLE.encode("utf-8")[:-2])
    page = only(read_all(f))
    assert isinstance(page, RawPage)
    assert page.text == ARTICLE[:-1]
    assert "truncated" in page.meta["warning"]


def test_truncated_multibyte_in_jsonl_record(tmp_path: Path) -> None:
    f = tmp_path / "cut.jsonl"
    line = json.dumps({"id": "c", "text": ARTICLE}, ensure_ascii=False).encode("utf-8")
    f.write_bytes(line[:-5])
    err = only(read_all(f))
    assert isinstance(err, ReadError) and err.path == f"{f}:1"


def test_mixed_encodings(tmp_path: Path) -> None:
    f = tmp_path / "mixed.txt"
    f.write_bytes(
        ARTICLE.encode("utf-8") + b"\n" + ARTICLE.encode("gbk") + b"\n" + ARTICLE.encode("utf-8")
    )
    page = only(read_all(f))
    assert isinstance(page, RawPage)
    assert page.text.split("\n") == [ARTICLE, ARTICLE, ARTICLE]
    assert "mixed encodings" in page.meta["warning"]


def test_50mb_single_line_is_refused_quickly_with_bounded_memory(tmp_path: Path) -> None:
    size = 50 * 1024 * 1024
    txt = tmp_path / "huge.txt"
    with open(txt, "wb") as out:
        chunk = ("援" * 1024).encode("utf-8")
        out.writelines(chunk for _ in range(size // len(chunk)))
    jsonl = tmp_path / "huge.jsonl"
    with open(jsonl, "wb") as out:
        out.write(b'{"id": "big", "text": "')
        out.writelines(b"a" * 1024 for _ in range(size // 1024))
        out.write(b'"}\n')
        out.write(json.dumps({"id": "small", "text": ARTICLE}, ensure_ascii=False).encode() + b"\n")
    tracemalloc.start()
    try:
        got_txt = read_all(txt)
        got_jsonl = read_all(jsonl)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    err = only(got_txt)
    assert isinstance(err, ReadError) and "page too large" in err.reason
    assert isinstance(got_jsonl[0], ReadError) and got_jsonl[0].path == f"{jsonl}:1"
    assert "longer than" in got_jsonl[0].reason
    assert isinstance(got_jsonl[1], RawPage) and got_jsonl[1].source_id == "small"
    assert peak < 4 * size  # the file is read once, never copied line by line


def test_gzip_bomb(tmp_path: Path) -> None:
    member = gzip.compress(b"\0" * (8 * 1024 * 1024), compresslevel=9)
    for name in ("bomb.txt.gz", "bomb.jsonl.gz", "bomb.warc.gz"):
        f = tmp_path / name
        f.write_bytes(member * 128)  # ~1 GB once decompressed, ~1 MB on disk
        tracemalloc.start()
        try:
            got = read_all(f)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        err = only(got)
        assert isinstance(err, ReadError), err
        assert "gzip bomb" in err.reason or "decompresses to more than" in err.reason
        assert peak < 100 * 1024 * 1024


def test_gzip_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "MAX_DECOMPRESSED_BYTES", 1000)
    f = tmp_path / "big.txt.gz"
    f.write_bytes(gzip.compress(os.urandom(5000)))
    err = only(read_all(f))
    assert isinstance(err, ReadError) and "more than 1000 bytes" in err.reason


def test_corrupt_gzip(tmp_path: Path) -> None:
    f = tmp_path / "bad.txt.gz"
    f.write_bytes(b"\x1f\x8b\x08\x00garbage-not-deflate" * 10)
    err = only(read_all(f))
    assert isinstance(err, ReadError) and "gzip" in err.reason


def test_truncated_gzip(tmp_path: Path) -> None:
    f = tmp_path / "cut.txt.gz"
    f.write_bytes(gzip.compress((ARTICLE * 200).encode())[:-40])
    err = only(read_all(f))
    assert isinstance(err, ReadError) and "truncated" in err.reason


def test_html_with_script_only_page_and_broken_markup(tmp_path: Path) -> None:
    f = tmp_path / "broken.html"
    f.write_text(
        f"<html><body><script>for(;;){{}}</script><div><p>{ARTICLE}<p>{ARTICLE}<div><table><tr><td>未闭合",
        encoding="utf-8",
    )
    page = only(read_all(f))
    assert isinstance(page, RawPage) and ARTICLE in page.text and "for(;;)" not in page.text


def test_reading_is_lazy(tmp_path: Path) -> None:
    f = tmp_path / "many.jsonl"
    f.write_text(
        "\n".join(
            json.dumps({"id": str(i), "text": ARTICLE}, ensure_ascii=False) for i in range(1000)
        )
    )
    it = read_paths([f])
    first = next(it)
    assert isinstance(first, RawPage) and first.source_id == "0"


def test_jsonl_record_without_id_gets_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "noid.jsonl"
    f.write_text("\n" + json.dumps({"text": ARTICLE}, ensure_ascii=False) + "\n", encoding="utf-8")
    page = only(read_all(f))
    assert isinstance(page, RawPage) and page.source_id == f"{f}:2"


def test_warc_record_without_target_uri_uses_record_id(tmp_path: Path) -> None:
    from warcio.warcwriter import WARCWriter

    f = tmp_path / "res.warc.gz"
    with open(f, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        record = writer.create_warc_record(
            "", "resource", payload=io.BytesIO(ARTICLE.encode()), warc_content_type="text/plain"
        )
        writer.write_record(record)
    page = only(read_all(f))
    assert isinstance(page, RawPage), page
    assert page.source_id.startswith("<urn:uuid:") and page.url is None
