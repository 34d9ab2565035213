"""Sandbox control endpoints (``/sandbox/*``) and the stand-in Amazon storefront."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from . import consent, products, shoppers
from .catalog import ASIN_RE, local_price, parse_maas, product, store_asin, valid_tag_value
from .clicks import TrafficError, generate_traffic, make_click, parse_traffic
from .clock import parse_iso
from .faults import FaultConfigError
from .state import SandboxState
from .web import HttpError, Request, Response, html_response, json_response, maas_error


def _body(req: Request) -> dict[str, Any]:
    data = req.json()
    if not isinstance(data, dict):
        raise_bad("body must be a JSON object")
    return data


def raise_bad(details: str) -> NoReturn:
    """Abort with a 400 MaaSError."""
    raise HttpError(maas_error(400, details))


def get_state(state: SandboxState, _req: Request, _m: re.Match[str]) -> Response:
    """``GET /sandbox/state``."""
    return json_response(200, state.snapshot())


def get_clock(state: SandboxState, _req: Request, _m: re.Match[str]) -> Response:
    """``GET /sandbox/clock``."""
    return json_response(200, state.clock.describe())


def set_clock(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /sandbox/clock``: ``{"now": ISO}`` | ``{"advance_hours": h}`` | ``{"real": true}``."""
    body = _body(req)
    if body.get("real"):
        state.clock.reset()
    if body.get("now") is not None:
        try:
            state.clock.pin(parse_iso(str(body["now"])))
        except ValueError:
            raise_bad("now must be an ISO-8601 timestamp")
    for key, unit in (("advance_hours", 3600), ("advance_minutes", 60), ("advance_seconds", 1)):
        amount = body.get(key)
        if amount is None:
            continue
        if not isinstance(amount, int | float) or isinstance(amount, bool):
            raise_bad(f"{key} must be a number")
        state.clock.advance(timedelta(seconds=float(amount) * unit))
    return json_response(200, state.clock.describe())


def set_faults(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /sandbox/faults``."""
    body = _body(req)
    try:
        state.faults.configure(body)
    except FaultConfigError as exc:
        return maas_error(400, str(exc))
    expired = state.expire_access_tokens() if body.get("expire_tokens") else 0
    return json_response(200, {"faults": state.faults.snapshot(), "expired_tokens": expired})


def reset(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /sandbox/reset``: faults; ``clicks``/``counters``/``all`` flags for more."""
    body = _body(req)
    state.reset(
        clicks=bool(body.get("clicks")),
        counters=bool(body.get("counters")),
        everything=bool(body.get("all")),
    )
    return json_response(200, state.snapshot())


def traffic(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /sandbox/traffic``: inject deterministic historical clicks (idempotent)."""
    try:
        parsed = parse_traffic(req.json())
    except TrafficError as exc:
        return maas_error(400, str(exc))
    profile = state.advertisers.get(parsed.advertiser_id)
    tz = ZoneInfo(profile.timezone if profile else "UTC")
    measured = parsed.advertiser_id in state.tagged_advertisers
    clicks = generate_traffic(parsed, state.seed, tz, measured)
    added = sum(1 for click in clicks if state.add_click(click))
    return json_response(
        200, {"clicks": len(clicks), "added": added, "measured": measured, "timezone": str(tz)}
    )


def _record_click(state: SandboxState, req: Request, asin: str) -> str:
    """Record a click if the query string carries a valid tag; returns a note for the page."""
    if req.method == "HEAD":
        return "HEAD request: no click recorded."
    if shoppers.CONSENT_COOKIE in (req.header("Cookie") or ""):
        return "Cookies declined on the consent banner: Amazon does not attribute this visit."
    parsed = parse_maas(req.arg("maas"))
    if parsed is None:
        return "No Amazon Attribution tag: no click recorded."
    link = {
        "campaignId": req.arg("aa_campaignid") or "",
        "adGroupId": req.arg("aa_adgroupid") or "",
        "creativeId": req.arg("aa_creativeid") or "",
        "asin": asin,
    }
    if not all(valid_tag_value(link[k]) for k in ("campaignId", "adGroupId", "creativeId")):
        return "Attribution tag without valid aa_campaignid/aa_adgroupid/aa_creativeid: ignored."
    advertiser_id, publisher_id = parsed
    base = "|".join(("dp", advertiser_id, publisher_id, *link.values()))
    key = f"{base}|{state.next_link_index(base)}"
    measured = advertiser_id in state.tagged_advertisers
    state.add_click(
        make_click(key, state.clock.now(), advertiser_id, publisher_id, link, measured, "dp")
    )
    return "Attribution click recorded." + ("" if measured else " (advertiser not measured)")


def _currency(state: SandboxState, req: Request) -> str:
    parsed = parse_maas(req.arg("maas"))
    profile = state.advertisers.get(parsed[0]) if parsed else None
    return profile.marketplace.currency if profile else "USD"


def product_page(state: SandboxState, req: Request, m: re.Match[str]) -> Response:
    """``GET /dp/<ASIN>`` (also ``/<slug>/dp/<ASIN>``): record a click, render the page."""
    asin = m.group("asin").upper()
    if not ASIN_RE.match(asin):
        return html_response(
            404, consent.error_page("Page Not Found", f"No product with ASIN {asin}")
        )
    note = _record_click(state, req, asin)
    item = product(state.seed, asin)
    known = products.catalog(state.extra_products).get(asin)
    name = known[0] if known else item.name
    currency = _currency(state, req)
    price = local_price(item.price, currency)
    return html_response(200, consent.product_page(asin, name, price, currency, note))


def store_page(state: SandboxState, req: Request, m: re.Match[str]) -> Response:
    """``GET /stores/page/<storeId>``: record a click on the store's featured ASIN."""
    store_id = m.group("store")
    asin = store_asin(store_id)
    note = _record_click(state, req, asin)
    return html_response(200, consent.store_page(store_id, asin, note))


def index(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``GET /``: a landing page."""
    host = req.header("Host") or "127.0.0.1"
    return html_response(200, consent.index_page(f"http://{host}"))


def catalog(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /sandbox/catalog``: add products to the catalog the metadata API answers from."""
    try:
        added = products.register(req.json(), state.extra_products, state.product_availability)
    except products.MetadataError as exc:
        return maas_error(400, str(exc))
    return json_response(
        200, {"added": added, "products": len(products.catalog(state.extra_products))}
    )


def product_image(state: SandboxState, _req: Request, m: re.Match[str]) -> Response:
    """``GET /images/I/<ASIN>.svg``: the picture the metadata's `imageUrl` points at."""
    return products.image_response(m.group("asin"), products.catalog(state.extra_products))


def shoppers_history(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /sandbox/shoppers/history``: past shoppers of the named links (see `shoppers`)."""
    try:
        return json_response(200, shoppers.history(state, req.json()))
    except shoppers.ShopperError as exc:
        return maas_error(400, str(exc))


def shoppers_live(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /sandbox/shoppers``: shoppers visit the named short links from now on."""
    if state.shoppers is None:
        return maas_error(503, "Live shoppers need the sandbox server")
    try:
        return json_response(200, state.shoppers.configure(req.json()))
    except shoppers.ShopperError as exc:
        return maas_error(400, str(exc))


def shoppers_state(state: SandboxState, _req: Request, _m: re.Match[str]) -> Response:
    """``GET /sandbox/shoppers``: the live shoppers' settings and what they did so far."""
    return json_response(200, state.shoppers.describe() if state.shoppers else {})
