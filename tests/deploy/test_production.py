"""Production settings refuse to run half-configured, and the container's healthcheck passes
under them. Each test boots Django in a subprocess with `config.settings.production` and the
environment docker-compose.yml gives it (production settings cannot be loaded twice in one
process)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HOST = "attribution.example.com"


def production_env(**overrides: str) -> dict[str, str]:
    """What .ci/run's `check --deploy` step sets, plus this test run's database and Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="production-test-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS=f"{HOST},www.{HOST}",
        DJANGO_CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        FIELD_ENCRYPTION_KEYS=os.environ["FIELD_ENCRYPTION_KEYS"],
        EMAIL_URL="smtp://localhost:25",
    )
    env.update(overrides)
    return env


def run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


BOOT = """
    import django
    django.setup()
    from django.conf import settings
    print(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)
"""


def test_production_refuses_to_start_without_email_url():
    env = production_env()
    del env["EMAIL_URL"]
    result = run(BOOT, env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set the EMAIL_URL environment variable" in result.stderr


def test_production_sends_mail_through_email_url():
    result = run(BOOT, production_env(EMAIL_URL="smtp+tls://mailer:secret@mail.internal:587"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.internal",
        "587",
    ]


def compose_web_healthcheck() -> str:
    """The Python code docker-compose.yml's web healthcheck runs (`python -c CODE`)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"], test
    return test[3]


# Serves config.wsgi (production settings) on a free port of 127.0.0.1, then runs the compose
# healthcheck's own code against it (its port rewritten). Exit status 0 = the check passed.
HEALTHCHECK = """
    import sys, threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server
    from config.wsgi import application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            sys.stderr.write("request: " + (args[0] % args[1:]) + "\\n")

    server = make_server("127.0.0.1", 0, application, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    code = CHECK.replace("127.0.0.1:8000", "127.0.0.1:%d" % server.server_port)
    assert code != CHECK, "the healthcheck no longer calls http://127.0.0.1:8000"
    exec(code)
    server.shutdown()  # waits for the request's handling, its log line included
    print("healthy")
"""


@pytest.mark.django_db
def test_compose_healthcheck_passes_under_production_settings():
    # the test database (migrated, row-level security on) and the test Redis
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}"
    )
    code = f"CHECK = {compose_web_healthcheck()!r}\n" + textwrap.dedent(HEALTHCHECK)
    env = production_env(DATABASE_URL=url, REDIS_URL=settings.REDIS_URL)
    result = run(code, env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "healthy"
    # plain http, no redirect to https, no DisallowedHost: one request, answered 200
    assert result.stderr.count("request: ") == 1, result.stderr
    assert '"GET /healthz HTTP/1.1" 200' in result.stderr
