"""bench/approvals: server time of approving 10,000 conversions in one action (issue 14).

    python -m scripts.dev exec -- .venv/bin/python bench/approvals/run.py [--rounds 5]

A scratch organisation gets one store, one campaign, 100 creators and `size` conversions
awaiting approval (100 creators x size/100 days), plus as many in other states (pending,
approved, denied) that the filter must leave alone. Then, per round, with the conversions put
back to `awaiting` (and the table vacuumed) before each:

1. the conversions page with every conversion matching the filter selected
   (GET /o/<org>/conversions/?status=awaiting&all=1: the selection's count, totals per currency
   and version), in-process through the Django test client, signed in as a manager;
2. the bulk approve that page posts (all=1 with the expected count and version): the whole
   request, in-process;
3. the service alone (commissions.approvals.conversions_decide_matching), in one transaction.

Prints the median and the worst of each, as wall time and as CPU time (this process plus
the PostgreSQL backend serving it, from /proc: the server's own work, without the time spent
waiting for a core on a loaded machine); the target is under a second of server time for the
approve. The scratch organisation is removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DJANGO_DEBUG"] = "false"  # as in production: cached templates, no query log

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

SLUG = "bench-approvals"
EMAIL = "manager@bench-approvals.test"
START = date(2026, 1, 1)
CREATORS = 100


def admin_connection():  # type: ignore[no-untyped-def]
    import psycopg2

    admin = os.environ.get("TEST_DATABASE_ADMIN_URL")
    if not admin:
        sys.exit("bench/approvals needs TEST_DATABASE_ADMIN_URL (scripts.dev exec sets it)")
    dsn = psycopg2.extensions.parse_dsn(admin)
    dsn["dbname"] = connection.settings_dict["NAME"]
    return psycopg2.connect(**dsn)


def admin_execute(statement: str, params: list | None = None, autocommit: bool = False) -> None:
    admin = admin_connection()
    admin.autocommit = autocommit
    with admin.cursor() as cur:
        cur.execute(statement, params)
    if not autocommit:
        admin.commit()
    admin.close()


def teardown() -> None:
    admin = admin_connection()
    with admin, admin.cursor() as cur:
        cur.execute("SELECT id FROM tenancy_organization WHERE slug = %s", [SLUG])
        row = cur.fetchone()
        if row:
            for table in (
                "reporting_conversionadjustment",
                "reporting_conversion",
                "creators_campaigncreator",
                "creators_creator",
                "campaigns_campaign",
                "campaigns_trackingplan",
                "attribution_store",
                "attribution_amazonconnection",
                "tenancy_membership",
            ):
                cur.execute(f"DELETE FROM {table} WHERE organization_id = %s", row)  # noqa: S608
            cur.execute("DELETE FROM tenancy_organization WHERE id = %s", row)
        cur.execute("DELETE FROM tenancy_user WHERE email = %s", [EMAIL])
    admin.close()


def seed(size: int) -> int:
    """The scratch organisation's id, with `size` conversions awaiting and `size` in other
    states."""
    from attribution.models import AmazonConnection, Store
    from campaigns.models import Campaign, CampaignCreator, TrackingPlan
    from commissions.models import Conversion
    from creators.models import Creator
    from tenancy.models import Membership, Organization, Role, User
    from tenancy.scoping import tenant_scope

    org = Organization.objects.create(slug=SLUG, name="Bench approvals")
    user = User.objects.create_user(email=EMAIL, password="bench-password-1")
    days = size // CREATORS
    with tenant_scope(org):
        Membership.objects.create(user=user, role=Role.MANAGER)
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
            status="active",
            default_commission_rate=10,
            amazon_campaign_id="bench-approvals",
        )
        creators = Creator.objects.bulk_create(
            [Creator(name=f"Creator {i:03d}") for i in range(CREATORS)]
        )
        ccs = CampaignCreator.objects.bulk_create(
            [
                CampaignCreator(campaign=campaign, creator=c, amazon_adgroup_id=f"cr{i}")
                for i, c in enumerate(creators)
            ]
        )
        others = ("pending", "approved", "denied")
        rows = []
        for d in range(days * 2):
            day = START + timedelta(days=d)
            for i, cc in enumerate(ccs):
                sales = Decimal(10 + (i * 7 + d) % 90)
                rows.append(
                    Conversion(
                        store=store,
                        campaign=campaign,
                        campaign_creator=cc,
                        creator_id=cc.creator_id,
                        date=day,
                        currency="USD",
                        purchases=1,
                        units_sold=1,
                        sales=sales,
                        commission_rate=Decimal("10.00"),
                        commission=sales / 10,
                        settles_on=day + timedelta(days=30),
                        status="awaiting" if d < days else others[d % 3],
                    )
                )
        Conversion.objects.bulk_create(rows, batch_size=5000)
    admin_execute("VACUUM ANALYZE reporting_conversion", autocommit=True)
    return org.pk


def reset(org_id: int, size: int) -> None:
    """The first `size` conversions (by date) awaiting again, undecided; dead rows vacuumed."""
    days = size // CREATORS
    last = START + timedelta(days=days - 1)
    admin_execute(
        "UPDATE reporting_conversion SET status = 'awaiting', decided_at = NULL, "
        "decided_by_id = NULL, decision_reason = '' WHERE organization_id = %s AND date <= %s",
        [org_id, last],
    )
    admin_execute("VACUUM ANALYZE reporting_conversion", autocommit=True)


class Clock:
    """Wall time and CPU time (this process + the database backend of its connection)."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = cursor.fetchone()[0]
        self.tick = os.sysconf("SC_CLK_TCK")

    def _backend_cpu(self) -> float:
        fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / self.tick  # utime + stime

    def start(self) -> tuple[float, float]:
        return time.perf_counter(), time.process_time() + self._backend_cpu()

    def stop(self, started: tuple[float, float]) -> tuple[float, float]:
        wall, cpu = started
        return time.perf_counter() - wall, time.process_time() + self._backend_cpu() - cpu


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


