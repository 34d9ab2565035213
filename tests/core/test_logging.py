"""An expected refusal (403) logs one line, not a traceback; a server error keeps its own."""

from __future__ import annotations

import logging

import pytest


def test_a_forbidden_request_logs_one_line_without_a_traceback(tenant_a, caplog):
    manager = tenant_a.client(tenant_a.manager)
    url = f"/o/alpha/members/{tenant_a.owner_membership.pk}/"
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert manager.post(url, {"role": "viewer"}).status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage().startswith("Forbidden (Permission denied)")
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(("status", "kept"), [(404, False), (500, True)])
def test_the_filter_keeps_tracebacks_of_server_errors_only(status, kept):
    from core.logging import ClientErrorsWithoutTraceback

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "x", (), sys.exc_info()
        )
    record.status_code = status
    assert ClientErrorsWithoutTraceback().filter(record) is True
    assert (record.exc_info is not None) is kept


def test_make_run_logs_requests_only_when_they_fail():
    """`make run` (config.settings.local): runserver's request lines are warnings and errors
    only; a normal 200/302 (the demo's shoppers follow short links all day) prints nothing."""
    import os
    import subprocess
    import sys

    code = (
        "import django, logging; django.setup();"
        "l = logging.getLogger('django.server');"
        "print(l.getEffectiveLevel(), bool(l.handlers), l.propagate)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [str(logging.WARNING), "True", "False"]
