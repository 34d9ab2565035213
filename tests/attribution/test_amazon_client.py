"""The Amazon wrapper against the sandbox over real HTTP: tokens, retries, errors, paging."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from attribution import amazon
from tests.support.amazon import sandbox_control

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Atzr|client-tests"


def state(server) -> dict:
    return requests.get(f"{server.url}/sandbox/state", timeout=5).json()


@pytest.fixture
def ads(amazon_sandbox) -> amazon.AmazonAds:
    return amazon.AmazonAds(connection_key="test:1", region="NA", refresh_token=TOKEN)


@pytest.fixture
def profile_id(ads) -> int:
    us = [
        p
        for p in ads.profiles()
        if p["countryCode"] == "US" and "subType" not in p.get("accountInfo", {})
    ]
    return int(us[0]["profileId"])


def test_profiles_and_one_refresh_for_many_calls(ads, amazon_sandbox):
    profiles = ads.profiles()
    assert sorted(p["countryCode"] for p in profiles) == ["CA", "DE", "JP", "UK", "US", "US"]
    for _ in range(3):
        ads.profiles()
    # our own cache: one refresh-token grant for four calls
    assert state(amazon_sandbox)["grants"]["refresh_token"] == 1


def test_token_is_refreshed_five_minutes_early(ads, amazon_sandbox):
    ads.profiles()
    raw = amazon.tokens._redis().get(ads.tokens.key)
    data = json.loads(amazon.tokens.crypto.decrypt(raw.decode()))
    data["expires_at"] = __import__("time").time() + 200  # inside the 5-minute margin
    amazon.tokens._redis().set(ads.tokens.key, amazon.tokens.crypto.encrypt(json.dumps(data)))
    ads.profiles()
    assert state(amazon_sandbox)["grants"]["refresh_token"] == 2


def test_tokens_are_cached_per_connection(amazon_sandbox):
    for key in ("org1:1", "org2:7"):
        amazon.AmazonAds(connection_key=key, region="NA", refresh_token=TOKEN).profiles()
    assert state(amazon_sandbox)["grants"]["refresh_token"] == 2


def test_401_refreshes_once_and_retries(ads, amazon_sandbox, profile_id):
    ads.advertisers(profile_id)
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"expire_tokens": True})
    advertisers = ads.advertisers(profile_id)
    assert advertisers[0]["advertiserId"]
    assert state(amazon_sandbox)["grants"]["refresh_token"] == 2


def test_revoked_grant_is_an_auth_error(ads, amazon_sandbox):
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"revoke_refresh_tokens": [TOKEN]})
    with pytest.raises(amazon.AmazonAuthError, match="invalid_grant"):
        ads.profiles()


def test_429_with_retry_after(ads, amazon_sandbox):
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"throttle": {"count": 1, "retry_after": 7}})
    with pytest.raises(amazon.AmazonRetryable) as caught:
        ads.profiles()
    assert caught.value.status == 429
    assert caught.value.retry_after == 7.0
    assert caught.value.wait_seconds(attempt=5) == 7.0
    assert len(ads.profiles()) == 6  # the throttle has passed


def test_429_without_retry_after_backs_off_with_jitter(ads, amazon_sandbox):
    sandbox_control(
        amazon_sandbox, "/sandbox/faults", {"throttle": {"count": 1, "retry_after": None}}
    )
    with pytest.raises(amazon.AmazonRetryable) as caught:
        ads.profiles()
    assert caught.value.retry_after is None
    waits = {caught.value.wait_seconds(attempt=3) for _ in range(50)}
    assert all(0 <= w <= 16 for w in waits)
    assert len(waits) > 1  # jittered


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_is_retryable(ads, amazon_sandbox, status):
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"fail": {"count": 1, "status": status}})
    with pytest.raises(amazon.AmazonRetryable) as caught:
        ads.profiles()
    assert caught.value.status == status


def test_timeout_is_retryable(ads, amazon_sandbox, settings):
    settings.AMAZON_HTTP_TIMEOUT = 0.5
    ads.profiles()  # token cached, so only the API call is delayed
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"delay": {"count": 1, "seconds": 2}})
    with pytest.raises(amazon.AmazonRetryable, match="did not answer in time"):
        ads.profiles()


def test_connection_error_is_retryable(ads, settings):
    settings.AMAZON_ADS_API_URL = "http://127.0.0.1:9"
    settings.AMAZON_LWA_TOKEN_URL = "http://127.0.0.1:9/auth/o2/token"
    with pytest.raises(amazon.AmazonRetryable, match=r"could not be reached|did not answer"):
        ads.profiles()


def test_403_not_authorized_for_attribution(ads, amazon_sandbox, profile_id):
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"forbid_profiles": [str(profile_id)]})
    with pytest.raises(amazon.AmazonIneligible, match="not authorized to use Amazon Attribution"):
        ads.advertisers(profile_id)


def test_400_is_terminal_with_amazons_message(ads, profile_id):
    body = {
        "reportType": "PERFORMANCE",
        "groupBy": "CREATIVE",
        "startDate": "20261001",
        "endDate": "20261002",
        "count": 100,
        "metrics": "brb_bonus_amount",
    }
    with pytest.raises(amazon.AmazonRequestError) as caught:
        list(ads.report_pages(profile_id, body))
    assert caught.value.status == 400
    assert "brb_bonus_amount" in caught.value.message


def _traffic(server, ads, profile_id, days=("2026-10-01", "2026-10-10")):
    advertiser = ads.advertisers(profile_id)[0]["advertiserId"]
    publisher = ads.publishers(profile_id)[0]["id"]
    ads.non_macro_template_tags(profile_id, publisher_ids=[publisher], advertiser_ids=[advertiser])
    links = [
        {
            "campaignId": "spring",
            "adGroupId": f"creator-{i}",
            "creativeId": f"link-{i}",
            "asin": "B0TESTASIN",
        }
        for i in range(3)
    ]
    sandbox_control(server, "/sandbox/clock", {"now": "2026-10-20T12:00:00Z"})
    sandbox_control(
        server,
        "/sandbox/traffic",
        {
            "advertiserId": advertiser,
            "publisherId": publisher,
            "links": links,
            "start": days[0],
            "end": days[1],
            "clicksPerDay": [3, 6],
        },
    )


def test_report_pages_follow_the_cursor(ads, amazon_sandbox, profile_id):
    _traffic(amazon_sandbox, ads, profile_id)
    body = {
        "reportType": "PERFORMANCE",
        "groupBy": "CREATIVE",
        "startDate": "20261001",
        "endDate": "20261019",
        "metrics": "Click-throughs,attributedSales14d",
    }
    whole = [r for page in ads.report_pages(profile_id, {**body, "count": 5000}) for r in page]
    pages = list(ads.report_pages(profile_id, {**body, "count": 7}))
    # clicks on 10 days for 3 links, plus later days on which only purchases happened
    assert len(whole) >= 30
    assert len(pages) == -(-len(whole) // 7)
    assert all(len(p) == 7 for p in pages[:-1])
    assert [r for page in pages for r in page] == whole
    assert all(isinstance(r["Click-throughs"], str) for r in whole)


def test_a_last_page_without_cursor_id_ends_the_walk(ads, amazon_sandbox, profile_id):
    _traffic(amazon_sandbox, ads, profile_id)
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"omit_cursor": {"count": 1}})
    body = {
        "reportType": "PERFORMANCE",
        "groupBy": "ADGROUP",
        "startDate": "20261001",
        "endDate": "20261019",
        "count": 5000,
        "metrics": "Click-throughs",
    }
    pages = list(ads.report_pages(profile_id, body))
    assert len(pages) == 1 and len(pages[0]) >= 30
    assert state(amazon_sandbox)["faults"]["omit_cursor"] == 0


def test_publishers_and_tags(ads, profile_id):
    publishers = ads.publishers(profile_id)
    assert {"id", "name"} <= set(publishers[0])
    advertiser = ads.advertisers(profile_id)[0]["advertiserId"]
    tags = ads.non_macro_template_tags(
        profile_id, publisher_ids=[publishers[0]["id"]], advertiser_ids=[advertiser]
    )
    tag = tags[advertiser][publishers[0]["id"]]
    assert tag.startswith(f"maas=maas_adg_api_{advertiser}_static_")
    assert "tag=maas" in tag


def test_refuses_ad_api_environment_credentials(monkeypatch, amazon_sandbox):
    monkeypatch.setenv("AD_API_REFRESH_TOKEN", "Atzr|someone-else")
    with pytest.raises(amazon.AmazonConfigurationError, match="AD_API_REFRESH_TOKEN"):
        amazon.AmazonAds(connection_key="x", region="NA", refresh_token=TOKEN)


def test_missing_client_credentials_are_a_clear_error(settings, amazon_sandbox):
    settings.AMAZON_ADS_CLIENT_ID = ""
    with pytest.raises(amazon.AmazonConfigurationError, match="AMAZON_ADS_CLIENT_ID"):
        amazon.AmazonAds(connection_key="x", region="NA", refresh_token=TOKEN).profiles()


def test_tokens_never_reach_the_logs(ads, amazon_sandbox, caplog):
    with caplog.at_level(logging.DEBUG):
        ads.profiles()
        sandbox_control(amazon_sandbox, "/sandbox/faults", {"expire_tokens": True})
        ads.profiles()
    text = caplog.text
    assert "Atza|" not in text and "Atzr|" not in text


def test_importing_the_wrapper_leaves_logging_alone():
    code = (
        "import logging, django, os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.test');"
        "before = list(logging.getLogger().handlers);"
        "import attribution.amazon;"
        "print(logging.getLogger().handlers == before)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ},
        check=True,
    )
    assert out.stdout.strip() == "True"


def test_only_the_wrappers_lib_module_imports_ad_api():
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        skip = (".venv/", ".data/", "node_modules/")
        if rel.startswith(skip) or rel in ("attribution/amazon/_lib.py", Path(__file__).name):
            continue
        text = path.read_text(errors="ignore")
        if ("import " + "ad_api" in text or "from " + "ad_api" in text) and path != Path(__file__):
            offenders.append(rel)
    assert offenders == []
