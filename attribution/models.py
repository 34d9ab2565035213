"""Amazon-side objects of a tenant: connections (Login-with-Amazon grants) and stores (one
Amazon Ads profile + its Attribution advertiser)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone as django_timezone

from attribution import crypto
from core import clock
from tenancy.models import TenantModel, tenant_column


class Region(models.TextChoices):
    NA = "NA", "North America"
    EU = "EU", "Europe"
    FE = "FE", "Far East"


# Which profiles a regional grant manages (Amazon serves them from the regional host).
REGION_COUNTRIES = {
    Region.NA: {"US", "CA", "MX", "BR"},
    Region.EU: {
        "UK",
        "GB",
        "DE",
        "FR",
        "IT",
        "ES",
        "NL",
        "SE",
        "PL",
        "BE",
        "IE",
        "TR",
        "EG",
        "SA",
        "AE",
        "IN",
    },
    Region.FE: {"JP", "AU", "SG"},
}


class AmazonConnection(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Choose profiles"
        ACTIVE = "active", "Connected"
        NEEDS_REAUTH = "needs_reauth", "Reconnect needed"
        DISCONNECTED = "disconnected", "Disconnected"

    region = models.CharField(max_length=2, choices=Region.choices)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Amazon Ads {self.region} #{self.pk}"

    @property
    def refresh_token(self) -> str:
        return crypto.decrypt(self.refresh_token_encrypted) if self.refresh_token_encrypted else ""

    @refresh_token.setter
    def refresh_token(self, value: str) -> None:
        self.refresh_token_encrypted = crypto.encrypt(value) if value else ""

    @property
    def token_cache_key(self) -> str:
        return f"{self.organization_id}:{self.pk}"


class Store(TenantModel):
    """One Amazon Ads profile with its Attribution advertiser: marketplace, currency, zone."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INELIGIBLE = "ineligible", "Not eligible for Amazon Attribution"
        # Amazon withdrew access to this one profile (401 "Not authorized to access scope");
        # the connection and its other stores are fine.
        NO_ACCESS = "no_access", "No access to this profile"
        DISCONNECTED = "disconnected", "Disconnected"

    connection = models.ForeignKey(
        AmazonConnection, on_delete=models.PROTECT, related_name="stores"
    )
    profile_id = models.BigIntegerField()
    country_code = models.CharField(max_length=2)
    marketplace_id = models.CharField(max_length=20, blank=True)
    currency_code = models.CharField(max_length=3)
    timezone = models.CharField(max_length=64)
    account_name = models.CharField(max_length=200, blank=True)
    account_type = models.CharField(max_length=20, blank=True)
    advertiser_id = models.CharField(max_length=32, blank=True)
    advertiser_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Sync: how often, how far back, and what the freshness banner reads.
    sync_cadence_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(24), MaxValueValidator(48)]
    )
    sync_window_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    last_synced_at = models.DateTimeField(null=True, blank=True)
    data_through = models.DateField(null=True, blank=True)
    sync_requested_at = models.DateTimeField(null=True, blank=True)
    # The lease that keeps two syncs of one store apart (claim-by-update, expires).
    sync_lease_owner = models.CharField(max_length=64, blank=True)
    sync_lease_until = models.DateTimeField(null=True, blank=True)
    # Report metrics Amazon refused for this profile (400 "Invalid metric <name>"), left out of
    # its report requests: [{"metric": name, "dropped_at": ISO time, "message": Amazon's}].
    dropped_metrics = models.JSONField(default=list, blank=True)
    # Days whose reports the store still owes a re-pull (attribution.sync.history): a tag group
    # passed Amazon's 10-click threshold, so Amazon now shows its older rows too. Both set or
    # neither; the scheduled sync pulls them after its usual window, newest days first.
    history_due_from = models.DateField(null=True, blank=True)
    history_due_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["country_code", "account_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "profile_id"], name="store_unique_profile"
            )
        ]

    def __str__(self) -> str:
        return f"{self.advertiser_name or self.account_name} ({self.country_code})"

    @property
    def name(self) -> str:
        return str(self)

    @property
    def dropped_metric_names(self) -> set[str]:
        return {str(entry.get("metric")) for entry in self.dropped_metrics or []}

    # A store's days are its own: Amazon reports every date in the store's time zone, so
    # "today", "yesterday" and every default range of a store's figures start here. `now`
    # defaults to core.clock (which tests can move).

    def today(self, now: datetime | None = None) -> date:
        """Today in the store's time zone."""
        return (now or clock.now()).astimezone(ZoneInfo(self.timezone or "UTC")).date()

    def latest_complete_day(self, now: datetime | None = None) -> date:
        """Yesterday in the store's time zone: the last day that has ended there."""
        return self.today(now) - timedelta(days=1)

    @staticmethod
    def latest_complete_day_of(stores: Iterable[Store], now: datetime | None = None) -> date:
        """For a page over several stores: the latest day that has ended in every one of them
        (the earliest of their latest complete days), so a default range never ends on a
        day still running in one of the stores. Without stores: yesterday in TIME_ZONE."""
        now = now or clock.now()
        days = [store.latest_complete_day(now) for store in stores]
        if days:
            return min(days)
        return django_timezone.localdate(now) - timedelta(days=1)


