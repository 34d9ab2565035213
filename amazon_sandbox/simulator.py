"""Deterministic shopper simulation: what each click turns into, and when Amazon shows it."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from .catalog import halo_asin, local_price, product
from .clicks import Click

HOUR = 3600
DAY = 24 * HOUR
WINDOW = timedelta(days=14)

P_DETAIL_PAGE_VIEW = 0.65
P_ADD_TO_CART = 0.30
P_PURCHASE = 0.45
P_BRAND_HALO = 0.10
P_RETURN = 0.08
P_NEW_TO_BRAND = 0.6
MAX_CLICK_DELAY = 24 * HOUR
MAX_CONVERSION_DELAY = 48 * HOUR
BRB_RATE = 0.10
BRB_MIN_AGE = timedelta(days=2)


@dataclass(frozen=True)
class Event:
    """A conversion event (``dpv``, ``atc`` or ``purchase``) caused by a click."""

    kind: str
    ts: datetime
    visible_at: datetime
    asin: str
    halo: bool
    units: int = 0
    sales: float = 0.0
    new_to_brand: bool = False
    returned_at: datetime | None = None

    def returned(self, now: datetime) -> bool:
        """True once the purchase has been returned (restated away)."""
        return self.returned_at is not None and self.returned_at <= now


@dataclass(frozen=True)
class Journey:
    """The outcome of one click."""

    click: Click
    visible_at: datetime
    events: tuple[Event, ...]


class _Sim:
    def __init__(self, click: Click, seed: int) -> None:
        digest = hashlib.sha256(f"{seed}|shopper|{click.id}".encode()).digest()
        self.rng = random.Random(int.from_bytes(digest[:8], "big"))
        self.click = click
        self.seed = seed
        self.visible_at = click.ts + timedelta(seconds=self.rng.randint(0, MAX_CLICK_DELAY))
        self.events: list[Event] = []

    def visible(self, ts: datetime) -> datetime:
        delay = timedelta(seconds=self.rng.randint(0, MAX_CONVERSION_DELAY))
        return max(self.visible_at, ts + delay)

    def funnel(self, asin: str, halo: bool, price: float, max_units: int) -> None:
        """Detail page view -> add to cart -> purchase (-> return) for one product."""
        rng = self.rng
        dpv_ts = self.click.ts + timedelta(seconds=rng.randint(5, 900 if not halo else 2 * HOUR))
        self.events.append(Event("dpv", dpv_ts, self.visible(dpv_ts), asin, halo))
        if halo or rng.random() < P_ADD_TO_CART:
            atc_ts = dpv_ts + timedelta(seconds=rng.randint(30, 1800))
            self.events.append(Event("atc", atc_ts, self.visible(atc_ts), asin, halo))
            if halo or rng.random() < P_PURCHASE:
                offset = timedelta(days=rng.randint(0, 13), seconds=rng.randint(0, DAY - 1))
                buy_ts = max(atc_ts + timedelta(seconds=60), self.click.ts + offset)
                buy_ts = min(buy_ts, self.click.ts + WINDOW - timedelta(seconds=1))
                units = rng.randint(1, max_units)
                returned_at = None
                if rng.random() < P_RETURN:
                    back = timedelta(days=rng.randint(1, 27), seconds=rng.randint(0, DAY - 1))
                    returned_at = buy_ts + back
                self.events.append(
                    Event(
                        "purchase",
                        buy_ts,
                        self.visible(buy_ts),
                        asin,
                        halo,
                        units,
                        price * units,
                        rng.random() < P_NEW_TO_BRAND,
                        returned_at,
                    )
                )


def simulate(click: Click, seed: int, currency: str = "USD") -> Journey:
    """Turn a click into a shopper journey (pure function of seed, click and the currency of
    the click's marketplace, in which the products are priced)."""
    sim = _Sim(click, seed)
    rng = sim.rng
    if rng.random() < P_DETAIL_PAGE_VIEW:
        sim.funnel(click.asin, False, local_price(product(seed, click.asin).price, currency), 3)
    if rng.random() < P_BRAND_HALO:
        asin = halo_asin(seed, click.advertiser_id, rng.randint(0, 4))
        if asin == click.asin:
            asin = halo_asin(seed, click.advertiser_id, 5)
        sim.funnel(asin, True, local_price(product(seed, asin).price, currency), 2)
    events = tuple(sorted(sim.events, key=lambda e: (e.ts, e.kind, e.asin)))
    return Journey(click, sim.visible_at, events)


def brb_amount(event: Event, now: datetime) -> float:
    """Brand Referral Bonus credit for a purchase, once it is at least 2 days old."""
    if event.kind != "purchase" or event.returned(now) or now < event.ts + BRB_MIN_AGE:
        return 0.0
    return event.sales * BRB_RATE
