"""Store and campaign totals are Amazon's CAMPAIGN-level report, exactly, on every dashboard, in
the API and in the export's `day` and `campaign` rows; creators come from the ADGROUP level,
and the difference (a creator still under Amazon's 10-click threshold) is named on the pages."""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from api.services import api_key_create
from attribution.models import Store
from attribution.services import ads_client
from attribution.sync import pull as pull_module
from attribution.sync.pull import METRIC_COLUMNS, row_values
from reporting.selectors.levels import NOT_ATTRIBUTED
from reporting.selectors.overview import organization_overview
from reporting.selectors.performance import campaign_performance
from reporting.values import Period
from tenancy.scoping import tenant_scope
from tests.factories import CampaignCreatorFactory
from tests.support.amazon import sandbox_control
from tests.support.api import client_for
from tests.support.reporting import export, read_csv, table_rows
from tests.support.sync import WINDOW, sync

PERIOD = Period(WINDOW.start, WINDOW.end)
KIM = {"campaignId": "spring", "adGroupId": "kim", "creativeId": "kim-1", "asin": "B0AAAAAAA4"}
CSV_METRICS = (
    "clicks",
    "detail_page_views",
    "add_to_cart",
    "purchases",
    "units_sold",
    "sales",
    "total_purchases",
    "total_units_sold",
    "total_sales",
    "brand_referral_bonus",
)


def amazon_report(store: Store, level: str) -> dict[tuple[str, str], dict[str, Decimal]]:
    """Amazon's report for the window at one level (asked for here, as Amazon documents it:
    `groupBy` CAMPAIGN or ADGROUP), summed per (date, campaign id)."""
    with tenant_scope(store.organization_id):
        ads = ads_client(Store.objects.select_related("connection").get(pk=store.pk).connection)
    body = pull_module.report_body("adgroup", WINDOW.start, WINDOW.end, store.advertiser_id)
    body["groupBy"] = level.upper()
    out: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for page in ads.report_pages(store.profile_id, body):
        for raw in page:
            row = dict(zip(pull_module.COLUMNS, row_values(level, raw, 2), strict=True))
            for name in METRIC_COLUMNS:
                out[(row["date"], row["amazon_campaign_id"])][name] += Decimal(row[name])
    return out


def total(report, where=lambda day, campaign: True) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(Decimal)
    for (day, campaign), values in report.items():
        if where(day, campaign):
            for name, value in values.items():
                out[name] += value
    return {name: out[name] for name in METRIC_COLUMNS}


def figures(totals) -> dict[str, Decimal]:
    return {name: Decimal(getattr(totals, name)) for name in METRIC_COLUMNS}


@pytest.fixture
def masked_creator(campaign, us_store, amazon_sandbox, tenant_a):
    """Spring's new creator Kim: nine clicks in the window, every one a sale, which Amazon
    counts in the campaign's row but masks in her ad group's (under 10 lifetime clicks)."""
    with tenant_scope(tenant_a.org):
        ads = ads_client(Store.objects.select_related("connection").get(pk=us_store.pk).connection)
        publisher = ads.publishers(us_store.profile_id)[0]["id"]
    kim = CampaignCreatorFactory(
        campaign=campaign,
        creator__name="Kim",
        creator__email="kim@creators.test",
        status="active",
        amazon_adgroup_id="kim",
    ).creator
    body = {
        "advertiserId": us_store.advertiser_id,
        "publisherId": publisher,
        "link": KIM,
        "start": "2026-10-22",
        "end": "2026-10-28",
    }
    assert sandbox_control(amazon_sandbox, "/sandbox/masked_history", body)["added"] == 9
    assert sync(us_store).status == "succeeded"
    return kim


