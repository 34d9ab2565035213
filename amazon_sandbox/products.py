"""Amazon's product metadata (`POST /product/metadata`) for the sandbox's catalog.

The wire format is Amazon Ads' Product Selector / product metadata API (OpenAPI
`ProductSelector_prod_3p.json`, "Returns product metadata for the advertiser"; a public copy of
the spec: vanling1111/amazon-ads-api-go-sdk, `pkg/adsapi/product-metadata/api/swagger.yaml`):

- request (`application/vnd.productmetadatarequest.v1+json`): `pageIndex` and `pageSize`
  (1-300) required; at most one of `asins` (up to 300, each 10 characters), `skus`,
  `searchStr`; `checkItemDetails` asks for title, image and price; `checkEligibility`/`adType`
  for advertising eligibility; `cursorToken`, `locale`, `sortBy`, `sortOrder`;
- response: `{"ProductMetadataList": [ProductMetadataModel, ...], "cursorToken": ""}`, each
  with `asin`, `sku`, `title`, `brand`, `category`, `imageUrl`, `availability` (IN_STOCK,
  IN_STOCK_SCARCE, OUT_OF_STOCK, PREORDER, LEADTIME, AVAILABLE_DATE), `priceToPay` and
  `basisPrice` (`{"amount", "currency"}`), `eligibilityStatus`, `ineligibilityCodes`,
  `ineligibilityReasons`, `bestSellerRank`, `createdDate`, `variationList`;
- an ASIN that is not in the advertiser's catalog is simply not in the list (the API searches
  "the advertiser's inventory"; integrators report it "only returns data for ASINs belonging to
  our own store", amzn/ads-advanced-tools-docs issue 479): 200, fewer items than asked for.

The catalog is `KNOWN_PRODUCTS` (the demo brands' products) plus what a test registers with
`POST /sandbox/catalog`. Prices, availability and images are deterministic per seed and ASIN;
the image is an SVG the sandbox serves itself (`/images/I/<ASIN>.svg`).
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from typing import Any

from .catalog import ASIN_RE, MARKETPLACES, Profile, local_price, product
from .web import HttpError, Request, Response, json_response, maas_error

MAX_ITEMS = 300
AVAILABILITY = (
    "IN_STOCK",
    "IN_STOCK_SCARCE",
    "OUT_OF_STOCK",
    "PREORDER",
    "LEADTIME",
    "AVAILABLE_DATE",
)

# (title, brand, category): what Amazon's catalog says about the demo brands' products.
KNOWN_PRODUCTS: dict[str, tuple[str, str, str]] = {
    # Acme Outdoor
    "B0C7KQ2ZL4": ("Ridgeline 2-Person Backpacking Tent, 3-Season", "Acme Outdoor", "Tents"),
    "B0BX9HJ3MC": ("Summit 650 Fill Down Jacket, Men's", "Acme Outdoor", "Outdoor Clothing"),
    "B09T4R7WQN": ("Trailhead 28 L Daypack with Rain Cover", "Acme Outdoor", "Hiking Daypacks"),
    "B0D1F6PLV8": ("Canyon Titanium Camp Stove, 45 g", "Acme Outdoor", "Camp Stoves"),
    "B0CM2S8XTE": ("Lumen 400 Rechargeable Headlamp", "Acme Outdoor", "Headlamps"),
    "B0CQ7N3RJX": ("Basecamp Insulated Sleeping Pad, R-Value 4.2", "Acme Outdoor", "Sleeping Pads"),
    # Northwind Kitchen
    "B0C4T9WJ2K": ("Forge 10-Inch Pre-Seasoned Cast-Iron Skillet", "Northwind Kitchen", "Skillets"),
    "B0BRN6Q1ZD": ("Brightline Chef's Knife, 8 Inch, German Steel", "Northwind Kitchen", "Knives"),
    "B09Z3KX7MH": ("Steady Gooseneck Pour-Over Kettle, 1 L", "Northwind Kitchen", "Kettles"),
    "B0D2L8VQFA": ("Harvest Bamboo Cutting Board Set of 3", "Northwind Kitchen", "Cutting Boards"),
    "B0CJ5P4NWS": ("Everyday 5-Quart Enameled Dutch Oven", "Northwind Kitchen", "Dutch Oven"),
    "B0DK4M2HQT": ("Matcha Whisk and Bowl Set, Bamboo", "Northwind Kitchen", "Tea Sets"),
    "B0CV8R5WZN": ("Donabe Clay Rice Cooker, 3 Cups", "Northwind Kitchen", "Rice Cookers"),
}
_SVG_COLOURS = ("#1b6e5a", "#2f5d9e", "#9e5a2f", "#6b3f8f", "#8f3f4f", "#3f7f8f")


class MetadataError(ValueError):
    """A request body the product metadata API answers 400 to."""


def _ints(body: dict[str, Any]) -> tuple[int, int]:
    for name in ("pageIndex", "pageSize"):
        value = body.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise MetadataError(f"{name} is required and must be an integer")
    index, size = int(body["pageIndex"]), int(body["pageSize"])
    if index < 0 or not 1 <= size <= MAX_ITEMS:
        raise MetadataError(f"need pageIndex >= 0 and 1 <= pageSize <= {MAX_ITEMS}")
    return index, size


def _asins(body: dict[str, Any]) -> list[str] | None:
    chosen = [k for k in ("asins", "skus", "searchStr") if body.get(k) not in (None, [], "")]
    if len(chosen) > 1:
        raise MetadataError("asins, skus and searchStr cannot be used together")
    asins = body.get("asins")
    if asins in (None, []):
        return None
    if not isinstance(asins, list) or len(asins) > MAX_ITEMS:
        raise MetadataError(f"asins must be a list of at most {MAX_ITEMS} ASINs")
    if not all(isinstance(a, str) and len(a) == 10 for a in asins):
        raise MetadataError("each ASIN must be a string of 10 characters")
    return [a.upper() for a in asins]


def catalog(extra: dict[str, tuple[str, str, str]]) -> dict[str, tuple[str, str, str]]:
    """The sandbox's whole catalog: the demo brands' products and registered ones."""
    return {**KNOWN_PRODUCTS, **extra}


def _price(seed: int, asin: str, currency: str) -> tuple[float, float]:
    pay = local_price(product(seed, asin).price, currency)
    basis = round(pay * 1.25) if currency == "JPY" else round(pay * 1.25, 2)
    return float(pay), float(basis)


def _availability(seed: int, asin: str, forced: str) -> str:
    if forced:
        return forced
    roll = hashlib.sha256(f"{seed}|availability|{asin}".encode()).digest()[0] % 20
    return "OUT_OF_STOCK" if roll == 0 else "IN_STOCK_SCARCE" if roll == 1 else "IN_STOCK"


def listing(
    seed: int,
    asin: str,
    info: tuple[str, ...],
    profile: Profile,
    base_url: str,
    *,
    details: bool,
    availability: str = "",
) -> dict[str, Any]:
    """One `ProductMetadataModel` of the catalog, in the profile's marketplace."""
    title, brand, category = info[:3]
    item: dict[str, Any] = {"asin": asin, "sku": f"SKU-{asin}"}
    if not details:
        return item
    currency = profile.marketplace.currency
    pay, basis = _price(seed, asin, currency)
    rank = int(hashlib.sha256(f"{seed}|rank|{asin}".encode()).hexdigest()[:6], 16) % 5000 + 1
    item.update(
        {
            "title": title,
            "brand": brand,
            "category": category,
            "imageUrl": f"{base_url}/images/I/{asin}.svg",
            "availability": _availability(seed, asin, availability),
            "priceToPay": {"amount": pay, "currency": currency},
            "basisPrice": {"amount": basis, "currency": currency},
            "bestSellerRank": str(rank),
            "createdDate": "Jul 1, 2024",
            "variationList": [],
        }
    )
    return item


