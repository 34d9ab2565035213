"""Deterministic sandbox catalog: marketplaces, profiles, publishers, products and tags."""

from __future__ import annotations

import base64
import hashlib
import random
import re
from dataclasses import dataclass
from typing import Any

CAMPAIGN_SCOPE = "advertising::campaign_management"
ALLOWED_SCOPES = frozenset({CAMPAIGN_SCOPE, "profile", "advertising::test:create_account"})
REFRESH_PREFIX = "Atzr|"
ACCESS_PREFIX = "Atza|"

ASIN_RE = re.compile(r"^[A-Z0-9]{10}$")
MAAS_RE = re.compile(r"^maas_adg_api_(\d+)_(?:static|macro)_\d+_([A-Za-z0-9]+)$")
_FORBIDDEN_TAG_CHARS = set("/&=#?+'\"%$\u2019\u201d")


@dataclass(frozen=True)
class Marketplace:
    """An Amazon marketplace as the sandbox knows it."""

    country: str
    currency: str
    timezone: str
    region: str
    string_id: str
    domain: str


MARKETPLACES: dict[str, Marketplace] = {
    "US": Marketplace("US", "USD", "America/Los_Angeles", "NA", "ATVPDKIKX0DER", "amazon.com"),
    "CA": Marketplace("CA", "CAD", "America/Los_Angeles", "NA", "A2EUQ1WTGCTBG2", "amazon.ca"),
    "UK": Marketplace("UK", "GBP", "Europe/London", "EU", "A1F83G8C2ARO7P", "amazon.co.uk"),
    "DE": Marketplace("DE", "EUR", "Europe/Paris", "EU", "A1PA6795UKMFR9", "amazon.de"),
    "JP": Marketplace("JP", "JPY", "Asia/Tokyo", "FE", "A1VC38T7YXB528", "amazon.co.jp"),
}
# The time zones are the ones Amazon Ads gives each marketplace's profiles (reports and "days"
# are in them): the product's `attribution.amazon.marketplaces.MARKETPLACE_TIME_ZONES` has the
# same table, and tests/sandbox check the two agree.
# (slot name, marketplace, legacy?) - the legacy slot is an old AMAZON_ATTRIBUTION profile.
PROFILE_SLOTS: tuple[tuple[str, str, bool], ...] = (
    ("US", "US", False),
    ("CA", "CA", False),
    ("UK", "UK", False),
    ("DE", "DE", False),
    ("JP", "JP", False),
    ("US-legacy", "US", True),
)


@dataclass(frozen=True)
class Publisher:
    """An Attribution publisher entry."""

    id: str
    name: str
    macro_enabled: bool

    def to_json(self) -> dict[str, Any]:
        """Shape used by ``GET /attribution/publishers``."""
        return {"id": self.id, "name": self.name, "macroEnabled": self.macro_enabled}


PUBLISHERS: dict[str, Publisher] = {
    p.id: p
    for p in (
        Publisher("101", "Instagram", False),
        Publisher("102", "TikTok", False),
        Publisher("103", "YouTube", False),
        Publisher("104", "Pinterest", True),
        Publisher("105", "Influencer / affiliate (other)", False),
    )
}


@dataclass(frozen=True)
class Profile:
    """An advertising profile (with its single advertiser) derived from a refresh token."""

    profile_id: int
    marketplace: Marketplace
    account_id: str
    account_type: str
    name: str
    advertiser_id: str
    legacy: bool

    @property
    def timezone(self) -> str:
        """IANA time zone of the profile."""
        return self.marketplace.timezone

    def to_json(self) -> dict[str, Any]:
        """Shape used by ``GET /v2/profiles``."""
        info: dict[str, Any] = {
            "marketplaceStringId": self.marketplace.string_id,
            "id": self.account_id,
            "type": self.account_type,
            "name": self.name,
            "validPaymentMethod": True,
        }
        if self.legacy:
            info["subType"] = "AMAZON_ATTRIBUTION"
        return {
            "profileId": self.profile_id,
            "countryCode": self.marketplace.country,
            "currencyCode": self.marketplace.currency,
            "dailyBudget": 0,
            "timezone": self.marketplace.timezone,
            "accountInfo": info,
        }


def _digest(*parts: object) -> bytes:
    return hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).digest()


def _rng(*parts: object) -> random.Random:
    return random.Random(int.from_bytes(_digest(*parts)[:8], "big"))


