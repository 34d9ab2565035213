"""Regions, marketplaces and the URLs of Amazon's hosts (from settings, so the sandbox or any
stand-in can take their place), and the credentials of this installation."""

from __future__ import annotations

import os
from urllib.parse import urlencode

from django.conf import settings

from attribution.amazon._lib import Marketplaces
from attribution.amazon.errors import AmazonConfigurationError, AmazonRequestError

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
# The time zone Amazon Ads gives each marketplace's profiles (`timezone` in /v2/profiles; its
# reports' days are in it). Used when a profile comes without one. Source: the advertising
# time zones of ScaleLeap/amazon-marketplaces (src/marketplaces/*.ts, "copied the
# advertisement values which was used for all date-based campaign management and reporting").
MARKETPLACE_TIME_ZONES = {
    "US": "America/Los_Angeles",
    "CA": "America/Los_Angeles",
    "MX": "America/Los_Angeles",
    "BR": "America/Sao_Paulo",
    "UK": "Europe/London",
    "GB": "Europe/London",
    "DE": "Europe/Paris",
    "FR": "Europe/Paris",
    "IT": "Europe/Paris",
    "ES": "Europe/Paris",
    "NL": "Europe/Amsterdam",
    "SE": "Europe/Stockholm",
    "PL": "Europe/Warsaw",
    "BE": "Europe/Brussels",
    "TR": "Europe/Istanbul",
    "AE": "Asia/Dubai",
    "SA": "Asia/Riyadh",
    "EG": "Africa/Cairo",
    "IN": "Asia/Kolkata",
    "JP": "Asia/Tokyo",
    "AU": "Australia/Sydney",
    "SG": "Asia/Singapore",
}
OVERRIDING_ENV = ("AD_API_CLIENT_ID", "AD_API_CLIENT_SECRET", "AD_API_REFRESH_TOKEN")


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
