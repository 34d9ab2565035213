"""Issue 16: the campaign tab's creators' and links' tables are searched, sorted and paginated in
PostgreSQL. Every sort key in both directions, searches and pages give exactly the rows, order
and figures that sorting the whole table in Python over the facts gives (ties in the table's
own order), and a page past the last shows the last one."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest

from reporting.selectors.performance_tables import SORTS, performance_table
from reporting.values import Period
from tenancy.scoping import tenant_scope
from tests.factories import (
    AffiliateLinkFactory,
    CampaignCreatorFactory,
    CampaignFactory,
    ConversionFactory,
    CreatorFactory,
    DailyMetricFactory,
    LinkClickDailyFactory,
    ProductFactory,
)

PERIOD = Period(date(2026, 10, 10), date(2026, 10, 20))
DAYS = [date(2026, 10, 5) + timedelta(days=n) for n in range(20)]  # some outside the period


@pytest.fixture
def table_world(tenant_a):
    """A campaign with 9 creators (two share a name, one has no handle), up to 2 links each
    (one to the store page), and Amazon rows, our clicks and conversions on random days."""
    rng = random.Random(16)
    with tenant_scope(tenant_a.org):
        campaign = CampaignFactory(amazon_campaign_id="big")
        product = ProductFactory(campaign=campaign, asin="B0TABLE001", title="Table lamp")
        creators, links = [], []
        expected = {"creators": {}, "links": {}}
        for i in range(9):
            creator = CreatorFactory(
                name="Sam" if i in (2, 5) else f"Creator {chr(65 + i)}",
                handle="" if i == 4 else f"@c{i}",
                email=f"c{i}@example.test",
            )
            cc = CampaignCreatorFactory(
                campaign=campaign,
                creator=creator,
                amazon_adgroup_id=f"ag-{i}",
                commission_rate_override=Decimal("12.50") if i == 3 else None,
            )
            creators.append(cc)
            row = defaultdict(int, label=creator.name, sublabel=creator.handle or creator.email)
            row["commission"] = Decimal(0)
            row["sales"] = Decimal(0)
            expected["creators"][cc.pk] = row
            for j in range(i % 3):
                link = AffiliateLinkFactory(
                    campaign_creator=cc,
                    product=product if j == 0 else None,
                    amazon_creative_id=f"ag-{i}-cr-{j}",
                )
                links.append(link)
                lrow = defaultdict(int, label="Table lamp" if j == 0 else "Store page")
                lrow["sublabel"] = creator.name
                lrow["sales"] = Decimal(0)
                lrow["commission"] = Decimal(0)
                expected["links"][link.pk] = lrow
        for day in DAYS:
            inside = PERIOD.start <= day <= PERIOD.end
            for cc in creators:
                if rng.random() < 0.6:
                    clicks, sales = rng.randint(0, 3) * 5, Decimal(rng.randint(0, 4) * 25)
                    DailyMetricFactory(
                        store=campaign.store,
                        date=day,
                        level="adgroup",
                        amazon_campaign_id="big",
                        amazon_adgroup_id=cc.amazon_adgroup_id,
                        clicks=clicks,
                        detail_page_views=clicks // 5,
                        purchases=int(sales // 25),
                        sales=sales,
                    )
                    if inside:
                        row = expected["creators"][cc.pk]
                        row["clicks"] += clicks
                        row["dpv"] += clicks // 5
                        row["purchases"] += int(sales // 25)
                        row["sales"] += sales
                if rng.random() < 0.5:
                    commission = Decimal(rng.randint(0, 3) * 2)
                    ConversionFactory(campaign_creator=cc, date=day, commission=commission)
                    if inside:
                        expected["creators"][cc.pk]["commission"] += commission
            for link in links:
                if rng.random() < 0.5:
                    clicks = rng.randint(0, 2) * 5
                    DailyMetricFactory(
                        store=campaign.store,
                        date=day,
                        level="creative",
                        amazon_campaign_id="big",
                        amazon_adgroup_id=link.campaign_creator.amazon_adgroup_id,
                        amazon_creative_id=link.amazon_creative_id,
                        clicks=clicks,
                        sales=Decimal(clicks * 3),
                    )
                    if inside:
                        expected["links"][link.pk]["clicks"] += clicks
                        expected["links"][link.pk]["sales"] += Decimal(clicks * 3)
                if rng.random() < 0.5:
                    n = rng.randint(0, 3)
                    LinkClickDailyFactory(link=link, date=day, clicks=n)
                    if inside:
                        expected["links"][link.pk]["link_clicks"] += n
                        expected["creators"][link.campaign_creator_id]["link_clicks"] += n
    return tenant_a, campaign, expected


def _reference(expected: dict, *, q: str, sort: str, descending: bool) -> list[int]:
    rows = sorted(expected.items())  # the table's own order: by id
    if q:
        rows = [(k, r) for k, r in rows if q in r["label"].lower() or q in r["sublabel"].lower()]

    def key(item):  # type: ignore[no-untyped-def]
        return item[1]["label"].lower() if sort == "name" else item[1][sort]

    return [k for k, _ in sorted(rows, key=key, reverse=descending)]


@pytest.mark.parametrize("name", ["creators", "links"])
def test_every_sort_search_and_page_equals_sorting_everything_in_python(table_world, name):
    tenant, campaign, expected = table_world
    with tenant_scope(tenant.org):
        for q in ("", "sam", "lamp", "@c1", "nothing matches"):
            for sort in SORTS:
                for descending in (True, False):
                    want = _reference(expected[name], q=q, sort=sort, descending=descending)
                    got: list[int] = []
                    pages = max(1, -(-len(want) // 4))
                    for page in range(1, pages + 1):
                        t = performance_table(
                            campaign=campaign,
                            period=PERIOD,
                            name=name,
                            q=q,
                            sort=sort,
                            descending=descending,
                            page=page,
                            per_page=4,
                        )
                        assert (t["count"], t["pages"], t["page"]) == (len(want), pages, page)
                        got += [int(r.key) for r in t["rows"]]
                        for r in t["rows"]:
                            e = expected[name][int(r.key)]
                            assert (r.label, r.sublabel) == (e["label"], e["sublabel"])
                            assert r.totals.sales == e["sales"] and r.totals.clicks == e["clicks"]
                            assert r.totals.link_clicks == e["link_clicks"]
                            assert r.totals.commission == e["commission"]
                    assert got == want, (q, sort, descending)
        past = performance_table(campaign=campaign, period=PERIOD, name=name, page=99, per_page=4)
        assert past["page"] == past["pages"] and past["rows"]


def test_creator_rows_carry_their_rate_and_link_rows_their_link(table_world):
    tenant, campaign, _ = table_world
    with tenant_scope(tenant.org):
        creators = performance_table(campaign=campaign, period=PERIOD, name="creators", per_page=50)
        links = performance_table(campaign=campaign, period=PERIOD, name="links", per_page=50)
    rates = {r.label: r.commission_rate for r in creators["rows"]}
    assert rates["Creator D"] == Decimal("12.50") and rates["Creator A"] == Decimal("10.00")
    assert all(r.link is None for r in creators["rows"])
    assert all(
        r.link is not None and r.link.code and r.commission_rate is None for r in links["rows"]
    )
