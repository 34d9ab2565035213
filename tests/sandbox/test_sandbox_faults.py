"""Fault switches: throttle, fail, delay (also after n requests), token expiry, forbidden
profiles, revocation."""

from __future__ import annotations

import pytest
import requests

from amazon_sandbox import SandboxServer
from tests.sandbox.sandbox_testkit import Ctx, faults, link, login, pin, token_request


@pytest.fixture
def ctx(sandbox: SandboxServer) -> Ctx:
    """Logged-in US advertiser."""
    return login(sandbox.url)


def test_throttle_with_and_without_retry_after(ctx: Ctx) -> None:
    faults(ctx.url, throttle={"count": 2, "retry_after": 1})
    for _ in range(2):
        resp = ctx.get("/attribution/advertisers")
        assert resp.status_code == 429
        assert resp.headers["Retry-After"] == "1"
        assert resp.json()["code"] == "429"
    assert ctx.get("/attribution/advertisers").status_code == 200
    faults(ctx.url, throttle={"count": 1, "retry_after": None})
    resp = ctx.report()
    assert resp.status_code == 429 and "Retry-After" not in resp.headers


def test_fail_statuses(ctx: Ctx) -> None:
    faults(ctx.url, fail={"count": 2, "status": 503})
    assert ctx.report().status_code == 503
    assert ctx.get("/v2/profiles").status_code == 503
    assert ctx.report().status_code == 200
    bad = requests.post(f"{ctx.url}/sandbox/faults", json={"fail": {"status": 418}}, timeout=5)
    assert bad.status_code == 400


def test_a_fault_can_start_after_some_requests_went_through(ctx: Ctx) -> None:
    body = faults(
        ctx.url, fail={"count": 2, "status": 503, "after": 2, "paths": ["/attribution/report"]}
    )
    assert body["faults"]["fail"] == {
        "count": 2,
        "status": 503,
        "paths": ["/attribution/report"],
        "after": 2,
    }
    assert ctx.get("/attribution/advertisers").status_code == 200  # another path: not counted
    assert [ctx.report().status_code for _ in range(5)] == [200, 200, 503, 503, 200]
    bad = requests.post(f"{ctx.url}/sandbox/faults", json={"fail": {"after": -1}}, timeout=5)
    assert bad.status_code == 400 and "after must be a non-negative integer" in bad.text


def test_paths_limit_faults_and_control_paths_are_exempt(sandbox: SandboxServer, ctx: Ctx) -> None:
    faults(ctx.url, throttle={"count": 1, "retry_after": 2, "paths": ["/attribution/report"]})
    assert ctx.get("/attribution/advertisers").status_code == 200
    assert requests.get(f"{ctx.url}/sandbox/state", timeout=5).ok
    assert requests.get(f"{ctx.url}/dp/B0TEST0001", timeout=5).ok
    assert token_request(ctx.url, grant_type="refresh_token", refresh_token="Atzr|x").ok
    state = requests.get(f"{ctx.url}/sandbox/state", timeout=5).json()
    assert state["faults"]["throttle"]["count"] == 1
    resp = ctx.report()
    assert resp.status_code == 429 and resp.headers["Retry-After"] == "2"
    faults(ctx.url, fail={"count": 1, "status": 500, "paths": ["/auth/o2/token"]})
    assert (
        token_request(ctx.url, grant_type="refresh_token", refresh_token="Atzr|x").status_code
        == 500
    )
    assert sandbox.state.grants["refresh_token"] == 2


def test_delay_triggers_client_timeout(ctx: Ctx) -> None:
    faults(ctx.url, delay={"count": 1, "seconds": 1.0})
    with pytest.raises(requests.Timeout):
        requests.get(f"{ctx.url}/attribution/publishers", headers=ctx.headers(), timeout=0.3)
    assert ctx.get("/attribution/publishers").status_code == 200


def test_expire_tokens(ctx: Ctx) -> None:
    body = faults(ctx.url, expire_tokens=True)
    assert body["expired_tokens"] >= 1
    resp = ctx.get("/attribution/advertisers")
    assert resp.status_code == 401 and resp.json()["code"] == "401"
    ctx.renew()
    assert ctx.get("/attribution/advertisers").status_code == 200


