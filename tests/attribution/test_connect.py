"""Connecting Amazon Ads: the browser OAuth flow end to end against the sandbox, failures with
clear messages, and the operator's connect_amazon command."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.management import CommandError, call_command
from django.db import connection as db

from attribution.models import AmazonConnection, Store
from attribution.services import connection_profiles
from tenancy.scoping import tenant_scope
from tests.support.amazon import sandbox_control


def start_consent(client, slug="alpha", region="NA") -> str:
    r = client.post(f"/o/{slug}/settings/amazon/connect/", {"region": region})
    assert r.status_code == 302
    return r["Location"]


def decide(consent_url: str, decision: str = "allow", account: str = "brand@alpha.test") -> str:
    """Play the user on the sandbox's Login-with-Amazon page; returns our callback path."""
    page = requests.get(consent_url, timeout=5)
    assert page.status_code == 200 and "Allow" in page.text
    params = {k: v[0] for k, v in parse_qs(urlsplit(consent_url).query).items()}
    base = consent_url.split("/ap/oa", 1)[0]
    r = requests.post(
        f"{base}/ap/oa/decision",
        data={**params, "decision": decision, "account": account},
        allow_redirects=False,
        timeout=5,
    )
    assert r.status_code == 302
    parts = urlsplit(r.headers["Location"])
    return f"{parts.path}?{parts.query}"


def test_oauth_flow_end_to_end(amazon_sandbox, tenant_a, tenant_b):
    owner = tenant_a.client(tenant_a.owner)
    consent = start_consent(owner)
    assert consent.startswith(f"{amazon_sandbox.url}/ap/oa?")
    query = parse_qs(urlsplit(consent).query)
    assert query["scope"] == ["advertising::campaign_management"]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/amazon/callback/"]

    callback = decide(consent)
    r = owner.get(callback)
    assert r.status_code == 302
    with tenant_scope(tenant_a.org):
        conn = AmazonConnection.objects.get()
    assert r.url == f"/o/alpha/settings/amazon/{conn.pk}/profiles/"
    assert conn.status == "pending" and conn.region == "NA"

    page = owner.get(r.url).content.decode()
    # NA grant: the US and CA profiles; the legacy Attribution-only profile is skipped
    assert page.count('name="profile"') == 2
    assert "USD" in page and "CAD" in page

    with tenant_scope(tenant_a.org):
        ids = [p.profile_id for p in connection_profiles(connection=conn)]
    r = owner.post(f"/o/alpha/settings/amazon/{conn.pk}/profiles/", {"profile": ids}, follow=True)
    assert "2 store(s) connected." in r.content.decode()
    with tenant_scope(tenant_a.org):
        stores = list(Store.objects.order_by("country_code"))
        conn.refresh_from_db()
    assert [(s.country_code, s.currency_code, s.timezone) for s in stores] == [
        ("CA", "CAD", "America/Los_Angeles"),
        ("US", "USD", "America/Los_Angeles"),
    ]
    assert all(s.advertiser_id.isdigit() and s.advertiser_name for s in stores)
    assert conn.status == "active"
    # the refresh token is encrypted at rest
    with tenant_scope(tenant_a.org), db.cursor() as cursor:
        cursor.execute("SELECT refresh_token_encrypted FROM attribution_amazonconnection")
        (stored,) = cursor.fetchone()
    assert conn.refresh_token.startswith("Atzr|") and "Atzr|" not in stored
    # the other tenant sees nothing of it
    with tenant_scope(tenant_b.org):
        assert Store.objects.count() == 0 and AmazonConnection.objects.count() == 0


def test_denied_consent_says_so(amazon_sandbox, tenant_a, tenant_b):
    owner = tenant_a.client(tenant_a.owner)
    r = owner.get(decide(start_consent(owner), "deny"), follow=True)
    assert "access was declined on Amazon" in r.content.decode()
    with tenant_scope(tenant_a.org):
        assert AmazonConnection.objects.count() == 0


def test_bad_state_is_refused(amazon_sandbox, tenant_a, tenant_b):
    owner = tenant_a.client(tenant_a.owner)
    r = owner.get("/amazon/callback/?code=abc&state=forged")
    assert r.status_code == 400 and "could not be verified" in r.content.decode()


def test_state_from_another_session_is_refused(amazon_sandbox, tenant_a, tenant_b):
    owner = tenant_a.client(tenant_a.owner)
    callback = decide(start_consent(owner))
    other_browser = tenant_a.client(tenant_a.owner)  # same user, different session
    r = other_browser.get(callback)
    assert r.status_code == 400 and "does not belong to this browser session" in r.content.decode()


def test_expired_code_is_a_clear_message(amazon_sandbox, tenant_a, tenant_b):
    owner = tenant_a.client(tenant_a.owner)
    callback = decide(start_consent(owner))
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"advance_minutes": 6})
    r = owner.get(callback, follow=True)
    text = r.content.decode()
    assert r.status_code == 200
    assert "invalid_grant" in text and "may have expired" in text


def test_other_tenant_cannot_complete_a_flow(amazon_sandbox, tenant_a, tenant_b):
    owner_a = tenant_a.client(tenant_a.owner)
    callback = decide(start_consent(owner_a))
    # a bravo owner replaying alpha's callback in their own session fails the nonce check
    owner_b = tenant_b.client(tenant_b.owner)
    assert owner_b.get(callback).status_code == 400


