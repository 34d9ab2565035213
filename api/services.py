"""API keys: create (the key is returned once), revoke, and find a key by what a client sent.
Finding happens before any tenant is known, so it is the one cross-tenant read of this app."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from api.models import KEY_ROLES, ApiKey
from tenancy.models import User

PREFIX_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 12
LAST_USED_EVERY = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_key_create(*, name: str, role: str, created_by: User | None) -> tuple[ApiKey, str]:
    """A new key of the tenant in scope: (the row, the key to show once)."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the key a name (what uses it)."
    elif len(name) > 100:
        errors["name"] = "At most 100 characters."
    if role not in dict(KEY_ROLES):
        errors["role"] = "Pick one of: " + ", ".join(dict(KEY_ROLES)) + "."
    if errors:
        raise ValidationError(errors)
    prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    raw = f"{settings.API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            name=name, role=role, prefix=prefix, key_hash=_hash(raw), created_by=created_by
        )
    return key, raw


def api_key_revoke(*, api_key: ApiKey, user: User | None) -> ApiKey:
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.revoked_by = user
        api_key.save(update_fields=["revoked_at", "revoked_by"])
    return api_key


def api_key_find(*, raw: str) -> ApiKey | None:
    """The active key `raw` is, across tenants, or None. Row-level security lets this
    transaction read exactly the row whose prefix is in `app.api_key_prefix`; the hash is
    compared in constant time."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != settings.API_KEY_PREFIX:
        return None
    prefix = parts[1]
    if len(prefix) != PREFIX_LENGTH or any(c not in PREFIX_ALPHABET for c in prefix):
        return None
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.api_key_prefix', %s, true)", [prefix])
        # unscoped: the key names its tenant; nothing else is known yet (api.authentication).
        key = ApiKey.unscoped.filter(prefix=prefix).select_related("organization").first()
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.api_key_prefix', '', true)")
    if key is None or not hmac.compare_digest(key.key_hash, _hash(raw.strip())):
        return None
    if key.revoked_at is not None:
        return None
    return key


def api_key_touch(*, api_key: ApiKey) -> None:
    """Record use, at most once a minute per key (the tenant is in scope by now)."""
    now = timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < LAST_USED_EVERY:
        return
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    api_key.last_used_at = now
