"""The overview worth opening (issue 15): the daily trend per currency with provisional days
marked, today's link clicks as real time, an explanation for an empty period, the top creators
and links; the campaign list's period figures; a creator's own page. Every figure equals the
one the campaign's performance page shows for the same period, and query counts do not grow
with the data."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from attribution.models import DailyMetric
from commissions.models import Conversion
from core import clock
from reporting.selectors.overview import organization_overview
from reporting.selectors.performance_tables import performance_table
from reporting.values import Period
from tenancy.scoping import tenant_scope
from tests.factories import (
    AffiliateLinkFactory,
    CampaignCreatorFactory,
    CampaignFactory,
    ConversionFactory,
    DailyMetricFactory,
    LinkClickDailyFactory,
)
from tests.support.queries import cold_queries_for
from tests.support.reporting import spring_links
from tests.support.sync import WINDOW, sync

# 12:00 UTC on 1 Dec: 04:00 in Los Angeles; the latest complete day is 30 Nov, so Amazon can
# still restate the days from 3 Nov on (28 days back from 1 Dec)
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PROVISIONAL_FROM = date(2026, 11, 3)
RANGE = f"?range=custom&start={WINDOW.start}&end={WINDOW.end}"
PERIOD = Period(WINDOW.start, WINDOW.end)


@pytest.fixture(autouse=True)
def at_noon(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def flat(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def between(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_the_trend_has_every_day_of_the_period_per_currency(campaign, us_store, tenant_a):
    sync(us_store)
    with tenant_scope(tenant_a.org):
        facts = DailyMetric.objects.filter(
            store=us_store, level="campaign", date__range=(WINDOW.start, WINDOW.end)
        )
        sales = facts.aggregate(s=Sum("sales"))["s"]
        clicks = facts.aggregate(s=Sum("clicks"))["s"]
    html = tenant_a.client().get("/o/alpha/" + RANGE).content.decode()
    series = json.loads(
        re.search(
            r'<script id="trend-usd-series" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    assert [d["date"] for d in series] == [
        (WINDOW.start + timedelta(days=n)).isoformat() for n in range(WINDOW.days)
    ]
    assert sum(Decimal(d["sales"]) for d in series) == sales
    assert sum(d["clicks"] for d in series) == clicks
    assert {d["date"] for d in series if d["provisional"]} == {
        d["date"] for d in series if date.fromisoformat(d["date"]) >= PROVISIONAL_FROM
    }
    # the chart (Chart.js from a file: no inline script) and its table, in the currency's format
    assert 'data-trend="trend-usd-series"' in html and "/static/js/trends.js" in html
    assert f"${sales:,.2f} in sales" in flat(html)
    assert "<script>" not in html


def test_link_clicks_of_today_are_shown_as_real_time(campaign, us_store, tenant_a):
    sync(us_store)
    link = spring_links(campaign)["jane-1"]
    with tenant_scope(tenant_a.org):
        LinkClickDailyFactory(link=link, date=us_store.today(), clicks=1234)
        LinkClickDailyFactory(link=link, date=date(2026, 11, 10), clicks=5)
    html = flat(tenant_a.client().get("/o/alpha/").content.decode())
    assert "1,234 link clicks today (ours, real time, not in the range)" in html
    # the period (1-30 Nov) counts the day in it, not today
    assert "5 link clicks (ours)" in html
    performance = flat(
        tenant_a.client().get(f"/o/alpha/campaigns/{campaign.pk}/performance/").content.decode()
    )
    assert "Real time: 1,234 today, not in the range" in performance


def test_an_empty_period_is_explained_not_drawn(campaign, us_store, tenant_a):
    html = flat(tenant_a.client().get("/o/alpha/").content.decode())
    assert "No sales and no clicks from 1 Nov 2026 to 30 Nov 2026." in html
    assert "has no Amazon data yet" in html and "last 90 days" in html
    assert "<canvas" not in html and "chart.umd" not in html
    performance = flat(
        tenant_a.client().get(f"/o/alpha/campaigns/{campaign.pk}/performance/").content.decode()
    )
    assert "No clicks and no sales from 1 Nov 2026 to 30 Nov 2026." in performance
    assert "this store has no Amazon data yet" in performance
    assert 'id="performance-chart"' not in performance


def test_top_creators_and_links_equal_the_campaign_page(campaign, us_store, tenant_a):
    links = spring_links(campaign)
    sync(us_store)
    with tenant_scope(tenant_a.org):
        for n, creative in enumerate(("jane-1", "jane-2", "omar-1")):
            LinkClickDailyFactory(link=links[creative], date=date(2026, 11, 1), clicks=10 + n)
        creators = {row.label: row.totals for row in all_rows(campaign, "creators")}
        link_rows = {row.link.amazon_creative_id: row.totals for row in all_rows(campaign, "links")}
    assert creators["Jane"].sales > creators["Omar"].sales > 0

    html = flat(tenant_a.client().get("/o/alpha/" + RANGE).content.decode())
    top_creators = between(html, 'id="top-creators-h"', "</section>")
    assert top_creators.index("Jane") < top_creators.index("Omar")
    for totals in creators.values():
        assert f"${totals.sales:,.2f}" in top_creators
        assert f"${totals.commission:,.2f}" in top_creators
    assert f"{creators['Jane'].link_clicks:,}" in top_creators

    top_links = between(html, 'id="top-links-h"', "</section>")
    for creative, totals in link_rows.items():
        assert f"/o/alpha/links/{links[creative].pk}/" in top_links
        assert f"${totals.sales:,.2f}" in top_links
    assert "Trail tent" in top_links and "Jane · Spring" in top_links


def test_the_campaign_list_shows_each_campaigns_period_figures(campaign, us_store, tenant_a):
    sync(us_store)
    with tenant_scope(tenant_a.org):
        line = next(
            c for c in organization_overview(period=PERIOD).campaigns if c.campaign == campaign
        )
    assert line.totals.sales and line.totals.commission
    html = flat(tenant_a.client().get("/o/alpha/campaigns/" + RANGE).content.decode())
    row = re.search(r"Spring</a>.*?</tr>", html).group(0)
    assert f"${line.totals.sales:,.2f}" in row and f"${line.totals.commission:,.2f}" in row


def test_a_creator_page_shows_performance_earnings_and_links(campaign, us_store, tenant_a):
    links = spring_links(campaign)
    sync(us_store)
    with tenant_scope(tenant_a.org):
        jane = campaign.campaign_creators.get(amazon_adgroup_id="jane").creator
        owed = {
            status: total
            for status, total in Conversion.objects.filter(creator=jane)
            .with_owed()
            .values_list("status")
            .annotate(Sum("owed"))
        }
        row = next(r.totals for r in all_rows(campaign, "creators") if r.label == "Jane")
        link_rows = {r.link.amazon_creative_id: r.totals for r in all_rows(campaign, "links")}
    html = flat(tenant_a.client().get(f"/o/alpha/creators/{jane.pk}/" + RANGE).content.decode())

    campaigns = between(html, 'id="creator-campaigns"', "</table>")
    assert "Spring" in campaigns
    assert f"${row.sales:,.2f}" in campaigns and f"${row.commission:,.2f}" in campaigns
    assert f'Sales, USD</p><p class="kpi-value">${row.sales:,.2f}' in html

    earnings = between(html, 'id="creator-earnings"', "</table>")
    assert owed and all(f"${amount:,.2f}" in earnings for amount in owed.values())
    assert "Pending" in earnings

    table = between(html, 'id="creator-links"', "</table>")
    for creative in ("jane-1", "jane-2"):
        assert links[creative].code in table
        assert f"${link_rows[creative].sales:,.2f}" in table
    assert links["omar-1"].code not in table


def test_thousands_separators_and_the_currencys_own_decimals(tenant_a):
    """A JPY store shows no decimals, a USD store two, both with thousands separators."""
    from tests.support.worlds import formatted_stores

    usd, jpy = formatted_stores(tenant_a)
    with tenant_scope(tenant_a.org):
        for store, amount in ((usd, Decimal("1234567.89")), (jpy, Decimal("7654321"))):
            campaign = CampaignFactory(store=store, name=f"Big {store.currency_code}")
            DailyMetricFactory(
                store=store,
                level="campaign",
                date=date(2026, 11, 20),
                amazon_campaign_id=campaign.amazon_campaign_id,
                amazon_adgroup_id="",
                clicks=12,
                sales=amount,
                total_sales=amount,
            )
    html = flat(tenant_a.client().get("/o/alpha/").content.decode())
    assert "$1,234,567.89 in sales" in html and "¥7,654,321 in sales" in html
    campaigns = flat(tenant_a.client().get("/o/alpha/campaigns/").content.decode())
    assert "$1,234,567.89" in campaigns and "¥7,654,321" in campaigns
    assert "¥7,654,321.00" not in html + campaigns


def _more_of_everything(campaign, n: int) -> None:
    """n more campaigns with a creator, a link, Amazon rows at every level over ten days, our
    clicks and a conversion each."""
    store = campaign.store
    for i in range(n):
        other = CampaignFactory(store=store, tracking_plan=campaign.tracking_plan)
        cc = CampaignCreatorFactory(campaign=other, status="active")
        link = AffiliateLinkFactory(campaign_creator=cc)
        for day in range(10):
            on = WINDOW.start + timedelta(days=day)
            for level, adgroup, creative in (
                ("campaign", "", ""),
                ("adgroup", cc.amazon_adgroup_id, ""),
                ("creative", cc.amazon_adgroup_id, link.amazon_creative_id),
            ):
                DailyMetricFactory(
                    store=store,
                    date=on,
                    level=level,
                    amazon_campaign_id=other.amazon_campaign_id,
                    amazon_adgroup_id=adgroup,
                    amazon_creative_id=creative,
                    clicks=20 + i,
                    purchases=2,
                    sales=Decimal("30.00") + i,
                )
            LinkClickDailyFactory(link=link, date=on, clicks=25)
        ConversionFactory(campaign_creator=cc, date=WINDOW.start, sales=Decimal("300"))


def test_query_counts_do_not_grow_with_the_data(campaign, us_store, tenant_a):
    links = spring_links(campaign)
    sync(us_store)
    client = tenant_a.client()
    with tenant_scope(tenant_a.org):
        jane = campaign.campaign_creators.get(amazon_adgroup_id="jane").creator
    urls = ("/o/alpha/" + RANGE, "/o/alpha/campaigns/" + RANGE, f"/o/alpha/creators/{jane.pk}/")
    for url in urls:
        client.get(url)
    before = [cold_queries_for(client, url) for url in urls]
    with tenant_scope(tenant_a.org):
        _more_of_everything(campaign, 8)
        # and Jane in more campaigns, with more links
        for _ in range(4):
            other = CampaignFactory(store=us_store, tracking_plan=campaign.tracking_plan)
            cc = CampaignCreatorFactory(campaign=other, creator=jane, status="active")
            AffiliateLinkFactory(campaign_creator=cc)
        LinkClickDailyFactory(link=links["jane-2"], date=WINDOW.end, clicks=3)
    assert [cold_queries_for(client, url) for url in urls] == before
    # (each with the session read from the database: the cache was cleared)
    assert before[0] <= 36 and before[1] <= 18 and before[2] <= 22, before


def all_rows(campaign, name: str) -> list:
    """Every row of the campaign tab's creators or links table over PERIOD (one page)."""
    return performance_table(campaign=campaign, period=PERIOD, name=name, per_page=10_000)["rows"]
