"""The data migrations of issue 14: campaigns get their status and terms history and creators
their join date (campaigns 0006), and existing conversions outside their campaign's terms are
corrected by adjustments, nothing silently rewritten (commissions 0004). Both run one
organisation at a time under row-level security."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from campaigns.models import CampaignCreatorTerms, CampaignStatusChange, CampaignTerms
from commissions.models import Conversion, ConversionAdjustment
from tenancy.scoping import tenant_scope
from tests.factories import (
    CampaignCreatorFactory,
    CampaignFactory,
    ConversionAdjustmentFactory,
    ConversionFactory,
)

CORRECT = importlib.import_module("commissions.migrations.0005_conversions_follow_campaign_terms")
BACKFILL = importlib.import_module("campaigns.migrations.0010_campaign_terms_and_status_history")
EDITOR = SimpleNamespace(connection=connection)
D = date


def holiday_guide(tenant, *, status="draft"):
    """The demo's draft campaign as it was: conversions dated before its start owing money."""
    with tenant_scope(tenant.org):
        campaign = CampaignFactory(
            name="Holiday Gift Guide",
            starts_on=D(2026, 11, 15),
            ends_on=D(2026, 12, 31),
            status=status,
            settlement_days=45,
        )
        cc = CampaignCreatorFactory(campaign=campaign, status="active")
        pending = ConversionFactory(
            campaign_creator=cc, date=D(2026, 10, 14), commission=Decimal("5.00")
        )
        approved = ConversionFactory(
            campaign_creator=cc,
            date=D(2026, 10, 20),
            commission=Decimal("7.00"),
            status="approved",
            decided_at=timezone.now(),
        )
        ConversionAdjustmentFactory(
            conversion=approved, kind="top_up", included=False, commission=Decimal("1.00")
        )
        denied = ConversionFactory(
            campaign_creator=cc, date=D(2026, 10, 21), commission=Decimal("3.00"), status="denied"
        )
    return campaign, pending, approved, denied


def owed(campaign) -> Decimal:
    total = (
        Conversion.objects.filter(campaign=campaign)
        .owing()
        .with_owed()
        .aggregate(s=Sum("owed"))["s"]
    )
    return total or Decimal("0")


def test_conversions_outside_the_terms_are_corrected_by_adjustments(tenant_a, tenant_b):
    campaign, pending, approved, denied = holiday_guide(tenant_a)
    other, *_ = holiday_guide(tenant_b)
    with tenant_scope(tenant_a.org):
        fine = ConversionFactory(
            campaign_creator=CampaignCreatorFactory(
                campaign=CampaignFactory(starts_on=D(2026, 10, 1), status="active")
            ),
            date=D(2026, 10, 14),
            commission=Decimal("4.00"),
        )
        assert owed(campaign) == Decimal("13.00")  # the reported bug
    BACKFILL.backfill(apps, EDITOR)
    CORRECT.correct(apps, EDITOR)
    with tenant_scope(tenant_a.org):
        assert owed(campaign) == 0
        rows = {c.pk: c for c in Conversion.objects.filter(campaign=campaign)}
        assert (rows[pending.pk].commission, rows[pending.pk].ineligible_reason) == (
            Decimal("0.00"),
            "before_start",
        )
        # approved: its amount stays; what it owed is clawed back on top
        assert rows[approved.pk].commission == Decimal("7.00")
        assert rows[denied.pk].ineligible_reason == "before_start"
        adjustments = sorted(
            ConversionAdjustment.objects.filter(kind="terms").values_list(
                "conversion_id", "included", "commission"
            )
        )
        assert adjustments == sorted(
            [(pending.pk, True, Decimal("-5.00")), (approved.pk, False, Decimal("-8.00"))]
        )
        assert Conversion.objects.get(pk=fine.pk).commission == Decimal("4.00")
        assert Conversion.objects.get(pk=fine.pk).ineligible_reason == ""
        # joined the day the row was made, or earlier when Amazon credited sales before
        assert fine.campaign_creator.__class__.objects.get(
            pk=fine.campaign_creator_id
        ).joined_on == D(2026, 10, 14)
        assert ConversionAdjustment.objects.filter(kind="terms").count() == 2
    with tenant_scope(tenant_b.org):
        assert owed(other) == 0
        assert ConversionAdjustment.objects.filter(kind="terms").count() == 2
    # run again: nothing more to correct
    CORRECT.correct(apps, EDITOR)
    with tenant_scope(tenant_a.org):
        assert ConversionAdjustment.objects.filter(kind="terms").count() == 2


def test_the_history_starts_with_what_each_campaign_has(tenant_a, tenant_b):
    with tenant_scope(tenant_a.org):
        campaign = CampaignFactory(status="active", default_commission_rate=Decimal("9.50"))
        cc = CampaignCreatorFactory(campaign=campaign, commission_rate_override=Decimal("11.00"))
        gone = CampaignCreatorFactory(campaign=campaign, status="removed")
    with tenant_scope(tenant_b.org):
        CampaignFactory(status="paused")
    BACKFILL.backfill(apps, EDITOR)
    BACKFILL.backfill(apps, EDITOR)  # idempotent
    with tenant_scope(tenant_a.org):
        assert list(CampaignStatusChange.objects.values_list("status", "effective_from")) == [
            ("active", None)
        ]
        assert list(
            CampaignTerms.objects.values_list("effective_from", "default_commission_rate")
        ) == [(None, Decimal("9.50"))]
        assert list(
            CampaignCreatorTerms.objects.filter(campaign_creator=cc).values_list(
                "effective_from", "commission_rate_override"
            )
        ) == [(None, Decimal("11.00"))]
        cc.refresh_from_db()
        gone.refresh_from_db()
        local_today = campaign.store.today()
        assert cc.joined_on == local_today and cc.removed_on is None
        assert gone.removed_on == local_today
    with tenant_scope(tenant_b.org):
        assert list(CampaignStatusChange.objects.values_list("status", flat=True)) == ["paused"]
