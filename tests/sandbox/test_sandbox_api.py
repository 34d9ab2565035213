"""Ads API surface: profiles, headers, advertisers, publishers, tags."""

from __future__ import annotations

from typing import Any

import requests

from amazon_sandbox import SandboxServer
from tests.sandbox.sandbox_testkit import CLIENT_ID, advance, login, pin, refresh

MARKETPLACES = {
    "US": ("USD", "America/Los_Angeles", "ATVPDKIKX0DER"),
    "CA": ("CAD", "America/Los_Angeles", "A2EUQ1WTGCTBG2"),
    "UK": ("GBP", "Europe/London", "A1F83G8C2ARO7P"),
    "DE": ("EUR", "Europe/Paris", "A1PA6795UKMFR9"),
    "JP": ("JPY", "Asia/Tokyo", "A1VC38T7YXB528"),
}


def _profiles(url: str, token: str, prefix: str = "") -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}", "Amazon-Advertising-API-ClientId": CLIENT_ID}
    resp = requests.get(f"{url}{prefix}/v2/profiles", headers=headers, timeout=5)
    assert resp.status_code == 200, resp.text
    return list(resp.json())


def test_profiles_shape(sandbox: SandboxServer) -> None:
    profiles = _profiles(sandbox.url, refresh(sandbox.url, "Atzr|shape"))
    assert len(profiles) == 6
    regular = [p for p in profiles if "subType" not in p["accountInfo"]]
    legacy = [p for p in profiles if p["accountInfo"].get("subType") == "AMAZON_ATTRIBUTION"]
    assert len(regular) == 5 and len(legacy) == 1
    assert legacy[0]["countryCode"] == "US"
    for p in profiles:
        assert set(p) == {
            "profileId",
            "countryCode",
            "currencyCode",
            "dailyBudget",
            "timezone",
            "accountInfo",
        }
        assert isinstance(p["profileId"], int) and 15 <= len(str(p["profileId"])) <= 16
        assert p["dailyBudget"] == 0
        currency, tz, marketplace = MARKETPLACES[p["countryCode"]]
        assert (p["currencyCode"], p["timezone"]) == (currency, tz)
        info = p["accountInfo"]
        assert info["marketplaceStringId"] == marketplace
        assert info["id"].startswith("A")
        assert info["type"] in ("vendor", "seller")
        assert info["name"].startswith("Sandbox Brand ")
        assert info["validPaymentMethod"] is True
    assert len({p["profileId"] for p in profiles}) == 6


def test_profiles_are_deterministic_per_token_and_seed(sandbox: SandboxServer) -> None:
    first = _profiles(sandbox.url, refresh(sandbox.url, "Atzr|a"))
    again = _profiles(sandbox.url, refresh(sandbox.url, "Atzr|a"))
    other = _profiles(sandbox.url, refresh(sandbox.url, "Atzr|b"))
    assert first == again
    assert {p["profileId"] for p in first}.isdisjoint({p["profileId"] for p in other})
    with SandboxServer(port=0, seed=7) as srv:
        reseeded = _profiles(srv.url, refresh(srv.url, "Atzr|a"))
    assert {p["profileId"] for p in first}.isdisjoint({p["profileId"] for p in reseeded})


def test_region_prefix_filters_profiles(sandbox: SandboxServer) -> None:
    token = refresh(sandbox.url, "Atzr|regions")
    assert {p["countryCode"] for p in _profiles(sandbox.url, token, "/na")} == {"US", "CA"}
    assert {p["countryCode"] for p in _profiles(sandbox.url, token, "/eu")} == {"UK", "DE"}
    assert {p["countryCode"] for p in _profiles(sandbox.url, token, "/fe")} == {"JP"}


def test_profiles_have_their_marketplaces_time_zone(sandbox: SandboxServer) -> None:
    """Sandbox stores get the time zone Amazon Ads gives their marketplace (the product's own
    table, used when a profile comes without one)."""
    from attribution.amazon.marketplaces import MARKETPLACE_TIME_ZONES

    for p in _profiles(sandbox.url, refresh(sandbox.url, "Atzr|zones")):
        assert p["timezone"] == MARKETPLACE_TIME_ZONES[p["countryCode"]]


