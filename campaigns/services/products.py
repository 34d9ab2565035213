"""Products as Amazon's catalog shows them: title, image, price and availability from the Ads
API's product metadata (`attribution.amazon.AmazonAds.products_metadata`), stored on the
product, refreshed daily (beat: `campaigns.products_metadata_refresh_all`) and when a product
is added; and a look-up of one ASIN before it is added (the "Add products" preview)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from attribution import amazon
from attribution.models import Store
from attribution.services import ads_client
from campaigns import amazon_ids
from campaigns.models import Product
from core.money import money_round

log = logging.getLogger(__name__)

UPDATE_FIELDS = [
    "amazon_status",
    "amazon_title",
    "image_url",
    "price",
    "price_currency",
    "availability",
    "metadata_checked_at",
]


class MetadataUnavailable(Exception):
    """Amazon could not be asked (no connection, throttled, down): nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Listing:
    """Amazon's catalog entry for one ASIN in one marketplace (None fields: not given)."""

    asin: str
    title: str
    image_url: str
    price: Decimal | None
    currency: str
    availability: str


def _image_url(value: Any) -> str:
    """An https image (or the sandbox's own), never another scheme (it lands in <img src>)."""
    url = str(value or "")[:500]
    parts = urlsplit(url)
    sandbox = settings.AMAZON_SANDBOX_URL
    if parts.scheme == "https" and parts.netloc:
        return url
    if sandbox and url.startswith(sandbox + "/"):
        return url
    return ""


def listing_from(item: dict[str, Any]) -> Listing:
    """Parse one `ProductMetadataModel` (amounts are JSON numbers: read via their text)."""
    price_obj = item.get("priceToPay") or {}
    currency = str(price_obj.get("currency") or "")[:3].upper()
    price = None
    if price_obj.get("amount") is not None and currency:
        try:
            price = money_round(Decimal(str(price_obj["amount"])), currency)
        except (InvalidOperation, ValueError):
            price = None
    return Listing(
        asin=str(item.get("asin") or "").upper(),
        title=str(item.get("title") or "")[:500],
        image_url=_image_url(item.get("imageUrl")),
        price=price,
        currency=currency if price is not None else "",
        availability=str(item.get("availability") or "")[:20],
    )


def _ask(store: Store, asins: list[str]) -> dict[str, Listing]:
    if store.connection_id is None or store.status != Store.Status.ACTIVE:
        raise MetadataUnavailable("This store is not connected to Amazon Ads.")
    try:
        items = ads_client(store.connection).products_metadata(store.profile_id, asins)
    except amazon.AmazonError as exc:
        raise MetadataUnavailable(exc.message) from exc
    return {asin: listing_from(item) for asin, item in items.items()}


def products_metadata_refresh(
    *, store: Store, products: Iterable[Product] | None = None, now: datetime | None = None
) -> tuple[int, int]:
    """Ask Amazon about the store's products (all products in its campaigns that are not
    removed, or `products`) and store what it says. Returns (found, not found). Raises
    `MetadataUnavailable` (and changes nothing) when Amazon cannot be asked."""
    if products is None:
        products = Product.objects.filter(campaign__store=store, removed_at=None)
    rows = list(products)
    if not rows:
        return 0, 0
    listings = _ask(store, sorted({p.asin for p in rows}))
    now = now or timezone.now()
    found = missing = 0
    for product in rows:
        item = listings.get(product.asin)
        product.metadata_checked_at = now
        if item is None:
            product.amazon_status = Product.AmazonStatus.NOT_FOUND
            product.availability = ""
            missing += 1
            continue
        found += 1
        product.amazon_status = Product.AmazonStatus.FOUND
        product.amazon_title = item.title
        product.image_url = item.image_url
        product.price, product.price_currency = item.price, item.currency
        product.availability = item.availability
    Product.objects.bulk_update(rows, UPDATE_FIELDS)
    return found, missing


def products_metadata_refresh_unchecked(*, store: Store) -> str:
    """Look up the store's products Amazon was never asked about; returns an error message
    when Amazon could not be asked ("" when fine). For the link checker, which reports the
    ASINs Amazon does not know."""
    unchecked = Product.objects.filter(
        campaign__store=store, removed_at=None, amazon_status=Product.AmazonStatus.UNCHECKED
    )
    try:
        products_metadata_refresh(store=store, products=unchecked)
    except MetadataUnavailable as exc:
        log.info("product metadata for store %s: %s", store.pk, exc.message)
        return exc.message
    return ""


@dataclass(frozen=True)
class Lookup:
    """The answer to "what is this ASIN?" before it is added."""

    asin: str
    valid: bool
    listing: Listing | None = None
    error: str = ""

    @property
    def found(self) -> bool:
        return self.listing is not None


def products_lookup(*, store: Store, asins: list[str]) -> list[Lookup]:
    """Amazon's catalog entries for these ASINs in the store's marketplace, in their order
    (one Amazon call for all; nothing is stored)."""
    cleaned: list[tuple[str, str | None]] = []
    for raw in asins:
        try:
            cleaned.append((raw, amazon_ids.normalize_asin(raw)))
        except ValidationError:
            cleaned.append((raw, None))
    valid = sorted({asin for _, asin in cleaned if asin})
    listings: dict[str, Listing] = {}
    error = ""
    if valid:
        try:
            listings = _ask(store, valid)
        except MetadataUnavailable as exc:
            error = exc.message
    return [
        Lookup(asin=asin, valid=True, listing=listings.get(asin), error=error)
        if asin
        else Lookup(asin=raw.strip()[:20], valid=False)
        for raw, asin in cleaned
    ]


def product_lookup(*, store: Store, asin: str) -> Lookup:
    """Amazon's catalog entry for one ASIN (see `products_lookup`)."""
    return products_lookup(store=store, asins=[asin])[0]
