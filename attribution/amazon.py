"""The one place that talks to Amazon (Login with Amazon and the Ads API) and the only module
that imports `ad_api` (python-amazon-ad-api). Everything else calls the functions and the
`AmazonAds` class here and handles the errors defined here.

What this wrapper fixes about the library (see ../shared/amazon-attribution.md):
- a new client per call, with an explicit `marketplace=` and `timeout=`;
- our own access-token cache per connection in Redis (refreshed five minutes early, one
  refresh at a time per connection, refreshed once and retried on 401), passed as
  `access_token=`, instead of the library's process-wide cache of ten;
- base URL and token URL from settings (`AMAZON_ADS_API_URL`, `AMAZON_LWA_TOKEN_URL`), so the
  same code talks to Amazon, the sandbox or any stand-in;
- refuses to run when `AD_API_*` credential variables would override tenant credentials;
- keeps the library's import-time `logging.basicConfig` from taking over logging;
- turns throttling, 5xx, timeouts and connection errors into `AmazonRetryable` (with a wait),
  and 400/403/404 into terminal errors carrying Amazon's message;
- pages reports by `cursorId`, surviving a response without one.
Tokens are never logged.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlencode

import requests
from django.conf import settings

from attribution import crypto

# --- import ad_api without letting it configure logging --------------------------------------
_root = logging.getLogger()
_saved_handlers, _saved_level = list(_root.handlers), _root.level
import ad_api.api  # noqa: E402  (must come before ad_api.base: the library has a circular import)
from ad_api.api import Attribution, Profiles  # noqa: E402
from ad_api.base import Marketplaces  # noqa: E402
from ad_api.base import exceptions as ad_exceptions  # noqa: E402

_root.handlers[:] = _saved_handlers
_root.setLevel(_saved_level)
del ad_api

log = logging.getLogger(__name__)

T = TypeVar("T")

REGIONS = ("NA", "EU", "FE")
_MARKETPLACE = {"NA": Marketplaces.NA, "EU": Marketplaces.EU, "FE": Marketplaces.JP}
_LWA_AUTHORIZE = {
    "NA": "https://www.amazon.com/ap/oa",
    "EU": "https://eu.account.amazon.com/ap/oa",
    "FE": "https://apac.account.amazon.com/ap/oa",
}
_LWA_TOKEN = {
    "NA": "https://api.amazon.com/auth/o2/token",
    "EU": "https://api.amazon.co.uk/auth/o2/token",
    "FE": "https://api.amazon.co.jp/auth/o2/token",
}
SCOPE = "advertising::campaign_management"
OVERRIDING_ENV = ("AD_API_CLIENT_ID", "AD_API_CLIENT_SECRET", "AD_API_REFRESH_TOKEN")
REFRESH_EARLY_SECONDS = 300
NOT_AUTHORIZED_TEXT = "not authorized to use amazon attribution"


# --- errors ----------------------------------------------------------------------------------


class AmazonError(Exception):
    """Base of everything this module raises. `message` is fit to show to a user."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class AmazonConfigurationError(AmazonError):
    """Our side is misconfigured (missing client id, AD_API_* variables set)."""


class AmazonRetryable(AmazonError):
    """Throttled, 5xx, timed out or unreachable: try again after `wait_seconds(attempt)`."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after

    def wait_seconds(self, attempt: int, *, base: float = 2.0, cap: float = 300.0) -> float:
        """Amazon's Retry-After when it sent one, else exponential backoff with full jitter."""
        if self.retry_after is not None:
            return self.retry_after
        return random.uniform(0, min(cap, base * 2**attempt))


class AmazonAuthError(AmazonError):
    """The grant is no longer valid (invalid_grant, revoked, expired code): reconnect."""


class AmazonIneligible(AmazonError):
    """403 / "not authorized to use Amazon Attribution": stop, mark the store, no retry."""


class AmazonRequestError(AmazonError):
    """400/404/422: the request is wrong; retrying will not help."""


# --- configuration -----------------------------------------------------------------------------


def _refuse_overriding_env() -> None:
    found = [name for name in OVERRIDING_ENV if os.environ.get(name)]
    if found:
        raise AmazonConfigurationError(
            f"Refusing to call Amazon: {', '.join(found)} set in the environment. "
            "python-amazon-ad-api would use them instead of each tenant's credentials. Unset "
            "them; the app's client id and secret go in AMAZON_ADS_CLIENT_ID/_SECRET."
        )


def _client_credentials() -> tuple[str, str]:
    client_id, secret = settings.AMAZON_ADS_CLIENT_ID, settings.AMAZON_ADS_CLIENT_SECRET
    if not client_id or not secret:
        raise AmazonConfigurationError(
            "Amazon Ads is not configured: set AMAZON_ADS_CLIENT_ID and AMAZON_ADS_CLIENT_SECRET."
        )
    return client_id, secret


def _check_region(region: str) -> str:
    if region not in REGIONS:
        raise AmazonRequestError(f"Unknown region {region!r}; use one of {', '.join(REGIONS)}.")
    return region


