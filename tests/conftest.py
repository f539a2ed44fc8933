from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = ROOT / ".." / "shared" / "corpus"
EXAMPLES = ROOT / "examples" / "corpus"


@pytest.fixture
def shared_corpus() -> Path:
    if not (SHARED_CORPUS / "seeds" / "pages.jsonl").exists():
        pytest.skip("../shared/corpus is absent: the real-page tests need the shared corpus beside the repo")
    return SHARED_CORPUS.resolve()


@pytest.fixture
def store(tmp_path):
    from duikou.store import open_store

    s = open_store(str(tmp_path / "test.db"))
    yield s
    s.engine.dispose()


@pytest.fixture(scope="session")
def example_store(tmp_path_factory):
    """The bundled example corpus, ingested once for the answer and CLI tests."""
    from duikou.engines.local import ingest
    from duikou.store import open_store

    s = open_store(str(tmp_path_factory.mktemp("examples") / "examples.db"))
    ingest([EXAMPLES], s)
    yield s
    s.engine.dispose()
