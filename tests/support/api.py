"""API keys, clients and the error format of the REST API tests."""

from __future__ import annotations

from rest_framework.test import APIClient

from api.services import api_key_create
from tenancy.scoping import tenant_scope


def key_for(tenant, role: str = "admin", name: str = "Integration") -> str:
    with tenant_scope(tenant.org):
        _, raw = api_key_create(name=name, role=role, created_by=tenant.owner)
    return raw


def client_for(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def error(response, status: int, code: str) -> dict:
    """The body of an error answer, checked to be in the API's one error format."""
    assert response.status_code == status, response.content[:400]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code, body
    return body["error"]
