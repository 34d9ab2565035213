"""Who acted: the pghistory context every audit event carries.

The triggers copy the transaction's `pghistory.context_metadata` into each event row
(`pgh_context`, a JSON column of the event's own tenant table: nothing is shared between
tenants, and pghistory's own context table is never written; see migrations). What lands there:

- a web or API request: `{"user": id, "email": ..., "url": path}`, or for an API key
  `{"api_key": prefix, "api_key_name": name, "url": path}`. The request's user is read when
  the first write happens (or when a view sets `request.user`, as DRF does), so a read-only
  request costs nothing;
- a Celery task: `{"task": "attribution.sync_store"}`;
- a management command (and `manage.py shell`): `{"command": "sync_attribution"}`.

A task run eagerly inside a request keeps the request's actor (the person who asked).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pghistory
import pghistory.runtime
from django.core.handlers.wsgi import WSGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import HttpRequest, HttpResponse

_local = threading.local()

# pghistory prefixes every statement but reads with the actor (two set_config calls). Savepoints
# carry no change: leave them alone, so only a statement that writes encodes the actor (and
# reads `request.user`) and marks the transaction as carrying it.
_SAVEPOINTS = ("savepoint", "release savepoint", "rollback to savepoint")
if not set(_SAVEPOINTS) <= set(pghistory.runtime.IGNORED_SQL_PREFIXES):
    pghistory.runtime.IGNORED_SQL_PREFIXES = (  # type: ignore[assignment]
        *pghistory.runtime.IGNORED_SQL_PREFIXES,
        *_SAVEPOINTS,
    )


def context_active() -> bool:
    """True inside a `pghistory.context` (a request, a task or a command)."""
    return hasattr(pghistory.runtime._tracker, "value")


def _clear_db_context() -> None:
    """Forget the actor in the database too. pghistory sets it transaction-local, so it ends with
    the transaction; but a transaction that outlives the context (a test, a command's outer
    block) must not hand the finished actor to the next change."""
    if not getattr(_local, "sent", False):
        return  # no statement carried the actor: nothing to forget (and no query spent)
    _local.sent = False
    if not connection.in_atomic_block or connection.connection is None:
        return
    with connection.cursor() as cursor:
        if pghistory.runtime._is_transaction_errored(cursor):
            return
        cursor.execute(
            "SELECT set_config('pghistory.context_metadata', '', true),"
            " set_config('pghistory.context_id', '', true)"
        )


@contextmanager
def acting(**metadata: Any) -> Iterator[None]:
    """`pghistory.context(**metadata)` that also clears the database side when it ends."""
    outer = context_active()
    with pghistory.context(**metadata):
        if not outer:
            _local.sent = False
        try:
            yield
        finally:
            if not outer:
                _clear_db_context()


def actor_of(user: Any) -> dict[str, Any]:
    """The context keys naming `user`: a member (id and e-mail at the time), an API key
    (duck-typed: `api.authentication.ApiKeyPrincipal` carries `.api_key`), or nobody."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    key = getattr(user, "api_key", None)
    if key is not None:
        return {"api_key": str(key.prefix), "api_key_name": str(key.name)}
    if getattr(user, "pk", None) is None:
        return {}
    return {"user": user.pk, "email": str(getattr(user, "email", ""))}


class _LazyActor:
    """The request's user, resolved when a statement that writes is sent (JSON-encoded by
    `ContextEncoder`), so reading `request.user` costs nothing on requests that never write."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.value: dict[str, Any] | None = None

    def resolve(self) -> dict[str, Any]:
        if self.value is None:
            self.value = actor_of(getattr(self.request, "user", None))
        return self.value


class ContextEncoder(DjangoJSONEncoder):
    """PGHISTORY_JSON_ENCODER: Django's encoder, plus the lazy request actor."""

    def encode(self, o: Any) -> str:
        _local.sent = True  # pghistory encodes the context for each statement it prefixes
        if isinstance(o, dict) and isinstance(o.get("actor"), _LazyActor):
            o = {**{k: v for k, v in o.items() if k != "actor"}, **o["actor"].resolve()}
        return super().encode(o)


class _ActorRequest:
    """Mixed into the request's class: a view that sets `request.user` (DRF authenticates in
    the view, API keys included) updates the actor."""

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name == "user":
            lazy = getattr(self, "_audit_actor", None)
            if lazy is not None:
                lazy.value = None  # resolve again, from the new user


_request_classes: dict[type, type] = {}


def _actor_request_class(cls: type) -> type:
    if cls not in _request_classes:
        _request_classes[cls] = type(f"Audit{cls.__name__}", (_ActorRequest, cls), {})
    return _request_classes[cls]


class AuditContextMiddleware:
    """Every request runs in a pghistory context naming its actor (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if context_active():  # e.g. a test client inside a command's context
            return self.get_response(request)
        lazy = _LazyActor(request)
        if isinstance(request, WSGIRequest):
            request.__class__ = _actor_request_class(request.__class__)
        request._audit_actor = lazy  # type: ignore[attr-defined]
        with acting(actor=lazy, url=request.path[:500]):
            return self.get_response(request)


# --- Celery tasks and management commands -----------------------------------------------------


def _task_started(task: Any = None, **kwargs: Any) -> None:
    stack = getattr(_local, "tasks", None)
    if stack is None:
        stack = _local.tasks = []
    if context_active():
        stack.append(None)  # eager inside a request or command: keep that actor
        return
    ctx = acting(task=str(getattr(task, "name", "") or "task"))
    ctx.__enter__()
    stack.append(ctx)


def _task_finished(**kwargs: Any) -> None:
    stack = getattr(_local, "tasks", None)
    if stack:
        ctx = stack.pop()
        if ctx is not None:
            ctx.__exit__(None, None, None)


def connect_task_signals() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, dispatch_uid="audit.task_started", weak=False)
    task_postrun.connect(_task_finished, dispatch_uid="audit.task_finished", weak=False)


def patch_commands() -> None:
    """Run every management command in a context naming it. Django has no hook around a
    command, so BaseCommand.execute is wrapped once (operator commands, `shell` included)."""
    from django.core.management.base import BaseCommand

    original = BaseCommand.execute
    if getattr(original, "_audit_wrapped", False):
        return

    def execute(self: BaseCommand, *args: Any, **options: Any) -> Any:
        if context_active():
            return original(self, *args, **options)
        name = type(self).__module__.rsplit(".", 1)[-1]
        with acting(command=name):
            return original(self, *args, **options)

    execute._audit_wrapped = True  # type: ignore[attr-defined]
    BaseCommand.execute = execute  # type: ignore[method-assign]
