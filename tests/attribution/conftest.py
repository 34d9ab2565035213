"""Fixtures for the Amazon side: a store with real (sandbox) traffic."""

from __future__ import annotations

import pytest

from attribution.models import Store
from attribution.services import ads_client
from tenancy.scoping import tenant_scope
from tests.conftest import sandbox_control

LINKS = [
    {"campaignId": "spring", "adGroupId": "jane", "creativeId": "jane-1", "asin": "B0AAAAAAA1"},
    {"campaignId": "spring", "adGroupId": "jane", "creativeId": "jane-2", "asin": "B0AAAAAAA2"},
    {"campaignId": "spring", "adGroupId": "omar", "creativeId": "omar-1", "asin": "B0AAAAAAA1"},
    {"campaignId": "summer", "adGroupId": "lee", "creativeId": "lee-1", "asin": "B0AAAAAAA3"},
]


@pytest.fixture
def us_store(connected_stores, tenant_a, amazon_sandbox) -> Store:
    """Alpha's US store with three weeks of tagged traffic in the sandbox."""
    store = next(s for s in connected_stores["alpha"] if s.country_code == "US")
    with tenant_scope(tenant_a.org):
        store = Store.objects.select_related("connection").get(pk=store.pk)
        ads = ads_client(store.connection)
        publisher = ads.publishers(store.profile_id)[0]["id"]
        ads.non_macro_template_tags(
            store.profile_id, publisher_ids=[publisher], advertiser_ids=[store.advertiser_id]
        )
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": "2026-11-05T12:00:00Z"})
    sandbox_control(
        amazon_sandbox,
        "/sandbox/traffic",
        {
            "advertiserId": store.advertiser_id,
            "publisherId": publisher,
            "links": LINKS,
            "start": "2026-10-20",
            "end": "2026-10-31",
            "clicksPerDay": [1, 4],
        },
    )
    return store
