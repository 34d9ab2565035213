"""Reads of the campaigns app (tenant in scope). List views read here, with a fixed number of
queries whatever the number of rows. `*_get` answer 404 for a bad id, a missing row and another
tenant's alike (tenancy.access); `*_all` are the API's querysets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from attribution.models import Store
from campaigns.amazon_ids import campaign_id_digest
from campaigns.models import (
    TERMS_FIELDS,
    AffiliateLink,
    Campaign,
    CampaignCreator,
    CampaignCreatorTerms,
    CampaignStatusChange,
    CampaignTerms,
    LinkClickDaily,
    LinkJob,
    MintedCampaignId,
    Product,
    TrackingPlan,
)
from campaigns.terms import history_sorted, term_on
from creators.models import Creator
from tenancy.access import access_by_id


def stores_usable() -> QuerySet[Store]:
    return Store.objects.filter(status=Store.Status.ACTIVE).exclude(advertiser_id="")


def tracking_plans_list(*, include_archived: bool = True) -> QuerySet[TrackingPlan]:
    plans = TrackingPlan.objects.select_related("store").annotate(campaign_count=Count("campaigns"))
    if not include_archived:
        plans = plans.filter(archived_at=None)
    return plans.order_by("archived_at", "store_id", "name")


def tracking_plans_usable(*, store_id: int) -> list[TrackingPlan]:
    """The store's plans a campaign may use (not archived), by name."""
    return list(TrackingPlan.objects.filter(store=store_id, archived_at=None).order_by("name"))


def tracking_plans_all() -> QuerySet[TrackingPlan]:
    return TrackingPlan.objects.all()


def tracking_plan_get(*, tracking_plan_id: object) -> TrackingPlan:
    return access_by_id(TrackingPlan.objects.select_related("store"), tracking_plan_id)


def _clicks_subquery(field: str) -> Subquery:
    rows = (
        LinkClickDaily.objects.filter(link__campaign=OuterRef("pk"), sub_id="")
        .values("link__campaign")
        .annotate(total=Sum(field))
        .values("total")
    )
    return Subquery(rows, output_field=IntegerField())


