"""Shoppers who reach Amazon the way real ones do: through the brand's short link.

A shopper taps a creator's link (`<site>/l/<code>`): the brand's app counts a click and
redirects to the Amazon product page, where Amazon counts its own. Between the two, people are
lost, so Amazon's clicks are always fewer than the link's:

- link-preview bots and crawlers (chat apps, social networks) fetch the link: the app does not
  count them as clicks and they never open Amazon's page;
- people leave before Amazon's page has loaded (back button, slow network);
- people decline cookies on Amazon's consent banner: Amazon does not attribute the visit;
- the rest open the product page and Amazon counts the click (and simulates what they buy).

Two ways to use it, both only for the links the caller names (the demo names its own
campaigns' links, never a campaign a user made):

- `POST /sandbox/shoppers/history`: past days. The visits of each link and day are drawn from
  the seed (deterministic, idempotent); Amazon's clicks are recorded for the visits that reach
  Amazon, and every visit is returned (time, outcome, device, sub-id, referrer, visitor) so the
  caller can write its own click rows for the same visits.
- `POST /sandbox/shoppers`: from now on, in a background thread, shoppers visit
  `<site>/l/<code>` over HTTP with a browser's (or a bot's) user agent and a visitor address in
  `X-Forwarded-For`, follow the redirect to the sandbox's product page like a browser, or not.
"""

from __future__ import annotations

import http.client
import random
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .catalog import ASIN_RE, PUBLISHERS, valid_tag_value
from .clicks import MAX_TRAFFIC_DAYS, make_click

P_BOT = 0.12
P_LEFT = 0.10
P_NO_CONSENT = 0.05
CONSENT_COOKIE = "sandbox-consent=declined"
MAX_VISITS_PER_DAY = 500
USER_AGENTS = {
    "mobile": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
    ),
    "browser": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/129.0.0.0 Safari/537.36"
    ),
    "bot": "facebookexternalhit/1.1",
}
REFERRERS = ("l.instagram.com", "www.tiktok.com", "www.youtube.com", "")
SUB_IDS = ("", "", "", "story", "bio", "reel")


class ShopperError(ValueError):
    """An invalid shoppers request body."""


@dataclass(frozen=True)
class Visit:
    """One shopper's tap on a link, and how far they got."""

    code: str
    ts: datetime
    outcome: str  # "bot", "left", "no_consent" or "amazon"
    device: str  # "mobile", "browser" or "bot"
    sub: str
    referrer: str
    visitor: str  # an IPv4 address from the documentation range

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "ts": self.ts.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "outcome": self.outcome,
            "device": self.device,
            "sub": self.sub,
            "referrer": self.referrer,
            "visitor": self.visitor,
        }


def outcome(rng: random.Random) -> str:
    roll = rng.random()
    if roll < P_BOT:
        return "bot"
    if roll < P_BOT + P_LEFT:
        return "left"
    if roll < P_BOT + P_LEFT + P_NO_CONSENT:
        return "no_consent"
    return "amazon"


def draw_visit(rng: random.Random, code: str, ts: datetime, people: int) -> Visit:
    result = outcome(rng)
    device = "bot" if result == "bot" else rng.choice(("mobile", "mobile", "browser"))
    visitor = f"198.51.{rng.randrange(100)}.{rng.randrange(1, 255)}"
    if people:
        visitor = f"203.0.{rng.randrange(people) % 256}.{rng.randrange(1, 255)}"
    return Visit(
        code,
        ts,
        result,
        device,
        "" if result == "bot" else rng.choice(SUB_IDS),
        "" if result == "bot" else rng.choice(REFERRERS),
        visitor,
    )


# --- the past --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRequest:
    advertiser_id: str
    publisher_id: str
    links: tuple[dict[str, str], ...]
    start: date
    end: date
    min_visits: int
    max_visits: int


def parse_history(body: Any) -> HistoryRequest:
    if not isinstance(body, dict):
        raise ShopperError("body must be a JSON object")
    advertiser_id = str(body.get("advertiserId") or "")
    publisher_id = str(body.get("publisherId") or "")
    if not advertiser_id.isdigit() or publisher_id not in PUBLISHERS:
        raise ShopperError("advertiserId must be digits and publisherId a known publisher")
    links = body.get("links")
    if not isinstance(links, list) or not links:
        raise ShopperError("links must be a non-empty list")
    clean = []
    for link in links:
        if not isinstance(link, dict):
            raise ShopperError("each link must be an object")
        item = {
            k: str(link.get(k) or "") for k in ("code", "campaignId", "adGroupId", "creativeId")
        }
        if not item["code"] or not all(
            valid_tag_value(item[k]) for k in ("campaignId", "adGroupId", "creativeId")
        ):
            raise ShopperError("each link needs a code and valid Amazon ids")
        item["asin"] = str(link.get("asin") or "").upper()
        if not ASIN_RE.match(item["asin"]):
            raise ShopperError(f"invalid asin {link.get('asin')!r}")
        clean.append(item)
    try:
        start = date.fromisoformat(str(body.get("start")))
        end = date.fromisoformat(str(body.get("end")))
    except ValueError as exc:
        raise ShopperError("start and end must be YYYY-MM-DD") from exc
    if end < start or (end - start).days >= MAX_TRAFFIC_DAYS:
        raise ShopperError(f"need start <= end and at most {MAX_TRAFFIC_DAYS} days")
    per_day = body.get("visitsPerDay", [2, 12])
    if (
        not isinstance(per_day, list)
        or len(per_day) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in per_day)
        or not 0 <= per_day[0] <= per_day[1] <= MAX_VISITS_PER_DAY
    ):
        raise ShopperError(f"visitsPerDay must be [min, max] within 0..{MAX_VISITS_PER_DAY}")
    return HistoryRequest(advertiser_id, publisher_id, tuple(clean), start, end, *per_day)


