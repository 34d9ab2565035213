"""The campaign list's figures for a period: each campaign's Amazon sales (campaign level, as
the overview and the campaign's performance page read them), our link clicks and the
commission owed. Three queries whatever the number of campaigns."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, Sum

from attribution.models import DailyMetric
from campaigns.models import Campaign, LinkClickDaily
from commissions.models import OwedScope
from commissions.rollups import owed_ranges
from reporting.selectors.levels import TOTALS_LEVEL
from reporting.values import METRICS, Period, Totals


def campaigns_figures(*, campaigns: Iterable[Campaign], period: Period) -> dict[int, Totals]:
    """{campaign id: its totals over `period`} for these campaigns (of the tenant in scope)."""
    campaigns = list(campaigns)
    if not campaigns:
        return {}
    by_amazon_id = {(c.store_id, c.amazon_campaign_id): c.pk for c in campaigns}
    figures = {c.pk: Totals() for c in campaigns}
    in_period = Q(date__gte=period.start, date__lte=period.end)
    for row in (
        DailyMetric.objects.filter(
            in_period,
            level=TOTALS_LEVEL,
            amazon_campaign_id__in={c.amazon_campaign_id for c in campaigns},
        )
        .values("store_id", "amazon_campaign_id")
        .annotate(**{m: Sum(m) for m in METRICS})
    ):
        pk = by_amazon_id.get((row["store_id"], row["amazon_campaign_id"]))
        if pk is not None:
            figures[pk].add(row)
    for campaign_id, clicks in (
        LinkClickDaily.objects.filter(in_period, sub_id="", link__campaign_id__in=figures)
        .values_list("link__campaign_id")
        .annotate(Sum("clicks"))
    ):
        figures[campaign_id].link_clicks = clicks or 0
    for campaign_id, owed in owed_ranges(
        scope=OwedScope.CAMPAIGN, ids=figures, ranges={"period": (period.start, period.end)}
    ).items():
        figures[campaign_id].commission += owed["period"].owed
    return figures
