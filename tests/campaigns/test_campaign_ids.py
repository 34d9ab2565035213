"""Amazon campaign ids are never reused: unique across stores, marketplaces and organisations
(even two organisations on one advertiser), still readable; ids handed out before keep working
and their campaign page warns when another store uses the same one."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from attribution.models import Store
from attribution.services import connection_create_headless
from campaigns import amazon_ids
from campaigns.models import Campaign, MintedCampaignId, TrackingPlan
from campaigns.services import campaign_create, tracking_plan_create
from tenancy.scoping import tenant_scope
from tests.factories import CampaignFactory, TrackingPlanFactory
from tests.support.campaigns import INFLUENCER_PUBLISHER, store_campaign_id


def stores_by_country(stores: list[Store]) -> dict[str, Store]:
    return {s.country_code: s for s in stores}


def create_through_the_form(tenant, store: Store, name: str) -> Campaign:
    client = tenant.client()
    with tenant_scope(tenant.org):
        plan = tracking_plan_create(store=store, publisher_id=INFLUENCER_PUBLISHER, name="Plan")
    response = client.post(
        f"/o/{tenant.org.slug}/campaigns/new/",
        {
            "store": store.pk,
            "tracking_plan": plan.pk,
            "name": name,
            "starts_on": "2026-04-01",
            "status": "active",
            "track_sales": "on",
            "default_commission_rate": "8",
            "commission_basis": "promoted",
            "settlement_days": "30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_scope(tenant.org):
        return Campaign.objects.get(store=store, name=name)


def test_same_named_campaigns_in_two_marketplaces_and_two_brands_get_different_ids(
    connected_stores, tenant_a, tenant_b
):
    alpha = stores_by_country(connected_stores["alpha"])
    bravo = stores_by_country(connected_stores["bravo"])
    # Given "Spring Sale" in alpha's US and CA stores and in bravo's US store
    campaigns = [
        create_through_the_form(tenant_a, alpha["US"], "Spring Sale"),
        create_through_the_form(tenant_a, alpha["CA"], "Spring Sale"),
        create_through_the_form(tenant_b, bravo["US"], "Spring Sale"),
    ]
    ids = [c.amazon_campaign_id for c in campaigns]
    # Then each has its own id, readable, ending in its store's mark
    assert len(set(ids)) == 3
    assert ids == [
        store_campaign_id(alpha["US"], "spring-sale-2026"),
        store_campaign_id(alpha["CA"], "spring-sale-2026"),
        store_campaign_id(bravo["US"], "spring-sale-2026"),
    ]
    assert ids[0].startswith("spring-sale-2026-us-") and ids[1].startswith("spring-sale-2026-ca-")
    assert all(amazon_ids.amazon_id_problem(i) is None and len(i) <= 30 for i in ids)
    # and each is claimed in the registry, which holds no readable id
    digests = set(MintedCampaignId.objects.values_list("digest", flat=True))
    assert {amazon_ids.campaign_id_digest(i) for i in ids} <= digests
    assert not digests & set(ids)


def test_two_organisations_on_one_advertiser_never_share_an_id(amazon_sandbox, tenant_a, tenant_b):
    # Given an agency (bravo) connected the same Amazon account as the brand (alpha)
    stores = {}
    for tenant in (tenant_a, tenant_b):
        with tenant_scope(tenant.org):
            _, created = connection_create_headless(region="NA", refresh_token="Atzr|shared")
        stores[tenant.org.slug] = stores_by_country(created)["US"]
    assert stores["alpha"].advertiser_id == stores["bravo"].advertiser_id
    # When both create "Spring Sale" there, neither seeing the other's campaigns
    first = create_through_the_form(tenant_a, stores["alpha"], "Spring Sale")
    second = create_through_the_form(tenant_b, stores["bravo"], "Spring Sale")
    # Then the second gets the next free id
    base = store_campaign_id(stores["alpha"], "spring-sale-2026")
    assert (first.amazon_campaign_id, second.amazon_campaign_id) == (base, f"{base}-2")


def test_a_failed_create_releases_its_id(connected_stores, tenant_a, tenant_b):
    from django.core.exceptions import ValidationError

    store = stores_by_country(connected_stores["alpha"])["US"]
    with tenant_scope(tenant_a.org):
        plan = tracking_plan_create(store=store, publisher_id=INFLUENCER_PUBLISHER, name="Plan")
        with pytest.raises(ValidationError):
            campaign_create(
                store=store,
                tracking_plan=plan,
                name="Spring Sale",
                starts_on=date(2026, 4, 1),
                ends_on=date(2026, 3, 1),
                default_commission_rate=Decimal("8"),
            )
        campaign = campaign_create(
            store=store,
            tracking_plan=plan,
            name="Spring Sale",
            starts_on=date(2026, 4, 1),
            default_commission_rate=Decimal("8"),
        )
    assert campaign.amazon_campaign_id == store_campaign_id(store, "spring-sale-2026")


# --- ids handed out before the registry --------------------------------------------------------


def legacy_campaign(tenant, store: Store, amazon_id: str, name: str = "Spring") -> Campaign:
    """A campaign made before ids were unique across stores (its id is on creators' posts)."""
    with tenant_scope(tenant.org):
        plan = TrackingPlan.objects.filter(store=store, name="Legacy").first()
    plan = plan or TrackingPlanFactory(
        store=store,
        name="Legacy",
        publisher_id="105",
        publisher_name="Influencer",
        template_tag="maas=x&ref_=aa_maas&tag=maas",
    )
    return CampaignFactory(
        store=store,
        tracking_plan=plan,
        name=name,
        starts_on=date(2026, 3, 1),
        status="active",
        default_commission_rate=Decimal("10.00"),
        amazon_campaign_id=amazon_id,
    )


def register_existing_ids() -> None:
    """Run the data migration that fills the registry from existing campaigns."""
    migration = importlib.import_module("campaigns.migrations.0004_minted_campaign_ids")
    MintedCampaignId.objects.all().delete()
    migration.register_existing_ids(apps, SimpleNamespace(connection=connection))


def test_the_campaign_page_warns_when_an_existing_id_is_shared(
    connected_stores, tenant_a, tenant_b
):
    alpha = stores_by_country(connected_stores["alpha"])
    bravo = stores_by_country(connected_stores["bravo"])
    # Given "spring-2026" was handed out in alpha's US and CA stores and in bravo's US store,
    # and "solo-2026" only in alpha's US store
    a_us = legacy_campaign(tenant_a, alpha["US"], "spring-2026")
    legacy_campaign(tenant_a, alpha["CA"], "spring-2026")
    b_us = legacy_campaign(tenant_b, bravo["US"], "spring-2026")
    solo = legacy_campaign(tenant_a, alpha["US"], "solo-2026", name="Solo")
    # When the registry is filled from them (the data migration, across row-level security)
    register_existing_ids()
    assert (
        MintedCampaignId.objects.get(digest=amazon_ids.campaign_id_digest("spring-2026")).stores
        == 3
    )

    # Then the campaign pages warn, naming the organisation's own stores only
    page = tenant_a.client().get(f"/o/alpha/campaigns/{a_us.pk}/").content.decode()
    assert 'The Amazon campaign id <span class="mono">spring-2026</span> is also used by' in page
    assert f"your store {alpha['CA']}" in page and "1 store of another organisation" in page
    assert str(bravo["US"]) not in page
    page = tenant_b.client().get(f"/o/bravo/campaigns/{b_us.pk}/").content.decode()
    assert "2 stores of another organisation" in page and "your store" not in page
    # the ids stay as they are (they are printed on creators' posts)
    with tenant_scope(tenant_a.org):
        assert Campaign.objects.get(pk=a_us.pk).amazon_campaign_id == "spring-2026"
    # an id only one store uses, and a newly minted one, get no warning
    page = tenant_a.client().get(f"/o/alpha/campaigns/{solo.pk}/").content.decode()
    assert "is also used by" not in page
    new = create_through_the_form(tenant_a, alpha["US"], "Spring Again")
    page = tenant_a.client().get(f"/o/alpha/campaigns/{new.pk}/").content.decode()
    assert "is also used by" not in page
    # and no new campaign can take an id handed out before
    from campaigns.services.campaigns import campaign_id_claim

    assert not campaign_id_claim("spring-2026") and not campaign_id_claim("solo-2026")
    assert campaign_id_claim("never-handed-out-2026")


def test_the_store_mark_is_short_stable_and_differs_per_marketplace():
    us = amazon_ids.store_mark(country_code="US", advertiser_id="1234567890")
    assert us == amazon_ids.store_mark(country_code="us", advertiser_id="1234567890")
    assert us.startswith("us-") and len(us) == 7 and amazon_ids.amazon_id_problem(us) is None
    assert amazon_ids.store_mark(country_code="CA", advertiser_id="1234567890")[3:] != us[3:]
    assert amazon_ids.store_mark(country_code="US", advertiser_id="", profile_id=7) != us
    assert amazon_ids.campaign_id_base("Spring Launch", 2026, us) == f"spring-launch-2026-{us}"
    assert amazon_ids.campaign_id_base("Spring Launch", 2026) == "spring-launch-2026"
