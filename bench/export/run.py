"""bench/export: the streaming CSV export's memory and speed.

    python -m scripts.dev exec -- .venv/bin/python bench/export/run.py [--sizes 100000 1000000]

For each size N, a scratch organisation gets N creative-level Amazon rows (10,000 links x N/10,000
days, or fewer links for small N) and one first-party click row per (link, day), all matched to
a campaign's links, seeded by an admin-role COPY. Then, grouped by link (N output rows):

1. our export (reporting.exports.csv.csv_chunks: a server-side cursor, csv writer, 64 KB
   chunks) written to /dev/null in a child process, which reports its wall time and its peak
   resident memory (VmHWM) before and after the export;
2. the same SELECT through `psql \\copy (...) TO /dev/null CSV` as the application role (row-
   level security applies to both).

Prints rows/s, the ratio, and peak memory per size. The scratch organisation is removed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")  # no query log in the measurement

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

START = date(2025, 1, 1)
SLUG = "bench-export"


def admin_connection():  # type: ignore[no-untyped-def]
    import psycopg2

    admin = os.environ.get("TEST_DATABASE_ADMIN_URL")
    if not admin:
        sys.exit("bench/export needs TEST_DATABASE_ADMIN_URL (scripts.dev exec sets it)")
    dsn = psycopg2.extensions.parse_dsn(admin)
    dsn["dbname"] = connection.settings_dict["NAME"]
    return psycopg2.connect(**dsn)


def seed(rows: int) -> tuple[int, int, int]:
    """(organization id, store id, days): a campaign with links and their facts."""
    from attribution.models import AmazonConnection, Store
    from campaigns.models import AffiliateLink, Campaign, CampaignCreator, Product, TrackingPlan
    from creators.models import Creator
    from tenancy.models import Organization
    from tenancy.scoping import tenant_scope

    links = min(10_000, rows // 10)
    days = rows // links
    creators, products = 100, links // 100
    org = Organization.objects.create(slug=SLUG, name="Bench export")
    with tenant_scope(org):
        conn = AmazonConnection.objects.create(region="NA", status="active")
        store = Store.objects.create(
            connection=conn,
            profile_id=1,
            country_code="US",
            currency_code="USD",
            timezone="America/Los_Angeles",
            advertiser_id="1",
            advertiser_name="Bench",
        )
        plan = TrackingPlan.objects.create(
            store=store,
            name="P",
            publisher_id="1",
            template_tag="maas=x",
            tag_fetched_at="2025-01-01T00:00:00Z",
        )
        campaign = Campaign.objects.create(
            store=store,
            tracking_plan=plan,
            name="Bench campaign",
            starts_on=START,
            default_commission_rate=10,
            amazon_campaign_id="bench",
        )
        product_rows = Product.objects.bulk_create(
            [Product(campaign=campaign, asin=f"B0{i:08d}") for i in range(products)]
        )
        creator_rows = Creator.objects.bulk_create(
            [Creator(name=f"Creator {i}") for i in range(creators)]
        )
        ccs = CampaignCreator.objects.bulk_create(
            [
                CampaignCreator(campaign=campaign, creator=c, amazon_adgroup_id=f"cr{i}")
                for i, c in enumerate(creator_rows)
            ]
        )
        link_rows = AffiliateLink.objects.bulk_create(
            [
                AffiliateLink(
                    campaign=campaign,
                    campaign_creator=cc,
                    product=p,
                    store=store,
                    amazon_creative_id=f"cr{i}-{j}",
                    code=f"b{i:03d}{j:05d}",
                    destination_url="https://www.amazon.com/dp/x",
                )
                for i, cc in enumerate(ccs)
                for j, p in enumerate(product_rows)
            ],
            batch_size=5000,
        )
    facts, clicks = io.StringIO(), io.StringIO()
    for d in range(days):
        day = (START + timedelta(days=d)).isoformat()
        for link in link_rows:
            i, j = link.amazon_creative_id[2:].split("-")
            n = (int(i) * 7 + int(j) * 3 + d) % 40
            facts.write(
                f"{org.pk},{store.pk},{day},creative,bench,cr{i},{link.amazon_creative_id},,"
                f"{n},{n // 2},{n // 4},{n // 8},{n // 8},{n * 3.19:.2f},{n},{n // 3},{n // 6},"
                f"{n // 6},{n * 4.07:.2f},0,2025-01-01T00:00:00Z\n"
            )
            clicks.write(f"{org.pk},{link.pk},{day},,{n + 3},{n + 5},1\n")
    facts.seek(0)
    clicks.seek(0)
    admin = admin_connection()
    with admin, admin.cursor() as cur:
        cur.copy_expert(
            "COPY attribution_dailymetric (organization_id, store_id, date, level, "
            "amazon_campaign_id, amazon_adgroup_id, amazon_creative_id, publisher, clicks, "
            "detail_page_views, add_to_cart, purchases, units_sold, sales, "
            "total_detail_page_views, total_add_to_cart, total_purchases, total_units_sold, "
            "total_sales, brand_referral_bonus, updated_at) FROM STDIN WITH (FORMAT csv, "
            "FORCE_NOT_NULL (publisher))",
            facts,
        )
        cur.copy_expert(
            "COPY campaigns_linkclickdaily (organization_id, link_id, date, sub_id, clicks, "
            "raw_hits, bot_hits) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (sub_id))",
            clicks,
        )
        # as autovacuum would by the time anyone exports (the planner needs row counts)
        cur.execute(
            "ANALYZE attribution_dailymetric, campaigns_linkclickdaily, campaigns_affiliatelink, "
            "creators_campaigncreator, creators_creator, campaigns_campaign, campaigns_product"
        )
    admin.close()
    return org.pk, store.pk, days


def teardown() -> None:
    admin = admin_connection()
    with admin, admin.cursor() as cur:
        cur.execute("SELECT id FROM tenancy_organization WHERE slug = %s", [SLUG])
        row = cur.fetchone()
        if row:
            for table in (
                "reporting_export",
                "attribution_dailymetric",
                "campaigns_linkclickdaily",
                "campaigns_affiliatelink",
                "creators_campaigncreator",
                "creators_creator",
                "campaigns_product",
                "campaigns_campaign",
                "campaigns_trackingplan",
                "attribution_store",
                "attribution_amazonconnection",
            ):
                cur.execute(f"DELETE FROM {table} WHERE organization_id = %s", row)  # noqa: S608
            cur.execute("DELETE FROM tenancy_organization WHERE id = %s", row)
    # Dead rows of a previous size would slow the next one's scans: vacuum them away.
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("VACUUM ANALYZE attribution_dailymetric, campaigns_linkclickdaily")
    admin.close()


def query_for(org_id: int, store_id: int, days: int):  # type: ignore[no-untyped-def]
    from reporting.exports.query import ExportQuery

    return ExportQuery(START, START + timedelta(days=days - 1), (store_id,), "link")


def peak_rss_kb() -> int:
    """This process's resident-memory high-water mark (VmHWM: fresh after exec, unlike
    ru_maxrss, which Linux carries over from the parent)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_child(org_id: int, store_id: int, days: int) -> dict:
    """In this (child) process: stream the export to /dev/null; time and peak memory."""
    from reporting.exports.csv import csv_chunks
    from tenancy.scoping import tenant_scope

    q = query_for(org_id, store_id, days)
    rss_before = peak_rss_kb()
    rows, size = {"n": 0}, 0
    started = time.perf_counter()
    with open(os.devnull, "wb") as out, tenant_scope(org_id):
        for chunk in csv_chunks(q, on_rows=lambda n: rows.__setitem__("n", n)):
            out.write(chunk)
            size += len(chunk)
    seconds = time.perf_counter() - started
    rss_after = peak_rss_kb()
    return {
        "rows": rows["n"],
        "bytes": size,
        "seconds": seconds,
        "rss_before_mb": rss_before / 1024,
        "rss_peak_mb": rss_after / 1024,
    }


