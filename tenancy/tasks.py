"""One way to write a tenant's task, and one way for a scheduler to visit every tenant.

`@tenant_task(name=...)` (Sentry's `instrumented_task` is the model): the task takes the
organisation's id first (ids in, never model instances), is `acks_late`, bails out when the
organisation is gone, and retries transient errors (database and Redis connection trouble)
with exponential backoff and jitter. With `atomic=True` (the default) its body runs inside
`tenant_scope(organization_id)`, one transaction; a long job that commits progress as it goes
passes `atomic=False` and opens `tenant_scope(organization_id)` around each step itself.

Enqueue with `task.delay_on_commit(...)` (Celery's Django task class), never `.delay()` inside
an open transaction: a rolled-back transaction then queues nothing.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import redis.exceptions
from celery import shared_task
from django.db import InterfaceError, OperationalError

from tenancy.models import Organization
from tenancy.scoping import tenant_scope

log = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])

# Worth another try after a pause: the database or Redis went away for a moment.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def tenant_task(
    *, name: str, atomic: bool = True, bind: bool = False, max_retries: int = 5, **options: Any
) -> Callable[[F], Any]:
    """Register `func(organization_id, ...)` (or `func(self, organization_id, ...)` with
    `bind=True`) as the Celery task `name`; see the module docstring."""

    def decorator(func: F) -> Any:
        @functools.wraps(func)
        def run(task: Any, organization_id: int, *args: Any, **kwargs: Any) -> Any:
            if not Organization.objects.filter(pk=organization_id).exists():
                log.info("%s: organisation %s is gone; nothing to do", name, organization_id)
                return None
            call = functools.partial(func, task) if bind else func
            if not atomic:
                return call(organization_id, *args, **kwargs)
            with tenant_scope(organization_id):
                return call(organization_id, *args, **kwargs)

        return shared_task(
            name=name,
            bind=True,
            acks_late=True,
            ignore_result=True,
            autoretry_for=TRANSIENT_ERRORS,
            retry_backoff=True,
            retry_backoff_max=10 * 60,
            retry_jitter=True,
            max_retries=max_retries,
            **options,
        )(run)

    return decorator


def for_each_tenant() -> Iterator[int]:
    """Every organisation's id, in id order, each yielded inside its own `tenant_scope`:
    how schedulers cross tenants (row-level security shows them one at a time)."""
    for organization_id in Organization.objects.values_list("pk", flat=True).order_by("pk"):
        with tenant_scope(organization_id):
            yield organization_id