def test_manager_cannot_connect(amazon_sandbox, tenant_a, tenant_b):
    manager = tenant_a.client(tenant_a.manager)
    assert manager.post("/o/alpha/settings/amazon/connect/", {"region": "NA"}).status_code == 403
    assert "Only owners and admins" in manager.get("/o/alpha/settings/amazon/").content.decode()


def test_ineligible_profile_becomes_an_ineligible_store(amazon_sandbox, tenant_a, tenant_b):
    from attribution.amazon import AmazonAds

    ads = AmazonAds(connection_key="probe", region="NA", refresh_token="Atzr|cmd-ineligible")
    us = next(
        p for p in ads.profiles() if p["countryCode"] == "US" and "subType" not in p["accountInfo"]
    )
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"forbid_profiles": [str(us["profileId"])]})
    out = io.StringIO()
    call_command("connect_amazon", "alpha", "--refresh-token", "Atzr|cmd-ineligible", stdout=out)
    assert "INELIGIBLE" in out.getvalue()
    with tenant_scope(tenant_a.org):
        store = Store.objects.get(profile_id=us["profileId"])
    assert store.status == "ineligible"
    assert "not authorized to use Amazon Attribution" in store.status_message
    page = tenant_a.client().get("/o/alpha/settings/amazon/").content.decode()
    assert "Not eligible for Amazon Attribution" in page


def test_connect_amazon_command(amazon_sandbox, tenant_a, tenant_b):
    out = io.StringIO()
    call_command(
        "connect_amazon", "alpha", "--refresh-token", "Atzr|operator", "--region", "EU", stdout=out
    )
    text = out.getvalue()
    assert "(EU) for alpha" in text and "GBP" in text and "EUR" in text
    with tenant_scope(tenant_a.org):
        assert sorted(Store.objects.values_list("country_code", flat=True)) == ["DE", "UK"]


def test_connect_amazon_named_profile(amazon_sandbox, tenant_a, tenant_b):
    from attribution.amazon import AmazonAds

    ads = AmazonAds(connection_key="probe2", region="NA", refresh_token="Atzr|named")
    ca = next(p for p in ads.profiles() if p["countryCode"] == "CA")
    call_command(
        "connect_amazon",
        "alpha",
        "--refresh-token",
        "Atzr|named",
        "--profile-id",
        str(ca["profileId"]),
        stdout=io.StringIO(),
    )
    with tenant_scope(tenant_a.org):
        assert list(Store.objects.values_list("country_code", flat=True)) == ["CA"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "--refresh-token", "Atzr|x"], "No organisation with slug 'nope'"),
        (["alpha", "--refresh-token", "not-a-token"], "invalid_grant"),
        (["alpha", "--refresh-token", "Atzr|x", "--profile-id", "123"], "Not an eligible profile"),
    ],
)
def test_connect_amazon_failures(amazon_sandbox, tenant_a, tenant_b, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("connect_amazon", *args, stdout=io.StringIO())
    with tenant_scope(tenant_a.org):
        assert AmazonConnection.objects.count() == 0  # nothing half-created


def test_disconnect_keeps_stores(connected_stores, tenant_a, tenant_b):
    owner = tenant_a.client(tenant_a.owner)
    with tenant_scope(tenant_a.org):
        conn = AmazonConnection.objects.get()
    r = owner.post(f"/o/alpha/settings/amazon/{conn.pk}/disconnect/", follow=True)
    assert "Your stores and their data are kept." in r.content.decode()
    with tenant_scope(tenant_a.org):
        conn.refresh_from_db()
        assert conn.refresh_token == "" and conn.status == "disconnected"
        assert set(Store.objects.values_list("status", flat=True)) == {"disconnected"}
    with tenant_scope(tenant_b.org):
        assert set(Store.objects.values_list("status", flat=True)) == {"active"}


def test_revoked_grant_asks_for_reconnect_on_the_page(
    connected_stores, amazon_sandbox, tenant_a, tenant_b
):
    sandbox_control(
        amazon_sandbox,
        "/sandbox/faults",
        {"revoke_refresh_tokens": ["Atzr|test-alpha"], "expire_tokens": True},
    )
    with tenant_scope(tenant_a.org):
        conn = AmazonConnection.objects.get()
    owner = tenant_a.client(tenant_a.owner)
    r = owner.get(f"/o/alpha/settings/amazon/{conn.pk}/profiles/", follow=True)
    text = r.content.decode()
    assert r.status_code == 200
    assert "invalid_grant" in text and "Reconnect needed" in text


def test_key_rotation_reencrypts_refresh_tokens(connected_stores, settings, tenant_a, tenant_b):
    from cryptography.fernet import Fernet

    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]
    out = io.StringIO()
    call_command("rotate_encryption_keys", stdout=out)
    assert "Re-encrypted 2 refresh token(s)." in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # old key dropped
    for tenant in (tenant_a, tenant_b):
        with tenant_scope(tenant.org):
            assert AmazonConnection.objects.get().refresh_token == f"Atzr|test-{tenant.org.slug}"
