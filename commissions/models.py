"""The money ledger: what creators earn from Amazon's numbers, and how it settles like money.

A conversion is one (store, campaign creator, date) from Amazon's ad-group rows. It is
`pending` until its date plus the campaign's settlement days, then `awaiting` a manager's
decision; `approved` ones become `payable` when their approval month has closed, then `paid`.
Restatements change an undecided conversion (and leave an adjustment saying so); once decided,
a restatement only adds an adjustment (clawback or top-up), never edits the approved amount.

What is owed is defined here and nowhere else:
- a conversion owes unless it was denied (`ConversionQuerySet.owing`, `Conversion.is_owing`);
- an adjustment is owed on top of its conversion unless it is already folded into the
  conversion's amounts (`ConversionAdjustmentQuerySet.on_top`, `ConversionAdjustment.is_on_top`);
- owed = commission + the adjustments owed on top (`ConversionQuerySet.with_owed`);
- a conversion with nothing owed (owed = 0) needs no decision: it settles on its own as
  approved, by nobody, with `NOTHING_OWED_REASON` (`ConversionQuerySet.nothing_owed`), so that
  a later restatement is still owed on top like any approved conversion's.
Every reader (dashboards, payables, the export's SQL, the portal, the API) goes through these.

The tables keep the names they had when this lived in `reporting`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from commissions.eligibility import REASONS, Ineligible
from tenancy.models import TenantManager, TenantModel, TenantQuerySet, tenant_column

ZERO = Decimal("0")


class ConversionQuerySet(TenantQuerySet):
    def owing(self) -> Self:
        """Conversions that owe their creator something: every status but denied."""
        return self.exclude(status=Conversion.Status.DENIED)

    def with_owed(self, *amounts: str) -> Self:
        """Annotate `owed_extra` (the commission of the adjustments owed on top; 0 without
        any) and `owed` (commission + owed_extra): what the conversion is worth to its creator.
        With `amounts` ("sales", "purchases", ...), also `owed_<amount>` for each: that amount
        plus the same adjustments' (the settle compares them with Amazon's figures).

        A subquery per conversion, so `Sum("owed")` over any grouping counts each conversion
        once however many adjustments it has."""
        qs = self.annotate(owed_extra=_on_top_total("commission")).annotate(
            owed=ExpressionWrapper(
                F("commission") + F("owed_extra"), output_field=_field("commission")
            )
        )
        for amount in amounts:
            qs = qs.annotate(
                **{
                    f"owed_{amount}": ExpressionWrapper(
                        F(amount) + _on_top_total(amount), output_field=_field(amount)
                    )
                }
            )
        return qs

    def nothing_owed(self) -> Self:
        """Conversions that are worth nothing to their creator (owed = 0)."""
        return self.with_owed().filter(owed=0)


def _field(amount: str) -> models.Field:
    """An unbound copy of the amount's field (an expression's output_field)."""
    field = ConversionAdjustment._meta.get_field(amount)
    assert isinstance(field, models.Field)
    return field.clone()


def _on_top_total(amount: str) -> Coalesce:
    """Sum of `amount` over the adjustments owed on top of the conversion in the outer query."""
    total = (
        ConversionAdjustment.objects.on_top()
        .filter(conversion=OuterRef("pk"))
        .order_by()
        .values("conversion")
        .annotate(total=Sum(amount))
        .values("total")
    )
    return Coalesce(Subquery(total), Value(0), output_field=_field(amount))


class ConversionManager(TenantManager.from_queryset(ConversionQuerySet)):  # type: ignore[misc]
    pass


class ConversionAdjustmentQuerySet(TenantQuerySet):
    def on_top(self) -> Self:
        """Adjustments owed on top of their conversion (clawbacks and top-ups after approval);
        restatements before approval are already folded into the conversion's amounts."""
        return self.filter(included=False)


class ConversionAdjustmentManager(TenantManager.from_queryset(ConversionAdjustmentQuerySet)):  # type: ignore[misc]
    pass


