"""Dashboards read stored facts: exact numbers, explained zeros, constant query counts."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from attribution.models import DailyMetric
from reporting.selectors.performance import campaign_performance
from reporting.values import Period
from tenancy.scoping import tenant_scope
from tests.factories import (
    AffiliateLinkFactory,
    CampaignCreatorFactory,
    DailyMetricFactory,
    LinkClickDailyFactory,
)
from tests.support.reporting import table_rows
from tests.support.sync import WINDOW, sync

RANGE = {"range": "custom", "start": WINDOW.start.isoformat(), "end": WINDOW.end.isoformat()}


def numbers(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_campaign_kpis_equal_the_stored_facts(campaign, us_store, tenant_a):
    sync(us_store)
    with tenant_scope(tenant_a.org):
        facts = DailyMetric.objects.filter(
            level="campaign", amazon_campaign_id="spring", date__range=(WINDOW.start, WINDOW.end)
        )
        expected = facts.aggregate(
            clicks=Sum("clicks"),
            purchases=Sum("purchases"),
            sales=Sum("sales"),
            total_sales=Sum("total_sales"),
            brb=Sum("brand_referral_bonus"),
        )
        perf = campaign_performance(
            campaign=campaign, period=Period(WINDOW.start, WINDOW.end), today=date(2026, 11, 22)
        )
        perf_creators = table_rows(campaign, Period(WINDOW.start, WINDOW.end), "creators")
    cur = perf.current
    assert (cur.clicks, cur.purchases, cur.sales, cur.total_sales, cur.brand_referral_bonus) == (
        expected["clicks"],
        expected["purchases"],
        expected["sales"],
        expected["total_sales"],
        expected["brb"],
    )
    assert cur.conversion_rate == (Decimal(cur.purchases) * 100 / cur.clicks).quantize(
        Decimal("0.01")
    )
    assert sum(Decimal(d["sales"]) for d in perf.series) == cur.sales
    assert len(perf.series) == WINDOW.days
    assert {r.label for r in perf_creators} == {"Jane", "Omar"}
    # every creator of this traffic has passed Amazon's threshold: nothing is unattributed
    assert sum(r.totals.sales for r in perf_creators) == cur.sales
    assert perf.not_attributed.has_amazon_counts is False

    page = tenant_a.client().get(f"/o/alpha/campaigns/{campaign.pk}/performance/", RANGE)
    assert page.status_code == 200
    html = numbers(page.content.decode())
    assert f"${cur.sales:,.2f}" in html  # the currency's own format
    assert "Amazon data through" in html and "the last 28 days can still change" in html
    assert "performance-series" in html and "chart.umd.min.js" in html


def test_masked_rows_say_why(campaign, us_store, tenant_a):
    """A creator with few clicks shows the threshold status from our own count."""
    cc = CampaignCreatorFactory(
        campaign=campaign,
        creator__name="Newbie",
        creator__email="new@creators.test",
        status="active",
        amazon_adgroup_id="newbie",
    )
    link = AffiliateLinkFactory(
        campaign_creator=cc,
        amazon_creative_id="newbie-1",
        code="NEWBIE01",
        destination_url="https://www.amazon.com/dp/B0AAAAAAA1?tag=maas",
    )
    LinkClickDailyFactory(link=link, date=WINDOW.end, clicks=7, raw_hits=9)
    sync(us_store)
    page = tenant_a.client().get(f"/o/alpha/campaigns/{campaign.pk}/performance/", RANGE)
    assert "3 more clicks until Amazon starts reporting (7 of 10 so far)" in page.content.decode()


def test_creator_table_sorts_searches_and_pages_with_htmx(campaign, us_store, tenant_a):
    sync(us_store)
    url = f"/o/alpha/campaigns/{campaign.pk}/performance/"
    client = tenant_a.client()
    r = client.get(url, {**RANGE, "table": "creators", "q": "jan"}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "<html" not in body and "Jane" in body and "Omar" not in body
    r = client.get(
        url, {**RANGE, "table": "creators", "sort": "name", "dir": "asc"}, HTTP_HX_REQUEST="true"
    )
    body = r.content.decode()
    assert body.index("Jane") < body.index("Omar")


def test_bad_ranges_are_explained(campaign, us_store, tenant_a):
    url = f"/o/alpha/campaigns/{campaign.pk}/performance/"
    r = tenant_a.client().get(url, {"range": "custom", "start": "2026-11-10", "end": "2026-11-01"})
    assert r.status_code == 200 and "The end date is before the start date." in r.content.decode()
    r = tenant_a.client().get(url, {"range": "custom", "start": "nope", "end": "x"})
    assert "Enter dates as YYYY-MM-DD" in r.content.decode()


def test_never_synced_store_says_so(campaign, us_store, tenant_a):
    page = tenant_a.client().get(f"/o/alpha/campaigns/{campaign.pk}/performance/")
    assert "No Amazon data yet" in page.content.decode()


def count_queries(client, url, params) -> int:
    """Statements of one GET with nothing memoized (as the first view after a sync)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_performance_query_count_is_constant(campaign, us_store, tenant_a):
    """The same number of queries for 2 or 27 creators, 26 or 86 days."""
    sync(us_store)
    client = tenant_a.client()
    url = f"/o/alpha/campaigns/{campaign.pk}/performance/"
    client.get(url, RANGE)
    small = count_queries(client, url, RANGE)
    for i in range(25):
        CampaignCreatorFactory(
            campaign=campaign,
            creator__name=f"Extra {i}",
            creator__email=f"extra{i}@c.test",
            amazon_adgroup_id=f"extra-{i}",
        )
    longer = {**RANGE, "start": (WINDOW.start - timedelta(days=60)).isoformat()}
    assert count_queries(client, url, longer) == small
    assert small <= 30


