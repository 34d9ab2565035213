"""Schemathesis against the live schema (/api/schema/) through the WSGI application, with an
admin key of a tenant that has a store, a campaign, creators, links, facts and conversions:
no input produces a 5xx, and every response matches the schema (status code, content type,
headers, body). Bounded: a few examples per operation."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 20


def _generated_schema() -> dict:
    """The document /api/schema/ serves, built by the same generator (collection time has no
    database; test_the_served_schema_is_this_one proves they are the same)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


GENERATED = _generated_schema()
schema = schemathesis.openapi.from_dict(GENERATED)
schema.app = application


@pytest.fixture
def _wsgi_requests_keep_the_test_connection():
    """Requests go through the WSGI app in this process and this test's transaction; like
    Django's test client, keep the request signals from closing the connection under it."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_served_schema_is_this_one(db, client):
    served = client.get("/api/schema/?format=json")
    assert served.status_code == 200
    assert json.loads(served.content) == GENERATED
    paths = GENERATED["paths"]
    assert len(paths) >= 20 and all(p.startswith("/api/v1/") for p in paths)
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), (method, path)
            assert {"400", "401", "403", "404", "429"} <= set(operation["responses"]), path
            documented = [
                r
                for r in operation["responses"].values()
                if r.get("content", {}).get("application/json", {}).get("examples")
            ]
            if method != "delete":  # 204, no body to show
                assert documented, f"no example for {method} {path}"
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/docs/try/").status_code == 200


@pytest.fixture
def fuzz_key(world_a, world_b, key_a, settings, tmp_path, _wsgi_requests_keep_the_test_connection):
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000
    settings.EXPORTS_DIR = tmp_path
    return key_a


@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, fuzz_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_key}"}, checks=CHECKS)
