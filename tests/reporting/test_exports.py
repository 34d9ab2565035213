"""The aggregated export: exact numbers equal to the dashboards', formatting, formula
neutralisation, the CLI and its errors, and the background path with an expiring link."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from attribution.models import DailyMetric
from campaigns.models import CampaignCreator, Product
from commissions.models import Conversion
from reporting.models import Export
from reporting.selectors.overview import organization_overview
from reporting.selectors.performance import campaign_performance
from reporting.values import Period
from tenancy.scoping import tenant_scope
from tests.factories import (
    AffiliateLinkFactory,
    ConversionAdjustmentFactory,
    LinkClickDailyFactory,
    ProductFactory,
)
from tests.support.reporting import export, read_csv, table_rows
from tests.support.sync import WINDOW, sync

PERIOD = Period(WINDOW.start, WINDOW.end)
INTS = (
    "link_clicks",
    "clicks",
    "detail_page_views",
    "add_to_cart",
    "purchases",
    "units_sold",
    "total_purchases",
    "total_units_sold",
)
MONEY = ("sales", "total_sales", "brand_referral_bonus", "commission")


def sums(rows, where=lambda r: True) -> dict[str, Decimal]:
    total: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if where(row):
            for name in (*INTS, *MONEY):
                total[name] += Decimal(row[name] or 0)
    return total


def totals_of(t) -> dict[str, Decimal]:
    return {name: Decimal(getattr(t, name)) for name in (*INTS, *MONEY)}


@pytest.fixture
def traffic(campaign, us_store, tenant_a):
    """Alpha's synced US store, links for the spring creatives with our own clicks, and a
    clawback owed on top of one conversion (so commission includes adjustments)."""
    sync(us_store)
    with tenant_scope(tenant_a.org):
        ccs = {cc.amazon_adgroup_id: cc for cc in CampaignCreator.objects.filter(campaign=campaign)}
        products: dict[str, Product] = {}
        for creative, adgroup, asin in (
            ("jane-1", "jane", "B0AAAAAAA1"),
            ("jane-2", "jane", "B0AAAAAAA2"),
            ("omar-1", "omar", "B0AAAAAAA1"),
        ):
            if asin not in products:
                products[asin] = ProductFactory(campaign=campaign, asin=asin)
            link = AffiliateLinkFactory(
                campaign_creator=ccs[adgroup],
                product=products[asin],
                amazon_creative_id=creative,
                code=f"c{creative.replace('-', '')}",
                destination_url=f"https://www.amazon.com/dp/{asin}",
            )
            for offset, clicks in ((0, 5), (3, 7), (40, 100)):  # the last one is out of range
                day = WINDOW.start + timedelta(days=offset)
                LinkClickDailyFactory(link=link, date=day, clicks=clicks, raw_hits=clicks)
                LinkClickDailyFactory(link=link, date=day, sub_id="ig", clicks=2)
        conversion = Conversion.objects.filter(campaign=campaign).order_by("date").first()
        conversion.status = Conversion.Status.APPROVED
        conversion.save(update_fields=["status"])
        ConversionAdjustmentFactory(
            conversion=conversion, kind="clawback", included=False, commission=Decimal("-1.25")
        )
        assert Conversion.objects.count() > 2
    return us_store


def test_day_rows_equal_the_workflow_dashboard_per_store(traffic, tenant_a):
    rows = read_csv(export(tenant_a.client(), group_by="day"))
    with tenant_scope(tenant_a.org):
        overview = organization_overview(period=PERIOD)
    us = next(line for line in overview.stores if line.store.pk == traffic.pk)
    got = sums(rows, lambda r: r["marketplace"] == "US")
    assert got == totals_of(us.totals)
    assert got["commission"] != 0 and got["link_clicks"] == 3 * (5 + 7)
    # one row per date and store, dimension columns empty, dates inside the range
    keys = [(r["date"], r["store"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert all(r["campaign"] == r["creator"] == r["link"] == "" for r in rows)
    assert all(WINDOW.start.isoformat() <= r["date"] <= WINDOW.end.isoformat() for r in rows)
    assert {r["currency"] for r in rows if r["marketplace"] == "US"} == {"USD"}


def test_day_rows_are_exactly_the_stored_facts(traffic, tenant_a):
    rows = read_csv(export(tenant_a.client(), group_by="day", stores=[traffic.pk]))
    with tenant_scope(tenant_a.org):
        facts = {
            r["date"].isoformat(): r
            for r in DailyMetric.objects.filter(
                store=traffic, level="campaign", date__range=(WINDOW.start, WINDOW.end)
            )
            .values("date")
            .annotate(
                c=Sum("clicks"), p=Sum("purchases"), s=Sum("sales"), b=Sum("brand_referral_bonus")
            )
        }
    assert {r["date"] for r in rows} >= set(facts)
    for row in rows:
        fact = facts.get(row["date"])
        if fact is None:
            assert row["clicks"] == "0"
            continue
        assert (row["clicks"], row["purchases"]) == (str(fact["c"]), str(fact["p"]))
        assert (
            row["sales"] == f"{fact['s']:.2f}" and row["brand_referral_bonus"] == f"{fact['b']:.2f}"
        )
        if fact["c"]:
            rate = (Decimal(fact["p"]) * 100 / fact["c"]).quantize(Decimal("0.01"))
            assert row["conversion_rate"] == f"{rate}"
        else:
            assert row["conversion_rate"] == ""


def test_campaign_rows_equal_the_campaign_page_and_unmatched_rows_the_rest(
    traffic, campaign, tenant_a
):
    rows = read_csv(export(tenant_a.client(), group_by="campaign"))
    with tenant_scope(tenant_a.org):
        perf = campaign_performance(campaign=campaign, period=PERIOD, today=date(2026, 11, 22))
        overview = organization_overview(period=PERIOD)
    assert sums(rows, lambda r: r["campaign"] == "Spring") == totals_of(perf.current)
    us = next(line for line in overview.stores if line.store.pk == traffic.pk)
    unmatched = sums(rows, lambda r: r["campaign"] == "" and r["marketplace"] == "US")
    assert unmatched["total_sales"] == us.unmatched.total_sales > 0  # the "summer" campaign
    assert unmatched["clicks"] == us.unmatched.clicks
    assert sums(rows, lambda r: r["marketplace"] == "US") == totals_of(us.totals)
    assert {r["campaign"] for r in rows} == {"Spring", ""}
    assert all(r["creator"] == r["link"] == "" for r in rows)


def test_creator_rows_equal_the_campaign_page_creators(traffic, campaign, tenant_a):
    rows = read_csv(export(tenant_a.client(), group_by="creator"))
    with tenant_scope(tenant_a.org):
        perf_creators = table_rows(campaign, PERIOD, "creators")
    for line in perf_creators:
        assert sums(rows, lambda r, name=line.label: r["creator"] == name) == totals_of(line.totals)
    assert {r["creator"] for r in rows} == {"Jane", "Omar", ""}


def test_link_rows_come_from_the_creative_level_without_commission(traffic, campaign, tenant_a):
    rows = read_csv(export(tenant_a.client(), group_by="link"))
    with tenant_scope(tenant_a.org):
        perf_links = table_rows(campaign, PERIOD, "links")
        creative = DailyMetric.objects.filter(
            store=traffic, level="creative", date__range=(WINDOW.start, WINDOW.end)
        ).aggregate(s=Sum("total_sales"))["s"]
    for line in perf_links:
        got = sums(rows, lambda r, code=line.link.code: r["link"] == code)
        expected = totals_of(line.totals)
        for name in (*INTS, "sales", "total_sales"):
            assert got[name] == expected[name], name
    assert all(r["commission"] == "" for r in rows)
    assert sums(rows)["total_sales"] == creative  # unmatched creative rows included


def test_other_tenants_rows_never_appear(traffic, tenant_a, tenant_b):
    rows = read_csv(export(tenant_b.client(), slug="bravo", group_by="day"))
    assert sums(rows)["clicks"] == 0


def test_money_decimals_rates_and_formula_cells(formatted, tenant_a):
    _usd, _jpy = formatted
    params = {"start": "2026-03-01", "end": "2026-03-31"}
    rows = read_csv(export(tenant_a.client(), group_by="creator", **params))
    by_creator = {(r["marketplace"], r["creator"]): r for r in rows}
    hyper = by_creator[("US", '\'=HYPERLINK("http://x")')]
    assert hyper["store"] == "'=Acme" and hyper["date"] == "2026-03-02"
    assert hyper["sales"] == "1234.50" and hyper["conversion_rate"] == "33.33"
    tabby = by_creator[("US", "'\tTabby")]
    assert tabby["clicks"] == "0" and tabby["conversion_rate"] == "" and tabby["sales"] == "0.00"
    minus = by_creator[("US", "'-5 tips")]
    assert minus["commission"] == "-1.25"  # a number, never neutralised
    japan = by_creator[("JP", "")]
    assert (japan["currency"], japan["sales"], japan["total_sales"]) == ("JPY", "12345", "20000")
    assert japan["conversion_rate"] == "28.57" and japan["commission"] == "0"
    campaign_rows = read_csv(export(tenant_a.client(), group_by="campaign", **params))
    assert {r["campaign"] for r in campaign_rows} == {"'@SUM(1)", ""}


def test_form_errors_are_explained(formatted, tenant_a):
    client = tenant_a.client()
    r = client.post(
        "/o/alpha/exports/", {"start": "2026-03-10", "end": "2026-03-01", "group_by": "day"}
    )
    assert r.status_code == 400 and "The end date is before the start date." in r.content.decode()
    r = client.post("/o/alpha/exports/", {"start": "nope", "end": "2026-03-01", "group_by": "week"})
    assert r.status_code == 400 and "Enter a valid date." in r.content.decode()
    page = client.get("/o/alpha/exports/?start=2026-03-01&end=2026-03-31&group_by=link")
    assert page.status_code == 200 and 'value="2026-03-01"' in page.content.decode()


def test_dashboards_link_to_the_export(traffic, campaign, tenant_a):
    client = tenant_a.client()
    assert "/o/alpha/exports/?start=" in client.get("/o/alpha/").content.decode()
    page = client.get(f"/o/alpha/campaigns/{campaign.pk}/performance/").content.decode()
    assert f"store={traffic.pk}" in page and "group_by=creator" in page


# --- CLI -----------------------------------------------------------------------------------


def test_cli_writes_the_same_csv_as_the_browser(traffic, tenant_a, tmp_path):
    browser = export(tenant_a.client(), group_by="campaign", stores=[traffic.pk])
    out = tmp_path / "export.csv"
    call_command(
        "export_aggregated",
        "alpha",
        "--start",
        WINDOW.start.isoformat(),
        "--end",
        WINDOW.end.isoformat(),
        "--store",
        str(traffic.pk),
        "--group-by",
        "campaign",
        "--output",
        str(out),
        stderr=io.StringIO(),
    )
    assert out.read_bytes() == browser
    stdout = io.StringIO()
    call_command(
        "export_aggregated",
        "alpha",
        "--start",
        WINDOW.start.isoformat(),
        "--end",
        WINDOW.end.isoformat(),
        "--store",
        str(traffic.pk),
        "--group-by",
        "campaign",
        "--output",
        "-",
        stdout=stdout,
    )
    assert stdout.getvalue().encode() == browser


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-13-01", "--end", "2026-03-01"], "--start must be a date as YYYY-MM-DD"),
        (["--start", "2026-03-10", "--end", "2026-03-01"], "--end: The end date is before"),
        (
            ["--start", "2026-03-01", "--end", "2026-03-02", "--store", "999999"],
            "Unknown store: 999999",
        ),
        (
            ["--start", "2026-03-01", "--end", "2026-03-02", "--store", "x"],
            r"store ids \(numbers\)",
        ),
        (
            ["--start", "2026-03-01", "--end", "2026-03-02", "--group-by", "week"],
            "--group-by: Group by one of",
        ),
    ],
)
def test_cli_errors(formatted, tenant_b, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_aggregated", "alpha", *args, "--output", "-", stdout=io.StringIO())


def test_cli_refuses_another_tenants_store_and_unknown_org(formatted, tenant_b):
    usd, _ = formatted
    with pytest.raises(CommandError, match=f"Unknown store: {usd.pk}"):
        call_command(
            "export_aggregated",
            "bravo",
            "--start",
            "2026-03-01",
            "--end",
            "2026-03-02",
            "--store",
            str(usd.pk),
            "--output",
            "-",
            stdout=io.StringIO(),
        )
    with pytest.raises(CommandError, match="No organisation"):
        call_command(
            "export_aggregated",
            "nope",
            "--start",
            "2026-03-01",
            "--end",
            "2026-03-02",
            "--output",
            "-",
            stdout=io.StringIO(),
        )


def test_cli_exits_non_zero_on_bad_input():
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "export_aggregated",
            "alpha",
            "--start",
            "yesterday",
            "--end",
            "2026-03-01",
            "--output",
            "-",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    assert result.returncode == 1
    assert "--start must be a date as YYYY-MM-DD" in result.stderr


# --- background exports ---------------------------------------------------------------------


def test_large_exports_run_as_a_job_with_an_expiring_link(
    traffic, tenant_a, settings, tmp_path, monkeypatch
):
    from django.core import signing

    from reporting import tasks

    settings.EXPORT_ASYNC_ROWS = 1
    settings.EXPORTS_DIR = tmp_path
    client = tenant_a.client()
    params = {"start": WINDOW.start.isoformat(), "end": WINDOW.end.isoformat(), "group_by": "link"}
    response = client.post("/o/alpha/exports/", params)
    assert response.status_code == 302
    with tenant_scope(tenant_a.org):
        job = Export.objects.get()
    assert response["Location"] == f"/o/alpha/exports/{job.pk}/"
    assert job.status == "queued" and job.rows_estimate > 1
    page = client.get(response["Location"]).content.decode()
    assert "Queued" in page and "hx-get" in page

    tasks.export_run(tenant_a.org.pk, job.pk)  # what the worker runs

    with tenant_scope(tenant_a.org):
        job.refresh_from_db()
    assert job.status == "done" and job.rows_written > 0 and job.expires_at
    page = client.get(f"/o/alpha/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in page and "hx-get" not in page
    link = page.split('href="')[1].split('"')[0]
    assert link.startswith("/exports/") and link.endswith("/download/")
    settings.EXPORT_ASYNC_ROWS = 10**9
    direct = export(client, **{k: v for k, v in params.items() if k not in ("start", "end")})
    from django.test import Client

    download = Client().get(link)  # no session needed: the link is signed
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == direct
    assert read_csv(direct) and job.rows_written == len(read_csv(direct))
    # a redelivered task does nothing more
    tasks.export_run(tenant_a.org.pk, job.pk)
    # an hour later the link no longer works
    real_time = signing.time.time
    monkeypatch.setattr(signing.time, "time", lambda: real_time() + 3601)
    assert Client().get(link).status_code == 404
    monkeypatch.undo()
    assert Client().get(link.replace("/exports/", "/exports/x")).status_code == 404
    # past its retention the file is removed
    with tenant_scope(tenant_a.org):
        Export.objects.filter(pk=job.pk).update(expires_at=job.finished_at)
    tasks.exports_expire()
    with tenant_scope(tenant_a.org):
        job.refresh_from_db()
    assert job.status == "expired" and not list(tmp_path.rglob("*.csv"))
    assert Client().get(link).status_code == 404


def test_running_export_shows_progress(formatted, tenant_a):
    from django.core.cache import cache

    with tenant_scope(tenant_a.org):
        job = Export.objects.create(
            start=date(2026, 3, 1),
            end=date(2026, 3, 2),
            store_ids=[formatted[0].pk],
            status="running",
            rows_estimate=1000,
        )
    cache.set(f"export-progress:{job.pk}", 420)
    page = tenant_a.client().get(f"/o/alpha/exports/{job.pk}/").content.decode()
    assert "420 rows written" in page and 'value="420"' in page


def test_export_reads_a_fixed_number_of_queries(traffic, tenant_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = tenant_a.client()
    with CaptureQueriesContext(connection) as small:
        export(client, group_by="link", end=WINDOW.start.isoformat())
    with CaptureQueriesContext(connection) as large:
        export(client, group_by="link")
    assert len(small.captured_queries) == len(large.captured_queries) <= 25
