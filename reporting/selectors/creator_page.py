"""A creator's own page for the brand: their figures per campaign over a period (Amazon's
ad-group level, as the campaign's performance page shows each creator), totals per currency,
their earnings by status, and their links with each link's figures (creative level). A fixed
number of queries whatever the number of campaigns, links or days."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum

from attribution.models import DailyMetric
from campaigns.models import AffiliateLink, CampaignCreator, LinkClickDaily
from commissions.models import Conversion
from commissions.selectors.earnings import Summary, earnings_summary
from creators.models import Creator
from reporting.selectors.levels import CREATOR_LEVEL, LINK_LEVEL
from reporting.values import METRICS, ZERO, Period, Totals


@dataclass
class CampaignFigures:
    membership: CampaignCreator
    totals: Totals

    @property
    def currency(self) -> str:
        return self.membership.campaign.store.currency_code


@dataclass
class LinkFigures:
    link: AffiliateLink
    totals: Totals

    @property
    def currency(self) -> str:
        return self.link.campaign.store.currency_code

    @property
    def label(self) -> str:
        product = self.link.product
        return (product.title or product.asin) if product else "Store page"


@dataclass
class CreatorPage:
    period: Period
    campaigns: list[CampaignFigures]
    currencies: list[tuple[str, Totals]]
    links: list[LinkFigures]
    earnings: Summary


def creator_page(
    *, creator: Creator, memberships: list[CampaignCreator], period: Period
) -> CreatorPage:
    """Eight queries (the memberships are the caller's, with campaign and store)."""
    in_period = Q(date__gte=period.start, date__lte=period.end)
    key_of = {
        (m.campaign.store_id, m.campaign.amazon_campaign_id, m.amazon_adgroup_id): m.pk
        for m in memberships
    }
    per_member = {m.pk: Totals() for m in memberships}
    # Amazon's ad-group rows of the creator's ad groups (their campaign and store match too)
    for row in (
        DailyMetric.objects.filter(
            in_period,
            level=CREATOR_LEVEL,
            amazon_adgroup_id__in={m.amazon_adgroup_id for m in memberships},
        )
        .values("store_id", "amazon_campaign_id", "amazon_adgroup_id")
        .annotate(**{m: Sum(m) for m in METRICS})
    ):
        pk = key_of.get((row["store_id"], row["amazon_campaign_id"], row["amazon_adgroup_id"]))
        if pk is not None:
            per_member[pk].add(row)
    for pk, clicks in (
        LinkClickDaily.objects.filter(in_period, sub_id="", link__campaign_creator__creator=creator)
        .values_list("link__campaign_creator_id")
        .annotate(Sum("clicks"))
    ):
        if pk in per_member:
            per_member[pk].link_clicks = clicks or 0
    for pk, owed in (
        Conversion.objects.filter(in_period, creator=creator)
        .owing()
        .with_owed()
        .values_list("campaign_creator_id")
        .annotate(Sum("owed"))
    ):
        if pk in per_member:
            per_member[pk].commission += owed or ZERO

    campaigns = [CampaignFigures(m, per_member[m.pk]) for m in memberships]
    currencies: dict[str, Totals] = {}
    for line in campaigns:
        total = currencies.setdefault(line.currency, Totals())
        total.add(vars(line.totals))
        total.link_clicks += line.totals.link_clicks
        total.commission += line.totals.commission
    return CreatorPage(
        period=period,
        campaigns=campaigns,
        currencies=sorted(currencies.items()),
        links=_links(creator, period),
        earnings=earnings_summary(creator_id=creator.pk),
    )


def _links(creator: Creator, period: Period) -> list[LinkFigures]:
    """The creator's links with their figures over the period: three queries."""
    in_period = Q(date__gte=period.start, date__lte=period.end)
    links = list(
        AffiliateLink.objects.filter(campaign_creator__creator=creator)
        .select_related("product", "campaign__store")
        .order_by("-is_active", "campaign__name", "pk")
    )
    amazon: dict[tuple[int, str], dict[str, Any]] = {
        (r["store_id"], r["amazon_creative_id"]): r
        for r in DailyMetric.objects.filter(
            in_period,
            level=LINK_LEVEL,
            amazon_creative_id__in={link.amazon_creative_id for link in links},
        )
        .values("store_id", "amazon_creative_id")
        .annotate(**{m: Sum(m) for m in METRICS})
    }
    clicks = dict(
        LinkClickDaily.objects.filter(in_period, sub_id="", link__campaign_creator__creator=creator)
        .values_list("link_id")
        .annotate(Sum("clicks"))
    )
    rows = []
    for link in links:
        totals = Totals()
        totals.add(amazon.get((link.campaign.store_id, link.amazon_creative_id), {}))
        totals.link_clicks = clicks.get(link.pk) or 0
        rows.append(LinkFigures(link, totals))
    return rows