# Amazon shows a tag group's report rows once it has this many lifetime clicks (Amazon
# Attribution API how-to, "Reports resource": rows of groups under it read 0).
AMAZON_MASK_CLICKS = 10


class MetricLevel(models.TextChoices):
    """Amazon's report levels (`groupBy`). Totals of a store or campaign come from CAMPAIGN
    rows, a creator's numbers from ADGROUP rows, a link's from CREATIVE rows: Amazon masks each
    row whose tag group has under 10 lifetime clicks, so the coarser level hides least (its
    how-to: request the level you show rather than summing finer rows yourself)."""

    CAMPAIGN = "campaign", "Campaign"
    CREATIVE = "creative", "Link (creative)"
    ADGROUP = "adgroup", "Creator (ad group)"


# Amazon's metrics as DailyMetric stores them, in the order every report and export lists them.
METRIC_FIELDS = (
    "clicks",
    "detail_page_views",
    "add_to_cart",
    "purchases",
    "units_sold",
    "sales",
    "total_detail_page_views",
    "total_add_to_cart",
    "total_purchases",
    "total_units_sold",
    "total_sales",
    "brand_referral_bonus",
)


class DailyMetric(TenantModel):
    """One row of an Amazon Attribution PERFORMANCE report, exactly as Amazon sent it: per
    (store, date, level, campaign id, ad group id, creative id, publisher). Ids we do not know
    are kept ("unmatched"); matching to campaigns, creators and links happens when reading."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    level = models.CharField(max_length=8, choices=MetricLevel.choices)
    amazon_campaign_id = models.CharField(max_length=255)
    amazon_adgroup_id = models.CharField(max_length=255)  # '' at campaign level
    amazon_creative_id = models.CharField(max_length=255, blank=True)  # '' above creative level
    publisher = models.CharField(max_length=120, blank=True)  # '' at campaign level
    clicks = models.IntegerField(default=0)
    detail_page_views = models.IntegerField(default=0)
    add_to_cart = models.IntegerField(default=0)
    purchases = models.IntegerField(default=0)
    units_sold = models.IntegerField(default=0)
    sales = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    total_detail_page_views = models.IntegerField(default=0)
    total_add_to_cart = models.IntegerField(default=0)
    total_purchases = models.IntegerField(default=0)
    total_units_sold = models.IntegerField(default=0)
    total_sales = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    brand_referral_bonus = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "store",
                    "level",
                    "date",
                    "amazon_campaign_id",
                    "amazon_adgroup_id",
                    "amazon_creative_id",
                    "publisher",
                ],
                name="dailymetric_amazon_row",
            )
        ]
        indexes = [
            models.Index(
                fields=["store", "level", "amazon_campaign_id", "date"], name="dailymetric_campaign"
            ),
            models.Index(fields=["organization", "level", "date"], name="dailymetric_org_date"),
            # one rollup key's rows from a day on: what the rollup triggers recompute from
            models.Index(
                fields=[
                    "store",
                    "level",
                    "amazon_campaign_id",
                    "amazon_adgroup_id",
                    "amazon_creative_id",
                    "date",
                ],
                name="dailymetric_rollup_key",
            ),
        ]


class SyncRun(TenantModel):
    """One pull of one store's reports: what the freshness banner and the sync page read."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        INELIGIBLE = "ineligible", "Not eligible"
        # The pull would lower the window's clicks or sales by more than SYNC_HOLD_PERCENT:
        # nothing was applied; `review` says what would change (attribution.sync.review).
        HELD = "held", "Held for review"
        # A later pull of the same days was applied or held instead of this held one.
        SUPERSEDED = "superseded", "Superseded"
        # Stopped before it finished (worker gone, or the run's deadline): its pages are kept
        # and the next attempt resumes from them.
        INTERRUPTED = "interrupted", "Interrupted"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        MANUAL = "manual", "Sync now"
        COMMAND = "command", "Operator command"
        # Days before the usual window, re-pulled because a tag group passed Amazon's 10-click
        # threshold and its older rows are no longer masked (attribution.sync.history).
        HISTORY = "history", "History re-pull"

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="sync_runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    task_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    window_start = models.DateField()
    window_end = models.DateField()
    pages = models.PositiveIntegerField(default=0)
    rows_received = models.PositiveIntegerField(default=0)
    rows_inserted = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_removed = models.PositiveIntegerField(default=0)
    retries = models.PositiveIntegerField(default=0)
    pages_resumed = models.PositiveIntegerField(default=0)  # pulled by earlier attempts
    error = models.TextField(blank=True)
    notes = models.TextField(blank=True)  # what the sync did about Amazon's trouble
    # Held runs: what the pull would change, per level (attribution.sync.review.Review).
    review = models.JSONField(default=dict, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["store", "-created_at"], name="syncrun_store_recent")]

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class SyncPage(TenantModel):
    """One report page as Amazon sent it (parsed to our row shape, CSV), kept as it arrives so
    a pull that stops part-way resumes at the next page instead of starting over. A pull's
    pages are applied together once both levels are complete, then deleted; a held pull's
    stay until a manager applies it or a later pull supersedes it."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    sync_run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="sync_pages")
    level = models.CharField(max_length=8, choices=MetricLevel.choices)
    seq = models.PositiveIntegerField()  # 0, 1, 2, ... within the level
    request_key = models.CharField(max_length=64)  # the report request, minus cursor and count
    cursor = models.TextField(blank=True)  # the cursor that asked for this page
    next_cursor = models.TextField(blank=True)  # '' on the level's last page
    page_size = models.PositiveIntegerField()
    row_count = models.PositiveIntegerField()
    rows = models.TextField(blank=True)  # CSV in attribution.sync.pull.COLUMNS order
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sync_run", "level", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["sync_run", "level", "seq"], name="syncpage_unique")
        ]


class MetricRevision(TenantModel):
    """A change Amazon made to a day it had already reported ("Oct 3: sales -24.99")."""

    class Kind(models.TextChoices):
        ADDED = "added", "Added"
        UPDATED = "updated", "Updated"
        REMOVED = "removed", "Removed"

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    sync_run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="revisions")
    date = models.DateField()
    level = models.CharField(max_length=8, choices=MetricLevel.choices)
    amazon_campaign_id = models.CharField(max_length=255)
    amazon_adgroup_id = models.CharField(max_length=255)
    amazon_creative_id = models.CharField(max_length=255, blank=True)
    publisher = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # {"sales": ["249.90", "224.91"], "units_sold": [10, 9]}: old and new value per field.
    changes = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "date"]
        indexes = [models.Index(fields=["store", "-created_at"], name="revision_store_recent")]

    LABELS: ClassVar[dict[str, str]] = {
        "clicks": "clicks",
        "detail_page_views": "detail page views",
        "add_to_cart": "add to carts",
        "purchases": "purchases",
        "units_sold": "units",
        "sales": "sales",
        "total_detail_page_views": "brand detail page views",
        "total_add_to_cart": "brand add to carts",
        "total_purchases": "brand purchases",
        "total_units_sold": "brand units",
        "total_sales": "brand sales",
        "brand_referral_bonus": "Brand Referral Bonus",
    }

    @property
    def summary(self) -> str:
        """ "sales -24.99, units -1": each changed figure with its signed difference."""
        parts = []
        for name, (old, new) in self.changes.items():
            delta = Decimal(str(new)) - Decimal(str(old))
            parts.append(f"{self.LABELS.get(name, name)} {'+' if delta > 0 else ''}{delta}")
        return ", ".join(parts)


class RollupLevel(models.TextChoices):
    """The keys of the rollups: Amazon's three levels, and every ad group of a campaign at once
    (what the campaign's creators add up to, against its campaign-level total)."""

    CAMPAIGN = "campaign", "Campaign"
    ADGROUP = "adgroup", "Creator (ad group)"
    CREATIVE = "creative", "Link (creative)"
    ADGROUPS = "adgroups", "All ad groups of a campaign"


def _rollup_fields(suffix: str, int_type: type, money_digits: int) -> dict[str, models.Field]:
    fields: dict[str, models.Field] = {}
    for name in METRIC_FIELDS:
        if name in ("sales", "total_sales", "brand_referral_bonus"):
            fields[name + suffix] = models.DecimalField(
                max_digits=money_digits, decimal_places=2, default=0
            )
        else:
            fields[name + suffix] = int_type(default=0)
    # how many fact rows: a range has figures when its count is not zero, as a SUM over facts
    # has a row when any fact falls in it
    fields["fact_rows" + suffix] = int_type(default=0)
    return fields


class MetricTotal(TenantModel):
    """One row per rollup key (store, level, campaign id, ad group id, creative id; publishers
    together): its lifetime totals and the last day it has figures for (a range ending on or
    after that day reads the lifetime totals). Its id is the key's number, which MetricRollup
    rows carry instead of the key's strings, and stays the same while the key has figures.

    Never written by Python: triggers on attribution_dailymetric keep it equal to the facts in
    the statement's own transaction (migrations 0011 and 0013; attribution.rollups reads it)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=8, choices=RollupLevel.choices)
    amazon_campaign_id = models.CharField(max_length=255)
    amazon_adgroup_id = models.CharField(max_length=255, blank=True)
    amazon_creative_id = models.CharField(max_length=255, blank=True)
    last_date = models.DateField()
    locals().update(_rollup_fields("", models.BigIntegerField, 18))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "store",
                    "level",
                    "amazon_campaign_id",
                    "amazon_adgroup_id",
                    "amazon_creative_id",
                ],
                name="metrictotal_key",
            )
        ]


class MetricRollup(TenantModel):
    """DailyMetric summed per key and day, publishers together: the day's figures and the key's
    running totals through that day (`<metric>_to_date`), so any range of any number of keys
    costs two rows per key (the running total at its end less the one the day before its start).

    Keyed by (key number, date) as its primary key: a range's probe for a key is one descent of
    that narrow integer index to a narrow row (issue 16: the key's five columns on every row
    made each probe several times slower on a big brand). Kept by the same triggers."""

    pk = models.CompositePrimaryKey("key", "date")
    # No index of their own: the primary key (key_id, date) is the one every read and the
    # triggers' writes use, and a second index on 16 million rows both slows each write and
    # tempts the planner, before the table's first ANALYZE, into bitmap scans instead of the
    # primary key's one-row probe (a 20,000-row sync took 37 s in one such UPDATE).
    organization = tenant_column(db_index=False)
    key = models.ForeignKey(
        MetricTotal,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    date = models.DateField()
    locals().update(_rollup_fields("", models.BigIntegerField, 16))
    locals().update(_rollup_fields("_to_date", models.BigIntegerField, 18))


class MetricVersion(TenantModel):
    """A store's facts' version: the rollup refresh bumps it in the same transaction as any
    change to the store's facts (migration 0015), so a figure memoized under it
    (attribution.rollups.memoized_ranges_sql) is never older than the facts it was read with.

    The store's plain id, not a foreign key: deleting a store deletes its facts first, and
    their trigger would write this row again under a store about to go. For the same reason
    its organisation's foreign key cascades in PostgreSQL (migration 0015), not only in
    Django: deleting an organisation deletes its facts, whose trigger writes this row again
    after Django has deleted the organisation's rows."""

    organization = tenant_column(db_constraint=False)
    store_id = models.BigIntegerField(primary_key=True)
    version = models.BigIntegerField(default=0)
    # with the version, what tells a memo apart from one made before a database was restored
    changed_at = models.DateTimeField()
