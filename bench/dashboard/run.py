"""bench/dashboard: server time of the campaign performance tab and the workflow dashboard
over 10 million daily metric rows across 1,000 small brands, and of one big brand's pages.

    python -m scripts.dev exec -- .venv/bin/python bench/dashboard/run.py [--orgs 1000]
        [--sample 20] [--repeats 5] [--big-creators 2000] [--big-links 3] [--big-repeats 20]
        [--no-big]

Uses its own database (<app database>_bench, created and migrated on first use; a second run
reuses the seeded data, so the sizes only apply to the first). Seeds per small brand: one
store, one campaign, 10 creators with 2 links each; 365 days of Amazon rows at campaign
(1/day), ad-group (10/day) and creative level (20/day), i.e. 11,315 rows per brand; 60 days of
our link clicks; 90 days of conversions. The big brand (issue 16, unless --no-big): one
always-on campaign with 2,000 creators x 3 links, the same 365 days (2,920,365 daily rows), 60
days of clicks on its 6,000 links and 90 days of conversions per creator. Facts are loaded with
COPY as the admin role (row-level security refuses COPY for the app role) with the rollups'
triggers off, then rolled up per organisation by the rollup migrations' own backfill
statements (timed for the big brand: what upgrading its database would take). Then it requests
the pages in-process (Django test client): both staff pages for a sample of small brands, as
their manager; for the big brand its workflow dashboard, its campaign tab (and a sorted later
page of its creators), and, signed in as one of its creators, the portal's brand, link and
earnings pages. The staff pages' rankings read period figures memoized per version of the
store's facts (attribution 0015), so it also requests both big-brand pages right after
writing one of the brand's facts back unchanged each time (the refresh bumps the version): the
cost of the first view after a sync, or of a range nobody asked for since. It prints p50/p95
and the number of queries per page.
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
        # the rollups' triggers are off for the load; roll_up() then runs each migration's
        # backfill per organisation, as upgrading a database with these facts would
        cur.execute("SET session_replication_role = replica")
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


BIG_SLUG = "bench-dash-big"


def seed_org(
    slug: str, name: str, n: int, creators_count: int, links_per_creator: int, code: str
) -> tuple[int, int, list[tuple[int, int, int]], list[int], int]:
    """One brand: store, plan, one always-on campaign, creators with links. Returns
    (org id, store id, [(campaign creator, creator, campaign)], link ids, links per creator)."""
    from django.utils import timezone

    from attribution.models import AmazonConnection, Store
    from campaigns.models import AffiliateLink, Campaign, CampaignCreator, Product, TrackingPlan
    from creators.models import Creator
    from tenancy.models import Organization
    from tenancy.scoping import tenant_scope

    org = Organization.objects.create(name=name, slug=slug)
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
                for j in range(links_per_creator)
            ]
        )
        creators = Creator.objects.bulk_create(
            [Creator(name=f"Creator {i}", email=f"c{i}@{slug}.test") for i in range(creators_count)]
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
                    code=f"{code}{i:04d}{j}",
                    destination_url="https://www.amazon.com/dp/B0BENCH000?tag=maas",
                )
                for i, cc in enumerate(cc_rows)
                for j in range(links_per_creator)
            ],
            batch_size=2000,
        )
    return (
        org.pk,
        store.pk,
        [(cc.pk, cc.creator_id, campaign.pk) for cc in cc_rows],
        [link.pk for link in link_rows],
        links_per_creator,
    )


def seed(brands: list[tuple[str, str, int, int, int, str]]) -> None:
    """Seed brands given as (slug, name, n, creators, links per creator, link code prefix)."""
    started = time.perf_counter()
    stores, links, ccs, shape = {}, {}, {}, {}
    for slug, name, n, creators_count, per_creator, code in brands:
        org_id, store_id, cc_rows, link_ids, _ = seed_org(
            slug, name, n, creators_count, per_creator, code
        )
        stores[org_id], ccs[org_id], links[org_id] = store_id, cc_rows, link_ids
        shape[org_id] = (creators_count, per_creator)
    print(
        f"seeded {len(brands)} organisations in {time.perf_counter() - started:.0f} s", flush=True
    )

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

    def campaign_values(adgroups: list[list]) -> list:
        """Amazon's campaign row: its ad groups' sums plus what it masks per ad group."""
        extra = metric_values()
        return [
            f"{sum(float(r[k]) for r in adgroups) + float(extra[k]):.2f}"
            if isinstance(extra[k], str)
            else sum(r[k] for r in adgroups) + extra[k]
            for k in range(len(extra))
        ]

    def facts():
        for org_id, store_id in stores.items():
            for d in range(DAYS):
                day = (START + timedelta(days=d)).isoformat()
                creators_count, per_creator = shape[org_id]
                adgroups = [metric_values() for _ in range(creators_count)]
                yield (
                    org_id,
                    store_id,
                    day,
                    "campaign",
                    "always-on",
                    '""',
                    '""',
                    '""',
                    *campaign_values(adgroups),
                    "2026-01-01T00:00:00Z",
                )
                for i in range(creators_count):
                    yield (
                        org_id,
                        store_id,
                        day,
                        "adgroup",
                        "always-on",
                        f"creator-{i}",
                        '""',
                        "Instagram",
                        *adgroups[i],
                        "2026-01-01T00:00:00Z",
                    )
                    for j in range(per_creator):
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
        f"copied {sum(DAYS * (1 + c * (1 + k)) for c, k in shape.values()):,} daily metric rows in "
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
            "ineligible_reason",
            "created_at",
            "updated_at",
        ],
        conversions(),
    )


def roll_up() -> None:
    """Roll every organisation's facts up the way the rollup migrations' backfills do (one
    organisation at a time; attribution 0011, campaigns 0014, commissions 0009), timing the
    big brand's own."""
    from importlib import import_module

    import psycopg2

    fact_keys = import_module("attribution.migrations.0011_metric_rollup_triggers")._fact_keys
    owed_keys = import_module("commissions.migrations.0009_owed_rollup_triggers")._keys
    statements = {
        "daily metric rows": "SELECT attribution_rollup_refresh("  # noqa: S608
        + fact_keys("(SELECT * FROM attribution_dailymetric WHERE organization_id = %(org)s) d")
        + ")",
        "link click days": "SELECT campaigns_click_rollup_refresh(ARRAY("
        "SELECT ROW(g.*)::campaigns_click_key FROM ("
        "SELECT organization_id, 'link', link_id, min(date) FROM campaigns_linkclickdaily "
        "WHERE sub_id = '' AND organization_id = %(org)s GROUP BY 1, 3) g))",
        "conversions": "SELECT commissions_owed_refresh("  # noqa: S608
        + owed_keys("(SELECT * FROM reporting_conversion WHERE organization_id = %(org)s) c")
        + ")",
    }
    conn = psycopg2.connect(**admin_dsn(BENCH_DB))
    conn.autocommit = True
    with conn.cursor() as cur:
        for table in (
            "attribution_dailymetric",
            "campaigns_linkclickdaily",
            "reporting_conversion",
        ):
            cur.execute(f"ANALYZE {table}")
        cur.execute("SELECT id, slug FROM tenancy_organization WHERE slug LIKE 'bench-dash-%%'")
        organizations = cur.fetchall()
        started = time.perf_counter()
        big: dict[str, float] = {}
        for done, (org_id, slug) in enumerate(organizations, start=1):
            for what, statement in statements.items():
                at = time.perf_counter()
                cur.execute(statement, {"org": org_id})
                if slug == BIG_SLUG:
                    big[what] = time.perf_counter() - at
            if done & (done - 1) == 0:  # as attribution 0013's rebuild: statistics as it grows
                cur.execute("ANALYZE attribution_metricrollup, attribution_metrictotal")
        cur.execute("VACUUM (ANALYZE)")  # as autovacuum would have by the time anyone looks
    conn.close()
    print(
        f"rolled up {len(organizations)} organisations in {time.perf_counter() - started:.0f} s"
        + (
            "; the big brand's backfill: "
            + ", ".join(f"{what} {seconds:.1f} s" for what, seconds in big.items())
            if big
            else ""
        ),
        flush=True,
    )


