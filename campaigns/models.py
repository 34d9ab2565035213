"""What a brand tracks on a store: tracking plans (publisher + Amazon's non-macro template tag),
campaigns with their products, the affiliate links handed to creators, and the first-party
clicks on those links (raw events and a daily rollup).

Amazon ids (`aa_campaignid`, `aa_adgroupid`, `aa_creativeid`) are chosen once, at creation,
and never change: Amazon keys its reports on them (see campaigns.amazon_ids)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import Combinable

from campaigns.amazon_ids import validate_amazon_id
from tenancy.models import TenantModel

ASIN_VALIDATOR = RegexValidator(
    r"^[A-Z0-9]{10}$", "An ASIN is 10 characters, capital letters and digits (e.g. B0C1XYZ234)."
)
PERCENT_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class TrackingPlan(TenantModel):
    """A store's Attribution publisher with the non-macro template tag Amazon issued for it.
    Fetching the tag is what makes Amazon measure the publisher's clicks."""

    store = models.ForeignKey(
        "attribution.Store", on_delete=models.PROTECT, related_name="tracking_plans"
    )
    name = models.CharField(max_length=120)
    publisher_id = models.CharField(max_length=64)
    publisher_name = models.CharField(max_length=200, blank=True)
    template_tag = models.TextField()
    tag_fetched_at = models.DateTimeField()
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "name"],
                condition=Q(archived_at__isnull=True),
                name="trackingplan_unique_active_name",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Campaign(TenantModel):
    # What a manager may change after creation (the form, the API and campaign_update read
    # this); the store and the Amazon campaign id never change.
    EDITABLE_FIELDS: ClassVar[tuple[str, ...]] = (
        "name",
        "starts_on",
        "ends_on",
        "status",
        "track_sales",
        "default_commission_rate",
        "commission_basis",
        "settlement_days",
        "auto_approve",
        "auto_approve_max_restated_percent",
    )

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    class CommissionBasis(models.TextChoices):
        PROMOTED = "promoted", "Promoted products only"
        TOTAL = "total", "Brand total (including halo)"

    store = models.ForeignKey(
        "attribution.Store", on_delete=models.PROTECT, related_name="campaigns"
    )
    tracking_plan = models.ForeignKey(
        TrackingPlan, on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    track_sales = models.BooleanField("Track orders & sales performance", default=True)
    default_commission_rate = models.DecimalField(
        max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS
    )
    commission_basis = models.CharField(
        max_length=8, choices=CommissionBasis.choices, default=CommissionBasis.PROMOTED
    )
    settlement_days = models.PositiveSmallIntegerField(
        default=30, validators=[MaxValueValidator(365)]
    )
    # The approval rule (commissions.approvals): at settlement a conversion is approved without
    # a manager unless Amazon restated its day by more than this share of the first report.
    auto_approve = models.BooleanField("Approve automatically at settlement", default=False)
    auto_approve_max_restated_percent = models.DecimalField(
        "unless Amazon restated the day by more than (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=PERCENT_VALIDATORS,
    )
    # aa_campaignid: stable forever. Minted unique across the installation (MintedCampaignId);
    # ids minted before the registry may repeat in other stores (the campaign page warns).
    amazon_campaign_id = models.CharField(
        max_length=255, validators=[validate_amazon_id], editable=False
    )
    # The brand's Amazon Store page (its page id); non-empty = every creator also gets a
    # store-page link.
    store_page_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Made by `seed_demo`: only these campaigns get the Amazon sandbox's demo shoppers. A
    # campaign anyone creates is never one (there is no form or API field for it).
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "amazon_campaign_id"], name="campaign_unique_amazon_id"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="campaign_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def currency(self) -> str:
        return self.store.currency_code

    @property
    def is_hidden_from_creators(self) -> bool:
        """`HIDDEN_FROM_CREATORS` for one campaign in hand."""
        return self.status in HIDDEN_FROM_CREATORS


