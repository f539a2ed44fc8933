from duikou.engines.local import ingest
from duikou.models import ReadError


def test_ingest_counts_and_reports_errors(tmp_path, store):
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    (tmp_path / "a.txt").write_text("江苏省对口支援青海省海南藏族自治州,援青工作十年。", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"id": "r1", "text": "福建省对口帮扶宁夏回族自治区,闽宁协作。"}\nnot json\n',
                                      encoding="utf-8")
    seen = []
    report = ingest([tmp_path], store, on_page=lambda item, so_far: seen.append(item))
    assert report.pages == 2 and report.documents == 2 and report.added == 2
    assert [e.path for e in report.errors] == [f"{tmp_path / 'b.jsonl'}:2"]
    assert any(isinstance(x, ReadError) for x in seen)
    again = ingest([tmp_path], store)
    assert again.added == 0 and again.unchanged == 2


def test_a_failing_page_does_not_stop_the_run(tmp_path, store, monkeypatch):
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    from duikou.engines import local

    real = local.process_page

    def flaky(page):
        if page.source_id.endswith("bad.txt"):
            raise RuntimeError("boom")
        return real(page)

    monkeypatch.setattr(local, "process_page", flaky)
    (tmp_path / "bad.txt").write_text("江苏省对口支援青海省。", encoding="utf-8")
    (tmp_path / "good.txt").write_text("福建省对口帮扶宁夏回族自治区。", encoding="utf-8")
    report = ingest([tmp_path], store)
    assert report.added == 1
    assert "processing failed" in report.errors[0].reason and "bad.txt" in report.errors[0].path


def test_other_kinds_of_file_in_a_folder_are_skipped_not_errors(tmp_path, store):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "README.md").write_text("# notes", encoding="utf-8")
    (folder / "a.txt").write_text("福建省对口帮扶宁夏回族自治区,闽宁协作。", encoding="utf-8")
    report = ingest([folder], store)
    assert report.errors == [] and report.added == 1
    assert [e.path for e in report.skipped] == [str(folder / "README.md")]
    named = ingest([folder / "README.md"], store)
    assert len(named.errors) == 1 and "unsupported file type" in named.errors[0].reason


def _exports(store) -> tuple[str, str]:
    import io

    from duikou.exporting import export

    out = []
    for what in ("pairings", "claims"):
        buffer = io.StringIO()
        export(store, what, "jsonl", out=buffer)
        out.append(buffer.getvalue())
    return out[0], out[1]


def test_worker_processes_and_batches_change_nothing(tmp_path, shared_corpus):
    from duikou.store import open_store

    paths = [shared_corpus / "seeds" / "pages.jsonl", shared_corpus / "dev" / "pages.jsonl"]
    single = open_store(str(tmp_path / "single.db"))
    expected = ingest(paths, single, workers=1, batch_size=1)
    pairings, claims = _exports(single)
    assert pairings.count("\n") > 100 and claims.count("\n") > 100
    parallel = open_store(str(tmp_path / "parallel.db"))
    seen = []
    report = ingest(paths, parallel, workers=2, batch_size=50, on_page=lambda item, so_far: seen.append(item))
    assert report.as_dict() == expected.as_dict() and len(seen) == expected.pages
    assert _exports(parallel) == (pairings, claims)
    assert parallel.counts() == single.counts()
    assert parallel.pairing_facts() == single.pairing_facts()  # the same independent sources
    single.engine.dispose()
    parallel.engine.dispose()