def history_visits(req: HistoryRequest, seed: int, tz: ZoneInfo) -> list[tuple[dict, Visit]]:
    """Every (link, visit) of the request's days: a pure function of seed, link and day."""
    out = []
    for link in req.links:
        day = req.start
        while day <= req.end:
            rng = random.Random(f"{seed}|shoppers|{link['creativeId']}|{link['code']}|{day}")
            midnight = datetime.combine(day, time(0), tz).astimezone(UTC)
            span = int(
                (datetime.combine(day + timedelta(days=1), time(0), tz) - midnight).total_seconds()
            )
            visits = rng.randint(req.min_visits, req.max_visits)
            for _ in range(visits):
                ts = midnight + timedelta(seconds=rng.randrange(span))
                out.append((link, draw_visit(rng, link["code"], ts, people=0)))
            day += timedelta(days=1)
    return out


def amazon_click_key(visit: Visit) -> str:
    return f"shopper|{visit.code}|{visit.ts.timestamp():.0f}|{visit.visitor}"


def history(state: Any, body: Any) -> dict[str, Any]:
    """`POST /sandbox/shoppers/history` (call with the state's lock held)."""
    req = parse_history(body)
    profile = state.advertisers.get(req.advertiser_id)
    tz = ZoneInfo(profile.timezone if profile else "UTC")
    measured = req.advertiser_id in state.tagged_advertisers
    visits, added, clicks = [], 0, 0
    for link, visit in history_visits(req, state.seed, tz):
        visits.append(visit.to_json())
        if visit.outcome != "amazon":
            continue
        clicks += 1
        page_loaded = visit.ts + timedelta(seconds=3)
        amazon_link = {k: link[k] for k in ("campaignId", "adGroupId", "creativeId", "asin")}
        click = make_click(
            amazon_click_key(visit),
            page_loaded,
            req.advertiser_id,
            req.publisher_id,
            amazon_link,
            measured,
            "shopper",
        )
        added += state.add_click(click)
    return {
        "visits": visits,
        "amazonClicks": clicks,
        "added": added,
        "measured": measured,
        "timezone": str(tz),
    }


# --- from now on -----------------------------------------------------------------------------


class LiveShoppers:
    """Shoppers visiting the named short links over HTTP, in a daemon thread."""

    def __init__(self, own_url: str, seed: int) -> None:
        self.own = urlsplit(own_url)
        self.lock = threading.Lock()
        self.site = ""
        self.codes: list[str] = []
        self.per_hour = 0.0
        self.visits: dict[str, int] = {"bot": 0, "left": 0, "no_consent": 0, "amazon": 0}
        self.errors = 0
        self.rng = random.Random(f"{seed}|live-shoppers")
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def configure(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise ShopperError("body must be a JSON object")
        links = body.get("links") or []
        site = str(body.get("site") or "").rstrip("/")
        per_hour = body.get("visitsPerHour", 60)
        if not isinstance(links, list) or not all(
            isinstance(x, dict) and str(x.get("code") or "").isalnum() for x in links
        ):
            raise ShopperError("links must be a list of {code}")
        if links and urlsplit(site).scheme not in ("http", "https"):
            raise ShopperError("site must be the app's http(s) address")
        if not isinstance(per_hour, int | float) or not 0 < per_hour <= 36_000:
            raise ShopperError("visitsPerHour must be a number in (0, 36000]")
        with self.lock:
            self.site, self.per_hour = site, float(per_hour)
            self.codes = [str(x["code"]) for x in links]
        if self.codes and self.thread is None:
            self.thread = threading.Thread(target=self._run, name="sandbox-shoppers", daemon=True)
            self.thread.start()
        return self.describe()

    def describe(self) -> dict[str, Any]:
        with self.lock:
            return {
                "site": self.site,
                "links": len(self.codes),
                "visitsPerHour": self.per_hour,
                "visits": dict(self.visits),
                "errors": self.errors,
            }

    def clear(self) -> None:
        with self.lock:
            self.codes = []

    def shutdown(self) -> None:
        self.stop.set()

    def _run(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                codes, site, per_hour = list(self.codes), self.site, self.per_hour
            wait = self.rng.expovariate(per_hour / 3600) if codes else 1.0
            if self.stop.wait(min(wait, 600.0)) or not codes:
                continue
            code = self.rng.choice(codes)
            visit = draw_visit(self.rng, code, datetime.now(UTC), people=2000)
            try:
                self.visit(site, visit)
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.errors += 1  # the app is not up yet, or restarting: next visit
                continue
            with self.lock:
                self.visits[visit.outcome] += 1

    def visit(self, site: str, visit: Visit) -> None:
        """What a browser (or a preview bot) does with the link."""
        headers = {
            "User-Agent": USER_AGENTS[visit.device],
            "X-Forwarded-For": visit.visitor,
            "Accept": "text/html",
        }
        if visit.referrer:
            headers["Referer"] = f"https://{visit.referrer}/"
        path = f"/l/{visit.code}" + (f"?sub={visit.sub}" if visit.sub else "")
        status, location = _get(site, path, headers)
        if visit.outcome in ("bot", "left") or status not in (301, 302, 303, 307):
            return
        target = urlsplit(location)
        if (target.hostname, target.port) != (self.own.hostname, self.own.port):
            return  # only ever follow into the sandbox itself
        if visit.outcome == "no_consent":
            headers["Cookie"] = CONSENT_COOKIE
        _get(f"{target.scheme}://{target.netloc}", f"{target.path}?{target.query}", headers)


def _get(site: str, path: str, headers: dict[str, str]) -> tuple[int, str]:
    parts = urlsplit(site)
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    finally:
        conn.close()