def test_totals_everywhere_are_amazons_campaign_level_and_the_gap_is_named(
    masked_creator, campaign, us_store, tenant_a, tenant_b
):
    report = amazon_report(us_store, "campaign")
    adgroups = amazon_report(us_store, "adgroup")
    store_total = total(report)
    spring = total(report, lambda day, c: c == "spring")
    gap = {n: spring[n] - total(adgroups, lambda day, c: c == "spring")[n] for n in spring}
    assert gap["sales"] > 0 and gap["purchases"] >= 9  # Kim's masked sales

    with tenant_scope(tenant_a.org):
        overview = organization_overview(period=PERIOD)
        perf = campaign_performance(campaign=campaign, period=PERIOD, today=date(2026, 11, 22))
        perf_creators = table_rows(campaign, PERIOD, "creators")
    line = next(s for s in overview.stores if s.store.pk == us_store.pk)
    spring_line = next(c for c in overview.campaigns if c.campaign.pk == campaign.pk)
    # the workflow dashboard: store and campaign totals, and the named difference
    assert figures(line.totals) == store_total
    assert figures(spring_line.totals) == spring
    assert figures(spring_line.not_attributed) == gap
    assert figures(line.not_attributed) == gap  # "summer" has no masked ad group
    # the campaign page: KPIs, daily series, the named difference, creators from ad groups
    assert figures(perf.current) == spring
    assert figures(perf.not_attributed) == gap
    series = {d["date"]: d for d in perf.series}
    for (day, campaign_id), values in report.items():
        if campaign_id == "spring":
            assert Decimal(series[day]["sales"]) == values["sales"]
            assert series[day]["clicks"] == values["clicks"]
    kim = next(r for r in perf_creators if r.label == "Kim")
    assert kim.totals.sales == 0 and kim.masked

    client = tenant_a.client()
    range_ = {"range": "custom", "start": WINDOW.start, "end": WINDOW.end}
    page = html.unescape(client.get("/o/alpha/", range_).content.decode())
    assert f"${store_total['sales']:,.2f}" in page and f"${spring['sales']:,.2f}" in page
    assert f"Sales {NOT_ATTRIBUTED}" in page and f"${gap['sales']:,.2f}" in page
    page = html.unescape(
        client.get(f"/o/alpha/campaigns/{campaign.pk}/performance/", range_).content.decode()
    )
    assert f"${spring['sales']:,.2f}" in page
    assert (
        f"${gap['sales']:,.2f} in sales, {gap['purchases']} purchases and "
        f"{gap['clicks']} Amazon clicks of this period are {NOT_ATTRIBUTED}."
    ) in " ".join(page.split())

    # the export's day and campaign rows: Amazon's campaign level, day by day
    day_rows = read_csv(export(client, group_by="day", stores=[us_store.pk]))
    for row in day_rows:
        expected = total(report, lambda day, c, d=row["date"]: day == d)
        assert {n: Decimal(row[n]) for n in CSV_METRICS} == {n: expected[n] for n in CSV_METRICS}
    campaign_rows = read_csv(export(client, group_by="campaign", stores=[us_store.pk]))
    for row in campaign_rows:
        name = {"Spring": "spring", "": "summer"}[row["campaign"]]
        expected = report[(row["date"], name)]
        assert {n: Decimal(row[n]) for n in CSV_METRICS} == {n: expected[n] for n in CSV_METRICS}
    assert len(campaign_rows) == len(report)

    # the API: the same rows
    with tenant_scope(tenant_a.org):
        _, raw = api_key_create(name="Check", role="admin", created_by=tenant_a.owner)
    api = client_for(raw)
    params = {"start": WINDOW.start, "end": WINDOW.end, "page_size": 500}
    days = api.get("/api/v1/daily-metrics/", {**params, "group_by": "day"}).json()["results"]
    assert {d["date"]: (d["clicks"], d["sales"]) for d in days} == {
        r["date"]: (int(r["clicks"]), r["sales"]) for r in day_rows
    }
    rows = api.get("/api/v1/daily-metrics/", {**params, "group_by": "campaign"}).json()["results"]
    spring_api = [r for r in rows if r["campaign"] == campaign.pk]
    assert sum(Decimal(r["sales"]) for r in spring_api) == spring["sales"]
    assert sum(r["purchases"] for r in spring_api) == spring["purchases"]
    # the creator rows stay the ad-group level (Kim's masked sales are not hers yet)
    creators = read_csv(export(client, group_by="creator", stores=[us_store.pk]))
    assert sum(Decimal(r["sales"]) for r in creators if r["creator"] == "Kim") == 0

    # the other tenant sees none of it
    other = tenant_b.client().get("/o/bravo/", range_).content.decode()
    assert f"{store_total['sales']:,.2f}" not in other


def test_without_masked_creators_the_pages_name_no_difference(campaign, us_store, tenant_a):
    sync(us_store)
    client = tenant_a.client()
    range_ = {"range": "custom", "start": WINDOW.start, "end": WINDOW.end}
    for url in ("/o/alpha/", f"/o/alpha/campaigns/{campaign.pk}/performance/"):
        page = html.unescape(client.get(url, range_).content.decode())
        assert NOT_ATTRIBUTED not in page, url
