"""The audit trail: one event table per tracked model (pghistory), written by triggers in the
same transaction as the change, each row in its organisation's tenant table (row-level security
like every tenant table) with who did it in `pgh_context` (audit.context).

To track another model, add one `audit_track(...)` line below (audit.tracking says what it
does), run `makemigrations`, and add `EnableRowLevelSecurity("audit_<model>event")` to the
audit migration it writes."""

from __future__ import annotations

import pghistory.models
from django.db import models

from attribution.models import AmazonConnection, Store
from audit.tracking import audit_track
from campaigns.models import (
    Campaign,
    CampaignCreator,
    CampaignCreatorTerms,
    CampaignStatusChange,
    CampaignTerms,
)
from commissions.models import Conversion, PayoutBatch, PayoutMinimum, PayoutRun
from creators.models import PayoutDetails
from tenancy.models import Membership, Organization, TenantModel


class AuditEvent(TenantModel, pghistory.models.Event):
    """Base of every event model: a tenant row (organisation copied from the tracked row by the
    trigger) that is never updated or deleted (append-only trigger). The organisation key has
    no constraint, so an organisation's deletion does not have to rewrite its history."""

    pgh_id = models.BigAutoField(primary_key=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        editable=False,
    )
    # {column: [before, after]} as text, for the fields that changed (audit.tracking).
    pgh_diff = models.JSONField(null=True)

    # TenantModel's managers come first in the MRO: `objects` fails closed, `unscoped` escapes.

    class Meta:
        abstract = True


# Rates, basis, settlement days and the dates and status that decide which days earn.
CampaignEvent = audit_track(
    Campaign,
    kind="campaign",
    title="Campaign terms",
    watch=[
        "status",
        "starts_on",
        "ends_on",
        "default_commission_rate",
        "commission_basis",
        "settlement_days",
        "auto_approve",
        "auto_approve_max_restated_percent",
    ],
    snapshot=["name", "store"],
)
CampaignCreatorEvent = audit_track(
    CampaignCreator,
    kind="campaign_creator",
    title="Creator on a campaign",
    watch=["commission_rate_override", "status", "joined_on", "removed_on"],
    snapshot=["campaign", "creator"],
)
# Approvals, denials, payments (Amazon's restatements are the adjustments' own ledger).
ConversionEvent = audit_track(
    Conversion,
    kind="conversion",
    title="Conversion",
    watch=["status", "decided_by", "decision_reason", "commission_rate", "payout_batch", "paid_at"],
    snapshot=["store", "campaign", "creator", "date", "currency", "commission"],
    money={"commission": "currency"},
    labels=["changed", "removed"],
)
PayoutBatchEvent = audit_track(
    PayoutBatch,
    kind="payout",
    title="Payout",
    watch=["paid_by", "paid_at", "reference", "conversions_count", "adjustments_count", "totals"],
)
AmazonConnectionEvent = audit_track(
    AmazonConnection,
    kind="amazon_connection",
    title="Amazon Ads connection",
    watch=["status", "region", "connected_by"],
    # A new refresh token (a reconnect): recorded as changed, never copied.
    secret=["refresh_token_encrypted"],
)
StoreEvent = audit_track(
    Store,
    kind="store",
    title="Store",
    watch=["status", "connection"],
    snapshot=["profile_id", "country_code", "currency_code", "account_name", "advertiser_name"],
)
MembershipEvent = audit_track(
    Membership,
    kind="member",
    title="Member role",
    watch=["role"],
    snapshot=["user"],
)

# Terms from a date (campaigns.terms): each row is a decision about money from that day.
CampaignTermsEvent = audit_track(
    CampaignTerms,
    kind="campaign_terms",
    title="Campaign terms from a date",
    watch=["effective_from", "default_commission_rate", "commission_basis", "settlement_days"],
    snapshot=["campaign", "applied_to_pending", "changed_by"],
)
CampaignCreatorTermsEvent = audit_track(
    CampaignCreatorTerms,
    kind="creator_terms",
    title="Creator override from a date",
    watch=["effective_from", "commission_rate_override"],
    snapshot=["campaign_creator", "applied_to_pending", "changed_by"],
)
CampaignStatusChangeEvent = audit_track(
    CampaignStatusChange,
    kind="campaign_status",
    title="Campaign status from a date",
    watch=["effective_from", "status"],
    snapshot=["campaign", "changed_by"],
)
# Payout runs (what is paid, carried or rejected), minimums, and the creators' payout details
# (secret: recorded as changed, never copied).
PayoutRunEvent = audit_track(
    PayoutRun,
    kind="payout_run",
    title="Payout run",
    watch=["status", "paid_by", "paid_at", "reference", "cancelled_by", "cancelled_at"],
    snapshot=["created_by", "minimums"],
)
PayoutMinimumEvent = audit_track(
    PayoutMinimum,
    kind="payout_minimum",
    title="Minimum payout",
    watch=["amount"],
    snapshot=["currency", "updated_by"],
    money={"amount": "currency"},
)
PayoutDetailsEvent = audit_track(
    PayoutDetails,
    kind="payout_details",
    title="Creator payout details",
    watch=["method"],
    snapshot=["creator", "updated_by"],
    secret=["details_encrypted"],
)