def measure(org_id: int, size: int, rounds: int) -> None:
    from django.test import Client

    from commissions.approvals import conversions_decide_matching
    from commissions.models import Conversion
    from commissions.selectors.conversions import ConversionFilter
    from tenancy.models import User
    from tenancy.scoping import tenant_scope

    user = User.objects.get(email=EMAIL)
    client = Client()
    client.force_login(user)
    client.get(f"/o/{SLUG}/conversions/")  # warm: templates, session
    clock = Clock()
    url = f"/o/{SLUG}/conversions/"
    timings: dict[str, list[tuple[float, float]]] = {
        "select all (GET)": [],
        "approve (POST)": [],
        "service": [],
    }
    for _ in range(rounds):
        reset(org_id, size)
        started = clock.start()
        page = client.get(url, {"status": "awaiting", "all": "1"})
        timings["select all (GET)"].append(clock.stop(started))
        html = page.content.decode()
        assert f"All {size:,} conversions matching the filter selected" in html, html[:2000]
        form = {
            "status": "awaiting",
            "all": "1",
            "action": "approve",
            "expected_count": hidden(html, "expected_count"),
            "expected_version": hidden(html, "expected_version"),
        }
        started = clock.start()
        response = client.post(url, form)
        timings["approve (POST)"].append(clock.stop(started))
        assert response.status_code == 302, response.content[:2000]
        with tenant_scope(org_id):
            approved = Conversion.objects.filter(decided_by=user, status="approved").count()
        assert approved == size, approved

        reset(org_id, size)
        with tenant_scope(org_id):
            started = clock.start()
            with transaction.atomic():
                result = conversions_decide_matching(
                    filter=ConversionFilter(status="awaiting"),
                    approve=True,
                    reason="",
                    user=user,
                )
            timings["service"].append(clock.stop(started))
        assert result.decided == size
    for name, values in timings.items():
        walls = [w for w, _ in values]
        cpus = [c for _, c in values]
        print(
            f"{name}: CPU median {statistics.median(cpus) * 1000:.0f} ms, worst "
            f"{max(cpus) * 1000:.0f} ms; wall median {statistics.median(walls) * 1000:.0f} ms, "
            f"worst {max(walls) * 1000:.0f} ms; {len(values)} rounds, {size:,} conversions"
        )
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", "--no-input", verbosity=0)
    teardown()
    try:
        started = time.perf_counter()
        org_id = seed(args.size)
        print(
            f"seeded {args.size:,} awaiting + {args.size:,} other conversions in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
        measure(org_id, args.size, args.rounds)
    finally:
        teardown()


if __name__ == "__main__":
    main()
