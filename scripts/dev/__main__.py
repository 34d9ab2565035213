"""The verbs of `python -m scripts.dev` (see the package docstring)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading

from scripts.dev import (
    DATA,
    PYTHON,
    ROOT,
    SANDBOX_PORT,
    WEB_PORT,
    log,
)
from scripts.dev.processes import _wait_for_port, manage, supervise
from scripts.dev.services import dbsetup, services


def amazon_configured(env: dict[str, str]) -> bool:
    return bool(env.get("AMAZON_ADS_CLIENT_ID") and env.get("AMAZON_ADS_CLIENT_SECRET"))


def cmd_run(_: argparse.Namespace) -> int:
    with services() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        env.setdefault("SITE_URL", f"http://127.0.0.1:{WEB_PORT}")
        commands: dict[str, list[str]] = {}
        if not amazon_configured(env) and (ROOT / "amazon_sandbox").is_dir():
            sandbox_url = f"http://127.0.0.1:{SANDBOX_PORT}"
            env.setdefault("AMAZON_SANDBOX_URL", sandbox_url)
            # The sandbox's shoppers come from 127.0.0.1 with their own address in
            # X-Forwarded-For (amazon_sandbox/shoppers.py): count them as distinct visitors.
            env.setdefault("CLICKS_FORWARDED_FOR_DEPTH", "1")
            commands["sandbox"] = [
                PYTHON,
                "-m",
                "amazon_sandbox",
                "--port",
                str(SANDBOX_PORT),
                "--state",
                str(DATA / "sandbox.jsonl"),
            ]
        log("migrating the database")
        manage(env, "migrate", "--no-input", "--verbosity", "0")
        commands.update(
            {
                "web": [PYTHON, "manage.py", "runserver", f"127.0.0.1:{WEB_PORT}"],
                "worker": [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "--quiet",  # no start-up banner: the sign-in banner is the last word
                    "worker",
                    # Quiet in normal operation: no line per task (the click flush runs every
                    # few seconds); warnings and failures still show. The sync page has results.
                    "-l",
                    "warning",
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
                    "warning",
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
                manage(env, "seed_demo", *(["--live-shoppers"] if "sandbox" in commands else []))
            except subprocess.CalledProcessError:
                log("demo data could not be loaded (see above)")
                return
            _wait_for_port(WEB_PORT)
            _banner(env)

        threading.Thread(target=seed_then_banner, daemon=True).start()
        code = supervise(commands, env)
    return code


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