def test_header_checks(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    url = f"{sandbox.url}/attribution/advertisers"
    no_token = {k: v for k, v in ctx.headers().items() if k != "Authorization"}
    resp = requests.get(url, headers=no_token, timeout=5)
    assert resp.status_code == 401
    assert resp.json()["code"] == "401" and resp.json()["details"]
    bogus = {**ctx.headers(), "Authorization": "Bearer Atza|bogus"}
    assert requests.get(url, headers=bogus, timeout=5).status_code == 401
    no_client = {k: v for k, v in ctx.headers().items() if k != "Amazon-Advertising-API-ClientId"}
    resp = requests.get(url, headers=no_client, timeout=5)
    assert resp.status_code == 400 and resp.json()["code"] == "400"
    resp = requests.get(url, headers=ctx.headers(scope=False), timeout=5)
    assert resp.status_code == 400
    other = login(sandbox.url, "Atzr|someone-else", fetch_tags=False)
    foreign = {**ctx.headers(), "Amazon-Advertising-API-Scope": str(other.profile_id)}
    resp = requests.get(url, headers=foreign, timeout=5)
    assert resp.status_code == 401
    assert "scope" in resp.json()["details"]
    resp = requests.get(f"{sandbox.url}/v2/profiles", headers=ctx.headers(scope=False), timeout=5)
    assert resp.status_code == 200


def test_access_token_expires_after_an_hour(sandbox: SandboxServer) -> None:
    pin(sandbox.url)
    ctx = login(sandbox.url)
    assert ctx.get("/attribution/advertisers").status_code == 200
    advance(sandbox.url, 1.01)
    assert ctx.get("/attribution/advertisers").status_code == 401
    ctx.renew()
    assert ctx.get("/attribution/advertisers").status_code == 200


def test_advertisers_and_publishers(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    adv = ctx.get("/attribution/advertisers").json()
    assert adv["advertisers"] == [
        {
            "advertiserId": ctx.advertiser_id,
            "advertiserName": adv["advertisers"][0]["advertiserName"],
        }
    ]
    assert ctx.advertiser_id.isdigit()
    pubs = ctx.get("/attribution/publishers").json()["publisher"]
    names = {p["name"] for p in pubs}
    assert {
        "Instagram",
        "TikTok",
        "YouTube",
        "Pinterest",
        "Influencer / affiliate (other)",
    } <= names
    assert all(set(p) == {"id", "name", "macroEnabled"} for p in pubs)


def test_tags_accept_repeated_and_comma_separated_ids(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url, fetch_tags=False)
    path = "/attribution/tags/nonMacroTemplateTag"
    repeated = ctx.get(path, params=[("publisherIds", "101"), ("publisherIds", "105")])
    comma = ctx.get(path, params={"publisherIds": "101,105", "advertiserIds": ctx.advertiser_id})
    assert repeated.status_code == comma.status_code == 200
    assert repeated.json() == comma.json()
    tags = comma.json()["advertiserAttributionTagMap"][ctx.advertiser_id]
    assert tags["101"] == (
        f"maas=maas_adg_api_{ctx.advertiser_id}_static_9_101&ref_=aa_maas&tag=maas"
    )
    assert set(tags) == {"101", "105"}
    macro = ctx.get("/attribution/tags/macroTag", params={"publisherIds": "104"}).json()
    tag = macro["advertiserAttributionTagMap"][ctx.advertiser_id]["104"]
    assert tag.endswith(
        "&aa_campaignid={{campaignId}}&aa_adgroupid={{adGroupId}}&aa_creativeid={{creativeId}}"
    )
    fetched = requests.get(f"{sandbox.url}/sandbox/state", timeout=5).json()["tag_fetches"]
    assert {f["publisherId"] for f in fetched} == {"101", "104", "105"}


def test_tags_validation(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url, fetch_tags=False)
    path = "/attribution/tags/nonMacroTemplateTag"
    missing = ctx.get(path)
    assert missing.status_code == 400 and missing.json()["code"] == "400"
    assert ctx.get(path, params={"publisherIds": "999"}).status_code == 400
    assert ctx.get(path, params={"publisherIds": "101", "advertiserIds": "1"}).status_code == 400
