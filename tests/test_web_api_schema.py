"""Schemathesis against the API's own OpenAPI spec: requests generated for every operation,
fitting the spec and not, never make the server answer 5xx. Bounded examples keep it quick.

(Driven through Hypothesis directly: schemathesis' pytest plugin does not run under pytest 9.)"""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode

from duikou.engines.local import ingest
from duikou.store import open_store
from duikou.web import create_app
from duikou.web.security import WebConfig

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"
EXAMPLES_PER_OPERATION = 8
TOKEN = "schemathesis-token"


@pytest.fixture(scope="module")
def web_schema(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("schema") / "schema.db")
    store = open_store(path)
    ingest([EXAMPLES], store)
    app = create_app(store, WebConfig(token=TOKEN, folders=(tmp_path_factory.mktemp("folder"),),
                                      upload_dir=tmp_path_factory.mktemp("uploads")))
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.jobs.shutdown()
    store.engine.dispose()


@pytest.mark.parametrize("with_token", [False, True], ids=["anonymous", "with-token"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(web_schema, mode, with_token):
    """Anonymous (writes end at 401) and with the token (writes reach the upload and path handlers)."""
    headers = {"Authorization": f"Bearer {TOKEN}"} if with_token else None
    operations = [result.ok() for result in web_schema.get_all_operations()]
    assert len(operations) >= 12
    checked = []
    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}: {response.text[:300]}")
            checked.append((case.method, response.status_code))

        try:
            run()
        except Unsatisfiable:  # nothing to vary (no parameters): no invalid request exists
            assert mode is GenerationMode.NEGATIVE, operation.label
    assert any(code == 200 for _m, code in checked) or mode is GenerationMode.NEGATIVE
    writes = {code for method, code in checked if method == "POST"}
    if with_token:  # some writes got past the token to the handlers' own checks
        assert writes - {401}, writes
    else:  # no write is ever accepted without the token
        assert writes and all(code >= 400 for code in writes), writes
