"""Campaign performance: KPIs (with the previous period), the daily series and the funnel; the
per-creator and per-link tables are reporting.selectors.performance_tables'. Reads the rollups
(of Amazon's facts, our clicks and what conversions owe) only, in a fixed number of queries
whatever the number of creators, links or days.

Which Amazon level answers what (reporting.selectors.levels): campaign totals and the daily
series from campaign rows, creators from ad-group rows, links from creative rows; the campaign's
total less its creators' is shown as not yet attributed to a creator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from attribution.models import MetricRevision, RollupLevel, Store, SyncRun
from attribution.rollups import KeyFilter, metric_ranges, rollup_days
from campaigns.models import Campaign, ClickScope
from campaigns.rollups import click_days, click_ranges
from commissions.models import OwedScope
from commissions.rollups import owed_ranges
from reporting.selectors.levels import CREATOR_LEVEL, TOTALS_LEVEL
from reporting.values import (
    METRICS,
    RESTATEMENT_DAYS,
    ZERO,
    Period,
    Totals,
    change,
)


@dataclass
class Performance:
    campaign: Campaign
    period: Period
    current: Totals
    previous: Totals
    series: list[dict[str, Any]]
    changes: list[MetricRevision]
    # the campaign's Amazon figures less its ad groups': not yet attributed to a creator
    not_attributed: Totals = field(default_factory=Totals)

    @property
    def currency(self) -> str:
        return self.campaign.store.currency_code

    def kpi_changes(self) -> dict[str, Decimal | None]:
        names = ["link_clicks", *METRICS, "commission"]
        result = {n: change(getattr(self.current, n), getattr(self.previous, n)) for n in names}
        result["conversion_rate"] = change(
            self.current.conversion_rate, self.previous.conversion_rate
        )
        return result

    @property
    def funnel(self) -> list[tuple[str, int, Decimal | None]]:
        steps = [
            ("Link clicks (ours)", self.current.link_clicks),
            ("Amazon clicks", self.current.clicks),
            ("Detail page views", self.current.detail_page_views),
            ("Add to cart", self.current.add_to_cart),
            ("Purchases", self.current.purchases),
        ]
        out: list[tuple[str, int, Decimal | None]] = []
        previous: int | None = None
        for label, value in steps:
            ratio = (Decimal(value) * 100 / previous).quantize(Decimal("0.1")) if previous else None
            out.append((label, value, ratio))
            previous = value
        return out


def campaign_performance(*, campaign: Campaign, period: Period, today: date) -> Performance:
    """KPIs with the previous period, the daily series, the funnel and Amazon's last changes:
    seven queries, each reading a fixed number of rollup keys (the campaign's, never one per
    creator or link) whatever the number of creators, links or days. The creators' and links'
    tables are `performance_table`'s."""
    store: Store = campaign.store
    prev = period.previous()
    ranges = {"c": (period.start, period.end), "p": (prev.start, prev.end)}

    # Amazon's campaign row and its ad groups together: both periods (one query, from the
    # rollups). The totals are the campaign level's; what its ad groups do not add up to is
    # not yet attributed to a creator.
    current, previous, creators_sum = Totals(), Totals(), Totals()
    for (_, level, *_), figures in metric_ranges(
        keys=KeyFilter(
            levels=(TOTALS_LEVEL, RollupLevel.ADGROUPS),
            store_id=store.pk,
            amazon_campaign_id=campaign.amazon_campaign_id,
        ),
        ranges=ranges,
    ).items():
        if level == TOTALS_LEVEL:
            current.add(figures["c"])
            previous.add(figures["p"])
        else:
            creators_sum.add(figures["c"])
    not_attributed = current.amazon_minus(creators_sum)

    # Our clicks (bots excluded) and the commission owed, both periods: the campaign's own
    # rollup keys (one query each).
    clicks = click_ranges(scope=ClickScope.CAMPAIGN, ids=[campaign.pk], ranges=ranges)
    if campaign.pk in clicks:
        current.link_clicks = clicks[campaign.pk]["c"].clicks
        previous.link_clicks = clicks[campaign.pk]["p"].clicks
    owed = owed_ranges(scope=OwedScope.CAMPAIGN, ids=[campaign.pk], ranges=ranges)
    if campaign.pk in owed:
        current.commission = owed[campaign.pk]["c"].owed
        previous.commission = owed[campaign.pk]["p"].owed

    # Daily series: Amazon per day (campaign level) and our clicks per day.
    by_day: dict[date, Any] = {
        r["date"]: r
        for r in rollup_days(
            KeyFilter(
                levels=(TOTALS_LEVEL,),
                store_id=store.pk,
                amazon_campaign_id=campaign.amazon_campaign_id,
            ),
            period.start,
            period.end,
        )
        .values("date")
        .annotate(day_sales=Sum("sales"), day_purchases=Sum("purchases"), day_clicks=Sum("clicks"))
    }
    clicks_by_day = dict(
        click_days(
            scope=ClickScope.CAMPAIGN, scope_id=campaign.pk, start=period.start, end=period.end
        ).values_list("date", "clicks")
    )
    provisional_from = today - timedelta(days=RESTATEMENT_DAYS)
    series = []
    for offset in range(period.days):
        day = period.start + timedelta(days=offset)
        row = by_day.get(day, {})
        series.append(
            {
                "date": day.isoformat(),
                "sales": str(row.get("day_sales") or ZERO),
                "purchases": row.get("day_purchases") or 0,
                "clicks": row.get("day_clicks") or 0,
                "link_clicks": clicks_by_day.get(day, 0),
                "provisional": day >= provisional_from,
            }
        )

    return Performance(
        campaign=campaign,
        period=period,
        current=current,
        previous=previous,
        series=series,
        changes=_last_changes(campaign),
        not_attributed=not_attributed,
    )


def _last_changes(campaign: Campaign, limit: int = 20) -> list[MetricRevision]:
    """What Amazon changed for this campaign at the store's last successful sync."""
    last = (
        SyncRun.objects.filter(store_id=campaign.store_id, status=SyncRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("pk", flat=True)[:1]
    )
    return list(
        MetricRevision.objects.filter(
            sync_run_id__in=last,
            amazon_campaign_id=campaign.amazon_campaign_id,
            level=CREATOR_LEVEL,
        ).order_by("date")[:limit]
    )
