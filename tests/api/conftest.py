"""API fixtures: both tenants with an admin API key; alpha with the synced sandbox store and
its "spring" campaign."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.support.api import client_for, key_for


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
