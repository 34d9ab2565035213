"""The app's database sessions run without JIT compilation (config.settings.base, issue 16):
compiling a page's ranking cost more than it saved."""

from __future__ import annotations

from django.db import connection


def test_the_apps_connections_run_without_jit(db):
    with connection.cursor() as cur:
        cur.execute("SHOW jit")
        assert cur.fetchone()[0] == "off"
