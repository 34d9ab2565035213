"""Every response carries a Content-Security-Policy and a Permissions-Policy: pages, the JSON
API, redirects, static files, /healthz and the /l/ short link (answered by the first
middleware, before django-csp's). Scripts need 'self' or the request's nonce, never
'unsafe-inline'; only the API docs pages loosen styles, for themselves."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.support.api import client_for, key_for

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "clipboard-write=(self), fullscreen=(self)"
)
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "https:", "http://127.0.0.1:*"],  # product pictures (Amazon, sandbox)
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
}


def csp(response) -> dict[str, list[str]]:
    assert "Content-Security-Policy" in response, f"no CSP on {response.status_code} response"
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_headers(response, policy=POLICY) -> None:
    assert csp(response) == policy
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


@pytest.mark.django_db
def test_pages_redirects_static_files_and_healthz(tenant_a):
    anonymous = Client()
    assert_headers(anonymous.get("/accounts/login/"))
    redirect = anonymous.get("/o/alpha/")
    assert redirect.status_code == 302
    assert_headers(redirect)
    assert_headers(anonymous.get("/healthz"))
    assert_headers(anonymous.get("/static/css/app.css"))
    assert_headers(anonymous.get("/no/such/page/"))
    page = tenant_a.client().get("/o/alpha/")
    assert page.status_code == 200
    assert_headers(page)


@pytest.mark.django_db
def test_the_json_api(tenant_a):
    api = client_for(key_for(tenant_a))
    response = api.get("/api/v1/campaigns/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert_headers(response)
    assert_headers(Client().get("/api/v1/campaigns/"))  # 401 as JSON


def test_the_short_link(worlds):
    link = worlds["alpha"].link(0, "B0EXAMPLE1")
    response = Client(HTTP_USER_AGENT="Mozilla/5.0 Chrome/131.0").get(f"/l/{link.code}")
    assert response.status_code == 302 and response["Location"] == link.destination_url
    assert_headers(response)
    preview = Client(HTTP_USER_AGENT="Twitterbot/1.0").get(f"/l/{link.code}")
    assert preview.status_code == 200 and b"<html" in preview.content
    assert_headers(preview)
    unknown = Client().get("/l/nosuchcode")
    assert unknown.status_code == 404
    assert_headers(unknown)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "inline_scripts"), [("/api/docs/", 0), ("/api/docs/try/", 1)])
def test_the_api_docs_loosen_styles_for_themselves_only(path, inline_scripts):
    response = Client().get(path)
    assert response.status_code == 200
    policy = csp(response)
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["worker-src"] == ["'self'", "blob:"]
    # scripts stay strict: 'self' and this response's nonce, which every inline script carries
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert len(inline) == inline_scripts
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    if inline_scripts:
        assert nonce and all(attrs == f' nonce="{nonce[1]}"' for attrs in inline)
        assert policy["script-src"] == ["'self'", f"'nonce-{nonce[1]}'"]
    else:
        assert policy["script-src"] == ["'self'"]
    assert not re.search(r"<link[^>]+href=\"https?://", html)  # no fonts from other hosts
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