# Campaigns a creator never sees in the portal (nor their links or earnings): drafts.
HIDDEN_FROM_CREATORS: tuple[str, ...] = (Campaign.Status.DRAFT,)
# The campaign terms kept as history (CampaignTerms): what a conversion earns under.
TERMS_FIELDS: tuple[str, ...] = ("default_commission_rate", "commission_basis", "settlement_days")

# History rows hold from `effective_from` (None: since the campaign or row existed) until the
# next row's date; several rows of one date: the last written wins.
HISTORY_ORDER: list[str | Combinable] = [F("effective_from").asc(nulls_first=True), "pk"]


class CampaignStatusChange(TenantModel):
    """The campaign's status over time (draft, active, paused, ended periods), written by the
    services that change the status: a conversion earns only on days the campaign was running
    (commissions.eligibility)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=8, choices=Campaign.Status.choices)
    effective_from = models.DateField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = HISTORY_ORDER
        indexes = [models.Index(fields=["campaign", "effective_from"], name="statuschange_day")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.status} from {self.effective_from or 'the start'}"


class CampaignTerms(TenantModel):
    """A change of the campaign's commission terms from a date: the default rate, the basis
    and/or the settlement days (None: unchanged by this row). Each term on a day is the one of
    the latest change of it from that day or before, so a change holds until the next change
    of the same term, and past days keep the terms they were earned under."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="terms_history")
    effective_from = models.DateField(null=True, blank=True)
    default_commission_rate = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT_VALIDATORS
    )
    # NULL like the other terms: not changed by this row.
    commission_basis = models.CharField(  # noqa: DJ001
        max_length=8, choices=Campaign.CommissionBasis.choices, null=True, blank=True
    )
    settlement_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(365)]
    )
    # The manager chose to apply it to the conversions still pending from `effective_from`.
    applied_to_pending = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = HISTORY_ORDER
        verbose_name_plural = "campaign terms"
        indexes = [models.Index(fields=["campaign", "effective_from"], name="campaignterms_day")]

    def __str__(self) -> str:
        return f"{self.campaign_id} terms from {self.effective_from or 'the start'}"


class MintedCampaignId(models.Model):
    """Every `aa_campaignid` this installation has handed out, across all organisations: one row
    per id, so a new campaign never gets an id any store has (Amazon: a reused id gives clicks
    with no conversions). Not tenant-owned and without tenant data: no organisation, store or
    campaign, and not even the id, only its SHA-256 (`amazon_ids.campaign_id_digest`). Minting
    claims a row with INSERT ... ON CONFLICT DO NOTHING and never reads other rows; rows are
    never deleted, because Amazon ids are never reused."""

    digest = models.CharField(max_length=64, unique=True)
    # How many stores used the id when the registry was filled from existing campaigns (ids
    # from before it could repeat); a minted id has one. More than one: the id is shared.
    stores = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.digest


