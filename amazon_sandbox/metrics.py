"""Metric names (exact, as Amazon spells them) and how simulated events feed them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from .simulator import Event, brb_amount

PERFORMANCE_METRICS = (
    "Click-throughs",
    "attributedDetailPageViewsClicks14d",
    "attributedAddToCartClicks14d",
    "attributedPurchases14d",
    "unitsSold14d",
    "attributedSales14d",
    "attributedTotalDetailPageViewsClicks14d",
    "attributedTotalAddToCartClicks14d",
    "attributedTotalPurchases14d",
    "totalUnitsSold14d",
    "totalAttributedSales14d",
    "brb_bonus_amount",
    "kindleEditionNormalizedPagesRead14d",
    "kindleEditionNormalizedPagesRoyalties14d",
)
PRODUCTS_METRICS = (
    "attributedDetailPageViewsClicks14d",
    "attributedAddToCartClicks14d",
    "attributedPurchases14d",
    "unitsSold14d",
    "attributedSales14d",
    "brandHaloDetailPageViewsClicks14d",
    "brandHaloAttributedAddToCartClicks14d",
    "brandHaloAttributedPurchases14d",
    "brandHaloUnitsSold14d",
    "brandHaloAttributedSales14d",
    "attributedNewToBrandPurchases14d",
    "attributedNewToBrandUnitsSold14d",
    "attributedNewToBrandSales14d",
    "brandHaloNewToBrandPurchases14d",
    "brandHaloNewToBrandUnitsSold14d",
    "brandHaloNewToBrandSales14d",
    "kindleEditionNormalizedPagesRead14d",
    "kindleEditionNormalizedPagesRoyalties14d",
)


class MetricRow(Protocol):
    """Anything that accumulates metric values."""

    def add(self, metric: str, amount: int | float) -> None:
        """Add ``amount`` to ``metric``."""


def add_performance_event(row: MetricRow, event: Event, now: datetime) -> None:
    if event.kind == "dpv":
        row.add("attributedTotalDetailPageViewsClicks14d", 1)
        if not event.halo:
            row.add("attributedDetailPageViewsClicks14d", 1)
    elif event.kind == "atc":
        row.add("attributedTotalAddToCartClicks14d", 1)
        if not event.halo:
            row.add("attributedAddToCartClicks14d", 1)
    elif event.kind == "purchase" and not event.returned(now):
        row.add("attributedTotalPurchases14d", 1)
        row.add("totalUnitsSold14d", event.units)
        row.add("totalAttributedSales14d", event.sales)
        if not event.halo:
            row.add("attributedPurchases14d", 1)
            row.add("unitsSold14d", event.units)
            row.add("attributedSales14d", event.sales)
        bonus = brb_amount(event, now)
        if bonus:
            row.add("brb_bonus_amount", bonus)


def add_product_event(row: MetricRow, event: Event, now: datetime) -> None:
    halo = event.halo
    if event.kind == "dpv":
        row.add(
            "brandHaloDetailPageViewsClicks14d" if halo else "attributedDetailPageViewsClicks14d", 1
        )
    elif event.kind == "atc":
        row.add(
            "brandHaloAttributedAddToCartClicks14d" if halo else "attributedAddToCartClicks14d", 1
        )
    elif event.kind == "purchase" and not event.returned(now):
        names = (
            (
                "brandHaloAttributedPurchases14d",
                "brandHaloUnitsSold14d",
                "brandHaloAttributedSales14d",
            )
            if halo
            else ("attributedPurchases14d", "unitsSold14d", "attributedSales14d")
        )
        ntb = (
            (
                "brandHaloNewToBrandPurchases14d",
                "brandHaloNewToBrandUnitsSold14d",
                "brandHaloNewToBrandSales14d",
            )
            if halo
            else (
                "attributedNewToBrandPurchases14d",
                "attributedNewToBrandUnitsSold14d",
                "attributedNewToBrandSales14d",
            )
        )
        for group in (names, ntb) if event.new_to_brand else (names,):
            row.add(group[0], 1)
            row.add(group[1], event.units)
            row.add(group[2], event.sales)