def ensure_managers() -> None:
    """One manager per brand, as in life (a member of every brand is the switcher's case), and
    a portal account for one creator of the big brand."""
    from creators.models import Creator
    from tenancy.models import Membership, Organization, Role, User
    from tenancy.scoping import tenant_scope

    for org in Organization.objects.filter(slug__startswith="bench-dash-"):
        email = f"manager@{org.slug.replace('dash-', '')}.test"
        if not User.objects.filter(email=email).exists():
            user = User.objects.create_user(email, PASSWORD)
            with tenant_scope(org):
                Membership.objects.create(user=user, role=Role.MANAGER)
    big = Organization.objects.filter(slug=BIG_SLUG).first()
    if big is not None and not User.objects.filter(email=CREATOR_EMAIL).exists():
        user = User.objects.create_user(CREATOR_EMAIL, PASSWORD)
        with tenant_scope(big):
            Creator.objects.filter(email=f"c{BIG_PORTAL_CREATOR}@{BIG_SLUG}.test").update(user=user)


CREATOR_EMAIL = "creator@bench-big.test"
BIG_PORTAL_CREATOR = 1234


def _time_pages(
    client,  # type: ignore[no-untyped-def]
    pages: dict[str, str],
    repeats: int,
    timings: dict[str, list[float]],
    queries: dict[str, set[int]],
) -> None:
    for name, url in pages.items():
        client.get(url)  # warm
        for _ in range(repeats):
            _time_one(client, name, url, timings, queries)


