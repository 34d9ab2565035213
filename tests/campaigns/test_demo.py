"""The demo data for `make run`: complete, tenant-scoped and idempotent."""

from __future__ import annotations

from campaigns.models import AffiliateLink, Campaign, ClickEvent, LinkClickDaily, TrackingPlan
from creators.models import Creator
from demo.campaigns import demo_campaigns_ensure
from tenancy.scoping import tenant_scope
from tests.support.campaigns import us_store_of


def _counts(org):
    with tenant_scope(org):
        return (
            TrackingPlan.objects.count(),
            Campaign.objects.count(),
            Creator.objects.count(),
            AffiliateLink.objects.count(),
            ClickEvent.objects.count(),
            sum(LinkClickDaily.objects.filter(sub_id="").values_list("raw_hits", flat=True)),
        )


def test_demo_campaigns_are_complete_and_idempotent(connected_stores, tenant_a, tenant_b):
    store = us_store_of(connected_stores["alpha"])
    spring, gifts = demo_campaigns_ensure(tenant_a.org, store)
    first = _counts(tenant_a.org)
    # 6 creators x (4 products + store page) + 4 creators x 3 products
    assert first[:4] == (1, 2, 6, 6 * 5 + 4 * 3)
    # no clicks yet: shoppers come later, and only to these marked campaigns (demo/traffic.py)
    assert first[4] == 0
    with tenant_scope(tenant_a.org):
        assert spring.is_demo and gifts.is_demo
        assert Campaign.objects.filter(is_demo=True).count() == 2
    demo_campaigns_ensure(tenant_a.org, store)
    assert _counts(tenant_a.org) == first
    assert _counts(tenant_b.org) == (0, 0, 0, 0, 0, 0)
    with tenant_scope(tenant_a.org):
        assert (spring.status, gifts.status) == ("active", "draft")
        asins = sorted(spring.products.values_list("asin", flat=True))
    assert asins == ["B09T4R7WQN", "B0BX9HJ3MC", "B0C7KQ2ZL4", "B0D1F6PLV8"]
    page = tenant_a.client().get(f"/o/alpha/campaigns/{spring.pk}/").content.decode()
    assert "Jane Doe" in page and "12.00" in page
