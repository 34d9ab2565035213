"""bench/sync: issue 13's headline. A 200,000-row, two-level pull (200,000 rows per level at the
default size, 40 pages of 5,000 each) against the Amazon sandbox throttling a third of the
calls (429 with and without Retry-After, some 500s) completes in one run.

    python -m scripts.dev exec -- .venv/bin/python bench/sync/run.py [--links 6700] [--days 30]

The sandbox runs in this process (its own thread) with its clock pinned; the sync runs the
production path (attribution.sync.service.store_sync) over real HTTP. Waits are not slept:
the sync asks for them (Retry-After 0, or its backoff with jitter when Amazon sends none) and
the bench adds them up, so the figures are our time plus the sandbox's, not Amazon's pauses.
Prints the sandbox's report generation speed (first page of a level = building the whole
report; later pages come from its cache), the pull, the write, and the run's counts. Runs in
a scratch organisation of the configured database, removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

from amazon_sandbox import SandboxServer

CLIENT_ID, CLIENT_SECRET = "amzn1.application-oa2-client.sandbox", "sandbox-secret"
SANDBOX = SandboxServer(port=0, seed=42, client_id=CLIENT_ID, client_secret=CLIENT_SECRET).start()
os.environ["AMAZON_SANDBOX_URL"] = SANDBOX.url  # every Amazon URL of the settings points here

import django  # noqa: E402

django.setup()

import requests  # noqa: E402

from attribution import amazon  # noqa: E402
from attribution.models import DailyMetric, Store, SyncPage, SyncRun  # noqa: E402
from attribution.services import ads_client, connection_create_headless  # noqa: E402
from attribution.sync import service  # noqa: E402
from attribution.sync.service import store_sync  # noqa: E402
from attribution.sync.windows import Window  # noqa: E402
from tenancy.models import Organization  # noqa: E402
from tenancy.scoping import tenant_scope  # noqa: E402

START = date(2026, 10, 1)


def control(path: str, body: dict) -> dict:
    response = requests.post(f"{SANDBOX.url}{path}", json=body, timeout=600)
    response.raise_for_status()
    return dict(response.json())


class Timed:
    """Wraps AmazonAds.report_page: seconds per answered call, first page of each level apart
    (it builds the level's whole report)."""

    def __init__(self) -> None:
        self.first: dict[str, float] = {}
        self.rest: list[float] = []
        self.original = amazon.AmazonAds.report_page

    def __call__(self, ads, profile_id, body, cursor=""):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        result = self.original(ads, profile_id, body, cursor)  # failures are not timed
        took = time.perf_counter() - started
        level = body["groupBy"]
        if not cursor and level not in self.first:
            self.first[level] = took
        elif cursor:
            self.rest.append(took)
        return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", type=int, default=6700, help="one creator per link")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--share", type=float, default=1 / 3)
    args = parser.parse_args()
    end = START + timedelta(days=args.days - 1)
    control("/sandbox/clock", {"now": f"{(end + timedelta(days=20)).isoformat()}T12:00:00Z"})
    org, _ = Organization.objects.get_or_create(slug="bench-sync", defaults={"name": "Bench"})
    try:
        with tenant_scope(org):
            _, stores = connection_create_headless(
                region="NA", refresh_token=f"Atzr|bench-sync-{uuid.uuid4().hex[:8]}"
            )
            store = next(s for s in stores if s.country_code == "US")
            store = Store.objects.select_related("connection").get(pk=store.pk)
            ads = ads_client(store.connection)
            publisher = ads.publishers(store.profile_id)[0]["id"]
            ads.non_macro_template_tags(
                store.profile_id, publisher_ids=[publisher], advertiser_ids=[store.advertiser_id]
            )
        started = time.perf_counter()
        traffic = control(
            "/sandbox/traffic",
            {
                "advertiserId": store.advertiser_id,
                "publisherId": publisher,
                "links": [
                    {
                        "campaignId": f"campaign-{i % 40}",
                        "adGroupId": f"creator-{i}",
                        "creativeId": f"creator-{i}-link",
                        "asin": "B0AAAAAAA1",
                    }
                    for i in range(args.links)
                ],
                "start": START.isoformat(),
                "end": end.isoformat(),
                "clicksPerDay": [1, 1],
            },
        )
        traffic_s = time.perf_counter() - started
        control(
            "/sandbox/faults",
            {
                "throttle_share": {
                    "share": args.share,
                    "retry_after": 0,
                    "without_retry_after": 0.5,
                    "server_errors": 0.2,
                    "seed": 2026,
                }
            },
        )
        waits: list[float] = []
        timed = Timed()

        def report_page(ads, profile_id, body, cursor=""):  # type: ignore[no-untyped-def]
            return timed(ads, profile_id, body, cursor)

        amazon.AmazonAds.report_page = report_page  # type: ignore[method-assign]
        writes: list[float] = []
        apply_pull = service.apply_pull

        def timed_apply(**kwargs):  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            try:
                return apply_pull(**kwargs)
            finally:
                writes.append(time.perf_counter() - began)

        service.apply_pull = timed_apply  # type: ignore[assignment]
        started = time.perf_counter()
        run = store_sync(
            organization_id=org.pk,
            store_id=store.pk,
            trigger=SyncRun.Trigger.COMMAND,
            owner=f"bench-{uuid.uuid4()}",
            window=Window(START, end),
            sleep=waits.append,
        )
        total_s = time.perf_counter() - started
        amazon.AmazonAds.report_page = timed.original  # type: ignore[method-assign]
        assert run is not None
        share = SANDBOX.state.faults.snapshot()
        with tenant_scope(org):
            runs = SyncRun.objects.filter(store=store).count()
            stored = DailyMetric.objects.filter(store=store).count()
        calls = share.get("throttle_share", {})
        print(f"sandbox clicks: {traffic['clicks']:,} generated in {traffic_s:.1f} s")
        for level, seconds in sorted(timed.first.items()):
            print(f"sandbox {level} report built and first page served: {seconds:.1f} s")
        if timed.rest:
            rest = sorted(timed.rest)
            print(
                f"sandbox later pages (cached): median {rest[len(rest) // 2] * 1000:.0f} ms, "
                f"max {rest[-1] * 1000:.0f} ms over {len(rest)} calls"
            )
        print(
            f"run: {run.status} in {runs} run(s); {run.pages} pages, {run.rows_received:,} rows "
            f"received, {stored:,} stored (+{run.rows_inserted:,})"
        )
        print(
            f"Amazon calls: {calls.get('calls', 0)}, failed {calls.get('failed', 0)} "
            f"({calls.get('failed', 0) / max(1, calls.get('calls', 1)):.0%}); the run retried "
            f"{run.retries} times, waits asked {len(waits)} totalling {sum(waits):.1f} s "
            f"(not slept)"
        )
        write_s = sum(writes)
        print(
            f"the whole run: {total_s:.1f} s: pull {total_s - write_s:.1f} s (sandbox builds "
            f"included), measure and write {write_s:.1f} s"
        )
        assert run.status == SyncRun.Status.SUCCEEDED and runs == 1, run.error
    finally:
        with tenant_scope(org):
            SyncPage.objects.all().delete()
            DailyMetric.objects.all().delete()
            SyncRun.objects.all().delete()
            Store.objects.all().delete()
            from attribution.models import AmazonConnection

            AmazonConnection.objects.all().delete()
        org.delete()
        SANDBOX.stop()


if __name__ == "__main__":
    main()
