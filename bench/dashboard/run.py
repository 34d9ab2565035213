"""bench/dashboard: server time of the campaign performance tab and the workflow dashboard
over 10 million daily metric rows across 1,000 organisations.

    python -m scripts.dev exec -- .venv/bin/python bench/dashboard/run.py [--orgs 1000]

Uses its own database (<app database>_bench, created and migrated on first use; a second run
reuses the seeded data). Seeds per organisation: one store, one campaign, 10 creators with 2
links each; 365 days of Amazon rows at ad-group (10/day) and creative level (20/day), i.e.
10,950 rows per organisation; 60 days of our link clicks; 90 days of conversions. Facts are
loaded with COPY as the admin role (row-level security refuses COPY for the app role).
Then it requests both pages in-process (Django test client, signed in as a member) for a sample
of organisations and prints p50/p95 and the number of queries per page.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DJANGO_DEBUG"] = "false"  # as in production: cached templates, no query log
_url = urlsplit(os.environ["DATABASE_URL"])
BENCH_DB = _url.path.lstrip("/") + "_bench"
os.environ["DATABASE_URL"] = urlunsplit(_url._replace(path="/" + BENCH_DB))

DAYS, CREATORS, LINKS_PER_CREATOR = 365, 10, 2
END = datetime.now(tz=UTC).date() - timedelta(days=1)
START = END - timedelta(days=DAYS - 1)
PASSWORD = "bench-password-1"


def admin_dsn(dbname: str) -> dict:
    import psycopg2

    admin = os.environ.get("TEST_DATABASE_ADMIN_URL")
    if not admin:
        sys.exit("bench/dashboard needs TEST_DATABASE_ADMIN_URL (scripts.dev exec sets it)")
    dsn = psycopg2.extensions.parse_dsn(admin)
    dsn["dbname"] = dbname
    return dsn


def ensure_database() -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(**admin_dsn("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB])
        if cur.fetchone() is None:
            cur.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(BENCH_DB), sql.Identifier(_url.username or "amzattr")
                )
            )
    conn.close()


def copy(table: str, columns: list[str], rows) -> None:  # type: ignore[no-untyped-def]
    """COPY rows (an iterator of tuples) as the admin role, streamed in chunks."""
    import psycopg2

    conn = psycopg2.connect(**admin_dsn(BENCH_DB))
    with conn, conn.cursor() as cur:
        buffer = io.StringIO()
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
        for count, row in enumerate(rows, 1):
            buffer.write(",".join(str(v) for v in row) + "\n")
            if count % 200_000 == 0:
                buffer.seek(0)
                cur.copy_expert(statement, buffer)
                buffer = io.StringIO()
        buffer.seek(0)
        cur.copy_expert(statement, buffer)
        cur.execute(f"ANALYZE {table}")
    conn.close()


def seed(orgs: int) -> None:
    from django.utils import timezone

    from attribution.models import AmazonConnection, Store
    from campaigns.models import AffiliateLink, Campaign, CampaignCreator, Product, TrackingPlan
    from creators.models import Creator
    from tenancy.models import Organization
    from tenancy.scoping import tenant_scope

    started = time.perf_counter()
    stores, links, ccs = {}, {}, {}
    for n in range(orgs):
        org = Organization.objects.create(name=f"Bench brand {n}", slug=f"bench-dash-{n:04d}")
        with tenant_scope(org):
            conn = AmazonConnection.objects.create(region="NA", status="active")
            store = Store.objects.create(
                connection=conn,
                profile_id=10**9 + n,
                country_code="US",
                currency_code="USD",
                timezone="America/Los_Angeles",
                advertiser_id=str(10**6 + n),
                data_through=END,
                last_synced_at=timezone.now(),
            )
            plan = TrackingPlan.objects.create(
                store=store,
                name="Plan",
                publisher_id="101",
                template_tag="maas=x&ref_=aa_maas&tag=maas",
                tag_fetched_at=timezone.now(),
            )
            campaign = Campaign.objects.create(
                store=store,
                tracking_plan=plan,
                name="Always on",
                starts_on=START,
                status="active",
                default_commission_rate=10,
                amazon_campaign_id="always-on",
            )
            products = Product.objects.bulk_create(
                [
                    Product(campaign=campaign, asin=f"B0BENCH{j:03d}", title=f"Product {j}")
                    for j in range(LINKS_PER_CREATOR)
                ]
            )
            creators = Creator.objects.bulk_create(
                [Creator(name=f"Creator {i}", email=f"c{i}@b{n}.test") for i in range(CREATORS)]
            )
            cc_rows = CampaignCreator.objects.bulk_create(
                [
                    CampaignCreator(
                        campaign=campaign,
                        creator=c,
                        status="active",
                        amazon_adgroup_id=f"creator-{i}",
                    )
                    for i, c in enumerate(creators)
                ]
            )
            link_rows = AffiliateLink.objects.bulk_create(
                [
                    AffiliateLink(
                        campaign=campaign,
                        campaign_creator=cc,
                        store=store,
                        product=products[j],
                        amazon_creative_id=f"creator-{i}-link-{j}",
                        code=f"B{n:04d}{i:02d}{j}",
                        destination_url="https://www.amazon.com/dp/B0BENCH000?tag=maas",
                    )
                    for i, cc in enumerate(cc_rows)
                    for j in range(LINKS_PER_CREATOR)
                ]
            )
        stores[org.pk] = store.pk
        ccs[org.pk] = [(cc.pk, cc.creator_id, campaign.pk) for cc in cc_rows]
        links[org.pk] = [link.pk for link in link_rows]
    print(f"seeded {orgs} organisations in {time.perf_counter() - started:.0f} s", flush=True)

    rng = random.Random(1)
    metric_cols = [
        "clicks",
        "detail_page_views",
        "add_to_cart",
        "purchases",
        "units_sold",
        "sales",
        "total_detail_page_views",
        "total_add_to_cart",
        "total_purchases",
        "total_units_sold",
        "total_sales",
        "brand_referral_bonus",
    ]

    def metric_values() -> list:
        clicks = rng.randint(0, 60)
        purchases = rng.randint(0, max(0, clicks // 8))
        sales = round(purchases * rng.uniform(15, 120), 2)
        return [
            clicks,
            clicks // 2,
            clicks // 5,
            purchases,
            purchases,
            f"{sales:.2f}",
            clicks // 2,
            clicks // 4,
            purchases,
            purchases,
            f"{sales * 1.3:.2f}",
            f"{sales * 0.1:.2f}",
        ]

    def facts():
        for org_id, store_id in stores.items():
            for d in range(DAYS):
                day = (START + timedelta(days=d)).isoformat()
                for i in range(CREATORS):
                    yield (
                        org_id,
                        store_id,
                        day,
                        "adgroup",
                        "always-on",
                        f"creator-{i}",
                        '""',
                        "Instagram",
                        *metric_values(),
                        "2026-01-01T00:00:00Z",
                    )
                    for j in range(LINKS_PER_CREATOR):
                        yield (
                            org_id,
                            store_id,
                            day,
                            "creative",
                            "always-on",
                            f"creator-{i}",
                            f"creator-{i}-link-{j}",
                            "Instagram",
                            *metric_values(),
                            "2026-01-01T00:00:00Z",
                        )

    started = time.perf_counter()
    copy(
        "attribution_dailymetric",
        [
            "organization_id",
            "store_id",
            "date",
            "level",
            "amazon_campaign_id",
            "amazon_adgroup_id",
            "amazon_creative_id",
            "publisher",
            *metric_cols,
            "updated_at",
        ],
        facts(),
    )
    print(
        f"copied {orgs * DAYS * CREATORS * (1 + LINKS_PER_CREATOR):,} daily metric rows in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )

    def clicks():
        for org_id, link_ids in links.items():
            for link_id in link_ids:
                for d in range(60):
                    n = rng.randint(0, 40)
                    yield (
                        org_id,
                        link_id,
                        (END - timedelta(days=d)).isoformat(),
                        '""',
                        n,
                        n + 3,
                        2,
                    )

    copy(
        "campaigns_linkclickdaily",
        ["organization_id", "link_id", "date", "sub_id", "clicks", "raw_hits", "bot_hits"],
        clicks(),
    )

    def conversions():
        for org_id, rows in ccs.items():
            for cc_id, creator_id, campaign_id in rows:
                for d in range(90):
                    day = END - timedelta(days=d)
                    status = "pending" if d < 30 else "awaiting"
                    yield (
                        org_id,
                        stores[org_id],
                        campaign_id,
                        cc_id,
                        creator_id,
                        day.isoformat(),
                        "amazon",
                        "USD",
                        2,
                        2,
                        "80.00",
                        "10.00",
                        "8.00",
                        "8.00",
                        status,
                        (day + timedelta(days=30)).isoformat(),
                        '""',
                        "2026-01-01T00:00:00Z",
                        "2026-01-01T00:00:00Z",
                    )

    copy(
        "reporting_conversion",
        [
            "organization_id",
            "store_id",
            "campaign_id",
            "campaign_creator_id",
            "creator_id",
            "date",
            "source",
            "currency",
            "purchases",
            "units_sold",
            "sales",
            "commission_rate",
            "commission",
            "brand_referral_bonus",
            "status",
            "settles_on",
            "decision_reason",
            "created_at",
            "updated_at",
        ],
        conversions(),
    )


def ensure_managers(orgs: int) -> None:
    """One manager per brand, as in life (a member of every brand is the switcher's case)."""
    from tenancy.models import Membership, Organization, Role, User
    from tenancy.scoping import tenant_scope

    for org in Organization.objects.filter(slug__startswith="bench-dash-"):
        email = f"manager@{org.slug.replace('dash-', '')}.test"
        if not User.objects.filter(email=email).exists():
            user = User.objects.create_user(email, PASSWORD)
            with tenant_scope(org):
                Membership.objects.create(user=user, role=Role.MANAGER)


def measure(orgs: int, sample: int, repeats: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from campaigns.models import Campaign
    from tenancy.models import Organization, User
    from tenancy.scoping import tenant_scope

    slugs = [f"bench-dash-{n:04d}" for n in random.Random(2).sample(range(orgs), sample)]
    timings: dict[str, list[float]] = {"workflow dashboard": [], "campaign performance": []}
    queries: dict[str, set[int]] = {"workflow dashboard": set(), "campaign performance": set()}
    for slug in slugs:
        org = Organization.objects.get(slug=slug)
        client = Client()
        client.force_login(User.objects.get(email=f"manager@{slug.replace('dash-', '')}.test"))
        with tenant_scope(org):
            campaign_id = Campaign.objects.values_list("pk", flat=True).get()
        pages = {
            "workflow dashboard": f"/o/{slug}/?range=30d",
            "campaign performance": f"/o/{slug}/campaigns/{campaign_id}/performance/?range=90d",
        }
        for name, url in pages.items():
            client.get(url)  # warm
            for _ in range(repeats):
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings[name].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
                queries[name].add(len(ctx.captured_queries))
    for name, values in timings.items():
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1]
        print(
            f"{name}: p50 {statistics.median(values):.0f} ms, p95 {p95:.0f} ms over "
            f"{len(values)} requests ({sample} organisations); queries per request: "
            f"{sorted(queries[name])}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from attribution.models import DailyMetric
    from tenancy.models import Organization
    from tenancy.scoping import tenant_scope

    call_command("migrate", verbosity=0)
    if not Organization.objects.filter(slug__startswith="bench-dash-").exists():
        seed(args.orgs)
    ensure_managers(args.orgs)
    first = Organization.objects.get(slug="bench-dash-0000")
    with tenant_scope(first):
        per_org = DailyMetric.objects.count()
    print(
        f"{args.orgs} organisations x {per_org:,} daily metric rows = {args.orgs * per_org:,} rows",
        flush=True,
    )
    measure(args.orgs, args.sample, args.repeats)


if __name__ == "__main__":
    main()
