"""Conversions: what creators earn from Amazon's numbers, and how it settles like money.

A conversion is one (store, campaign creator, date) from Amazon's ad-group rows. It is
`pending` until its date plus the campaign's settlement days, then `awaiting` a manager's
decision; `approved` ones become `payable` when their approval month has closed, then `paid`.
Restatements change an undecided conversion (and leave an adjustment saying so); once decided,
a restatement only adds an adjustment (clawback or top-up), never edits the approved amount.
Owed = commission + the adjustments not yet included in it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from tenancy.models import TenantModel

ZERO = Decimal("0")


class Conversion(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        AWAITING = "awaiting", "Awaiting approval"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        PAYABLE = "payable", "Payable"
        PAID = "paid", "Paid"

    UNDECIDED = (Status.PENDING, Status.AWAITING)
    DECIDED_OWING = (Status.APPROVED, Status.PAYABLE, Status.PAID)

    store = models.ForeignKey("attribution.Store", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    campaign_creator = models.ForeignKey(
        "creators.CampaignCreator", on_delete=models.PROTECT, related_name="conversions"
    )
    creator = models.ForeignKey("creators.Creator", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    source = models.CharField(max_length=16, default="amazon")
    currency = models.CharField(max_length=3)
    purchases = models.IntegerField(default=0)
    units_sold = models.IntegerField(default=0)
    sales = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    commission_rate = models.DecimalField(max_digits=5, decimal_places=2)
    commission = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    brand_referral_bonus = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    settles_on = models.DateField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "campaign_creator", "date", "source"], name="conversion_unique_day"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "status", "date"], name="conversion_status"),
            models.Index(fields=["creator", "date"], name="conversion_creator_date"),
        ]


class ConversionAdjustment(TenantModel):
    class Kind(models.TextChoices):
        RESTATEMENT = "restatement", "Restated by Amazon (before approval)"
        CLAWBACK = "clawback", "Clawback (after approval)"
        TOP_UP = "top_up", "Top-up (after approval)"

    conversion = models.ForeignKey(Conversion, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # True: already folded into the conversion's amounts (undecided); False: owed on top.
    included = models.BooleanField()
    purchases = models.IntegerField(default=0)
    units_sold = models.IntegerField(default=0)
    sales = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    commission = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    brand_referral_bonus = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    sync_run = models.ForeignKey(
        "attribution.SyncRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
