"""Ads API endpoints: profiles and Amazon Attribution."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from . import products, reports
from .catalog import PUBLISHERS, Profile, macro_tag, nonmacro_tag
from .state import AccessToken, SandboxState
from .web import HttpError, Request, Response, json_response, maas_error

NOT_ELIGIBLE = "This profileID is not authorized to use Amazon Attribution"


def authenticate(state: SandboxState, req: Request) -> AccessToken:
    """Check ``Authorization`` and ``Amazon-Advertising-API-ClientId`` headers."""
    client_id = req.header("Amazon-Advertising-API-ClientId")
    if client_id is None:
        raise HttpError(maas_error(400, "Missing Amazon-Advertising-API-ClientId header"))
    auth = req.header("Authorization") or ""
    scheme, _, value = auth.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise HttpError(maas_error(401, "Not authorized to access this advertiser"))
    token = state.valid_access_token(value.strip())
    if token is None:
        raise HttpError(
            maas_error(
                401, "Not authorized to access this advertiser: access token is invalid or expired"
            )
        )
    if token.client_id != client_id:
        raise HttpError(
            maas_error(
                401,
                "Not authorized: Amazon-Advertising-API-ClientId does not match the access token",
            )
        )
    return token


def scoped_profile(state: SandboxState, req: Request) -> Profile:
    """Authenticate and resolve ``Amazon-Advertising-API-Scope`` to an account profile."""
    token = authenticate(state, req)
    scope = req.header("Amazon-Advertising-API-Scope")
    if scope is None:
        raise HttpError(maas_error(400, "Missing Amazon-Advertising-API-Scope header"))
    for profile in state.account(token.refresh_token):
        if str(profile.profile_id) == scope and not state.faults.edges.is_profile_revoked(scope):
            if state.faults.is_forbidden(scope):
                body = {"code": "403", "message": NOT_ELIGIBLE}
                raise HttpError(json_response(403, body))
            return profile
    raise HttpError(maas_error(401, f"Not authorized to access scope {scope}"))


def profiles(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``GET /v2/profiles`` (filtered by region when called under ``/na``, ``/eu``, ``/fe``)."""
    token = authenticate(state, req)
    items = [
        p.to_json()
        for p in state.account(token.refresh_token)
        if (req.region is None or p.marketplace.region == req.region)
        and not state.faults.edges.is_profile_revoked(p.profile_id)
    ]
    return json_response(200, items)


def advertisers(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``GET /attribution/advertisers``: the profile's single advertiser."""
    profile = scoped_profile(state, req)
    gone = state.faults.edges.advertisers_status()
    if gone:
        return maas_error(gone, "Not Found" if gone == 404 else "This resource has been removed")
    item = {"advertiserId": profile.advertiser_id, "advertiserName": profile.name}
    return json_response(200, {"advertisers": [item]})


def publishers(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``GET /attribution/publishers``."""
    scoped_profile(state, req)
    return json_response(200, {"publisher": [p.to_json() for p in PUBLISHERS.values()]})


def _multi(req: Request, name: str) -> list[str]:
    """Accept repeated params and comma-separated values alike."""
    out: list[str] = []
    for value in req.query.get(name, []):
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return list(dict.fromkeys(out))


def _tags(state: SandboxState, req: Request, make: Callable[[str, str], str]) -> Response:
    profile = scoped_profile(state, req)
    publisher_ids = _multi(req, "publisherIds")
    if not publisher_ids:
        return maas_error(400, "publisherIds is required")
    unknown = [p for p in publisher_ids if p not in PUBLISHERS]
    if unknown:
        return maas_error(400, f"Publisher not supported: {', '.join(unknown)}")
    advertiser_ids = _multi(req, "advertiserIds")
    bad = [a for a in advertiser_ids if a != profile.advertiser_id]
    if bad:
        return maas_error(400, f"Invalid advertiser identifier: {', '.join(bad)}")
    state.record_tag_fetch(profile, publisher_ids)
    tags = {pub: make(profile.advertiser_id, pub) for pub in publisher_ids}
    return json_response(200, {"advertiserAttributionTagMap": {profile.advertiser_id: tags}})


def nonmacro_tags(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``GET /attribution/tags/nonMacroTemplateTag``."""
    return _tags(state, req, nonmacro_tag)


def macro_tags(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``GET /attribution/tags/macroTag``."""
    return _tags(state, req, macro_tag)


def report(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /attribution/report``."""
    profile = scoped_profile(state, req)
    invalid = _invalid_metric(state, req)
    if invalid:
        return invalid
    now = state.clock.now()
    today = now.astimezone(ZoneInfo(profile.timezone)).date()
    try:
        parsed = reports.parse_request(req.json(), profile, today, state.seed)
    except reports.ReportError as exc:
        return maas_error(400, str(exc))
    failure = state.faults.report_failure(parsed.group_by, parsed.count)
    if failure:
        return maas_error(failure, "Internal Server Error")
    rows = build_rows(state, parsed, profile, now)
    page = reports.paginate(parsed, rows, state.seed, profile.profile_id)
    state.faults.take_bad_metric(page["reports"])
    state.faults.reshape_report(page)
    if not page.get("cursorId") and state.faults.take_omit_cursor():
        del page["cursorId"]  # Amazon sometimes leaves the key out on the last page
    return json_response(200, page)


def _invalid_metric(state: SandboxState, req: Request) -> Response | None:
    """The ``invalid_metrics`` switch: 400 ``Invalid metric <name>`` for a listed metric."""
    body = req.json()
    metrics = body.get("metrics") if isinstance(body, dict) else None
    if not isinstance(metrics, str):
        return None
    name = state.faults.edges.first_invalid_metric([m.strip() for m in metrics.split(",")])
    return maas_error(400, f"Invalid metric {name}") if name else None


def build_rows(
    state: SandboxState, parsed: reports.ReportRequest, profile: Profile, now: datetime
) -> list[dict[str, str]]:
    """All rows of a report (handy for tests that skip HTTP). Built once per report and
    clock reading, then served from `reports.REPORT_CACHE` page after page."""
    return reports.REPORT_CACHE.rows(
        (profile.profile_id, replace(parsed, offset=0, count=0), now, state.seed),
        state.clicks,
        lambda: reports.build_report(parsed, profile, state.clicks, state.journey, now, state.seed),
    )


def product_metadata(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /product/metadata``: the profile's catalog products among those asked for (see
    `products`: an ASIN the catalog does not have is left out of the list, as Amazon does)."""
    profile = scoped_profile(state, req)
    try:
        payload = products.metadata_page(
            state.seed,
            req.json(),
            profile,
            products.catalog(state.extra_products),
            state.product_availability,
            products.request_base_url(req),
        )
    except products.MetadataError as exc:
        return maas_error(400, str(exc))
    return products.metadata_response(payload)
