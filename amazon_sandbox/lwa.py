"""Login with Amazon: consent screen (``/ap/oa``) and token endpoint (``/auth/o2/token``)."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from . import consent
from .catalog import ALLOWED_SCOPES, CAMPAIGN_SCOPE, consent_refresh_token
from .state import ACCESS_TOKEN_TTL, SandboxState
from .web import Request, Response, html_response, json_response, lwa_error, redirect

DEFAULT_ACCOUNT = "advertiser@sandbox.example"
_CONSENT_PARAMS = ("client_id", "scope", "response_type", "redirect_uri", "state")


def _validate_consent(state: SandboxState, params: dict[str, str]) -> str | None:
    if params.get("client_id") != state.client_id:
        return "Unknown client_id"
    if params.get("response_type") != "code":
        return "response_type must be 'code'"
    scopes = set((params.get("scope") or "").split())
    if CAMPAIGN_SCOPE not in scopes or not scopes <= ALLOWED_SCOPES:
        return f"scope must be {CAMPAIGN_SCOPE}"
    target = urlsplit(params.get("redirect_uri") or "")
    if target.scheme not in ("http", "https") or not target.netloc or target.fragment:
        return "redirect_uri is missing or not an absolute http(s) URL"
    return None


def _with_query(url: str, params: dict[str, str]) -> str:
    joiner = "&" if urlsplit(url).query else "?"
    return url + joiner + urlencode({k: v for k, v in params.items() if v is not None})


def consent_page(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``GET /ap/oa``: the consent screen (400 page for an invalid request)."""
    params = {k: req.arg(k) or "" for k in _CONSENT_PARAMS}
    problem = _validate_consent(state, params)
    if problem:
        return html_response(400, consent.error_page("Invalid request", problem))
    return html_response(200, consent.consent_page(params, DEFAULT_ACCOUNT))


def consent_decision(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /ap/oa/decision``: Allow -> redirect with a code; Deny -> access_denied."""
    form = req.form()
    params = {k: form.get(k, "") for k in _CONSENT_PARAMS}
    problem = _validate_consent(state, params)
    if problem:
        return html_response(400, consent.error_page("Invalid request", problem))
    back: dict[str, str] = {}
    if form.get("decision") == "allow":
        account = form.get("account", "").strip() or DEFAULT_ACCOUNT
        refresh_token = consent_refresh_token(state.client_id, account)
        state.faults.unrevoke(refresh_token)
        code = state.create_auth_code(
            params["client_id"], params["redirect_uri"], refresh_token, params["scope"]
        )
        back = {"code": code.code, "scope": params["scope"]}
    else:
        back = {
            "error": "access_denied",
            "error_description": "The user denied the request for authorization",
        }
    if params["state"]:
        back["state"] = params["state"]
    return redirect(_with_query(params["redirect_uri"], back))


def token(state: SandboxState, req: Request, _m: re.Match[str]) -> Response:
    """``POST /auth/o2/token``: authorization_code and refresh_token grants."""
    form = req.form()
    client_id, client_secret = form.get("client_id"), form.get("client_secret")
    basic = req.basic_auth()
    if basic and not client_id:
        client_id, client_secret = basic
    grant_type = form.get("grant_type", "")
    if client_id != state.client_id or client_secret != state.client_secret:
        state.grant_errors[grant_type or "unknown"] += 1
        return lwa_error(401, "invalid_client", "Client authentication failed")
    if grant_type == "authorization_code":
        code, redirect_uri = form.get("code", ""), form.get("redirect_uri", "")
        if not code or not redirect_uri:
            state.grant_errors[grant_type] += 1
            return lwa_error(400, "invalid_request", "code and redirect_uri are required")
        try:
            refresh_token = state.redeem_auth_code(code, client_id, redirect_uri)
        except ValueError as exc:
            state.grant_errors[grant_type] += 1
            return lwa_error(400, "invalid_grant", str(exc))
    elif grant_type == "refresh_token":
        refresh_token = form.get("refresh_token", "")
        if not refresh_token:
            state.grant_errors[grant_type] += 1
            return lwa_error(400, "invalid_request", "refresh_token is required")
        if not state.refresh_token_valid(refresh_token):
            state.grant_errors[grant_type] += 1
            return lwa_error(
                400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"
            )
        state.account(refresh_token)
    else:
        state.grant_errors[grant_type or "unknown"] += 1
        return lwa_error(400, "unsupported_grant_type", f"Unsupported grant_type {grant_type!r}")
    state.grants[grant_type] += 1
    access = state.issue_access_token(refresh_token, client_id)
    payload = {
        "access_token": access.token,
        "refresh_token": refresh_token,
        "token_type": "bearer",
        "expires_in": int(ACCESS_TOKEN_TTL.total_seconds()),
    }
    return json_response(200, payload, {"Cache-Control": "no-store", "Pragma": "no-cache"})
