"""The redirect behind a threaded server (what `make run`'s runserver and Django's live server
are: one thread per connection): 1,000 clicks, each on its own connection as visitors' clicks
arrive, all handed to Redis through the process's one connection pool. None falls back to
PostgreSQL, none fails, and neither Redis nor PostgreSQL sees a connection per thread. Also:
the pool is per process (a forked child opens its own), and the dev server closes its
database connection after each request."""

from __future__ import annotations

import http.client
import logging
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import connection

from campaigns.clicks import flush, keys
from campaigns.models import ClickEvent
from tenancy.scoping import tenant_scope

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)
REQUESTS = 1_000
THREADS = 20
ROOT = Path(__file__).resolve().parents[2]
FALLBACK_LOGGER = "campaigns.views.redirect"  # logs each click written without Redis


def get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """One GET on a connection of its own (a visitor's click), closed afterwards."""
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request("GET", path, headers={"User-Agent": CHROME, **(headers or {})})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


def pg_connections(dsn_settings: dict) -> int:
    """Sessions open on this database (from a connection of our own, not counted)."""
    with (
        psycopg2.connect(
            dbname=dsn_settings["NAME"],
            user=dsn_settings["USER"],
            password=dsn_settings["PASSWORD"],
            host=dsn_settings["HOST"],
            port=dsn_settings["PORT"] or 5432,
        ) as conn,
        conn.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        (count,) = cursor.fetchone()
    conn.close()
    return int(count)


class Peak:
    """Samples Redis and PostgreSQL connection counts in the background; keeps the highest."""

    def __init__(self, redis_url: str, db_settings: dict) -> None:
        self.monitor = redis.Redis.from_url(redis_url)
        self.db = int(urlsplit(redis_url).path.lstrip("/") or 0)
        self.db_settings = db_settings
        self.redis = self.postgres = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def redis_connections(self) -> int:
        """Connections to our Redis database, the monitor's own excluded."""
        return sum(1 for c in self.monitor.client_list() if int(c["db"]) == self.db) - 1

    def _run(self) -> None:
        while not self._stop.is_set():
            self.redis = max(self.redis, self.redis_connections())
            self.postgres = max(self.postgres, pg_connections(self.db_settings))
            self._stop.wait(0.05)

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.monitor.close()


def test_a_thousand_clicks_through_a_threaded_server_never_fall_back(worlds, live_server, caplog):
    world = worlds["alpha"]
    link = world.link(0, "B0EXAMPLE1")
    path = f"/l/{link.code}"
    assert get(live_server.url, path)[0] == 302  # route cached; warm
    caplog.set_level(logging.WARNING, logger=FALLBACK_LOGGER)
    caplog.clear()
    db_settings = connection.settings_dict
    before_pg = pg_connections(db_settings)
    before_redis = Peak(settings.REDIS_URL, db_settings).redis_connections()

    with Peak(settings.REDIS_URL, db_settings) as peak:
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(lambda _: get(live_server.url, path), range(REQUESTS)))
        time.sleep(0.2)  # one more sample after the last request
    after_redis = Peak(settings.REDIS_URL, db_settings).redis_connections()

    assert [r for r in results if r != (302, link.destination_url)] == []
    fallbacks = [r for r in caplog.records if r.name == FALLBACK_LOGGER]
    assert len(fallbacks) == 0, fallbacks[0].getMessage()
    # every click went through the Redis stream; none was written to PostgreSQL directly
    with tenant_scope(world.org):
        assert ClickEvent.objects.count() == 0
    assert flush.clicks_pending() == REQUESTS + 1
    # Redis: at most one more connection per request in flight (the pool's high-water mark),
    # none per thread, nothing left growing
    assert peak.redis - before_redis <= THREADS, (before_redis, peak.redis)
    assert after_redis - before_redis <= THREADS, (before_redis, after_redis)
    # a cached route costs no SQL: the server threads open no PostgreSQL session at all
    assert peak.postgres <= before_pg + 1, (before_pg, peak.postgres)
    assert flush.clicks_flush(stale_ms=0) == REQUESTS + 1
    with tenant_scope(world.org):
        assert ClickEvent.objects.filter(is_unique=True).count() == 1


def test_one_pool_per_process_shared_by_threads_and_renewed_in_a_forked_child(settings):
    settings.CLICKS_REDIS_URL = settings.REDIS_URL + "?health_check_interval=30"  # a fresh pool
    script = keys.Script("return redis.call('INCR', KEYS[1])")
    parent = keys.client()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: keys.run_script(script, ["t:n"], []), range(200)))
    assert keys.client() is parent and parent.connection_pool.pid == os.getpid()
    # every connection went back to the one pool: never more than ran at once
    assert 1 <= len(parent.connection_pool._connections) <= 8
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # gunicorn and Celery prefork: a pool of its own, none of the parent's sockets
        try:
            mine = keys.client()
            fresh = mine is not parent and mine.connection_pool is not parent.connection_pool
            n = keys.run_script(script, ["t:n"], [])
            os.write(write_end, f"{int(fresh)} {n}".encode())
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert os.read(read_end, 64).decode() == "1 201"
    os.close(read_end)
    os.close(write_end)
    assert keys.run_script(script, ["t:n"], []) == 202  # the parent's connections still work


def test_the_dev_server_keeps_no_database_connection_per_thread(db, tmp_path):
    """`make run` serves the web with runserver (scripts/dev.py), which gives each client
    connection a thread. Browsers keep connections open; a persistent database connection
    per thread then holds PostgreSQL sessions until it runs out of them."""
    db_settings = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": (
            f"postgres://{db_settings['USER']}:{db_settings['PASSWORD']}@"
            f"{db_settings['HOST'] or '127.0.0.1'}:{db_settings['PORT'] or 5432}/"
            f"{db_settings['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_CONN_MAX_AGE", None)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "runserver.log", "wb"),  # noqa: SIM115
    )
    held: list[http.client.HTTPConnection] = []
    try:
        _wait_for(port)
        before = pg_connections(db_settings)
        # 12 browsers, each keeping its connection open after a page that reads the database
        for _ in range(12):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (response.status, response.getheader("Connection"))
            assert response.getheader("Connection") != "close"  # kept alive, thread waits
            held.append(conn)
        time.sleep(0.3)
        assert pg_connections(db_settings) - before <= 1
    finally:
        for conn in held:
            conn.close()
        server.terminate()
        server.wait(10)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail("runserver did not start")
