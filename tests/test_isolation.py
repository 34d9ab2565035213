"""A member of one tenant gets 404 for every URL of another tenant; see tests/isolation.py and
the `tenants` fixture (tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import resolve

from tenancy.views.base import OrgView
from tests.isolation import REGISTRY, tenant_url, tenant_url_names


def test_registry_lists_every_tenanttenant_url():
    assert tenant_url_names() == {e.name for e in REGISTRY}, "add new URLs to tests/isolation.py"


def test_every_tenant_url_is_served_by_an_org_view(tenants):
    a, _ = tenants
    for entry in REGISTRY:
        view = resolve(tenant_url(entry, a)).func
        cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
        assert cls is not None and issubclass(cls, OrgView), entry.name
        assert "dispatch" not in cls.__dict__ or cls is OrgView, f"{entry.name} overrides dispatch"


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: e.name)
def test_other_tenants_urls_answer_404(tenants, entry):
    a, b = tenants
    client = a.client(a.owner)
    for method in entry.methods:
        # b's organisation with b's objects, and a's organisation with b's object ids
        for url in {tenant_url(entry, b), tenant_url(entry, a, owner_tenant=b)}:
            if url == tenant_url(entry, a):
                continue
            response = getattr(client, method)(url)
            assert response.status_code == 404, (method, url)


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: e.name)
def test_anonymous_is_sent_to_sign_in(tenants, entry):
    a, _ = tenants
    response = getattr(Client(), entry.methods[0])(tenant_url(entry, a))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_organisation_is_404_like_a_foreign_one(tenants):
    a, b = tenants
    client = a.client()
    assert client.get("/o/does-not-exist/").status_code == 404
    assert client.get(f"/o/{b.org.slug}/").status_code == 404
    assert client.get(f"/o/{a.org.slug}/").status_code == 200
