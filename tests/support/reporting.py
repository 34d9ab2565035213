"""Downloading the CSVs that finance reads: the aggregated export and payables."""

from __future__ import annotations

import csv
import io

from django.http import StreamingHttpResponse

from reporting.exports.csv import HEADER
from tests.support.sync import WINDOW


def read_csv(content: bytes) -> list[dict[str, str]]:
    """The aggregated export's rows (its header checked)."""
    text = content.decode("utf-8")
    assert text.splitlines()[0] == ",".join(HEADER)
    return list(csv.DictReader(io.StringIO(text)))


def export(client, slug="alpha", **params) -> bytes:
    """The aggregated export from the browser form (by default for the sync WINDOW)."""
    data = {"start": WINDOW.start.isoformat(), "end": WINDOW.end.isoformat(), **params}
    response = client.post(f"/o/{slug}/exports/", data)
    assert response.status_code == 200, response.content[:500]
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content)


def lines(client) -> list[dict[str, str]]:
    """Alpha's payables CSV."""
    response = client.get("/o/alpha/payables/csv/")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