def api_url(region: str) -> str:
    return settings.AMAZON_ADS_API_URL or _MARKETPLACE[_check_region(region)].endpoint


def token_url(region: str) -> str:
    return settings.AMAZON_LWA_TOKEN_URL or _LWA_TOKEN[_check_region(region)]


def authorize_url(*, region: str, state: str, redirect_uri: str) -> str:
    """The Login with Amazon consent page for this region."""
    base = settings.AMAZON_LWA_AUTHORIZE_URL or _LWA_AUTHORIZE[_check_region(region)]
    client_id, _ = _client_credentials()
    query = urlencode(
        {
            "client_id": client_id,
            "scope": SCOPE,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{base}?{query}"


# --- Login with Amazon -------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    expires_at: float
    refresh_token: str | None = None


def _lwa(region: str, data: dict[str, str]) -> TokenGrant:
    _refuse_overriding_env()
    client_id, secret = _client_credentials()
    try:
        response = requests.post(
            token_url(region),
            data={**data, "client_id": client_id, "client_secret": secret},
            timeout=settings.AMAZON_HTTP_TIMEOUT,
        )
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise AmazonRetryable(
            f"Login with Amazon did not answer ({exc.__class__.__name__})."
        ) from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code == 429 or response.status_code >= 500:
        raise AmazonRetryable(
            f"Login with Amazon answered {response.status_code}.",
            status=response.status_code,
            retry_after=_retry_after(response.headers),
        )
    if response.status_code != 200 or "access_token" not in body:
        error = body.get("error", f"http_{response.status_code}")
        description = body.get("error_description", "")
        message = (
            f"Amazon refused the sign-in ({error}){': ' + description if description else ''}."
        )
        if error in ("invalid_grant", "unauthorized_client"):
            raise AmazonAuthError(message, status=response.status_code)
        if error == "invalid_client":
            raise AmazonConfigurationError(message, status=response.status_code)
        raise AmazonRequestError(message, status=response.status_code)
    return TokenGrant(
        access_token=body["access_token"],
        expires_at=time.time() + int(body.get("expires_in", 3600)),
        refresh_token=body.get("refresh_token"),
    )


def exchange_code(*, region: str, code: str, redirect_uri: str) -> TokenGrant:
    """Authorization-code grant (with redirect_uri, which the library's helper omits)."""
    return _lwa(
        region, {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    )


def refresh_access_token(*, region: str, refresh_token: str) -> TokenGrant:
    return _lwa(region, {"grant_type": "refresh_token", "refresh_token": refresh_token})


# --- access-token cache ------------------------------------------------------------------------


def _redis() -> Any:
    import redis

    global _redis_client
    if _redis_client is None:
        _redis_client = redis.Redis.from_url(settings.REDIS_URL)
    return _redis_client


_redis_client: Any = None


class TokenCache:
    """Access tokens per connection in Redis, encrypted; one refresh at a time per connection."""

    def __init__(self, connection_key: str, region: str, refresh_token: str) -> None:
        self.key = f"amazon:lwa:{connection_key}"
        self.region = region
        self.refresh_token = refresh_token

    def get(self) -> str:
        token = self._cached()
        if token:
            return token
        with _redis().lock(self.key + ":lock", timeout=60, blocking_timeout=60):
            token = self._cached()  # another process may have refreshed while we waited
            return token or self._refresh()

    def invalidate(self, token: str) -> None:
        if self._cached(fresh_only=False) == token:
            _redis().delete(self.key)

    def _cached(self, fresh_only: bool = True) -> str | None:
        raw = _redis().get(self.key)
        if not raw:
            return None
        data = json.loads(crypto.decrypt(raw.decode()))
        if fresh_only and data["expires_at"] - REFRESH_EARLY_SECONDS <= time.time():
            return None
        return str(data["access_token"])

    def _refresh(self) -> str:
        grant = refresh_access_token(region=self.region, refresh_token=self.refresh_token)
        ttl = max(1, int(grant.expires_at - time.time()))
        payload = json.dumps({"access_token": grant.access_token, "expires_at": grant.expires_at})
        _redis().set(self.key, crypto.encrypt(payload), ex=ttl)
        log.info("refreshed Amazon access token for %s", self.key)
        return grant.access_token


# --- Ads API -----------------------------------------------------------------------------------


def _retry_after(headers: Any) -> float | None:
    value = (headers or {}).get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


def _amazon_message(exc: ad_exceptions.AdvertisingApiException) -> str:
    body = exc.error if isinstance(exc.error, dict) else {}
    return str(body.get("details") or body.get("message") or body.get("code") or exc.error or "")


def _translate(exc: Exception) -> AmazonError:
    if isinstance(exc, requests.Timeout):
        return AmazonRetryable("Amazon did not answer in time.")
    if isinstance(exc, requests.ConnectionError):
        return AmazonRetryable("Amazon could not be reached.")
    if isinstance(exc, KeyError | ValueError):
        return AmazonRetryable(f"Amazon sent an unreadable answer ({exc.__class__.__name__}).")
    assert isinstance(exc, ad_exceptions.AdvertisingApiException)
    status = int(exc.code) if str(exc.code).isdigit() else None
    message = _amazon_message(exc)
    if NOT_AUTHORIZED_TEXT in message.lower() or status == 403:
        return AmazonIneligible(message or "Amazon refused access to this profile.", status=status)
    if status == 429:
        return AmazonRetryable(
            f"Amazon is throttling requests. {message}".strip(),
            status=429,
            retry_after=_retry_after(exc.headers),
        )
    if status is not None and status >= 500:
        return AmazonRetryable(
            f"Amazon had an error ({status}). {message}".strip(),
            status=status,
            retry_after=_retry_after(exc.headers),
        )
    if status == 401:
        return AmazonAuthError(
            f"Amazon did not accept the access token. {message}".strip(), status=401
        )
    return AmazonRequestError(
        f"Amazon rejected the request ({status}). {message}".strip(), status=status
    )


class AmazonAds:
    """Calls for one Amazon connection (one Login-with-Amazon grant in one region)."""

    def __init__(self, *, connection_key: str, region: str, refresh_token: str) -> None:
        _refuse_overriding_env()
        self.region = _check_region(region)
        self.tokens = TokenCache(connection_key, region, refresh_token)

    def _call(
        self, client_class: type, profile_id: str | int | None, call: Callable[[Any], T]
    ) -> T:
        """Run `call(client)` with a fresh client; on 401 refresh the token once and retry."""
        client_id, secret = _client_credentials()
        for attempt in (1, 2):
            token = self.tokens.get()
            credentials = {
                "refresh_token": "not-used",
                "client_id": client_id,
                "client_secret": secret,
            }
            if profile_id is not None:
                credentials["profile_id"] = str(profile_id)
            client = client_class(
                credentials=credentials,
                marketplace=_MARKETPLACE[self.region],
                access_token=token,
                timeout=settings.AMAZON_HTTP_TIMEOUT,
                verify_additional_credentials=profile_id is not None,
            )
            client.endpoint = api_url(self.region).rstrip("/")
            try:
                return call(client)
            except ad_exceptions.AdvertisingApiUnauthorizedException as exc:
                self.tokens.invalidate(token)
                if attempt == 2:
                    raise _translate(exc) from exc
            except (
                ad_exceptions.AdvertisingApiException,
                requests.RequestException,
                KeyError,
                ValueError,
            ) as exc:
                raise _translate(exc) from exc
        raise AssertionError("unreachable")

    def profiles(self) -> list[dict[str, Any]]:
        return list(self._call(Profiles, None, lambda c: c.list_profiles().payload))

    def advertisers(self, profile_id: str | int) -> list[dict[str, Any]]:
        payload = self._call(Attribution, profile_id, lambda c: c.get_advertisers().payload)
        return list(payload.get("advertisers", []))

    def publishers(self, profile_id: str | int) -> list[dict[str, Any]]:
        payload = self._call(Attribution, profile_id, lambda c: c.get_publishers().payload)
        return list(payload.get("publisher", payload.get("publishers", [])))

    def non_macro_template_tags(
        self, profile_id: str | int, *, publisher_ids: list[str], advertiser_ids: list[str]
    ) -> dict[str, dict[str, str]]:
        """{advertiserId: {publisherId: tag}}. Fetching is mandatory before Amazon measures."""
        payload = self._call(
            Attribution,
            profile_id,
            lambda c: (
                c.get_non_macro_template_tag(
                    publisherIds=publisher_ids, advertiserIds=advertiser_ids
                ).payload
            ),
        )
        # The spec's schema wraps the map; its examples do not. Accept both.
        return dict(payload.get("advertiserAttributionTagMap", payload))

    def report_page(
        self, profile_id: str | int, body: dict[str, Any], cursor: str | None = ""
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of POST /attribution/report: (rows, next cursor or None on the last page).
        A response without `cursorId` is a last page."""
        page_body: dict[str, Any] = {**body, "cursorId": cursor or ""}
        payload = self._call(Attribution, profile_id, partial(_post_report, body=page_body))
        return list(payload.get("reports", [])), (payload.get("cursorId") or None)

    def report_pages(self, profile_id: str | int, body: dict[str, Any]) -> Iterator[list[dict]]:
        """Every page, following `cursorId` until it is empty. Retryable errors surface to the
        caller, which owns the retry budget (see attribution.sync.pull for resuming)."""
        cursor: str | None = ""
        while True:
            rows, cursor = self.report_page(profile_id, body, cursor)
            yield rows
            if not cursor:
                return


def _post_report(client: Any, body: dict[str, Any]) -> dict[str, Any]:
    """POST /attribution/report without the library's `payload.pop("cursorId")`, which raises
    KeyError when Amazon leaves the key out (the last page sometimes does)."""
    response = client._request(
        "/attribution/report", data=json.dumps(body), params={"method": "POST"}
    )
    payload = response.payload
    if not isinstance(payload, dict):
        raise ValueError("report response is not an object")
    return payload