def test_forbid_profiles(ctx: Ctx) -> None:
    other = login(ctx.url, ctx.refresh_token, country="UK", fetch_tags=False)
    faults(ctx.url, forbid_profiles=[str(ctx.profile_id)])
    for resp in (
        ctx.get("/attribution/advertisers"),
        ctx.get("/attribution/publishers"),
        ctx.get("/attribution/tags/macroTag", params={"publisherIds": "104"}),
        ctx.report(),
    ):
        assert resp.status_code == 403
        assert resp.json() == {
            "code": "403",
            "message": "This profileID is not authorized to use Amazon Attribution",
        }
    assert other.get("/attribution/advertisers").status_code == 200
    assert ctx.get("/v2/profiles").status_code == 200


def test_revoke_refresh_tokens(sandbox: SandboxServer, ctx: Ctx) -> None:
    faults(ctx.url, revoke_refresh_tokens=[ctx.refresh_token])
    resp = token_request(ctx.url, grant_type="refresh_token", refresh_token=ctx.refresh_token)
    assert resp.status_code == 400 and resp.json()["error"] == "invalid_grant"
    assert sandbox.state.grant_errors["refresh_token"] == 1
    other = token_request(ctx.url, grant_type="refresh_token", refresh_token="Atzr|other")
    assert other.status_code == 200


def test_reset_clears_faults_and_optionally_clicks(sandbox: SandboxServer, ctx: Ctx) -> None:
    faults(ctx.url, throttle={"count": 5}, forbid_profiles=[str(ctx.profile_id)])
    ctx.click("B0TEST0001", "c", "g", "x", n=2)
    requests.post(f"{ctx.url}/sandbox/reset", json={}, timeout=5)
    assert ctx.get("/attribution/advertisers").status_code == 200
    assert len(sandbox.state.clicks) == 2
    state = requests.post(f"{ctx.url}/sandbox/reset", json={"clicks": True}, timeout=5).json()
    assert state["clicks"] == 0
    assert state["faults"] == {"forbid_profiles": [], "revoke_refresh_tokens": [], "omit_cursor": 0}
    state = requests.get(f"{ctx.url}/sandbox/state", timeout=5).json()
    assert state["requests"]["/attribution/advertisers"] == 2
    assert state["grants"] == {"refresh_token": 1}
    sandbox.reset()
    assert sandbox.state.grants == {} and sandbox.state.tag_fetches == set()


def test_bad_metric_puts_a_value_into_the_next_pages(sandbox: SandboxServer, ctx: Ctx) -> None:
    pin(ctx.url)
    ctx.renew()
    ctx.traffic(
        [link("spring", "jane", "jane-1", "B0TEST0001")], "2026-10-01", "2026-10-12", (12, 12)
    )
    body = {"groupBy": "ADGROUP", "metrics": "Click-throughs,attributedSales14d"}
    clean = ctx.rows(**body)
    state = faults(ctx.url, bad_metric={"count": 1, "value": "Infinity"})
    assert state["faults"]["bad_metric"] == {
        "count": 1,
        "metric": "attributedSales14d",
        "value": "Infinity",
    }
    # a page without the metric does not use the fault up
    assert ctx.rows(groupBy="ADGROUP", metrics="Click-throughs")[0]["Click-throughs"] != "Infinity"
    bad = ctx.rows(**body)
    assert [r["attributedSales14d"] for r in bad] == ["Infinity"] * len(clean)
    assert [r["Click-throughs"] for r in bad] == [r["Click-throughs"] for r in clean]
    assert ctx.rows(**body) == clean  # one page only
    state = requests.get(f"{ctx.url}/sandbox/state", timeout=5).json()
    assert "bad_metric" not in state["faults"]
    for wrong in ({"value": 1}, {"metric": ""}, {"count": -1}, "NaN"):
        resp = requests.post(f"{ctx.url}/sandbox/faults", json={"bad_metric": wrong}, timeout=5)
        assert resp.status_code == 400
