"""A real Celery worker killed in the middle of a sync leaves the data as it was, and the
redelivered task (acks_late) produces the same result as an uninterrupted sync."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from attribution.models import DailyMetric, Store, SyncRun
from attribution.sync.windows import default_window
from attribution.tasks import sync_store
from tenancy.scoping import tenant_scope
from tests.support.amazon import sandbox_control
from tests.support.sync import amazon_rows, stored_rows

ROOT = Path(__file__).resolve().parents[2]
WORKER_LOG = ROOT / "artifacts" / "celery-worker-crash-test.log"
VISIBILITY_TIMEOUT = 3  # seconds: the workers' broker setting (CELERY_VISIBILITY_TIMEOUT)
pytestmark = pytest.mark.django_db(transaction=True)


def start_worker(server) -> subprocess.Popen:
    WORKER_LOG.parent.mkdir(exist_ok=True)
    settings_dict = connection.settings_dict
    url = urlsplit(os.environ["DATABASE_URL"])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # the worker talks to this test run's database and sandbox
        "DATABASE_URL": urlunsplit(url._replace(path="/" + settings_dict["NAME"])),
        "AMAZON_SANDBOX_URL": server.url,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--concurrency",
            "1",
            "--loglevel",
            "info",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=WORKER_LOG.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def run_status(store: Store) -> str | None:
    with tenant_scope(store.organization_id):
        run = SyncRun.objects.filter(store_id=store.pk).order_by("-created_at").first()
        return run.status if run else None


def test_worker_killed_mid_sync_then_redelivered(us_store, amazon_sandbox):
    expected = amazon_rows(us_store, default_window(us_store))  # the scheduler's window
    # Amazon answers the first report page slowly: the worker will be inside the pull.
    sandbox_control(
        amazon_sandbox,
        "/sandbox/faults",
        {"delay": {"count": 1, "seconds": 30, "paths": ["/attribution/report"]}},
    )
    worker = start_worker(amazon_sandbox)
    try:
        sync_store.apply_async(
            args=[us_store.organization_id, us_store.pk, "schedule"], task_id="crash-test-task"
        )
        wait_for(lambda: run_status(us_store) == "running", 30, "the sync to start")
        time.sleep(0.5)
        os.killpg(worker.pid, signal.SIGKILL)  # the machine dies: no ack, no cleanup
        worker.wait(10)

        # nothing was written; the run shows it was interrupted
        assert stored_rows(us_store) == set()
        with tenant_scope(us_store.organization_id):
            store = Store.objects.get(pk=us_store.pk)
        assert store.sync_lease_owner == "crash-test-task"

        sandbox_control(amazon_sandbox, "/sandbox/reset", {})
        # The broker hands an unacknowledged message on once it is older than the visibility
        # timeout (3 s here). A new worker looks at startup, then (kombu 5.7) only about every
        # 100 s: start it when the message is already due, not a moment before.
        time.sleep(VISIBILITY_TIMEOUT + 0.5)
        worker = start_worker(amazon_sandbox)
        wait_for(lambda: run_status(us_store) == "succeeded", 60, "the redelivered sync")
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(15)

    assert stored_rows(us_store) == expected
    with tenant_scope(us_store.organization_id):
        runs = list(SyncRun.objects.filter(store_id=us_store.pk))
        store = Store.objects.get(pk=us_store.pk)
        count = DailyMetric.objects.count()
    assert [(r.task_id, r.status) for r in runs] == [("crash-test-task", "succeeded")]
    assert runs[0].rows_inserted == len(expected) == count
    assert store.sync_lease_owner == ""
