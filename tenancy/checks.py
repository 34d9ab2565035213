"""Refuse to run as a database role that row-level security would not bind."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.signals import connection_created
from django.dispatch import receiver

_checked: set[tuple[str, str]] = set()


def role_bypasses_rls(cursor: Any) -> str | None:
    """The reason the connected role would bypass RLS, or None when it is bound by it."""
    cursor.execute(
        "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    name, superuser, bypass = cursor.fetchone()
    if superuser:
        return f"database role {name!r} is a superuser"
    if bypass:
        return f"database role {name!r} has BYPASSRLS"
    return None


@receiver(connection_created)
def refuse_rls_bypassing_role(sender: Any, connection: Any, **kwargs: Any) -> None:
    key = (connection.alias, str(connection.settings_dict.get("USER")))
    if key in _checked:
        return
    with connection.cursor() as cursor:
        reason = role_bypasses_rls(cursor)
    if reason:
        raise ImproperlyConfigured(
            f"Refusing to start: {reason}, so row-level security would not isolate tenants. "
            "Point DATABASE_URL at the application role (NOSUPERUSER NOBYPASSRLS); "
            "`python -m scripts.dev dbsetup` creates it from DATABASE_ADMIN_URL."
        )
    _checked.add(key)
