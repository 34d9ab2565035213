"""Reads from a PostgreSQL read replica, only where it cannot show stale or foreign data.

With `DATABASE_REPLICA_URL` set, settings add the database alias `replica` and
`ReplicaRouter`. A read goes to the replica only when all of these hold:

1. the code asked for it: inside `replica_reads()` (the dashboards, the campaign performance
   tab, exports, the creator portal's pages; `ReplicaReadsMixin` marks a view's GET);
2. the current transaction on the primary has not written anything (an ORM write, a raw
   INSERT/UPDATE/DELETE, a SELECT ... FOR UPDATE): what a transaction wrote is only on the
   primary, so after its first write every read of that transaction stays there;
3. the visitor did not write recently: a request that wrote (or any POST, PUT, PATCH, DELETE)
   pins its browser to the primary for `DATABASE_REPLICA_PIN_SECONDS` (a cookie), longer than
   the replica's lag, so a user always sees their own changes.
Everything else (writes, unmarked reads) uses `default`, the primary.

Row-level security binds the replica like the primary: the replica connection runs as the
same role, and before every statement on it the tenant and user in scope
(`tenancy.scoping`) are set transaction-locally (`app.tenant_id`, `app.user_id`), inside the
transaction `replica_reads()` opens on the replica. A statement with no tenant in scope, or
one run outside that transaction, matches no tenant row: it fails closed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.views import View

from tenancy.scoping import current_tenant_id_or_none, current_user_id_or_none

REPLICA = "replica"
PIN_COOKIE = "amzattr_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_marked: ContextVar[bool] = ContextVar("replica_marked", default=False)
_pinned: ContextVar[bool] = ContextVar("replica_pinned", default=False)
# this request (or task) wrote to the primary: its visitor gets pinned
_wrote: ContextVar[bool] = ContextVar("replica_wrote", default=False)

_WRITE_RE = re.compile(
    r"^\s*(INSERT|UPDATE|DELETE|MERGE|COPY|CREATE|ALTER|DROP|TRUNCATE)\b"
    r"|\bFOR\s+(NO\s+KEY\s+)?UPDATE\b|\bFOR\s+(KEY\s+)?SHARE\b"
    r"|^\s*WITH\b.*\b(INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\b",
    re.IGNORECASE | re.DOTALL,
)


def replica_enabled() -> bool:
    return bool(getattr(settings, "DATABASE_REPLICA_READS", False)) and (
        REPLICA in settings.DATABASES
    )


def _transaction_of(primary: Any) -> Any:
    """The primary's open transaction: its outermost atomic block (a test case's own wrapping
    block skipped), None outside one."""
    blocks = primary.atomic_blocks
    for block in blocks:
        if not getattr(block, "_from_testcase", False):
            return block
    return blocks[0] if blocks else None


def _write_transaction_open() -> bool:
    primary = connections[DEFAULT_DB_ALIAS]
    current = _transaction_of(primary)
    return current is not None and getattr(primary, "replica_tx_wrote", None) is current


def reads_from_replica() -> bool:
    """Whether a read now goes to the replica (the rules in the module docstring)."""
    return (
        _marked.get() and not _pinned.get() and replica_enabled() and not _write_transaction_open()
    )


def read_alias() -> str:
    """The alias a raw-SQL read should use now (the router's answer for ORM reads)."""
    return REPLICA if reads_from_replica() else DEFAULT_DB_ALIAS


def _note_write() -> None:
    if not replica_enabled():
        return
    _wrote.set(True)
    primary = connections[DEFAULT_DB_ALIAS]
    # remembers which transaction wrote: the next one starts clean (a rolled-back write too)
    primary.replica_tx_wrote = _transaction_of(primary)  # type: ignore[attr-defined]


@contextmanager
def replica_reads() -> Iterator[None]:
    """Mark the block's reads as fit for the replica (it still decides per read)."""
    token = _marked.set(True)
    try:
        if replica_enabled() and reads_from_replica():
            with transaction.atomic(using=REPLICA):
                yield
        else:
            yield
    finally:
        _marked.reset(token)


def reset_context() -> None:
    """Start of a request or task: nothing written, nothing pinned, nothing marked."""
    _wrote.set(False)
    _pinned.set(False)
    _marked.set(False)
    connections[DEFAULT_DB_ALIAS].replica_tx_wrote = None  # type: ignore[attr-defined]


class ReplicaRouter:
    """DATABASE_ROUTERS entry (with no replica it answers `default`). Answers an alias
    always, so an instance read from the replica is never followed there by later reads."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: Any, **hints: Any) -> str:
        _note_write()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two ways in

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


# --- the connections' statement hooks (installed by tenancy.apps on connection_created) --------


def primary_write_watcher(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    if _WRITE_RE.search(str(sql)[:4000]):
        _note_write()
    return execute(sql, params, many, context)


_SET_SCOPE = "SELECT set_config('app.tenant_id', %s, true), set_config('app.user_id', %s, true)"


def replica_scope_setter(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """Before every statement on the replica: the tenant and user in scope, for this
    transaction (on a cursor of its own, so a server-side cursor's statement is unchanged)."""
    tenant, user = current_tenant_id_or_none(), current_user_id_or_none()
    with context["connection"].connection.cursor() as raw:
        raw.execute(
            _SET_SCOPE, ["" if tenant is None else str(tenant), "" if user is None else str(user)]
        )
    return execute(sql, params, many, context)


def install_hooks(connection: Any) -> None:
    if connection.alias == REPLICA:
        hook = replica_scope_setter
    elif connection.alias == DEFAULT_DB_ALIAS:
        hook = primary_write_watcher
    else:
        return
    if hook not in connection.execute_wrappers:
        # At the bottom of the stack: Django's `execute_wrapper()` context managers (pghistory's
        # actor context among them) pop the LAST wrapper when they end, so a hook appended
        # inside one (a connection opened within it) would be popped in its place, leaving
        # theirs installed for good.
        connection.execute_wrappers.insert(0, hook)


# --- the web side --------------------------------------------------------------------------


class ReplicaPinMiddleware:
    """Per request: start clean, read the visitor's pin; after a request that wrote (or an
    unsafe method), pin the visitor to the primary for DATABASE_REPLICA_PIN_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reset_context()
        try:
            pinned_until = float(request.COOKIES.get(PIN_COOKIE, "0"))
        except ValueError:
            pinned_until = 0.0
        _pinned.set(pinned_until > time.time())
        response = self.get_response(request)
        if replica_enabled() and (_wrote.get() or request.method not in SAFE_METHODS):
            seconds = int(getattr(settings, "DATABASE_REPLICA_PIN_SECONDS", 10))
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        reset_context()
        return response


class ReplicaReadsMixin(View):
    """A view whose GET/HEAD reads may come from the replica. Put it after the view's access
    base (OrgView, PortalView), so sign-in and membership are checked on the primary."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        with replica_reads():
            return super().dispatch(request, *args, **kwargs)
