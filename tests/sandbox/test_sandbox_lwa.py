"""Login with Amazon: consent page, code exchange, refresh grant."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

from amazon_sandbox import SandboxServer
from tests.sandbox.sandbox_testkit import (
    CONSENT,
    REDIRECT,
    advance,
    consent_code,
    pin,
    token_request,
)


def test_consent_page_renders_allow_and_deny(sandbox: SandboxServer) -> None:
    resp = requests.get(f"{sandbox.url}/ap/oa", params=CONSENT, timeout=5)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/html")
    html = resp.text
    assert "Amazon sandbox" in html
    assert 'action="/ap/oa/decision"' in html
    assert "value=allow>Allow" in html and "value=deny>Deny" in html
    assert 'name="state" value="csrf-123"' in html


def test_consent_rejects_bad_requests(sandbox: SandboxServer) -> None:
    bad = [
        {**CONSENT, "client_id": "amzn1.application-oa2-client.other"},
        {**CONSENT, "scope": "cpc_advertising:campaign_management"},
        {k: v for k, v in CONSENT.items() if k != "redirect_uri"},
        {**CONSENT, "response_type": "token"},
    ]
    for params in bad:
        resp = requests.get(f"{sandbox.url}/ap/oa", params=params, timeout=5)
        assert resp.status_code == 400, params


def test_allow_redirects_with_code_scope_state(sandbox: SandboxServer) -> None:
    form = {**CONSENT, "decision": "allow"}
    resp = requests.post(
        f"{sandbox.url}/ap/oa/decision", data=form, allow_redirects=False, timeout=5
    )
    assert resp.status_code == 302
    location = urlsplit(resp.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["csrf-123"]
    assert query["scope"] == ["advertising::campaign_management"]
    assert query["code"][0]


def test_deny_redirects_with_access_denied(sandbox: SandboxServer) -> None:
    form = {**CONSENT, "decision": "deny"}
    resp = requests.post(
        f"{sandbox.url}/ap/oa/decision", data=form, allow_redirects=False, timeout=5
    )
    assert resp.status_code == 302
    query = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["error_description"][0]
    assert query["state"] == ["csrf-123"]
    assert "code" not in query


def test_code_exchange_is_single_use(sandbox: SandboxServer) -> None:
    code = consent_code(sandbox.url)
    resp = token_request(
        sandbox.url, grant_type="authorization_code", code=code, redirect_uri=REDIRECT
    )
    assert resp.status_code == 200
    body = resp.json()
    assert body["access_token"].startswith("Atza|")
    assert body["refresh_token"].startswith("Atzr|")
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    again = token_request(
        sandbox.url, grant_type="authorization_code", code=code, redirect_uri=REDIRECT
    )
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    state = requests.get(f"{sandbox.url}/sandbox/state", timeout=5).json()
    assert state["grants"] == {"authorization_code": 1}
    assert state["grant_errors"] == {"authorization_code": 1}


def test_same_login_gets_same_account_and_different_logins_differ(
    sandbox: SandboxServer,
) -> None:
    tokens = []
    for account in ("alice@example.com", "alice@example.com", "bob@example.com"):
        code = consent_code(sandbox.url, account)
        resp = token_request(
            sandbox.url, grant_type="authorization_code", code=code, redirect_uri=REDIRECT
        )
        tokens.append(resp.json()["refresh_token"])
    assert tokens[0] == tokens[1] != tokens[2]


def test_code_exchange_requires_same_redirect_uri(sandbox: SandboxServer) -> None:
    code = consent_code(sandbox.url)
    resp = token_request(
        sandbox.url, grant_type="authorization_code", code=code, redirect_uri="http://evil.test/cb"
    )
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_grant"


def test_code_expires_after_five_minutes(sandbox: SandboxServer) -> None:
    pin(sandbox.url)
    code = consent_code(sandbox.url)
    advance(sandbox.url, 6 / 60)
    resp = token_request(
        sandbox.url, grant_type="authorization_code", code=code, redirect_uri=REDIRECT
    )
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_grant"
    assert "expired" in resp.json()["error_description"]


def test_refresh_grant_and_invalid_grant(sandbox: SandboxServer) -> None:
    ok = token_request(sandbox.url, grant_type="refresh_token", refresh_token="Atzr|operator-1")
    assert ok.status_code == 200
    assert ok.json()["access_token"].startswith("Atza|")
    assert ok.json()["expires_in"] == 3600
    bad = token_request(sandbox.url, grant_type="refresh_token", refresh_token="not-a-token")
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_grant"
    state = requests.get(f"{sandbox.url}/sandbox/state", timeout=5).json()
    assert state["grants"] == {"refresh_token": 1}


def test_bad_client_credentials(sandbox: SandboxServer) -> None:
    resp = token_request(
        sandbox.url, grant_type="refresh_token", refresh_token="Atzr|x", client_secret="wrong"
    )
    assert resp.status_code == 401
    assert resp.json()["error"] == "invalid_client"
    resp = token_request(sandbox.url, grant_type="password", refresh_token="Atzr|x")
    assert resp.status_code == 400
    assert resp.json()["error"] == "unsupported_grant_type"
