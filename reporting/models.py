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
from django.contrib.postgres.fields import ArrayField
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
    # The batch that paid it (who and when); set together with status `paid`.
    payout_batch = models.ForeignKey(
        "reporting.PayoutBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conversions",
    )
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
    # An adjustment owed on top (included=False) is paid by at most one batch; a restatement
    # after that batch is owed again, in the next one.
    payout_batch = models.ForeignKey(
        "reporting.PayoutBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjustments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class PayoutBatch(TenantModel):
    """Creators paid together: who marked it paid, when, with what reference, and the totals
    per currency at that moment (never summed across currencies)."""

    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField()
    reference = models.CharField(max_length=200, blank=True)
    conversions_count = models.PositiveIntegerField(default=0)
    adjustments_count = models.PositiveIntegerField(default=0)
    # {"USD": "1234.50", "EUR": "80.00"}
    totals = models.JSONField(default=dict)

    class Meta:
        ordering = ["-paid_at", "-pk"]

    def __str__(self) -> str:
        return f"Payout {self.pk} on {self.paid_at:%Y-%m-%d}"


class Export(TenantModel):
    """An aggregated CSV export run in the background (large ranges), with progress and a file
    that is served by a signed, expiring link and deleted after `expires_at`."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    class GroupBy(models.TextChoices):
        DAY = "day", "Day (per store)"
        CAMPAIGN = "campaign", "Campaign"
        CREATOR = "creator", "Creator"
        LINK = "link", "Link"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who else asked, when not a person: "API key <name> (<prefix>)".
    requested_via = models.CharField(max_length=150, blank=True)
    start = models.DateField()
    end = models.DateField()
    store_ids = ArrayField(models.BigIntegerField(), default=list)
    group_by = models.CharField(max_length=8, choices=GroupBy.choices, default=GroupBy.DAY)
    # Optional filters (the API's): only rows of this campaign / creator / link.
    campaign_id = models.BigIntegerField(null=True, blank=True)
    creator_id = models.BigIntegerField(null=True, blank=True)
    link_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows_estimate = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=500, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="export_range"
            )
        ]

    def __str__(self) -> str:
        return f"export {self.pk} {self.start}..{self.end} by {self.group_by} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def file_name(self) -> str:
        return f"attribution-{self.group_by}-{self.start:%Y%m%d}-{self.end:%Y%m%d}.csv"
