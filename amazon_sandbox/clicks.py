"""Click records and the deterministic historical-traffic generator."""

from __future__ import annotations

import hashlib
import random
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .catalog import ASIN_RE, PUBLISHERS, valid_tag_value
from .clock import parse_iso, to_iso

MAX_TRAFFIC_DAYS = 400
MAX_CLICKS_PER_DAY = 1000


@dataclass(frozen=True)
class Click:
    """One recorded click on an attribution-tagged Amazon URL."""

    id: str
    key: str
    ts: datetime
    advertiser_id: str
    publisher_id: str
    campaign_id: str
    ad_group_id: str
    creative_id: str
    asin: str
    measured: bool
    source: str

    def to_json(self) -> dict[str, Any]:
        """JSON-lines record."""
        data = asdict(self)
        data["ts"] = to_iso(self.ts)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Click:
        """Inverse of :meth:`to_json`."""
        fields = {k: data[k] for k in cls.__dataclass_fields__}
        fields["ts"] = parse_iso(fields["ts"])
        return cls(**fields)


def link_key(advertiser_id: str, publisher_id: str, link: dict[str, str]) -> str:
    """Stable identity of one tagged link."""
    parts = (link["campaignId"], link["adGroupId"], link["creativeId"], link["asin"])
    return "|".join((advertiser_id, publisher_id, *parts))


def make_click(
    key: str,
    ts: datetime,
    advertiser_id: str,
    publisher_id: str,
    link: dict[str, str],
    measured: bool,
    source: str,
) -> Click:
    """Build a click whose id is a hash of its idempotency ``key``."""
    return Click(
        id=hashlib.sha256(key.encode("utf-8")).hexdigest()[:20],
        key=key,
        ts=ts,
        advertiser_id=advertiser_id,
        publisher_id=publisher_id,
        campaign_id=link["campaignId"],
        ad_group_id=link["adGroupId"],
        creative_id=link["creativeId"],
        asin=link["asin"],
        measured=measured,
        source=source,
    )


class TrafficError(ValueError):
    """Invalid ``POST /sandbox/traffic`` body."""


@dataclass(frozen=True)
class TrafficRequest:
    """A validated traffic-simulation request."""

    advertiser_id: str
    publisher_id: str
    links: tuple[dict[str, str], ...]
    start: date
    end: date
    min_clicks: int
    max_clicks: int


def _date(value: Any, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise TrafficError(f"{name} must be YYYY-MM-DD") from exc


def parse_traffic(body: Any) -> TrafficRequest:
    """Validate a traffic body."""
    if not isinstance(body, dict):
        raise TrafficError("body must be a JSON object")
    advertiser_id = str(body.get("advertiserId") or "")
    publisher_id = str(body.get("publisherId") or "")
    if not advertiser_id.isdigit():
        raise TrafficError("advertiserId must be a digit string")
    if publisher_id not in PUBLISHERS:
        raise TrafficError(f"unknown publisherId {publisher_id!r}")
    links = body.get("links")
    if not isinstance(links, list) or not links:
        raise TrafficError("links must be a non-empty list")
    clean = []
    for link in links:
        if not isinstance(link, dict):
            raise TrafficError("each link must be an object")
        item = {k: str(link.get(k) or "") for k in ("campaignId", "adGroupId", "creativeId")}
        if not all(valid_tag_value(v) for v in item.values()):
            raise TrafficError("campaignId/adGroupId/creativeId must be valid tag values")
        item["asin"] = str(link.get("asin") or "").upper()
        if not ASIN_RE.match(item["asin"]):
            raise TrafficError(f"invalid asin {link.get('asin')!r}")
        clean.append(item)
    start, end = _date(body.get("start"), "start"), _date(body.get("end"), "end")
    if end < start or (end - start).days >= MAX_TRAFFIC_DAYS:
        raise TrafficError(f"need start <= end and at most {MAX_TRAFFIC_DAYS} days")
    per_day = body.get("clicksPerDay", [5, 15])
    if (
        not isinstance(per_day, list)
        or len(per_day) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in per_day)
        or not 0 <= per_day[0] <= per_day[1] <= MAX_CLICKS_PER_DAY
    ):
        raise TrafficError(
            f"clicksPerDay must be [min, max] with 0 <= min <= max <= {MAX_CLICKS_PER_DAY}"
        )
    return TrafficRequest(advertiser_id, publisher_id, tuple(clean), start, end, *per_day)


def generate_traffic(req: TrafficRequest, seed: int, tz: ZoneInfo, measured: bool) -> list[Click]:
    """Clicks for every (link, day, index); deterministic from seed, link and date."""
    out = []
    for link in req.links:
        lkey = link_key(req.advertiser_id, req.publisher_id, link)
        day = req.start
        while day <= req.end:
            rng = random.Random(f"{seed}|traffic|{lkey}|{day.isoformat()}")
            n = rng.randint(req.min_clicks, req.max_clicks)
            midnight = datetime.combine(day, time(0), tz).astimezone(UTC)
            next_midnight = datetime.combine(day + timedelta(days=1), time(0), tz)
            span = int((next_midnight.astimezone(UTC) - midnight).total_seconds())
            for i in range(n):
                ts = midnight + timedelta(seconds=rng.randrange(span))
                key = f"traffic|{lkey}|{day.isoformat()}|{i}"
                out.append(
                    make_click(
                        key, ts, req.advertiser_id, req.publisher_id, link, measured, "traffic"
                    )
                )
            day += timedelta(days=1)
    return out
