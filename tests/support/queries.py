"""Counting the SQL statements of one request (query-count guards)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url: str) -> int:
    """How many SQL statements one GET of `url` runs."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def cold_queries_for(client, url: str) -> int:
    """`queries_for` with nothing memoized (attribution.rollups.memoized_ranges_sql): every
    request then counts the same statements, as the first view after a sync does."""
    from django.core.cache import cache

    cache.clear()
    return queries_for(client, url)
