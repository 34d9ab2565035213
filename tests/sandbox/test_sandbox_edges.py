"""Amazon's edges as sandbox switches: a revoked profile, a removed advertisers endpoint, an
invalid metric, `message` error bodies; all off after a reset."""

from __future__ import annotations

import requests

from amazon_sandbox import SandboxServer
from tests.sandbox.sandbox_testkit import Ctx, faults, login


def profile_ids(ctx: Ctx) -> list[int]:
    resp = requests.get(f"{ctx.url}/v2/profiles", headers=ctx.headers(scope=False), timeout=5)
    assert resp.status_code == 200
    return [p["profileId"] for p in resp.json()]


def test_a_revoked_profile_answers_401_and_leaves_the_profile_list(
    sandbox: SandboxServer,
) -> None:
    ctx = login(sandbox.url)
    others = [p for p in profile_ids(ctx) if p != ctx.profile_id]
    faults(ctx.url, revoke_profiles=[str(ctx.profile_id)])
    resp = ctx.get("/attribution/publishers")
    assert resp.status_code == 401
    assert resp.json() == {
        "code": "401",
        "details": f"Not authorized to access scope {ctx.profile_id}",
    }
    # a fresh access token does not cure it
    ctx.renew()
    assert ctx.report().status_code == 401
    # gone from /v2/profiles; the grant's other profiles still work
    assert profile_ids(ctx) == others
    revoked, ctx.profile_id = ctx.profile_id, others[0]
    assert ctx.get("/attribution/publishers").status_code == 200
    state = requests.get(f"{ctx.url}/sandbox/state", timeout=5).json()
    assert state["faults"]["revoke_profiles"] == [str(revoked)]
    requests.post(f"{ctx.url}/sandbox/reset", json={}, timeout=5)
    assert len(profile_ids(ctx)) == len(others) + 1


def test_the_advertisers_endpoint_can_be_removed(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    for status in (404, 410):
        faults(ctx.url, advertisers_gone=status)
        resp = ctx.get("/attribution/advertisers")
        assert resp.status_code == status and resp.json()["code"] == str(status)
        # the rest of Attribution still answers, and the tag map names the advertiser
        tags = ctx.get("/attribution/tags/nonMacroTemplateTag", params={"publisherIds": "101"})
        assert list(tags.json()["advertiserAttributionTagMap"]) == [ctx.advertiser_id]
    bad = requests.post(f"{ctx.url}/sandbox/faults", json={"advertisers_gone": 500}, timeout=5)
    assert bad.status_code == 400
    requests.post(f"{ctx.url}/sandbox/reset", json={}, timeout=5)
    assert ctx.get("/attribution/advertisers").status_code == 200


def test_an_invalid_metric_is_a_400_naming_it(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    faults(ctx.url, invalid_metrics=["attributedTotalPurchases14d"])
    resp = ctx.report(metrics="Click-throughs,attributedTotalPurchases14d")
    assert resp.status_code == 400
    assert resp.json() == {"code": "400", "details": "Invalid metric attributedTotalPurchases14d"}
    assert ctx.report(metrics="Click-throughs,attributedPurchases14d").status_code == 200
    assert ctx.report().status_code == 200  # metrics omitted: Amazon's default set


def test_error_bodies_can_carry_message_instead_of_details(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    faults(ctx.url, message_bodies=True)
    resp = ctx.report(groupBy="NOPE")
    assert resp.status_code == 400
    assert resp.json() == {"code": "400", "message": "Invalid groupBy: NOPE"}
    faults(ctx.url, throttle={"count": 1, "retry_after": 1})
    throttled = ctx.get("/attribution/publishers")
    assert throttled.status_code == 429 and throttled.json()["message"] == "Too Many Requests"
    # under a region prefix too
    resp = requests.get(f"{ctx.url}/na/attribution/nope", headers=ctx.headers(), timeout=5)
    assert resp.status_code == 404 and "message" in resp.json()
    requests.post(f"{ctx.url}/sandbox/reset", json={}, timeout=5)
    assert "details" in ctx.report(groupBy="NOPE").json()
