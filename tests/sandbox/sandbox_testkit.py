"""Helpers shared by the sandbox tests: log in, fetch tags, click, pull reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

CLIENT_ID = "amzn1.application-oa2-client.sandbox"
CLIENT_SECRET = "sandbox-secret"
REDIRECT = "http://app.test/amazon/callback"
CONSENT = {
    "client_id": CLIENT_ID,
    "scope": "advertising::campaign_management",
    "response_type": "code",
    "redirect_uri": REDIRECT,
    "state": "csrf-123",
}
PIN = "2026-11-10T18:00:00Z"  # 10:00 in Los Angeles


def pin(url: str, when: str = PIN) -> None:
    """Freeze the sandbox clock."""
    requests.post(f"{url}/sandbox/clock", json={"now": when}, timeout=5).raise_for_status()


def advance(url: str, hours: float) -> None:
    """Move the sandbox clock."""
    requests.post(f"{url}/sandbox/clock", json={"advance_hours": hours}, timeout=5)


def token_request(url: str, **form: str) -> requests.Response:
    """POST form data to the LWA token endpoint."""
    data = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, **form}
    return requests.post(f"{url}/auth/o2/token", data=data, timeout=5)


def faults(url: str, **body: object) -> dict[str, Any]:
    """POST /sandbox/faults."""
    resp = requests.post(f"{url}/sandbox/faults", json=body, timeout=5)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def consent_code(url: str, account: str = "") -> str:
    """Click "Allow" on the consent page; return the code."""
    form = {**CONSENT, "decision": "allow", "account": account}
    resp = requests.post(f"{url}/ap/oa/decision", data=form, allow_redirects=False, timeout=5)
    assert resp.status_code == 302, resp.text
    return parse_qs(urlsplit(resp.headers["Location"]).query)["code"][0]


def refresh(url: str, refresh_token: str) -> str:
    """Access token for a refresh token."""
    resp = token_request(url, grant_type="refresh_token", refresh_token=refresh_token)
    assert resp.status_code == 200, resp.text
    return str(resp.json()["access_token"])


@dataclass
class Ctx:
    """An authenticated advertiser context (US profile by default)."""

    url: str
    access_token: str
    profile_id: int
    advertiser_id: str
    tag: str
    refresh_token: str

    def renew(self) -> None:
        """Get a fresh access token (after moving the clock)."""
        self.access_token = refresh(self.url, self.refresh_token)

    def at(self, when: str) -> None:
        """Pin the clock and renew the access token."""
        pin(self.url, when)
        self.renew()

    def advance(self, hours: float) -> None:
        """Advance the clock and renew the access token."""
        advance(self.url, hours)
        self.renew()

    def headers(self, scope: bool = True) -> dict[str, str]:
        """Ads API headers."""
        out = {
            "Authorization": f"Bearer {self.access_token}",
            "Amazon-Advertising-API-ClientId": CLIENT_ID,
        }
        if scope:
            out["Amazon-Advertising-API-Scope"] = str(self.profile_id)
        return out

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET an Ads API path."""
        return requests.get(f"{self.url}{path}", headers=self.headers(), timeout=5, **kwargs)

    def report(self, **body: Any) -> requests.Response:
        """POST /attribution/report."""
        body.setdefault("startDate", "20261001")
        body.setdefault("endDate", "20261130")
        return requests.post(
            f"{self.url}/attribution/report", json=body, headers=self.headers(), timeout=10
        )

    def rows(self, **body: Any) -> list[dict[str, str]]:
        """Every row of a report (single page)."""
        resp = self.report(count=5000, **body)
        assert resp.status_code == 200, resp.text
        assert resp.json()["cursorId"] == ""
        return list(resp.json()["reports"])

    def click(
        self,
        asin: str,
        campaign: str,
        ad_group: str,
        creative: str,
        n: int = 1,
        tag: str | None = None,
    ) -> None:
        """Follow a tagged product link ``n`` times."""
        query = (
            f"{tag or self.tag}&aa_campaignid={campaign}&aa_adgroupid={ad_group}"
            f"&aa_creativeid={creative}"
        )
        for _ in range(n):
            resp = requests.get(f"{self.url}/dp/{asin}?{query}", timeout=5)
            assert resp.status_code == 200

    def traffic(
        self,
        links: list[dict[str, str]],
        start: str,
        end: str,
        per_day: tuple[int, int],
        publisher: str = "101",
    ) -> dict[str, Any]:
        """Inject historical traffic."""
        body = {
            "advertiserId": self.advertiser_id,
            "publisherId": publisher,
            "links": links,
            "start": start,
            "end": end,
            "clicksPerDay": list(per_day),
        }
        resp = requests.post(f"{self.url}/sandbox/traffic", json=body, timeout=10)
        assert resp.status_code == 200, resp.text
        return dict(resp.json())


def login(
    url: str,
    refresh_token: str = "Atzr|test-operator",
    country: str = "US",
    fetch_tags: bool = True,
) -> Ctx:
    """Refresh, pick the profile for ``country`` (non-legacy) and fetch the Instagram tag."""
    access = refresh(url, refresh_token)
    headers = {"Authorization": f"Bearer {access}", "Amazon-Advertising-API-ClientId": CLIENT_ID}
    profiles = requests.get(f"{url}/v2/profiles", headers=headers, timeout=5).json()
    profile = next(
        p for p in profiles if p["countryCode"] == country and "subType" not in p["accountInfo"]
    )
    headers["Amazon-Advertising-API-Scope"] = str(profile["profileId"])
    adv = requests.get(f"{url}/attribution/advertisers", headers=headers, timeout=5).json()
    advertiser_id = adv["advertisers"][0]["advertiserId"]
    tag = f"maas=maas_adg_api_{advertiser_id}_static_9_101&ref_=aa_maas&tag=maas"
    if fetch_tags:
        resp = requests.get(
            f"{url}/attribution/tags/nonMacroTemplateTag",
            params={"publisherIds": "101"},
            headers=headers,
            timeout=5,
        )
        tag = resp.json()["advertiserAttributionTagMap"][advertiser_id]["101"]
    return Ctx(url, access, int(profile["profileId"]), advertiser_id, tag, refresh_token)


def link(campaign: str, ad_group: str, creative: str, asin: str) -> dict[str, str]:
    """A traffic link."""
    return {"campaignId": campaign, "adGroupId": ad_group, "creativeId": creative, "asin": asin}