def metadata_page(
    seed: int,
    body: Any,
    profile: Profile,
    known: dict[str, tuple[str, str, str]],
    availability: dict[str, str],
    base_url: str,
) -> dict[str, Any]:
    """The answer to one `POST /product/metadata` body (raises `MetadataError` for a 400)."""
    if not isinstance(body, dict):
        raise MetadataError("body must be a JSON object")
    index, size = _ints(body)
    asked = _asins(body)
    if asked is not None:
        found = [a for a in dict.fromkeys(asked) if a in known]
    else:
        search = str(body.get("searchStr") or "").lower()
        found = [a for a, info in known.items() if search in info[0].lower()]
    page = found[index * size : (index + 1) * size]
    details = bool(body.get("checkItemDetails"))
    items = [
        listing(
            seed,
            a,
            known[a],
            profile,
            base_url,
            details=details,
            availability=availability.get(a, ""),
        )
        for a in page
    ]
    if body.get("checkEligibility"):
        for item in items:
            item.update(
                eligibilityStatus="ELIGIBLE", ineligibilityCodes=[], ineligibilityReasons=[]
            )
    return {"ProductMetadataList": items, "cursorToken": ""}


def register(
    body: Any, known: dict[str, tuple[str, str, str]], availability: dict[str, str]
) -> int:
    """`POST /sandbox/catalog` `{"products": [{"asin", "title", "brand", "category",
    "availability"}]}`: add products to the catalog (or change their availability)."""
    products = body.get("products") if isinstance(body, dict) else None
    if not isinstance(products, list) or not products:
        raise MetadataError("products must be a non-empty list")
    added = 0
    for entry in products:
        asin = str((entry or {}).get("asin") or "").upper()
        if not ASIN_RE.match(asin):
            raise MetadataError(f"invalid asin {asin!r}")
        state = str(entry.get("availability") or "")
        if state and state not in AVAILABILITY:
            raise MetadataError(f"availability must be one of {', '.join(AVAILABILITY)}")
        title = str(entry.get("title") or f"Sandbox product {asin}")
        added += asin not in known
        known[asin] = (
            title,
            str(entry.get("brand") or "Sandbox Brand"),
            str(entry.get("category") or "Misc"),
        )
        if state:
            availability[asin] = state
    return added