class CampaignCreator(TenantModel):
    """A creator on a campaign: the commission override, the status and the Amazon ad-group id."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        REMOVED = "removed", "Removed"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="campaign_creators"
    )
    creator = models.ForeignKey(
        "creators.Creator", on_delete=models.PROTECT, related_name="campaigns"
    )
    commission_rate_override = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT_VALIDATORS
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.INVITED)
    # aa_adgroupid: unique within the campaign, stable forever.
    amazon_adgroup_id = models.CharField(
        max_length=255, validators=[validate_amazon_id], editable=False
    )
    # On the campaign from `joined_on` (None: from the campaign's start) until the day before
    # `removed_on` (None: still on it), in the store's days.
    joined_on = models.DateField(null=True, blank=True)
    removed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "creators_campaigncreator"  # the table it has had since the creators app
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "creator"], name="campaigncreator_unique_creator"
            ),
            models.UniqueConstraint(
                fields=["campaign", "amazon_adgroup_id"], name="campaigncreator_unique_adgroup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} in {self.campaign_id}"

    @property
    def commission_rate(self) -> Decimal:
        if self.commission_rate_override is not None:
            return self.commission_rate_override
        return self.campaign.default_commission_rate


class CampaignCreatorTerms(TenantModel):
    """A creator's commission override from a date (None: the campaign's default rate)."""

    campaign_creator = models.ForeignKey(
        CampaignCreator, on_delete=models.CASCADE, related_name="terms_history"
    )
    effective_from = models.DateField(null=True, blank=True)
    commission_rate_override = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT_VALIDATORS
    )
    applied_to_pending = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = HISTORY_ORDER
        verbose_name_plural = "campaign creator terms"
        indexes = [
            models.Index(fields=["campaign_creator", "effective_from"], name="creatorterms_day")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_creator_id} override from {self.effective_from or 'the start'}"


class Product(TenantModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="products")
    asin = models.CharField(max_length=10, validators=[ASIN_VALIDATOR])
    title = models.CharField(max_length=200, blank=True)
    # Removed products keep their links (disabled) and clicks; adding the ASIN again revives.
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # What Amazon's catalog says about the ASIN in the store's marketplace (the Ads API's product
    # metadata, refreshed daily and when the product is added: campaigns/services/products.py).
    class AmazonStatus(models.TextChoices):
        UNCHECKED = "unchecked", "Not checked with Amazon yet"
        FOUND = "found", "In Amazon's catalog"
        NOT_FOUND = "not_found", "Not in Amazon's catalog"

    amazon_status = models.CharField(
        max_length=10, choices=AmazonStatus.choices, default=AmazonStatus.UNCHECKED
    )
    amazon_title = models.CharField(max_length=500, blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    price_currency = models.CharField(max_length=3, blank=True)
    availability = models.CharField(max_length=20, blank=True)
    metadata_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "asin"], name="product_unique_asin")
        ]

    def __str__(self) -> str:
        return f"{self.asin} {self.title}".strip()

    @property
    def label(self) -> str:
        return self.display_title or self.asin

    @property
    def display_title(self) -> str:
        """Amazon's title when Amazon gave one, else what the manager typed."""
        return self.amazon_title or self.title

    @property
    def not_on_amazon(self) -> bool:
        return self.amazon_status == self.AmazonStatus.NOT_FOUND

    AVAILABILITY_LABELS = {
        "IN_STOCK": "In stock",
        "IN_STOCK_SCARCE": "Only a few left",
        "OUT_OF_STOCK": "Out of stock",
        "PREORDER": "Pre-order",
        "LEADTIME": "Ships after a lead time",
        "AVAILABLE_DATE": "Available later",
    }

    @property
    def availability_label(self) -> str:
        return self.AVAILABILITY_LABELS.get(self.availability, self.availability.title())

    @property
    def availability_ok(self) -> bool:
        return self.availability in ("IN_STOCK", "IN_STOCK_SCARCE")