def psql_copy(org_id: int, store_id: int, days: int) -> float:
    from reporting.exports.query import export_sql
    from tenancy.scoping import tenant_scope

    with tenant_scope(org_id), connection.cursor() as cursor:
        sql, params = export_sql(query_for(org_id, store_id, days))
        literal = cursor.mogrify(sql, params).decode()
    url = os.environ["DATABASE_URL"]
    started = time.perf_counter()
    subprocess.run(
        [
            "psql",
            url,
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            f"SELECT set_config('app.tenant_id', '{org_id}', false)",
            "-c",
            f"\\copy ({literal}) TO '/dev/null' WITH (FORMAT csv, HEADER)",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_child(*args.child)))
        return
    call_command("migrate", "--no-input", verbosity=0)
    teardown()
    results = []
    for size in args.sizes:
        try:
            started = time.perf_counter()
            org_id, store_id, days = seed(size)
            seeded = time.perf_counter() - started
            psql_s = psql_copy(org_id, store_id, days)
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(org_id), str(store_id), str(days)],
                check=True,
                capture_output=True,
                text=True,
            )
            ours = json.loads(child.stdout.strip().splitlines()[-1])
        finally:
            teardown()
        n = ours["rows"]
        line = (
            f"{n:>9,} rows ({ours['bytes'] / 1e6:.0f} MB CSV; seeded in {seeded:.0f} s): export "
            f"{ours['seconds']:.1f} s = {n / ours['seconds']:,.0f} rows/s; psql \\copy "
            f"{psql_s:.1f} s = {n / psql_s:,.0f} rows/s; ours = {psql_s / ours['seconds']:.0%} of "
            f"psql; peak RSS {ours['rss_peak_mb']:.0f} MB (process before the export: "
            f"{ours['rss_before_mb']:.0f} MB)"
        )
        print(line, flush=True)
        results.append(ours)
    if len(results) > 1:
        growth = results[-1]["rss_peak_mb"] - results[0]["rss_peak_mb"]
        print(f"peak memory growth from the smallest to the largest: {growth:+.1f} MB")


if __name__ == "__main__":
    main()
