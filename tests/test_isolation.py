"""A member of one tenant gets 404 for every URL of another tenant; see tests/isolation.py."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import resolve, reverse

from attribution.models import AmazonConnection
from tenancy.models import Invitation
from tenancy.scoping import tenant_scope
from tenancy.views.base import OrgView
from tests.isolation import REGISTRY, tenant_url_names


@pytest.fixture
def tenants(tenant_a, tenant_b):
    for t in (tenant_a, tenant_b):
        with tenant_scope(t.org):
            t.invitation = Invitation.objects.create(
                organization=t.org, email=f"invitee@{t.org.slug}.test", role="viewer"
            )
            t.connection = AmazonConnection.objects.create(organization=t.org, region="NA")
            _campaign_objects(t)
    return tenant_a, tenant_b


def _campaign_objects(t):
    """A store, tracking plan, campaign, product, creator in it and a link (plain rows)."""
    from datetime import date
    from decimal import Decimal

    from attribution.models import Store
    from campaigns.models import AffiliateLink, Campaign, CampaignCreator, Product, TrackingPlan
    from creators.models import Creator

    store = Store.objects.create(
        connection=t.connection,
        profile_id=1000 + t.org.pk,
        country_code="US",
        currency_code="USD",
        timezone="America/Los_Angeles",
        advertiser_id=str(5000 + t.org.pk),
    )
    t.plan = TrackingPlan.objects.create(
        store=store,
        name="Plan",
        publisher_id="101",
        template_tag="maas=maas_adg_api_1_static_9_101&ref_=aa_maas&tag=maas",
        tag_fetched_at="2026-01-01T00:00:00Z",
    )
    t.campaign = Campaign.objects.create(
        store=store,
        tracking_plan=t.plan,
        name="Campaign",
        starts_on=date(2026, 1, 1),
        default_commission_rate=Decimal("5"),
        amazon_campaign_id="campaign-2026",
    )
    t.product = Product.objects.create(campaign=t.campaign, asin="B0ISOLATE1")
    t.creator = Creator.objects.create(name=f"Creator {t.org.slug}")
    t.campaign_creator = CampaignCreator.objects.create(
        campaign=t.campaign, creator=t.creator, amazon_adgroup_id="creator"
    )
    from api.models import ApiKey
    from reporting.models import Export

    t.export = Export.objects.create(
        start=date(2026, 1, 1), end=date(2026, 1, 31), store_ids=[store.pk], group_by="day"
    )
    t.api_key = ApiKey.objects.create(
        name="Key", role="viewer", prefix=f"iso{t.org.slug}"[:12], key_hash="0" * 64
    )
    t.link = AffiliateLink.objects.create(
        campaign=t.campaign,
        campaign_creator=t.campaign_creator,
        product=t.product,
        store=store,
        amazon_creative_id="creator-b0isolate1",
        code=f"iso{t.org.slug}0000"[:12],
        destination_url="https://www.amazon.com/dp/B0ISOLATE1?maas=x",
    )


def _url(entry, tenant, owner_tenant=None):
    owner_tenant = owner_tenant or tenant
    return reverse(entry.name, kwargs={"org_slug": tenant.org.slug, **entry.kwargs(owner_tenant)})


def test_registry_lists_every_tenant_url():
    assert tenant_url_names() == {e.name for e in REGISTRY}, "add new URLs to tests/isolation.py"


def test_every_tenant_url_is_served_by_an_org_view(tenants):
    a, _ = tenants
    for entry in REGISTRY:
        view = resolve(_url(entry, a)).func
        cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
        assert cls is not None and issubclass(cls, OrgView), entry.name
        assert "dispatch" not in cls.__dict__ or cls is OrgView, f"{entry.name} overrides dispatch"


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: e.name)
def test_other_tenants_urls_answer_404(tenants, entry):
    a, b = tenants
    client = a.client(a.owner)
    for method in entry.methods:
        # b's organisation with b's objects, and a's organisation with b's object ids
        for url in {_url(entry, b), _url(entry, a, owner_tenant=b)}:
            if url == _url(entry, a):
                continue
            response = getattr(client, method)(url)
            assert response.status_code == 404, (method, url)


@pytest.mark.parametrize("entry", REGISTRY, ids=lambda e: e.name)
def test_anonymous_is_sent_to_sign_in(tenants, entry):
    a, _ = tenants
    response = getattr(Client(), entry.methods[0])(_url(entry, a))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_organisation_is_404_like_a_foreign_one(tenants):
    a, b = tenants
    client = a.client()
    assert client.get("/o/does-not-exist/").status_code == 404
    assert client.get(f"/o/{b.org.slug}/").status_code == 404
    assert client.get(f"/o/{a.org.slug}/").status_code == 200
