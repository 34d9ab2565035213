"""Existing conversions follow the campaign's terms (commissions.eligibility): a day outside
them (a draft or paused campaign, before its start, after its end plus Amazon's 14-day window,
a creator not on the campaign) earns no commission. Nothing is silently rewritten: each change
is an adjustment of kind "terms" - folded into an undecided conversion (its commission becomes
0), owed on top of a decided one (a clawback of what it owed). Denied conversions owed nothing
and only get their reason. One organisation at a time under row-level security."""

from decimal import Decimal

from django.db import migrations
from django.db.models import Sum

from campaigns.terms import history_sorted
from commissions.eligibility import ineligible_reason, status_on

UNDECIDED = ("pending", "awaiting")


def correct(apps, schema_editor):
    Organization = apps.get_model("tenancy", "Organization")
    Conversion = apps.get_model("commissions", "Conversion")
    Adjustment = apps.get_model("commissions", "ConversionAdjustment")
    StatusChange = apps.get_model("campaigns", "CampaignStatusChange")
    connection = schema_editor.connection
    for org_id in Organization.objects.values_list("pk", flat=True):
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(org_id)])
        statuses: dict[int, list] = {}
        for row in StatusChange._base_manager.filter(organization_id=org_id):
            statuses.setdefault(row.campaign_id, []).append(row)
        statuses = {k: history_sorted(v) for k, v in statuses.items()}
        conversions = (
            Conversion._base_manager.filter(organization_id=org_id)
            .select_related("campaign", "campaign_creator")
            .order_by("pk")
        )
        adjustments = []
        changed = 0
        for c in conversions.iterator(chunk_size=2000):
            campaign, cc = c.campaign, c.campaign_creator
            status, since = status_on(statuses.get(campaign.pk, []), c.date, campaign.status)
            reason = ineligible_reason(
                day=c.date,
                starts_on=campaign.starts_on,
                ends_on=campaign.ends_on,
                status=status,
                status_since=since,
                joined_on=cc.joined_on,
                removed_on=cc.removed_on,
            )
            if reason == c.ineligible_reason:
                continue
            c.ineligible_reason = reason
            fields = ["ineligible_reason"]
            if reason and c.status != "denied":
                if c.status in UNDECIDED:
                    if c.commission:
                        adjustments.append(
                            Adjustment(
                                organization_id=org_id,
                                conversion_id=c.pk,
                                kind="terms",
                                included=True,
                                commission=-c.commission,
                            )
                        )
                        c.commission = Decimal("0")
                        fields.append("commission")
                else:
                    on_top = Adjustment._base_manager.filter(
                        conversion_id=c.pk, included=False
                    ).aggregate(s=Sum("commission"))["s"] or Decimal("0")
                    owed = c.commission + on_top
                    if owed:
                        adjustments.append(
                            Adjustment(
                                organization_id=org_id,
                                conversion_id=c.pk,
                                kind="terms",
                                included=False,
                                commission=-owed,
                            )
                        )
            c.save(update_fields=fields)
            changed += 1
        Adjustment._base_manager.bulk_create(adjustments)
        if changed:
            print(
                f"\n  organisation {org_id}: {changed} conversions outside their campaign's "
                f"terms, {len(adjustments)} adjustments recorded",
                end="",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("commissions", "0004_conversion_ineligible_reason"),
        ("campaigns", "0010_campaign_terms_and_status_history"),
    ]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop, elidable=True)]