def _time_one(
    client,  # type: ignore[no-untyped-def]
    name: str,
    url: str,
    timings: dict[str, list[float]],
    queries: dict[str, set[int]],
) -> None:
    """One request of `url`: its server time and its number of queries, under `name`."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(url)
        timings.setdefault(name, []).append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200, (url, response.status_code)
    queries.setdefault(name, set()).add(len(ctx.captured_queries))


def _report(title: str, timings: dict[str, list[float]], queries: dict[str, set[int]]) -> None:
    print(title)
    for name, values in timings.items():
        values.sort()
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        print(
            f"  {name}: p50 {statistics.median(values):.0f} ms, p95 {p95:.0f} ms over "
            f"{len(values)} requests; queries per request: {sorted(queries[name])}",
            flush=True,
        )


def measure(orgs: int, sample: int, repeats: int, big_repeats: int) -> None:
    from django.test import Client

    from campaigns.models import AffiliateLink, Campaign
    from creators.models import Creator
    from tenancy.models import Organization, User
    from tenancy.scoping import tenant_scope

    slugs = [f"bench-dash-{n:04d}" for n in random.Random(2).sample(range(orgs), sample)]
    timings: dict[str, list[float]] = {}
    queries: dict[str, set[int]] = {}
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
        _time_pages(client, pages, repeats, timings, queries)
    _report(
        f"small brands ({sample} of {orgs} organisations, {repeats} requests each):",
        timings,
        queries,
    )

    big = Organization.objects.filter(slug=BIG_SLUG).first()
    if big is None:
        return
    timings, queries = {}, {}
    client = Client()
    client.force_login(User.objects.get(email=f"manager@{BIG_SLUG.replace('dash-', '')}.test"))
    with tenant_scope(big):
        campaign_id = Campaign.objects.values_list("pk", flat=True).get()
        creator = Creator.objects.get(user__email=CREATOR_EMAIL)
        link_id = AffiliateLink.objects.filter(campaign_creator__creator=creator).values_list(
            "pk", flat=True
        )[0]
    base = f"/o/{BIG_SLUG}/campaigns/{campaign_id}/performance/"
    _time_pages(
        client,
        {
            "workflow dashboard": f"/o/{BIG_SLUG}/?range=30d",
            "campaign performance": f"{base}?range=90d",
            "campaign performance, creators sorted by clicks, page 3": (
                f"{base}?range=90d&table=creators&sort=clicks&dir=desc&page=3"
            ),
        },
        big_repeats,
        timings,
        queries,
    )
    # The first view after the store's facts changed (a sync): nothing is memoized under the
    # store's new version, so every request ranks from the rollups. One fact is written back
    # unchanged, which fires the rollup refresh (and its version bump) as a sync's write does.
    import psycopg2

    admin = psycopg2.connect(**admin_dsn(BENCH_DB))
    admin.autocommit = True
    for name, url in {
        "workflow dashboard, its store's facts just changed (nothing memoized)": (
            f"/o/{BIG_SLUG}/?range=30d"
        ),
        "campaign performance, its store's facts just changed (nothing memoized)": (
            f"{base}?range=90d"
        ),
    }.items():
        for _ in range(big_repeats):
            with admin.cursor() as cur:
                cur.execute(
                    "UPDATE attribution_dailymetric SET clicks = clicks WHERE id = ("
                    "SELECT id FROM attribution_dailymetric WHERE organization_id = %s "
                    "AND level = 'campaign' ORDER BY date DESC LIMIT 1)",
                    [big.pk],
                )
            _time_one(client, name, url, timings, queries)
    admin.close()
    portal = Client()
    portal.force_login(User.objects.get(email=CREATOR_EMAIL))
    _time_pages(
        portal,
        {
            "portal brand page (one creator)": f"/portal/b/{BIG_SLUG}/?range=90d",
            "portal link page": f"/portal/b/{BIG_SLUG}/links/{link_id}/?range=90d",
            "portal earnings": f"/portal/b/{BIG_SLUG}/earnings/",
        },
        big_repeats,
        timings,
        queries,
    )
    _report(
        f"big brand ({BIG_CREATORS:,} creators x {BIG_LINKS} links, {big_repeats} requests each):",
        timings,
        queries,
    )


BIG_CREATORS, BIG_LINKS = 2000, 3


def main() -> None:
    global BIG_CREATORS, BIG_LINKS
    parser = argparse.ArgumentParser()
    parser.add_argument("--orgs", type=int, default=1000, help="small brands (10 creators each)")
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--big-creators", type=int, default=BIG_CREATORS)
    parser.add_argument("--big-links", type=int, default=BIG_LINKS)
    parser.add_argument("--big-repeats", type=int, default=20)
    parser.add_argument("--no-big", action="store_true", help="leave out the big brand")
    args = parser.parse_args()
    BIG_CREATORS, BIG_LINKS = args.big_creators, args.big_links
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from attribution.models import DailyMetric
    from tenancy.models import Organization
    from tenancy.scoping import tenant_scope

    call_command("migrate", verbosity=0)
    brands = []
    if not Organization.objects.filter(slug__startswith="bench-dash-0").exists():
        brands += [
            (f"bench-dash-{n:04d}", f"Bench brand {n}", n, CREATORS, LINKS_PER_CREATOR, f"B{n:04d}")
            for n in range(args.orgs)
        ]
    if not args.no_big and not Organization.objects.filter(slug=BIG_SLUG).exists():
        brands.append((BIG_SLUG, "Bench big brand", 10**5, BIG_CREATORS, BIG_LINKS, "G"))
    if brands:
        seed(brands)
        roll_up()
    ensure_managers()
    first = Organization.objects.get(slug="bench-dash-0000")
    with tenant_scope(first):
        per_org = DailyMetric.objects.count()
    print(
        f"{args.orgs} organisations x {per_org:,} daily metric rows = {args.orgs * per_org:,} rows",
        flush=True,
    )
    big = Organization.objects.filter(slug=BIG_SLUG).first()
    if big is not None:
        with tenant_scope(big):
            print(f"big brand: {DailyMetric.objects.count():,} daily metric rows", flush=True)
    measure(args.orgs, args.sample, args.repeats, args.big_repeats)


if __name__ == "__main__":
    main()