class AffiliateLink(TenantModel):
    """One (campaign, creator, product or store page). `destination_url` is fixed at creation:
    the marketplace URL plus the tracking plan's tag and the three Amazon ids."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="links")
    campaign_creator = models.ForeignKey(
        CampaignCreator, on_delete=models.CASCADE, related_name="links"
    )
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="links"
    )
    store = models.ForeignKey("attribution.Store", on_delete=models.PROTECT, related_name="+")
    amazon_creative_id = models.CharField(max_length=255, validators=[validate_amazon_id])
    code = models.CharField(max_length=16, unique=True)
    destination_url = models.TextField()
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "amazon_creative_id"], name="link_unique_creative_id"
            ),
            models.UniqueConstraint(
                fields=["campaign_creator", "product"],
                condition=Q(product__isnull=False),
                name="link_unique_product",
            ),
            models.UniqueConstraint(
                fields=["campaign_creator"],
                condition=Q(product__isnull=True),
                name="link_unique_store_page",
            ),
        ]

    def __str__(self) -> str:
        return f"/l/{self.code}"

    @property
    def is_store_page(self) -> bool:
        return self.product_id is None


class LinkJob(TenantModel):
    """Generating a campaign's links in the background (big campaigns), with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="link_jobs")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"links for {self.campaign_id}: {self.done}/{self.total} {self.status}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class ClickEvent(TenantModel):
    """One request to /l/<code>, written by the click flush (campaigns.clicks). `click_id` is
    minted by the redirect, so a redelivered batch writes nothing twice.

    The table is partitioned by month on `occurred_at` (campaigns/clicks/partitions.py, which
    also drops months past `CLICK_EVENTS_RETENTION_MONTHS`; `LinkClickDaily` keeps their counts
    forever). A partitioned table's unique constraints must include the partition key, so in
    PostgreSQL the primary key is (id, occurred_at) and a click is unique by
    (click_id, occurred_at); `id` alone is still unique (one identity sequence)."""

    class UAClass(models.TextChoices):
        BROWSER = "browser", "Browser"
        MOBILE = "mobile", "Mobile browser"
        PREVIEW = "preview", "Link preview"
        BOT = "bot", "Bot"
        HEAD = "head", "HEAD request"

    click_id = models.UUIDField()
    # indexed by clickevent_link_time (link, occurred_at): a second index on link alone would
    # only slow the flush's inserts
    link = models.ForeignKey(
        AffiliateLink, on_delete=models.CASCADE, related_name="clicks", db_index=False
    )
    occurred_at = models.DateTimeField()
    sub_id = models.CharField(max_length=64, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    ua_class = models.CharField(max_length=8, choices=UAClass.choices)
    referrer_host = models.CharField(max_length=255, blank=True)
    is_unique = models.BooleanField(default=False)
    is_bot = models.BooleanField(default=False)
    # The creator's own signed-in portal session: kept as a hit, never counted as a click.
    is_self = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["link", "occurred_at"], name="clickevent_link_time")]
        constraints = [
            models.UniqueConstraint(
                fields=["click_id", "occurred_at"], name="clickevent_click_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.click_id)


class LinkClickDaily(TenantModel):
    """Clicks per link, day (the store's time zone) and sub-id ('' = all sub-ids). `clicks`
    are unique human clicks; `raw_hits` every human hit; `bot_hits` bots, previews, HEAD."""

    link = models.ForeignKey(AffiliateLink, on_delete=models.CASCADE, related_name="daily")
    date = models.DateField()
    sub_id = models.CharField(max_length=64, blank=True, default="")
    clicks = models.PositiveIntegerField(default=0)
    raw_hits = models.PositiveIntegerField(default=0)
    bot_hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "date", "sub_id"], name="linkclickdaily_unique")
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.date} {self.sub_id or '*'}: {self.clicks}"


class ClickScope(models.TextChoices):
    LINK = "link", "Link"
    CREATOR = "creator", "Creator on a campaign"
    CAMPAIGN = "campaign", "Campaign"


class ClickRollup(TenantModel):
    """Our clicks (LinkClickDaily's all-sub-IDs rows) per link, campaign creator or campaign
    and day, with the running total through that day, so a range of any number of them costs
    two rows each (the running total at its end less the one the day before its start).

    Never written by Python: triggers on campaigns_linkclickdaily keep it equal to those rows
    in their own transaction (migration 0007; campaigns.rollups reads it)."""

    scope = models.CharField(max_length=8, choices=ClickScope.choices)
    scope_id = models.BigIntegerField()  # the link's, campaign creator's or campaign's id
    date = models.DateField()
    clicks = models.BigIntegerField(default=0)
    clicks_to_date = models.BigIntegerField(default=0)
    # how many LinkClickDaily rows (a range "has clicks rows" when its count is not 0)
    link_days = models.BigIntegerField(default=0)
    link_days_to_date = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "scope_id", "date"], name="clickrollup_scope_date"
            )
        ]


class ClickTotal(TenantModel):
    """Per link, campaign creator or campaign: lifetime clicks and the last day with a row."""

    scope = models.CharField(max_length=8, choices=ClickScope.choices)
    scope_id = models.BigIntegerField()
    last_date = models.DateField()
    clicks = models.BigIntegerField(default=0)
    link_days = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "scope_id"], name="clicktotal_scope")
        ]
