"""Operator surface: /healthz and create_tenant."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from tenancy.models import Membership, Role, User
from tenancy.scoping import tenant_scope


def test_healthz_reports_every_check(db):
    r = Client().get("/healthz")
    assert r.status_code == 200
    assert r.json() == {
        "status": "ok",
        "checks": {"database": "ok", "row_level_security": "ok", "migrations": "ok", "redis": "ok"},
    }


def test_healthz_is_503_when_redis_is_down(db):
    dead = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=dead):
        r = Client().get("/healthz")
    assert r.status_code == 503
    assert r.json()["checks"]["redis"].startswith("error")
    assert r.json()["checks"]["database"] == "ok"


def test_create_tenant(db):
    out = io.StringIO()
    call_command(
        "create_tenant",
        "acme-outdoor",
        "--name",
        "Acme Outdoor",
        "--owner-email",
        "Boss@Acme.test",
        "--owner-password",
        "s3cret-pass-123",
        stdout=out,
    )
    assert (
        "Created organisation acme-outdoor (Acme Outdoor) with owner boss@acme.test"
        in out.getvalue()
    )
    user = User.objects.get(email="boss@acme.test")
    assert user.check_password("s3cret-pass-123")
    from tenancy.models import Organization

    org = Organization.objects.get(slug="acme-outdoor")
    with tenant_scope(org):
        assert Membership.objects.get().role == Role.OWNER


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["taken", "--name", "X", "--owner-email", "a@b.test"], "slug: The slug 'taken' is taken."),
        (["Bad Slug!", "--name", "X", "--owner-email", "a@b.test"], "slug: Use lowercase letters"),
        (
            ["fine", "--name", "X", "--owner-email", "nope"],
            "owner_email: 'nope' is not a valid email",
        ),
    ],
)
def test_create_tenant_errors(db, args, message):
    call_command(
        "create_tenant", "taken", "--name", "T", "--owner-email", "t@t.test", stdout=io.StringIO()
    )
    with pytest.raises(CommandError, match=message.replace("'", ".").replace("!", ".")):
        call_command("create_tenant", *args, stdout=io.StringIO())
