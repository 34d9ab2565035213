"""API fixtures: both tenants with an admin API key; alpha with the synced sandbox store and
its "spring" campaign."""

from __future__ import annotations

import pytest
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


@pytest.fixture
def key_a(tenant_a) -> str:
    return key_for(tenant_a)


@pytest.fixture
def key_b(tenant_b) -> str:
    return key_for(tenant_b)


@pytest.fixture
def api_a(key_a) -> APIClient:
    return client_for(key_a)


@pytest.fixture
def api_b(key_b) -> APIClient:
    return client_for(key_b)
