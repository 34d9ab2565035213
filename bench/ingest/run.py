"""bench/ingest: the sync's write path against a plain COPY of the same rows.

    python -m scripts.dev exec -- .venv/bin/python bench/ingest/run.py [--rows 200000]

1. Write path: 200,000 report rows (CSV spool, as the pull produces it) through
   attribution.sync.write.apply_pull into an empty store window: COPY to staging, revisions,
   upsert, delete. Then the same again with 5% of the rows changed (a restatement day).
2. Baseline: COPY of the same rows straight into attribution_dailymetric.
3. A 30-day re-pull for a store with 10,000 links: parse Amazon's JSON rows (strings) and
   write them; our own time, without Amazon's network time.
Prints rows/second and the ratio. Runs against the configured database in a scratch
organisation, removed afterwards.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402

from attribution.models import AmazonConnection, DailyMetric, Store, SyncRun  # noqa: E402
from attribution.sync.pull import COLUMNS, METRICS, row_values  # noqa: E402
from attribution.sync.write import apply_pull  # noqa: E402
from tenancy.models import Organization  # noqa: E402
from tenancy.scoping import tenant_scope  # noqa: E402

START = date(2026, 1, 1)


def amazon_rows(
    links: int, days: int, rng: random.Random, start: date = START, changed_every: int = 0
) -> list[tuple[str, dict]]:
    """Rows shaped like Amazon's JSON: every metric a string, money with float noise. The
    values depend only on (link, day), so two calls overlap exactly; `changed_every` alters
    one row in N (a restatement)."""
    rows = []
    for d in range(days):
        day_date = start + timedelta(days=d)
        day = day_date.strftime("%Y%m%d")
        for i in range(links):
            local = random.Random(hash((i, day_date.toordinal())))
            sales = local.random() * 300
            if changed_every and (i + d) % changed_every == 0:
                sales -= 24.99
            row = {
                "date": day,
                "campaignId": f"camp-{i % 50}",
                "adGroupId": f"creator-{i % 2000}",
                "creativeId": f"link-{i}",
                "publisher": "Instagram",
            }
            for name, (_, money) in METRICS.items():
                row[name] = repr(sales * 1.0000001) if money else str(local.randint(0, 40))
            rows.append(("creative", row))
    return rows


def to_csv(rows: list[tuple[str, dict]]) -> io.StringIO:
    out = io.StringIO()
    writer = csv.writer(out)
    for level, row in rows:
        writer.writerow(row_values(level, row, 2))
    out.seek(0)
    return out


def setup(second: bool = False):  # type: ignore[no-untyped-def]
    org, _ = Organization.objects.get_or_create(slug="bench-ingest", defaults={"name": "Bench"})
    with tenant_scope(org):
        conn = AmazonConnection.objects.create(region="NA", status="active")
        store = Store.objects.create(
            connection=conn,
            profile_id=random.randint(1, 10**12),
            country_code="US",
            currency_code="USD",
            timezone="America/Los_Angeles",
            advertiser_id="1",
        )
    return store if second else (org, store)


def teardown(org: Organization) -> None:
    with tenant_scope(org):
        DailyMetric.objects.all().delete()
        SyncRun.objects.all().delete()
        Store.objects.all().delete()
        AmazonConnection.objects.all().delete()
    org.delete()


def write_path(
    org: Organization,
    store: Store,
    spool: io.StringIO,
    start: date,
    end: date,
    through: date | None,
) -> tuple[float, dict[str, float]]:
    with tenant_scope(org):
        run = SyncRun.objects.create(
            store=store, trigger="command", window_start=start, window_end=end
        )
        started = time.perf_counter()
        stats = apply_pull(
            organization_id=org.pk,
            store_id=store.pk,
            run_id=run.pk,
            start=start,
            end=end,
            rows_csv=spool,
            previously_synced_through=through,
        )
        return time.perf_counter() - started, stats.seconds


def stages(seconds: dict[str, float]) -> str:
    return "  (" + ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()) + ")"


def plain_copy(spool: io.StringIO) -> float:
    """COPY the same rows into the same table. COPY FROM is refused on a table with row-level
    security, so the baseline runs as the admin role (which bypasses it), and rolls back."""
    import psycopg2

    admin = os.environ.get("TEST_DATABASE_ADMIN_URL")
    if not admin:
        sys.exit("bench/ingest needs TEST_DATABASE_ADMIN_URL (scripts.dev exec sets it)")
    dsn = psycopg2.extensions.parse_dsn(admin)
    dsn["dbname"] = connection.settings_dict["NAME"]
    conn = psycopg2.connect(**dsn)
    try:
        with conn.cursor() as cur:
            started = time.perf_counter()
            cur.copy_expert(
                f"COPY attribution_dailymetric ({', '.join(COLUMNS)}, organization_id, store_id, "
                f"updated_at) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (amazon_creative_id, "
                f"publisher))",
                spool,
            )
            elapsed = time.perf_counter() - started
        conn.rollback()
    finally:
        conn.close()
    return elapsed


def with_ids(spool: io.StringIO, org: Organization, store: Store) -> io.StringIO:
    out = io.StringIO()
    for line in spool.getvalue().splitlines():
        out.write(f"{line},{org.pk},{store.pk},2026-01-01T00:00:00Z\n")
    out.seek(0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    rng = random.Random(7)
    days = 20
    rows = amazon_rows(args.rows // days, days, rng)
    end = START + timedelta(days=days - 1)
    org, store = setup()
    try:
        copy_s = plain_copy(with_ids(to_csv(rows), org, store))
        first_s, first_st = write_path(org, store, to_csv(rows), START, end, None)
        changed = amazon_rows(args.rows // days, days, rng, changed_every=20)
        restated_s, restated_st = write_path(org, store, to_csv(changed), START, end, end)
        n = len(rows)
        print(f"rows: {n:,}")
        print(f"plain COPY (admin role):  {copy_s:6.2f} s  {n / copy_s:>9,.0f} rows/s")
        print(
            f"sync write, first sync:   {first_s:6.2f} s  {n / first_s:>9,.0f} rows/s  "
            f"= {copy_s / first_s:.0%} of COPY" + stages(first_st)
        )
        print(
            f"sync write, 5% restated:  {restated_s:6.2f} s  {n / restated_s:>9,.0f} rows/s  "
            f"= {copy_s / restated_s:.0%} of COPY" + stages(restated_st)
        )

        # A store with 10,000 links that syncs daily: yesterday's 30-day pull is stored; today's
        # re-pull moves the window one day, with 5% of rows restated. Parse + write = our time.
        store2 = setup(second=True)
        links, window = 10_000, 30
        day0 = START + timedelta(days=40)
        yesterday = amazon_rows(links, window, rng, start=day0)
        write_path(org, store2, to_csv(yesterday), day0, day0 + timedelta(days=window - 1), None)
        today_start = day0 + timedelta(days=1)
        today = amazon_rows(links, window, rng, start=today_start, changed_every=20)
        started = time.perf_counter()
        spool = to_csv(today)
        parse_s = time.perf_counter() - started
        write_s, write_st = write_path(
            org,
            store2,
            spool,
            today_start,
            today_start + timedelta(days=window - 1),
            day0 + timedelta(days=window - 1),
        )
        print(
            f"30-day re-pull, {links:,} links ({len(today):,} rows): parse {parse_s:.1f} s + "
            f"write {write_s:.1f} s = {parse_s + write_s:.1f} s (target < 20 s)" + stages(write_st)
        )
    finally:
        teardown(org)


if __name__ == "__main__":
    main()