def test_workflow_dashboard_never_sums_currencies(
    campaign,
    us_store,
    connected_stores,
    tenant_a,
    tenant_b,
):
    sync(us_store)
    ca = next(s for s in connected_stores["alpha"] if s.country_code == "CA")
    for level, adgroup in (("adgroup", "y"), ("campaign", "")):
        DailyMetricFactory(
            store=ca,
            date=WINDOW.end,
            level=level,
            amazon_campaign_id="x",
            amazon_adgroup_id=adgroup,
            clicks=12,
            sales=Decimal("100.00"),
            total_sales=Decimal("100.00"),
        )
    with tenant_scope(tenant_a.org):
        usd = DailyMetric.objects.filter(
            store=us_store, level="campaign", date__range=(WINDOW.start, WINDOW.end)
        ).aggregate(s=Sum("sales"))["s"]
    html = numbers(tenant_a.client().get("/o/alpha/", RANGE).content.decode())
    assert f"${usd:,.2f}" in html and "CA$100.00" in html
    assert f"{usd + Decimal('100.00'):,.2f}" not in html
    assert "Awaiting approval" in html
    # bravo sees its own (empty) stores only
    other = numbers(tenant_b.client().get("/o/bravo/", RANGE).content.decode())
    assert f"{usd:,.2f}" not in other


def test_workflow_dashboard_query_count_is_constant(campaign, us_store, tenant_a):
    sync(us_store)
    client = tenant_a.client()
    client.get("/o/alpha/")
    # 30 and 90 days both hold the synced facts (an empty range skips the top lists' lookups)
    small = count_queries(client, "/o/alpha/", {"range": "30d"})
    assert count_queries(client, "/o/alpha/", {"range": "90d"}) == small
    assert count_queries(client, "/o/alpha/", {"range": "7d"}) <= small
    assert small <= 35  # (with the session read from the database: the cache was cleared)
    # viewed again: both top lists' period figures come from the memo, one read each fewer
    from tests.support.queries import queries_for

    first = queries_for(client, "/o/alpha/?range=30d")
    assert queries_for(client, "/o/alpha/?range=30d") == first - 2


def test_the_dashboard_reads_the_stores_versions_once_for_both_top_lists(
    campaign, us_store, tenant_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sync(us_store)
    with CaptureQueriesContext(connection) as ctx:
        assert tenant_a.client().get("/o/alpha/", {"range": "30d"}).status_code == 200
    assert sum("attribution_metricversion" in q["sql"] for q in ctx.captured_queries) == 1