def derive_profiles(seed: int, refresh_token: str) -> list[Profile]:
    """The six profiles of the account behind ``refresh_token`` (deterministic)."""
    account = _digest(seed, refresh_token)
    account_type = "seller" if account[0] % 2 == 0 else "vendor"
    profiles = []
    for slot, country, legacy in PROFILE_SLOTS:
        h = _digest(seed, refresh_token, slot)
        num = int.from_bytes(h[:8], "big")
        account_id = "A" + base64.b32encode(h[8:18]).decode("ascii").rstrip("=")[:13]
        profiles.append(
            Profile(
                profile_id=10**15 + num % (9 * 10**15),
                marketplace=MARKETPLACES[country],
                account_id=account_id,
                account_type=account_type,
                name=f"Sandbox Brand {1000 + int.from_bytes(h[18:21], 'big') % 9000}",
                advertiser_id=str(10**9 + int.from_bytes(h[21:29], "big") % (9 * 10**9)),
                legacy=legacy,
            )
        )
    return profiles


def consent_refresh_token(client_id: str, account: str) -> str:
    """Refresh token issued by the consent flow for a given sandbox login (deterministic)."""
    raw = base64.urlsafe_b64encode(_digest("consent", client_id, account.strip().lower()))
    return REFRESH_PREFIX + "IwEBI" + raw.decode("ascii").rstrip("=")


def nonmacro_tag(advertiser_id: str, publisher_id: str) -> str:
    """Non-macro template tag; the app appends ``&aa_campaignid=..&aa_adgroupid=..``."""
    return f"maas=maas_adg_api_{advertiser_id}_static_9_{publisher_id}&ref_=aa_maas&tag=maas"


def macro_tag(advertiser_id: str, publisher_id: str) -> str:
    """Macro tag with ``{{...}}`` placeholders filled in by the publisher."""
    return (
        f"maas=maas_adg_api_{advertiser_id}_macro_9_{publisher_id}&ref_=aa_maas&tag=maas"
        "&aa_campaignid={{campaignId}}&aa_adgroupid={{adGroupId}}&aa_creativeid={{creativeId}}"
    )


def parse_maas(value: str | None) -> tuple[str, str] | None:
    """``(advertiserId, publisherId)`` from a ``maas`` value, or None if invalid/unknown."""
    match = MAAS_RE.match(value or "")
    if not match or match.group(2) not in PUBLISHERS:
        return None
    return match.group(1), match.group(2)


def valid_tag_value(value: str | None) -> bool:
    """Amazon's rule for aa_* values: 1..255 chars, none of ``/ & = # ? + ' " % $``."""
    return bool(value) and len(value or "") <= 255 and not set(value or "") & _FORBIDDEN_TAG_CHARS


@dataclass(frozen=True)
class Product:
    """A stand-in catalog product."""

    asin: str
    price: float
    name: str
    category: str
    subcategory: str
    group: str


_CATEGORIES = (
    ("Sports & Outdoors", "Camping & Hiking", "Sports"),
    ("Beauty & Personal Care", "Skin Care", "Beauty"),
    ("Home & Kitchen", "Kitchen & Dining", "Kitchen"),
    ("Electronics", "Headphones", "Wireless"),
    ("Toys & Games", "Building Toys", "Toy"),
    ("Books", "Cookbooks", "Book"),
)


def product(seed: int, asin: str) -> Product:
    """Deterministic price (9.99-199.99) and catalog data for ``asin``."""
    rng = _rng(seed, "product", asin)
    price = rng.randint(999, 19999) / 100
    category, subcategory, group = rng.choice(_CATEGORIES)
    name = f"Sandbox {subcategory} {asin[-4:]}"
    return Product(asin, price, name, category, subcategory, group)


# What costs 1 USD in each marketplace's currency (whole yen: JPY has no minor unit).
PRICE_FACTOR = {"USD": 1.0, "CAD": 1.35, "GBP": 0.8, "EUR": 0.92, "JPY": 150.0}


def local_price(usd: float, currency: str) -> float:
    """A catalog price in the marketplace's currency (USD prices unchanged)."""
    if currency in ("", "USD"):
        return usd
    value = usd * PRICE_FACTOR.get(currency, 1.0)
    return float(round(value)) if currency == "JPY" else round(value, 2)


def halo_asin(seed: int, advertiser_id: str, index: int) -> str:
    """Another product of the advertiser's brand (brand-halo purchases)."""
    return "B0" + base64.b32encode(_digest(seed, "halo", advertiser_id, index)).decode()[:8]


def store_asin(store_id: str) -> str:
    """Featured product of a store page (stores have no ASIN in the URL)."""
    return "B0" + base64.b32encode(_digest("store", store_id)).decode()[:8]