class Conversion(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        AWAITING = "awaiting", "Awaiting approval"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        PAYABLE = "payable", "Payable"
        PAID = "paid", "Paid"

    UNDECIDED = (Status.PENDING, Status.AWAITING)
    # The decision reason of a conversion that settled with nothing owed (decided_by empty).
    NOTHING_OWED_REASON = "Nothing owed: approved automatically at settlement."
    DECIDED_OWING = (Status.APPROVED, Status.PAYABLE, Status.PAID)

    store = models.ForeignKey("attribution.Store", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="+")
    campaign_creator = models.ForeignKey(
        "campaigns.CampaignCreator", on_delete=models.PROTECT, related_name="conversions"
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
    # Why the day earns no commission ('' = it does): commissions.eligibility. Amazon's
    # amounts are kept as reported either way.
    ineligible_reason = models.CharField(
        max_length=16, choices=Ineligible.choices, blank=True, default=""
    )
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
        "commissions.PayoutBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conversions",
    )
    # The payout run line that holds it (commissions.payouts): to pay in an open run, or
    # carried forward; None while merely payable. Paid ones keep the line that paid them.
    payout_line = models.ForeignKey(
        "commissions.PayoutLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conversions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[ConversionManager] = ConversionManager()
    # Set on the rows of ConversionQuerySet.with_owed() only.
    owed: Decimal
    owed_extra: Decimal

    class Meta:
        db_table = "reporting_conversion"
        ordering = ["-date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "campaign_creator", "date", "source"], name="conversion_unique_day"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "status", "date"], name="conversion_status"),
            models.Index(fields=["creator", "date"], name="conversion_creator_date"),
            # the owed rollups' recomputation (migration 0009) reads by these
            models.Index(fields=["campaign_creator", "date"], name="conversion_cc_date"),
            models.Index(fields=["campaign", "date"], name="conversion_campaign_date"),
            # the workflow dashboard's "awaiting approval" count and sum per currency, read from
            # the index alone (a big brand has 120,000 awaiting: 100 ms through the table)
            models.Index(
                fields=["organization", "currency"],
                include=["commission"],
                condition=models.Q(status="awaiting"),
                name="conversion_awaiting",
            ),
        ]

    @property
    def is_owing(self) -> bool:
        """`ConversionQuerySet.owing` for one conversion in hand."""
        return self.status != self.Status.DENIED

    @property
    def ineligible_text(self) -> str:
        """Why the day earns no commission, in words ('' when it does)."""
        return REASONS.get(self.ineligible_reason, "")


class ConversionAdjustment(TenantModel):
    class Kind(models.TextChoices):
        RESTATEMENT = "restatement", "Restated by Amazon (before approval)"
        CLAWBACK = "clawback", "Clawback (after approval)"
        TOP_UP = "top_up", "Top-up (after approval)"
        # The campaign's terms changed what the day earns: a day found outside them, or
        # terms the manager applied to conversions still pending (commissions.eligibility).
        TERMS = "terms", "Campaign terms applied"

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
        "commissions.PayoutBatch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjustments",
    )
    # As Conversion.payout_line (an adjustment owed on top only).
    payout_line = models.ForeignKey(
        "commissions.PayoutLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjustments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[ConversionAdjustmentManager] = ConversionAdjustmentManager()

    class Meta:
        db_table = "reporting_conversionadjustment"
        ordering = ["created_at", "pk"]

    @property
    def is_on_top(self) -> bool:
        """`ConversionAdjustmentQuerySet.on_top` for one adjustment in hand."""
        return not self.included


class OwedScope(models.TextChoices):
    CREATOR = "creator", "Creator on a campaign"
    CAMPAIGN = "campaign", "Campaign"


class OwedRollup(TenantModel):
    """What conversions owe their creators (`ConversionQuerySet.owing().with_owed()`: every
    status but denied, commission plus the adjustments owed on top) per campaign creator or
    campaign and day, with running totals through that day, so a range of any number of them
    costs two rows each (the running total at its end less the one the day before its start).

    Never written by Python: triggers on reporting_conversion and reporting_conversionadjustment
    keep it equal to those rows in their own transaction (migration 0009; commissions.rollups
    reads it). A campaign is in one store, so every figure is in one currency."""

    scope = models.CharField(max_length=8, choices=OwedScope.choices)
    scope_id = models.BigIntegerField()  # the campaign creator's or the campaign's id
    date = models.DateField()
    owed = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)
    owed_to_date = models.DecimalField(max_digits=18, decimal_places=2, default=ZERO)
    # how many owing conversions (a range "has conversions" when its count is not 0)
    conversions = models.BigIntegerField(default=0)
    conversions_to_date = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "scope_id", "date"], name="owedrollup_day")
        ]


