"""bench/audit: what the audit trail costs the approval of 10,000 conversions.

    python -m scripts.dev exec -- .venv/bin/python bench/audit/run.py [--conversions 10000]

Approves N conversions awaiting approval with `commissions.services.conversions_decide` (one
bulk UPDATE) in a member's audit context, with the trail's trigger on and then off, and a plain
QuerySet.update() of the same rows the same two ways. Each run is rolled back, so every run
starts from the same rows; the whole scratch organisation is rolled back at the end. Prints the
median of --rounds runs each, and the events written.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from attribution.models import AmazonConnection, Store  # noqa: E402
from audit.context import acting  # noqa: E402
from audit.models import ConversionEvent  # noqa: E402
from campaigns.models import Campaign, CampaignCreator, TrackingPlan  # noqa: E402
from commissions.models import Conversion  # noqa: E402
from commissions.services import conversions_decide  # noqa: E402
from creators.models import Creator  # noqa: E402
from tenancy.models import Membership, Organization, User  # noqa: E402
from tenancy.scoping import tenant_scope  # noqa: E402


def trigger_name() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'reporting_conversion'::regclass"
            " AND tgname LIKE 'pgtrigger_audit_changed_%%'"
        )
        return cursor.fetchone()[0]


def seed(n: int) -> tuple[User, list[int]]:
    org = Organization.objects.create(name="Bench audit", slug="bench-audit")
    user = User.objects.create_user(email="bench-owner@bench-audit.test", password=None)
    with tenant_scope(org):
        Membership.objects.create(user=user, role="owner")
        conn = AmazonConnection.objects.create(region="NA", status="active")
        store = Store.objects.create(
            connection=conn,
            profile_id=1,
            country_code="US",
            currency_code="USD",
            timezone="America/Los_Angeles",
        )
        plan = TrackingPlan.objects.create(
            store=store,
            name="Plan",
            publisher_id="1",
            template_tag="maas=x&tag=maas",
            tag_fetched_at="2026-01-01T00:00:00Z",
        )
        campaign = Campaign.objects.create(
            store=store,
            tracking_plan=plan,
            name="Bench",
            starts_on=date(2026, 1, 1),
            status="active",
            default_commission_rate=Decimal("10"),
            amazon_campaign_id="bench",
        )
        creators = 100
        ccs = []
        for i in range(creators):
            creator = Creator.objects.create(name=f"Creator {i}", email=f"c{i}@bench.test")
            ccs.append(
                CampaignCreator.objects.create(
                    campaign=campaign, creator=creator, amazon_adgroup_id=f"c{i}", status="active"
                )
            )
        days = -(-n // creators)
        rows = [
            Conversion(
                store=store,
                campaign=campaign,
                campaign_creator=cc,
                creator_id=cc.creator_id,
                date=date(2026, 1, 1) + timedelta(days=d),
                currency="USD",
                sales=Decimal("19.99"),
                commission_rate=Decimal("10"),
                commission=Decimal("2.00"),
                settles_on=date(2026, 2, 1),
                status="awaiting",
            )
            for cc in ccs
            for d in range(days)
        ][:n]
        Conversion.objects.bulk_create(rows, batch_size=2000)
        return user, list(Conversion.objects.values_list("pk", flat=True))


def timed(run, org_id: int, rounds: int) -> tuple[float, int]:
    times, events = [], 0
    for _ in range(rounds):
        with transaction.atomic():
            with tenant_scope(org_id):
                before = ConversionEvent.objects.count()
                started = time.perf_counter()
                run()
                times.append(time.perf_counter() - started)
                events = ConversionEvent.objects.count() - before
            transaction.set_rollback(True)
    return statistics.median(times), events


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--conversions", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with transaction.atomic():
        user, ids = seed(args.conversions)
        org_id = Organization.objects.get(slug="bench-audit").pk
        trigger = trigger_name()
        with connection.cursor() as cursor:  # ALTER TABLE below: no deferred FK checks queued
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

        def decide() -> None:
            with acting(user=user.pk, email=user.email, url="/bench/"):
                result = conversions_decide(conversion_ids=ids, approve=True, reason="", user=user)
            assert result.decided == len(ids), result.skipped

        def update() -> None:
            with acting(command="bench"):
                Conversion.objects.filter(pk__in=ids).update(status="approved")

        results = {}
        for name, run in (("conversions_decide", decide), ("QuerySet.update", update)):
            results[(name, "trail")] = timed(run, org_id, args.rounds)
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER TABLE reporting_conversion DISABLE TRIGGER "{trigger}"')
            results[(name, "no trail")] = timed(run, org_id, args.rounds)
            with connection.cursor() as cursor:
                cursor.execute(f'ALTER TABLE reporting_conversion ENABLE TRIGGER "{trigger}"')
        transaction.set_rollback(True)
    n = len(ids)
    for name in ("conversions_decide", "QuerySet.update"):
        with_s, events = results[(name, "trail")]
        without_s, _ = results[(name, "no trail")]
        print(
            f"{name}: {n:,} conversions approved in {with_s * 1000:.0f} ms with the trail "
            f"({events:,} events), {without_s * 1000:.0f} ms without: the trail adds "
            f"{(with_s - without_s) * 1000:.0f} ms ({(with_s / without_s - 1) * 100:.0f} %)"
        )


if __name__ == "__main__":
    main()
