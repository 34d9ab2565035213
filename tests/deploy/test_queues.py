"""Celery queues: every task lands on a queue a docker-compose worker service consumes, and the
click flush has a worker of its own, so a long backfill or export never delays it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from config.celery import app

ROOT = Path(__file__).resolve().parents[2]
QUEUES = {"clicks", "sync", "exports", "default"}


def compose_services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def worker_queues() -> dict[str, set[str]]:
    """{service: the queues its `celery worker -Q` consumes}."""
    found = {}
    for name, service in compose_services().items():
        command = service.get("command") or []
        if "worker" in command and "celery" in command:
            assert "-Q" in command, f"{name} must name its queues"
            found[name] = set(command[command.index("-Q") + 1].split(","))
    return found


def queue_of(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name)
    return route["queue"].name


def product_tasks() -> list[str]:
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def test_each_kind_of_work_has_its_queue():
    assert queue_of("campaigns.clicks_flush") == "clicks"
    assert queue_of("attribution.sync_store") == "sync"
    assert queue_of("attribution.sync_due_stores") == "sync"
    assert queue_of("reporting.export_run") == "exports"
    assert queue_of("campaigns.links_generate") == "default"
    assert queue_of("campaigns.clicks_partitions_maintain") == "default"
    assert queue_of("some.task_nobody_routed") == "default"


def test_every_task_lands_on_a_queue_a_compose_worker_consumes():
    consumed = set().union(*worker_queues().values())
    assert consumed == QUEUES
    tasks = product_tasks()
    assert "campaigns.clicks_flush" in tasks and "attribution.sync_store" in tasks
    for name in tasks:
        assert queue_of(name) in consumed, name


def test_the_click_flush_has_a_worker_service_of_its_own():
    services = worker_queues()
    flushers = [name for name, queues in services.items() if "clicks" in queues]
    assert flushers == ["worker-clicks"]
    assert services["worker-clicks"] == {"clicks"}
    # one service per queue group, beat not among them (it must stay single)
    assert sorted(services) == ["worker", "worker-clicks", "worker-exports", "worker-sync"]
    assert "beat" in compose_services()["beat"]["command"]


def test_a_worker_without_queues_named_consumes_all_four():
    """make run and the tests start `celery worker` without -Q."""
    assert {q.name for q in app.amqp.queues.values()} == QUEUES


def test_web_publishes_a_port_range_so_it_can_scale():
    assert compose_services()["web"]["ports"] == ["8000-8009:8000"]


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="docker-compose not installed")
def test_docker_compose_config_is_valid():
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "DJANGO_SECRET_KEY": "x",
        "POSTGRES_PASSWORD": "x",
        "APP_DB_PASSWORD": "x",
        "FIELD_ENCRYPTION_KEYS": "x",
        "DJANGO_ALLOWED_HOSTS": "x",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://x",
        "EMAIL_URL": "smtp://x:25",
    }
    result = subprocess.run(
        ["docker-compose", "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
