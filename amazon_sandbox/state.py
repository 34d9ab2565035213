"""In-memory sandbox state (accounts, tokens, tag fetches, clicks) with JSON-lines persistence."""

from __future__ import annotations

import json
import secrets
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from .catalog import ACCESS_PREFIX, REFRESH_PREFIX, Profile, derive_profiles
from .clicks import Click
from .clock import SandboxClock, to_iso
from .faults import Faults
from .simulator import Journey, simulate

ACCESS_TOKEN_TTL = timedelta(hours=1)
AUTH_CODE_TTL = timedelta(minutes=5)


@dataclass
class AccessToken:
    """An issued ``Atza|`` token, bound to a refresh token (account) and client."""

    token: str
    refresh_token: str
    client_id: str
    expires_at: datetime


@dataclass
class AuthCode:
    """A single-use authorization code from the consent page."""

    code: str
    client_id: str
    redirect_uri: str
    refresh_token: str
    scope: str
    expires_at: datetime
    used: bool = False


class SandboxState:
    """Everything the sandbox remembers. Mutate only while holding :attr:`lock`."""

    def __init__(
        self,
        seed: int,
        client_id: str,
        client_secret: str,
        state_path: str | Path | None = None,
    ) -> None:
        self.seed = seed
        self.client_id = client_id
        self.client_secret = client_secret
        self.state_path = Path(state_path) if state_path else None
        self.lock = threading.RLock()
        self.clock = SandboxClock()
        self.faults = Faults()
        self.shoppers: Any = None  # the server's LiveShoppers (shoppers.py)
        self._init_memory()
        if self.state_path and self.state_path.exists():
            self._load()

    def _init_memory(self) -> None:
        self.clicks: list[Click] = []
        self.click_keys: dict[str, Click] = {}
        self.link_counters: Counter[str] = Counter()
        self.access_tokens: dict[str, AccessToken] = {}
        self.auth_codes: dict[str, AuthCode] = {}
        self.accounts: dict[str, list[Profile]] = {}
        self.advertisers: dict[str, Profile] = {}
        self.tag_fetches: set[tuple[int, str, str]] = set()
        self.tagged_advertisers: set[str] = set()
        self.grants: Counter[str] = Counter()
        self.grant_errors: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        self._journeys: dict[str, Journey] = {}
        # products registered with POST /sandbox/catalog (asin -> title, brand, category)
        self.extra_products: dict[str, tuple[str, str, str]] = {}
        self.product_availability: dict[str, str] = {}

    # -- persistence -----------------------------------------------------------------
    def _append(self, record: dict[str, Any]) -> None:
        if self.state_path is None:
            return
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        with self.state_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, separators=(",", ":"), sort_keys=True) + "\n")

    def _load(self) -> None:
        assert self.state_path is not None
        for line in self.state_path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                print(f"sandbox: skipping malformed line in {self.state_path}", file=sys.stderr)
                continue
            kind = record.get("type")
            if kind == "account":
                self.account(record["refresh_token"], persist=False)
            elif kind == "tag_fetch":
                self._remember_tag_fetch(
                    int(record["profileId"]), record["advertiserId"], record["publisherId"]
                )
            elif kind == "click":
                self.add_click(Click.from_json(record["click"]), persist=False)

    def _rewrite(self) -> None:
        if self.state_path is None:
            return
        records: list[dict[str, Any]] = [
            {"type": "account", "refresh_token": t} for t in self.accounts
        ]
        records += [
            {"type": "tag_fetch", "profileId": p, "advertiserId": a, "publisherId": pub}
            for p, a, pub in sorted(self.tag_fetches)
        ]
        records += [{"type": "click", "click": c.to_json()} for c in self.clicks]
        lines = "".join(
            json.dumps(r, separators=(",", ":"), sort_keys=True) + "\n" for r in records
        )
        self.state_path.write_text(lines, encoding="utf-8")

    # -- accounts and tokens ---------------------------------------------------------
    def account(self, refresh_token: str, persist: bool = True) -> list[Profile]:
        """Profiles of the account behind a refresh token (registered on first sight)."""
        profiles = self.accounts.get(refresh_token)
        if profiles is None:
            profiles = derive_profiles(self.seed, refresh_token)
            self.accounts[refresh_token] = profiles
            for prof in profiles:
                self.advertisers[prof.advertiser_id] = prof
            if persist:
                self._append({"type": "account", "refresh_token": refresh_token})
        return profiles

    def refresh_token_valid(self, refresh_token: str) -> bool:
        """Any ``Atzr|...`` token is valid unless revoked."""
        return (
            refresh_token.startswith(REFRESH_PREFIX)
            and len(refresh_token) > len(REFRESH_PREFIX)
            and not self.faults.is_revoked(refresh_token)
        )

    def issue_access_token(self, refresh_token: str, client_id: str) -> AccessToken:
        """Mint an opaque access token valid for one hour of sandbox time."""
        token = AccessToken(
            ACCESS_PREFIX + secrets.token_urlsafe(48),
            refresh_token,
            client_id,
            self.clock.now() + ACCESS_TOKEN_TTL,
        )
        self.access_tokens[token.token] = token
        return token

    def valid_access_token(self, token: str) -> AccessToken | None:
        """The token record if it exists and has not expired."""
        record = self.access_tokens.get(token)
        if record is None or record.expires_at <= self.clock.now():
            return None
        return record

    def expire_access_tokens(self) -> int:
        """Expire every issued access token; returns how many were live."""
        now = self.clock.now()
        live = 0
        for record in self.access_tokens.values():
            if record.expires_at > now:
                live += 1
                record.expires_at = now
        return live

    def create_auth_code(
        self, client_id: str, redirect_uri: str, refresh_token: str, scope: str
    ) -> AuthCode:
        """Issue a single-use code valid for five minutes of sandbox time."""
        code = AuthCode(
            "AN" + secrets.token_urlsafe(24),
            client_id,
            redirect_uri,
            refresh_token,
            scope,
            self.clock.now() + AUTH_CODE_TTL,
        )
        self.auth_codes[code.code] = code
        return code

    def redeem_auth_code(self, code: str, client_id: str, redirect_uri: str) -> str:
        """Return the code's refresh token or raise ``ValueError`` with the reason."""
        record = self.auth_codes.get(code)
        if record is None or record.client_id != client_id:
            raise ValueError("The authorization code is invalid")
        if record.used:
            raise ValueError("The authorization code has already been used")
        if record.expires_at <= self.clock.now():
            raise ValueError("The authorization code has expired")
        if record.redirect_uri != redirect_uri:
            raise ValueError("redirect_uri does not match the one used at consent")
        record.used = True
        self.account(record.refresh_token)
        return record.refresh_token

    # -- tags and clicks -------------------------------------------------------------
    def _remember_tag_fetch(self, profile_id: int, advertiser_id: str, publisher_id: str) -> bool:
        key = (profile_id, advertiser_id, publisher_id)
        if key in self.tag_fetches:
            return False
        self.tag_fetches.add(key)
        self.tagged_advertisers.add(advertiser_id)
        return True

    def record_tag_fetch(self, profile: Profile, publisher_ids: list[str]) -> None:
        """Remember that tags were fetched: this enables measurement for the advertiser."""
        for pub in publisher_ids:
            if self._remember_tag_fetch(profile.profile_id, profile.advertiser_id, pub):
                self._append(
                    {
                        "type": "tag_fetch",
                        "profileId": profile.profile_id,
                        "advertiserId": profile.advertiser_id,
                        "publisherId": pub,
                    }
                )

    def next_link_index(self, link: str) -> int:
        """Sequence number for the next live click on ``link``."""
        index = self.link_counters[link]
        self.link_counters[link] += 1
        return index

    def add_click(self, click: Click, persist: bool = True) -> bool:
        """Store a click unless one with the same key exists."""
        if click.key in self.click_keys:
            return False
        self.clicks.append(click)
        self.click_keys[click.key] = click
        if click.source == "dp":
            link = click.key.rsplit("|", 1)[0]
            self.link_counters[link] = max(
                self.link_counters[link], int(click.key.rsplit("|", 1)[1]) + 1
            )
        if persist:
            self._append({"type": "click", "click": click.to_json()})
        return True

    def journey(self, click: Click) -> Journey:
        """The (cached) simulated shopper journey of a click."""
        cached = self._journeys.get(click.id)
        if cached is None or cached.click != click:
            profile = self.advertisers.get(click.advertiser_id)
            currency = profile.marketplace.currency if profile else "USD"
            cached = self._journeys[click.id] = simulate(click, self.seed, currency)
        return cached

    # -- control ---------------------------------------------------------------------
    def reset(self, clicks: bool = False, counters: bool = False, everything: bool = False) -> None:
        """Clear faults; optionally clicks, counters, or everything (incl. the state file)."""
        self.faults.clear()
        if everything:
            if self.shoppers is not None:
                self.shoppers.clear()
            self._init_memory()
            self.clock.reset()
            self._rewrite()
            return
        if clicks:
            self.clicks, self.click_keys = [], {}
            self.link_counters.clear()
            self._journeys.clear()
            self._rewrite()
        if counters:
            self.grants.clear()
            self.grant_errors.clear()
            self.requests.clear()

    def snapshot(self) -> dict[str, Any]:
        """Counters for ``GET /sandbox/state``."""
        now = self.clock.now()
        return {
            "now": to_iso(now),
            "clock": self.clock.describe(),
            "seed": self.seed,
            "grants": dict(sorted(self.grants.items())),
            "grant_errors": dict(sorted(self.grant_errors.items())),
            "requests": dict(sorted(self.requests.items())),
            "clicks": len(self.clicks),
            "measured_clicks": sum(1 for c in self.clicks if c.measured),
            "accounts": len(self.accounts),
            "live_access_tokens": sum(1 for t in self.access_tokens.values() if t.expires_at > now),
            "tag_fetches": [
                {"profileId": p, "advertiserId": a, "publisherId": pub}
                for p, a, pub in sorted(self.tag_fetches)
            ],
            "faults": self.faults.snapshot(),
        }
