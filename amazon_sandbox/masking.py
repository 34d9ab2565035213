"""Amazon's privacy mask as a scenario: a group whose old history is masked, then un-masked.

Amazon masks every report row of a tag group with fewer than 10 clicks over its lifetime
(all metrics ``"0"``), and shows the group's whole history once it passes 10 (Amazon
Attribution API how-to, "Reports resource"). ``reports.build_report`` applies that rule to every
level; these two control endpoints stage it for one link:

- ``POST /sandbox/masked_history`` plants a few clicks (at most 9 in the link's ad group) on
  days of ``start..end``, each chosen so that it ends in a purchase on or before ``end``: a
  history with sales that every level from the ad group down reports as zeros (the campaign
  shows them when its other links give it 10 lifetime clicks).
- ``POST /sandbox/unmask`` adds the clicks the link still needs for 10 lifetime clicks (by
  default 25 hours before the sandbox's now, so they are reported at once): from then on its
  creative, its ad group and its campaign report the old days in full.

Both are idempotent (the same body plants the same clicks) and never faulted.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .clicks import Click, TrafficError, link_key, make_click, parse_traffic
from .clock import parse_iso, to_iso
from .simulator import simulate
from .state import SandboxState
from .web import Request, Response, json_response, maas_error

THRESHOLD = 10  # lifetime clicks before Amazon shows a group's rows
MAX_CANDIDATES = 5000  # shopper journeys tried per planted click
UNMASK_LAG = timedelta(hours=25)  # clicks take up to 24 h to be reported


class MaskingError(ValueError):
    """A 400 for the masking endpoints."""


def _link_request(body: Any, *, dated: bool) -> tuple[Any, dict[str, str]]:
    """The traffic-style body of one link, validated like ``/sandbox/traffic``."""
    if not isinstance(body, dict):
        raise MaskingError("body must be a JSON object")
    link = body.get("link")
    if not isinstance(link, dict):
        raise MaskingError("link must be an object with campaignId, adGroupId, creativeId, asin")
    fake_day = date(2000, 1, 1).isoformat()
    try:
        parsed = parse_traffic(
            {
                "advertiserId": body.get("advertiserId"),
                "publisherId": body.get("publisherId"),
                "links": [link],
                "start": body.get("start") if dated else fake_day,
                "end": body.get("end") if dated else fake_day,
                "clicksPerDay": [0, 0],
            }
        )
    except TrafficError as exc:
        raise MaskingError(str(exc)) from exc
    return parsed, parsed.links[0]


def _group_clicks(state: SandboxState, advertiser_id: str, publisher_id: str, link: dict) -> dict:
    """Measured clicks per level of the link's groups (what the mask counts)."""
    counts = {"campaign": 0, "adGroup": 0, "creative": 0}
    for click in state.clicks:
        if not click.measured or click.advertiser_id != advertiser_id:
            continue
        if click.campaign_id != link["campaignId"]:
            continue
        counts["campaign"] += 1
        if click.publisher_id != publisher_id or click.ad_group_id != link["adGroupId"]:
            continue
        counts["adGroup"] += 1
        if click.creative_id == link["creativeId"]:
            counts["creative"] += 1
    return counts


def _buys_by(state: SandboxState, click: Click, last_day: date, tz: ZoneInfo) -> bool:
    """The click's shopper buys a promoted product, keeps it, on or before ``last_day``
    (simulated without caching: most candidates are thrown away)."""
    return any(
        e.kind == "purchase"
        and not e.halo
        and e.returned_at is None
        and e.ts.astimezone(tz).date() <= last_day
        for e in simulate(click, state.seed).events
    )


def masked_history(state: SandboxState, body: Any) -> dict[str, Any]:
    """``POST /sandbox/masked_history``: see the module docstring."""
    parsed, link = _link_request(body, dated=True)
    clicks = body.get("clicks", THRESHOLD - 1)
    if not isinstance(clicks, int) or isinstance(clicks, bool) or not 1 <= clicks < THRESHOLD:
        raise MaskingError(f"clicks must be an integer from 1 to {THRESHOLD - 1}")
    profile = state.advertisers.get(parsed.advertiser_id)
    tz = ZoneInfo(profile.timezone if profile else "UTC")
    measured = parsed.advertiser_id in state.tagged_advertisers
    lkey = link_key(parsed.advertiser_id, parsed.publisher_id, link)
    days = [parsed.start + timedelta(days=n) for n in range((parsed.end - parsed.start).days + 1)]
    planted: list[Click] = []
    for slot in range(clicks):
        day = days[slot % len(days)]
        midnight = datetime.combine(day, time(0), tz).astimezone(UTC)
        for attempt in range(MAX_CANDIDATES):
            key = f"masked|{lkey}|{day.isoformat()}|{slot}|{attempt}"
            rng = random.Random(f"{state.seed}|{key}")
            ts = midnight + timedelta(seconds=rng.randrange(20 * 3600))
            click = make_click(
                key, ts, parsed.advertiser_id, parsed.publisher_id, link, measured, "masked"
            )
            if _buys_by(state, click, parsed.end, tz):
                planted.append(click)
                break
        else:
            raise MaskingError(f"no buying shopper found for {day.isoformat()}")
    new = [c for c in planted if c.key not in state.click_keys]
    before = _group_clicks(state, parsed.advertiser_id, parsed.publisher_id, link)
    if before["adGroup"] + len(new) >= THRESHOLD:
        raise MaskingError(
            f"the ad group would have {before['adGroup'] + len(new)} lifetime clicks: "
            f"Amazon masks only groups under {THRESHOLD}"
        )
    for click in new:
        state.add_click(click)
    return {
        "added": len(new),
        "measured": measured,
        "lifetimeClicks": _group_clicks(state, parsed.advertiser_id, parsed.publisher_id, link),
    }


def unmask(state: SandboxState, body: Any) -> dict[str, Any]:
    """``POST /sandbox/unmask``: see the module docstring."""
    parsed, link = _link_request(body, dated=False)
    at_raw = body.get("at")
    try:
        at = parse_iso(str(at_raw)) if at_raw is not None else state.clock.now() - UNMASK_LAG
    except ValueError as exc:
        raise MaskingError("at must be an ISO-8601 timestamp") from exc
    measured = parsed.advertiser_id in state.tagged_advertisers
    lkey = link_key(parsed.advertiser_id, parsed.publisher_id, link)
    have = _group_clicks(state, parsed.advertiser_id, parsed.publisher_id, link)["creative"]
    added, index = 0, 0
    while have + added < THRESHOLD:
        key = f"unmask|{lkey}|{to_iso(at)}|{index}"
        click = make_click(
            key,
            at + timedelta(seconds=index),
            parsed.advertiser_id,
            parsed.publisher_id,
            link,
            measured,
            "unmask",
        )
        added += state.add_click(click)
        index += 1
    return {
        "added": added,
        "at": to_iso(at),
        "measured": measured,
        "lifetimeClicks": _group_clicks(state, parsed.advertiser_id, parsed.publisher_id, link),
    }


def post_masked_history(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /sandbox/masked_history``."""
    try:
        return json_response(200, masked_history(state, req.json()))
    except MaskingError as exc:
        return maas_error(400, str(exc))


def post_unmask(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /sandbox/unmask``."""
    try:
        return json_response(200, unmask(state, req.json()))
    except MaskingError as exc:
        return maas_error(400, str(exc))
