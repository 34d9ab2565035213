"""The value types the read side shares: a period, the totals of Amazon's metrics (with our
clicks and commission) over it, their conversion rate and change, and what Amazon's 10-click
privacy mask means for a row, worded once. Dashboards, the API, the export and the creator
portal all use these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from attribution.models import AMAZON_MASK_CLICKS, METRIC_FIELDS

RESTATEMENT_DAYS = 28
METRICS = METRIC_FIELDS
MONEY_METRICS = ("sales", "total_sales", "brand_referral_bonus")
ZERO = Decimal("0")


def conversion_rate(purchases: int, clicks: int) -> Decimal | None:
    """Purchases / Amazon clicks x 100, two decimals; None without clicks (dashboards and
    exports)."""
    if not clicks:
        return None
    return (Decimal(purchases) * 100 / clicks).quantize(Decimal("0.01"))


@dataclass
class Totals:
    link_clicks: int = 0
    clicks: int = 0
    detail_page_views: int = 0
    add_to_cart: int = 0
    purchases: int = 0
    units_sold: int = 0
    sales: Decimal = ZERO
    total_detail_page_views: int = 0
    total_add_to_cart: int = 0
    total_purchases: int = 0
    total_units_sold: int = 0
    total_sales: Decimal = ZERO
    brand_referral_bonus: Decimal = ZERO
    commission: Decimal = ZERO

    @property
    def conversion_rate(self) -> Decimal | None:
        return conversion_rate(self.purchases, self.clicks)

    def add(self, row: dict[str, Any], prefix: str = "") -> None:
        for name in METRICS:
            value = row.get(prefix + name)
            if value:
                setattr(self, name, getattr(self, name) + value)

    def amazon_minus(self, other: Totals) -> Totals:
        """Amazon's figures of self less other's (ours, link clicks and commission, stay 0)."""
        return Totals(**{name: getattr(self, name) - getattr(other, name) for name in METRICS})

    @property
    def has_amazon_counts(self) -> bool:
        """Any of Amazon's counts is not zero. What a masked group hides always has some (a
        sale comes with its purchase); money alone can differ by a cent between two levels,
        each row being Amazon's float amount rounded on its own."""
        return any(getattr(self, name) for name in METRICS if name not in MONEY_METRICS)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def change(current: Decimal | int | None, previous: Decimal | int | None) -> Decimal | None:
    """Percent change, one decimal; None when there is nothing to compare with."""
    if current is None or not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(
        Decimal("0.1")
    )


def threshold_note(*, our_clicks: int, amazon_clicks: int) -> str:
    """Why Amazon's numbers may still be empty, from the lifetime click counts: Amazon reports
    an ad group or a link only once it has 10 clicks over its lifetime ('' once it does)."""
    if amazon_clicks >= AMAZON_MASK_CLICKS:
        return ""
    if our_clicks < AMAZON_MASK_CLICKS:
        more = AMAZON_MASK_CLICKS - our_clicks
        return (
            f"{more} more click{'s' if more != 1 else ''} until Amazon starts reporting "
            f"({our_clicks} of {AMAZON_MASK_CLICKS} so far)"
        )
    return f"{AMAZON_MASK_CLICKS}+ clicks sent; Amazon reports them within 24 to 48 hours"
