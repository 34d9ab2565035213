"""Issue 16: the workflow dashboard's top creators and links rank on Amazon's figures from the
memo and read our clicks only for those that can make the top (reporting.selectors.trends).
Whatever the ties at the cut, and when fewer than five sell (our clicks then decide), the
lists equal ranking every creator and link in Python over the rollups."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from attribution.models import Store
from attribution.rollups import KeyFilter, metric_ranges
from campaigns.models import AffiliateLink, CampaignCreator
from campaigns.rollups import CLICKS
from commissions.rollups import OWED
from core.rollups import scoped
from reporting.selectors.trends import TOP, overview_trends
from reporting.values import Period
from tenancy.scoping import tenant_scope
from tests.factories import (
    AffiliateLinkFactory,
    CampaignCreatorFactory,
    CampaignFactory,
    DailyMetricFactory,
    LinkClickDailyFactory,
    StoreFactory,
)

PERIOD = Period(date(2026, 10, 1), date(2026, 10, 10))
R = {"p": (PERIOD.start, PERIOD.end)}


def world(rng: random.Random, sales: list[int], purchases: list[int]) -> None:
    """One campaign, a creator (with one link) per entry; Amazon's ad-group and creative rows
    in the period and one before it; our clicks on random days."""
    store = StoreFactory(country_code="US")
    campaign = CampaignFactory(store=store)
    for i, (s, p) in enumerate(zip(sales, purchases, strict=True)):
        cc = CampaignCreatorFactory(campaign=campaign, amazon_adgroup_id=f"ag-{i}")
        link = AffiliateLinkFactory(campaign_creator=cc, amazon_creative_id=f"cr-{i}")
        for level, creative in (("adgroup", ""), ("creative", f"cr-{i}")):
            for day, share in ((date(2026, 10, 2), s), (date(2026, 9, 20), 100)):
                DailyMetricFactory(
                    store=store,
                    date=day,
                    level=level,
                    amazon_campaign_id=campaign.amazon_campaign_id,
                    amazon_adgroup_id=f"ag-{i}",
                    amazon_creative_id=creative,
                    sales=Decimal(share),
                    purchases=p if day >= PERIOD.start else 9,
                    clicks=rng.randint(0, 30),
                )
        for n in rng.sample(range(1, 12), rng.randint(0, 3)):
            LinkClickDailyFactory(link=link, date=date(2026, 10, n), clicks=rng.randint(1, 4))


def everything_ranked() -> tuple[list[tuple], list[tuple]]:
    """Every creator and link ranked in Python from the rollups: (id, sales, purchases, link
    clicks) of the first TOP."""
    amazon = metric_ranges(keys=KeyFilter(levels=("adgroup", "creative")), ranges=R)
    by_adgroup = {k[3]: f["p"] for k, f in amazon.items() if k[1] == "adgroup"}
    by_creative = {k[4]: f["p"] for k, f in amazon.items() if k[1] == "creative"}
    creator_clicks = scoped(CLICKS, scope="creator", ranges=R)
    link_clicks = scoped(CLICKS, scope="link", ranges=R)
    owed = scoped(OWED, scope="creator", ranges=R)
    creators: dict[int, list] = defaultdict(lambda: [Decimal(0), 0, 0, Decimal(0)])
    for cc in CampaignCreator.objects.all():
        row, figures = creators[cc.creator_id], by_adgroup.get(cc.amazon_adgroup_id)
        if figures:
            row[0] += figures["sales"]
            row[1] += figures["purchases"]
        row[2] += creator_clicks.get(cc.pk, {}).get("p", {}).get("clicks", 0)
        row[3] += owed.get(cc.pk, {}).get("p", {}).get("owed", 0)
    links = {}
    for link in AffiliateLink.objects.all():
        figures = by_creative.get(link.amazon_creative_id) or {"sales": 0, "purchases": 0}
        clicks = link_clicks.get(link.pk, {}).get("p", {}).get("clicks", 0)
        links[link.pk] = [figures["sales"], figures["purchases"], clicks, Decimal(0)]

    def first(rows: dict[int, list]) -> list[tuple]:
        kept = [(pk, *row) for pk, row in rows.items() if any(row)]
        kept.sort(key=lambda r: (-r[1], -r[2], -r[3], r[0]))
        return [r[:4] for r in kept[:TOP]]

    return first(creators), first(links)


SCENARIOS = {
    # six tie at the fifth place's sales and purchases: our clicks decide among them
    "ties at the cut": ([10, 10, 10, 10, 10, 10, 5, 0, 0], [1] * 9),
    # fewer than five sell: the rest are ranked by our clicks
    "fewer than five sell": ([10, 0, 0, 0, 0, 0, 0], [1, 2, 0, 0, 0, 0, 0]),
    "none sells": ([0] * 7, [0] * 7),
    "a sale without a purchase and a purchase without a sale": (
        [7, 0, 7, 3, 3, 9, 0, 1],
        [0, 4, 2, 0, 1, 1, 0, 0],
    ),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("seed", [1, 2])
def test_top_lists_equal_ranking_everything(tenant_a, scenario, seed):
    sales, purchases = SCENARIOS[scenario]
    with tenant_scope(tenant_a.org):
        world(random.Random(seed), sales, purchases)
        stores = list(Store.objects.all())
        trends = overview_trends(period=PERIOD, stores=stores, latest=PERIOD.end)
        creators, links = everything_ranked()
        for _ in range(2):  # the second time from the memo
            got_creators = [
                (r.creator.pk, r.sales, r.purchases, r.link_clicks)
                for r in trends.top_creators.get("USD", [])
            ]
            got_links = [
                (r.link.pk, r.sales, r.purchases, r.link_clicks)
                for r in trends.top_links.get("USD", [])
            ]
            assert got_creators == creators
            assert got_links == links
            trends = overview_trends(period=PERIOD, stores=stores, latest=PERIOD.end)
