"""Login with Amazon: the authorization-code exchange and access-token refresh."""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests
from django.conf import settings

from attribution.amazon.errors import (
    AmazonAuthError,
    AmazonConfigurationError,
    AmazonRequestError,
    AmazonRetryable,
    _retry_after,
)
from attribution.amazon.marketplaces import _client_credentials, _refuse_overriding_env, token_url

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