def image_svg(asin: str, title: str) -> bytes:
    """A product picture: a coloured square with the title's initials."""
    colour = _SVG_COLOURS[
        int(hashlib.sha256(asin.encode()).hexdigest()[:4], 16) % len(_SVG_COLOURS)
    ]
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", title)[:2]).upper() or asin[-2:]
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="160" viewBox="0 0 160 160">'
        f'<rect width="160" height="160" rx="12" fill="{colour}"/>'
        '<text x="80" y="96" font-family="Arial,Helvetica,sans-serif" font-size="48" '
        f'font-weight="bold" fill="#fff" text-anchor="middle">{escape(initials)}</text></svg>'
    )
    return svg.encode("utf-8")


def currency_of(country: str) -> str:
    return MARKETPLACES[country].currency


def bad_request(exc: MetadataError) -> HttpError:
    return HttpError(maas_error(400, str(exc)))


def image_response(asin: str, known: dict[str, tuple[str, str, str]]) -> Response:
    asin = asin.upper()
    if asin not in known:
        return maas_error(404, f"No image for {asin}")
    return Response(
        200, image_svg(asin, known[asin][0]), "image/svg+xml", {"Cache-Control": "max-age=86400"}
    )


def metadata_response(payload: dict[str, Any]) -> Response:
    response = json_response(200, payload)
    response.content_type = "application/vnd.productmetadataresponse.v1+json"
    return response


def request_base_url(req: Request) -> str:
    return f"http://{req.header('Host') or '127.0.0.1'}"