class OwedTotal(TenantModel):
    """Per campaign creator or campaign: lifetime owed and the last day with a conversion."""

    scope = models.CharField(max_length=8, choices=OwedScope.choices)
    scope_id = models.BigIntegerField()
    last_date = models.DateField()
    owed = models.DecimalField(max_digits=18, decimal_places=2, default=ZERO)
    conversions = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "scope_id"], name="owedtotal_scope")
        ]


class AwaitingDelta(TenantModel):
    """What statements on conversions changed about those awaiting approval, per currency: how
    many more (or fewer) await and their commission. Their sums are the queue's totals
    (commissions.rollups.awaiting_totals), read without counting every awaiting conversion.

    Appended by a statement-level trigger on reporting_conversion in the writing statement's
    own transaction (migration 0011), never updated, so concurrent writers never wait on each
    other; `awaiting_compact` folds an organisation's rows into one per currency. Its
    organisation's foreign key cascades in PostgreSQL (migration 0011): deleting an
    organisation deletes its conversions, whose trigger appends rows again after Django has
    deleted the organisation's."""

    organization = tenant_column(db_constraint=False)
    currency = models.CharField(max_length=3)
    conversions = models.BigIntegerField()
    commission = models.DecimalField(max_digits=18, decimal_places=2)


class PayoutBatch(TenantModel):
    """Creators paid together: who marked it paid, when, with what reference, and the totals
    per currency at that moment (never summed across currencies). Since payout runs, a batch
    is the record a run leaves when it is marked paid (PayoutRun.batch); older batches were
    marked paid from the payables page."""

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
        db_table = "reporting_payoutbatch"
        ordering = ["-paid_at", "-pk"]

    def __str__(self) -> str:
        return f"Payout {self.pk} on {self.paid_at:%Y-%m-%d}"


class PayoutMinimum(TenantModel):
    """The smallest payout per currency (a setting per organisation, edited by owners and
    finance): a creator whose balance in a currency is below it is carried to the next run.
    No row: any positive balance is paid."""

    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "currency"], name="payout_minimum_unique_currency"
            )
        ]

    def __str__(self) -> str:
        return f"minimum payout {self.amount} {self.currency}"


class PayoutRun(TenantModel):
    """Everything payable, per creator and currency, gathered at one moment (commissions.payouts):
    lines to pay (their conversions and adjustments are held by the line until the run is paid
    or cancelled), lines carried to the next run (negative or below the minimum) and lines
    rejected (cannot be paid by file: no or unsuitable payout details). Finance downloads the
    files, pays, then marks the run paid (who and when; a PayoutBatch records it). At most one
    run per organisation is open (draft) at a time."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Open"
        PAID = "paid", "Paid"
        CANCELLED = "cancelled", "Cancelled"

    status = models.CharField(max_length=9, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # {"USD": "50.00"}: the minimums the run applied
    minimums = models.JSONField(default=dict)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    batch = models.OneToOneField(
        PayoutBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="run"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(status="draft"),
                name="payout_run_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"Payout run {self.pk}"


class PayoutLine(TenantModel):
    """One creator and currency in a run: the net amount of the conversions and adjustments it
    holds, and what the run does with it."""

    class Outcome(models.TextChoices):
        PAY = "pay", "To pay"
        CARRIED = "carried", "Carried to the next run"
        REJECTED = "rejected", "Cannot be paid by file"

    run = models.ForeignKey(PayoutRun, on_delete=models.CASCADE, related_name="lines")
    creator = models.ForeignKey("creators.Creator", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.CharField(max_length=300, blank=True)
    # The payout method and details at the run's creation (creators.PayoutDetails, encrypted
    # the same way): the files are what the run says, whatever is edited afterwards.
    method = models.CharField(max_length=8, blank=True)
    details_encrypted = models.TextField(blank=True, editable=False)
    conversions_count = models.PositiveIntegerField(default=0)
    adjustments_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run", "currency", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "creator", "currency"], name="payout_line_unique_creator_currency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.amount} {self.currency} ({self.outcome})"

    @property
    def reference(self) -> str:
        """The line's id in the files (PayPal's Customer ID, Wise's payment reference): short,
        letters, digits and hyphens only."""
        return f"PR{self.run_id}-{self.pk}"
