"""The one way to write a tenant task (`tenant_task`) and to visit every tenant
(`for_each_tenant`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import OperationalError

from tenancy.models import Membership
from tenancy.scoping import current_tenant_id_or_none
from tenancy.tasks import for_each_tenant, tenant_task

ROOT = Path(__file__).resolve().parents[2]
seen: list = []


@tenant_task(name="tests.tenant_task_probe")
def probe(organization_id: int, fail_times: int = 0) -> int:
    seen.append((organization_id, current_tenant_id_or_none()))
    if len([s for s in seen if s[0] == organization_id]) <= fail_times:
        raise OperationalError("the database went away for a moment")
    return Membership.objects.count()


@pytest.fixture(autouse=True)
def _reset():
    seen.clear()


def test_a_tenant_task_runs_in_its_tenants_scope_and_sees_only_its_rows(tenant_a, tenant_b):
    result = probe.apply(args=[tenant_a.org.pk]).get()
    assert result == 2  # alpha's owner and manager, none of bravo's
    assert seen == [(tenant_a.org.pk, tenant_a.org.pk)]


def test_a_tenant_task_for_a_deleted_organisation_does_nothing(tenant_a):
    assert probe.apply(args=[987654]).get() is None
    assert seen == []


def test_transient_errors_are_retried_with_backoff(tenant_a, settings):
    assert probe.autoretry_for and OperationalError in probe.autoretry_for
    assert probe.retry_backoff and probe.retry_jitter and probe.acks_late
    result = probe.apply(args=[tenant_a.org.pk, 2]).get()
    assert result == 2
    assert len(seen) == 3


def test_for_each_tenant_visits_every_organisation_in_its_own_scope(tenant_a, tenant_b):
    visits = [
        (org_id, current_tenant_id_or_none(), Membership.objects.count())
        for org_id in for_each_tenant()
    ]
    assert visits == [(tenant_a.org.pk, tenant_a.org.pk, 2), (tenant_b.org.pk, tenant_b.org.pk, 2)]


def test_tasks_are_enqueued_on_commit_never_with_delay_inside_a_transaction():
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", "bench/", "node_modules/")):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"[\w)\]]\.delay\(", line):
                offenders.append(f"{rel}:{number}")
    assert offenders == []