def campaigns_list(*, status: str = "") -> QuerySet[Campaign]:
    """Campaigns with their counts and click totals (subqueries: no row multiplication)."""

    def count_of(model_field: str, **filters: object) -> Subquery:
        model = {"products": Product, "creators": CampaignCreator, "links": AffiliateLink}[
            model_field
        ]
        rows = (
            model.objects.filter(campaign=OuterRef("pk"), **filters)
            .values("campaign")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Subquery(rows, output_field=IntegerField())

    campaigns = Campaign.objects.select_related("store", "tracking_plan").annotate(
        product_count=Coalesce(count_of("products", removed_at=None), 0),
        creator_count=Coalesce(count_of("creators", status__in=("invited", "active")), 0),
        link_count=Coalesce(count_of("links", is_active=True), 0),
        click_count=Coalesce(_clicks_subquery("clicks"), 0),
    )
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns.order_by("-starts_on", "-pk")


def campaigns_all() -> QuerySet[Campaign]:
    return Campaign.objects.all()


def campaign_get(*, campaign_id: object) -> Campaign:
    return access_by_id(Campaign.objects.select_related("store", "tracking_plan"), campaign_id)


def products_all() -> QuerySet[Product]:
    return Product.objects.all()


def product_get(*, campaign: Campaign, product_id: object) -> Product:
    """A product of this campaign (404 for any other, as tenancy.access)."""
    return access_by_id(Product.objects.filter(campaign=campaign), product_id)


def links_all() -> QuerySet[AffiliateLink]:
    return AffiliateLink.objects.select_related("campaign_creator")


def link_get(*, link_id: object) -> AffiliateLink:
    """A link with what its page shows (campaign, store, plan, product, creator)."""
    return access_by_id(
        AffiliateLink.objects.select_related(
            "campaign__store", "campaign__tracking_plan", "product", "campaign_creator__creator"
        ),
        link_id,
    )


def creators_available(*, campaign: Campaign) -> QuerySet[Creator]:
    """Creators who may be added to the campaign: not in it, or removed from it."""
    in_campaign = CampaignCreator.objects.filter(campaign=campaign).exclude(
        status=CampaignCreator.Status.REMOVED
    )
    return Creator.objects.exclude(pk__in=in_campaign.values("creator_id"))


def campaign_creators_list(*, campaign: Campaign) -> QuerySet[CampaignCreator]:
    """The campaign's creators (every status) with their profiles, by status, then name."""
    return (
        CampaignCreator.objects.filter(campaign=campaign)
        .select_related("creator")
        .order_by("status", "creator__name")
    )


def campaign_creators_all() -> QuerySet[CampaignCreator]:
    return CampaignCreator.objects.select_related("campaign")


def campaign_creator_get(*, campaign_id: int, campaign_creator_id: object) -> CampaignCreator:
    """A creator in this campaign, with the creator and the campaign (404 for any other)."""
    return access_by_id(
        CampaignCreator.objects.select_related("creator", "campaign").filter(
            campaign_id=campaign_id
        ),
        campaign_creator_id,
    )


def campaign_links(
    *, campaign: Campaign, campaign_creator_id: int | None = None
) -> QuerySet[AffiliateLink]:
    links = AffiliateLink.objects.filter(campaign=campaign).select_related(
        "product", "campaign_creator__creator"
    )
    if campaign_creator_id:
        links = links.filter(campaign_creator_id=campaign_creator_id)
    return links.order_by("campaign_creator__creator__name", "campaign_creator_id", "product_id")


def links_to_send(
    *,
    campaign: Campaign | None = None,
    campaign_creator_id: int | None = None,
    creator: Creator | None = None,
) -> QuerySet[AffiliateLink]:
    """Links to hand to creators (the links CSV): a campaign's (optionally one creator's in
    it) or one creator's across campaigns, with what a row names, in a stable order."""
    links = AffiliateLink.objects.select_related(
        "campaign", "store", "product", "campaign_creator__creator"
    )
    if campaign is not None:
        links = links.filter(campaign=campaign)
    if campaign_creator_id:
        links = links.filter(campaign_creator_id=campaign_creator_id)
    if creator is not None:
        links = links.filter(campaign_creator__creator=creator)
    return links.order_by(
        "campaign_creator__creator__name", "campaign__name", "campaign_id", "product__asin", "pk"
    )


@dataclass(frozen=True)
class SharedCampaignId:
    """Other stores that use a campaign's `aa_campaignid` (ids minted before the registry could
    repeat): the organisation's own (by name) and how many elsewhere (never which)."""

    stores: list[Store]
    elsewhere: int


def campaign_id_shared(*, campaign: Campaign) -> SharedCampaignId | None:
    """Whether another store uses this campaign's Amazon id, within what the tenant can see
    plus the registry's count of stores per id. None when the id is the campaign's alone."""
    ours = list(
        Store.objects.filter(campaigns__amazon_campaign_id=campaign.amazon_campaign_id).distinct()
    )
    others = [store for store in ours if store.pk != campaign.store_id]
    registered = (
        MintedCampaignId.objects.filter(digest=campaign_id_digest(campaign.amazon_campaign_id))
        .values_list("stores", flat=True)
        .first()
    )
    elsewhere = max(0, (registered or 0) - len(ours))
    if not others and not elsewhere:
        return None
    return SharedCampaignId(others, elsewhere)


def link_job_latest(*, campaign: Campaign) -> LinkJob | None:
    return LinkJob.objects.filter(campaign=campaign).order_by("-pk").first()


@dataclass(frozen=True)
class ClickTotals:
    clicks: int = 0
    raw_hits: int = 0
    bot_hits: int = 0


def link_clicks_for(
    *,
    link_ids: list[int],
    start: date | None = None,
    end: date | None = None,
    sub_id: str = "",
) -> dict[int, ClickTotals]:
    """First-party click totals per link over [start, end] (store-local dates; open ends
    allowed) for one sub-id ('' = all sub-ids). Links without clicks are absent."""
    rows = LinkClickDaily.objects.filter(link_id__in=link_ids, sub_id=sub_id)
    if start:
        rows = rows.filter(date__gte=start)
    if end:
        rows = rows.filter(date__lte=end)
    totals = rows.values("link_id").annotate(c=Sum("clicks"), r=Sum("raw_hits"), b=Sum("bot_hits"))
    return {t["link_id"]: ClickTotals(t["c"], t["r"], t["b"]) for t in totals}


def campaign_click_totals(*, campaign: Campaign) -> ClickTotals:
    agg = LinkClickDaily.objects.filter(link__campaign=campaign, sub_id="").aggregate(
        c=Coalesce(Sum("clicks"), 0), r=Coalesce(Sum("raw_hits"), 0), b=Coalesce(Sum("bot_hits"), 0)
    )
    return ClickTotals(agg["c"], agg["r"], agg["b"])


def link_sub_ids(*, link: AffiliateLink) -> list[dict]:
    """Clicks per sub-id of one link (rows with a sub-id only), most clicked first."""
    return list(
        LinkClickDaily.objects.filter(link=link)
        .exclude(sub_id="")
        .values("sub_id")
        .annotate(clicks=Sum("clicks"), raw_hits=Sum("raw_hits"), bot_hits=Sum("bot_hits"))
        .order_by("-clicks", "sub_id")
    )


def campaign_creators_of(*, creator: Creator) -> QuerySet[CampaignCreator]:
    return (
        CampaignCreator.objects.filter(creator=creator)
        .select_related("campaign__store")
        .annotate(link_count=Count("links", filter=Q(links__is_active=True)))
        .order_by("-campaign__starts_on")
    )


def campaign_starts(*, store: Store, campaign_ids: set[str], **_signal: object) -> dict[str, date]:
    """{Amazon campaign id: first day} of the store's campaigns among `campaign_ids`: how far
    back the sync re-pulls a tag group's history once Amazon stops masking it (the receiver of
    attribution.signals.campaign_starts, connected in campaigns.apps)."""
    return dict(
        Campaign.objects.filter(store=store, amazon_campaign_id__in=campaign_ids).values_list(
            "amazon_campaign_id", "starts_on"
        )
    )


@dataclass
class TermsHistory:
    """The campaign's terms and status over time, for its page (newest change first)."""

    terms: list[CampaignTerms]
    overrides: list[CampaignCreatorTerms]
    statuses: list[CampaignStatusChange]
    today: date

    @property
    def paused_periods(self) -> list[tuple[date | None, date | None, str]]:
        """(from, until, status) of the periods the campaign was a draft or paused, oldest
        first; `until` None: still so. Days in them earn no commission."""
        rows = history_sorted(self.statuses)
        out = []
        for n, row in enumerate(rows):
            if row.status not in (Campaign.Status.DRAFT, Campaign.Status.PAUSED):
                continue
            later = [r.effective_from for r in rows[n + 1 :] if r.effective_from]
            until = later[0] - timedelta(days=1) if later else None
            if until is not None and row.effective_from and until < row.effective_from:
                continue  # superseded the same day
            out.append((row.effective_from, until, row.status))
        return out


def campaign_terms_today(*, campaign: Campaign, history: TermsHistory) -> dict[str, object]:
    """The campaign's terms in force on the store's today (each the latest change of it)."""
    rows = history_sorted(history.terms)
    return {
        name: term_on(rows, history.today, name) or getattr(campaign, name) for name in TERMS_FIELDS
    }


def campaign_terms_history(*, campaign: Campaign) -> TermsHistory:
    """The campaign's terms, its creators' overrides and its status over time. Three
    queries."""
    return TermsHistory(
        terms=list(
            CampaignTerms.objects.filter(campaign=campaign)
            .select_related("changed_by")
            .order_by("-changed_at", "-pk")
        ),
        overrides=list(
            CampaignCreatorTerms.objects.filter(campaign_creator__campaign=campaign)
            .select_related("changed_by", "campaign_creator__creator")
            .order_by("-changed_at", "-pk")
        ),
        statuses=list(
            CampaignStatusChange.objects.filter(campaign=campaign)
            .select_related("changed_by")
            .order_by("-changed_at", "-pk")
        ),
        today=campaign.store.today(),
    )
