"""core.csv: one way to stream a CSV, chunked, as a download."""

from __future__ import annotations

import csv
import io

from core.csv import csv_download, csv_stream, neutralise


def test_header_then_rows_in_chunks_with_progress():
    seen = []
    rows = ([i, f"name {i}", "=1+1"] for i in range(100))
    chunks = list(csv_stream(("n", "name", "formula"), rows, chunk_bytes=200, on_rows=seen.append))
    assert len(chunks) > 1 and all(isinstance(c, bytes) for c in chunks)
    parsed = list(csv.reader(io.StringIO(b"".join(chunks).decode())))
    assert parsed[0] == ["n", "name", "formula"] and len(parsed) == 101
    assert parsed[100] == ["99", "name 99", "=1+1"]  # cells are written as given
    assert seen[-1] == 100 and seen == sorted(seen)


def test_a_bom_for_spreadsheets_and_an_empty_body():
    assert b"".join(csv_stream(("a", "b"), [], bom=True)) == "\ufeffa,b\r\n".encode()


def test_rows_are_read_only_while_streaming():
    read = []

    def rows():
        read.append("started")
        yield ["x"]

    stream = csv_stream(("a",), rows())
    assert read == []
    assert b"".join(stream) == b"a\r\nx\r\n" and read == ["started"]


def test_the_download():
    response = csv_download(iter([b"a\r\n"]), filename="x.csv", cache_control="private, no-store")
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert csv_download(iter([]), filename="y.csv")["Cache-Control"] == "no-store"


def test_text_cells_are_neutralised_with_the_one_function():
    assert neutralise("=HYPERLINK(x)") == "'=HYPERLINK(x)" and neutralise("Jane") == "Jane"
