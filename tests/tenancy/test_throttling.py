"""Sign-in lockout and password-reset limits, through HTTP: per account and client address,
per address across accounts, behind trusted proxies only when configured, 429 with
Retry-After, and reset mails that stop after the limit without saying so."""

from __future__ import annotations

from django.core import mail
from django.test import Client, RequestFactory

from tenancy.client_ip import client_ip
from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"
RESET = "/accounts/password_reset/"
PROXY = "10.0.0.1"


def _sign_in(client: Client, email: str, password: str = "wrong-password", **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def test_lockout_is_429_with_retry_after(tenant_a, tenant_b):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(4):
        assert _sign_in(client, "manager@alpha.test").status_code == 200
    r = _sign_in(client, "manager@alpha.test")
    assert r.status_code == 429
    assert r["Retry-After"] == "900"  # the 15-minute cool-off, restarted by this attempt
    assert "paused for 15 minutes" in r.content.decode()
    # the right password is refused too, with the same answer
    r = _sign_in(client, "manager@alpha.test", PASSWORD)
    assert r.status_code == 429 and r["Retry-After"] == "900"


def test_account_is_locked_per_client_address_behind_a_proxy(tenant_a, tenant_b, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # two people behind the same load balancer: one REMOTE_ADDR, their own X-Forwarded-For
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.5")
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.6")
    for _ in range(4):
        assert _sign_in(attacker, "manager@alpha.test").status_code == 200
    assert _sign_in(attacker, "manager@alpha.test").status_code == 429
    assert _sign_in(attacker, "manager@alpha.test", PASSWORD).status_code == 429
    # the account is locked for that client only: its owner signs in from elsewhere
    assert _sign_in(colleague, "manager@alpha.test", PASSWORD).status_code == 302
    # and the locked client may still sign in to another account (under the address limit)
    assert _sign_in(attacker, "owner@bravo.test", PASSWORD).status_code == 302


def test_one_password_against_many_accounts_from_one_address_is_stopped(tenant_a, tenant_b):
    spray = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(19):
        r = _sign_in(spray, f"person{i}@example.test", "Summer2025!")
        assert r.status_code == 200, i
    # signing in to one's own account between guesses does not reset the address's count
    assert _sign_in(Client(REMOTE_ADDR="198.51.100.7"), "manager@alpha.test", PASSWORD).url
    r = _sign_in(spray, "person19@example.test", "Summer2025!")
    assert r.status_code == 429 and r["Retry-After"] == "900"
    # the address is stopped for every account, even with the right password...
    assert _sign_in(spray, "owner@bravo.test", PASSWORD).status_code == 429
    # ...while the accounts themselves are not locked for anyone else
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    assert _sign_in(elsewhere, "owner@bravo.test", PASSWORD).status_code == 302


def test_forwarded_for_counts_only_behind_trusted_proxies(tenant_a, tenant_b, settings):
    # default (0 proxies): X-Forwarded-For is the client's to forge, and is ignored
    client = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(4):
        r = _sign_in(client, "manager@alpha.test", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        assert r.status_code == 200
    r = _sign_in(client, "manager@alpha.test", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert r.status_code == 429

    # one trusted proxy: the address it appended counts, whatever the client put before it
    settings.TRUSTED_PROXY_COUNT = 1
    behind = Client(REMOTE_ADDR=PROXY)
    for i in range(4):
        r = _sign_in(behind, "owner@alpha.test", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.5")
        assert r.status_code == 200
    r = _sign_in(behind, "owner@alpha.test", HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.5")
    assert r.status_code == 429
    # another client behind the same proxy is somebody else
    r = _sign_in(behind, "owner@alpha.test", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert r.status_code == 302


def test_client_ip_reads_the_trusted_hop(settings):
    def ip(forwarded: str | None, remote: str = PROXY) -> str:
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_ip(RequestFactory().get("/", **extra))

    assert ip("203.0.113.5") == PROXY  # default: no proxy is trusted
    settings.TRUSTED_PROXY_COUNT = 2
    assert ip("6.6.6.6, 203.0.113.5, 10.0.0.2") == "203.0.113.5"
    assert ip("2001:DB8:0:0::1, 10.0.0.2") == "2001:db8::1"
    assert ip("10.0.0.2") == PROXY  # fewer hops than proxies: not through all of them
    assert ip(None) == PROXY
    assert ip("not-an-address, 10.0.0.2") == PROXY


def _reset(client: Client, email: str, **extra) -> None:
    r = client.post(RESET, {"email": email}, **extra)
    # limited or not, the same "check your mail" page: nothing tells which addresses exist
    assert r.status_code == 302 and r["Location"] == "/accounts/password_reset/done/"


def test_password_reset_burst_sends_at_most_the_limit(tenant_a, tenant_b):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(15):
        _reset(client, "manager@alpha.test")
    assert len(mail.outbox) == 3
    assert {m.to[0] for m in mail.outbox} == {"manager@alpha.test"}
    # other people are not affected
    _reset(Client(REMOTE_ADDR="192.0.2.44"), "owner@bravo.test")
    assert len(mail.outbox) == 4


def test_password_reset_limited_per_client_across_addresses(tenant_a, tenant_b):
    users = [UserFactory(email=f"person{i}@example.test") for i in range(15)]
    client = Client(REMOTE_ADDR="198.51.100.7")
    for user in users:
        _reset(client, user.email)
    assert len(mail.outbox) == 10
    _reset(Client(REMOTE_ADDR="192.0.2.44"), "person14@example.test")
    assert len(mail.outbox) == 11


def test_password_reset_limited_per_address_across_clients(tenant_a, tenant_b, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(15):
        _reset(Client(REMOTE_ADDR=PROXY), "manager@alpha.test", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert len(mail.outbox) == 3
