"""CSV streaming: a header and rows written as UTF-8 chunks of about 64 KB while the rows are
read (memory stays flat whatever the length), and the download response around them.

Cells arrive ready to write: text a spreadsheet would run as a formula goes through
`core.csvsafe.neutralise` (re-exported here) first; amounts are machine text from
`core.money.money_text` or Decimals, so a clawback stays "-1.20" and sums."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.http import StreamingHttpResponse

from core.csvsafe import neutralise

__all__ = ["CHUNK_BYTES", "csv_download", "csv_stream", "neutralise"]

CHUNK_BYTES = 64 * 1024


class _Echo:
    """A file-like object whose write() returns what it was given (csv writes to it)."""

    def write(self, value: str) -> str:
        return value


def csv_stream(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    bom: bool = False,
    on_rows: Callable[[int], None] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[bytes]:
    """The header, then every row, as UTF-8 chunks of about `chunk_bytes`. `bom` starts the
    file with a byte-order mark (spreadsheets then read UTF-8); `on_rows(n)` is told the
    running row count (header not counted) after each chunk and at the end. Rows are read
    lazily: a generator that opens its own tenant scope can feed a streaming response."""
    writer = csv.writer(_Echo())
    parts = [("\ufeff" if bom else "") + writer.writerow(header)]
    size, count = len(parts[0]), 0
    for row in rows:
        line = writer.writerow(row)
        parts.append(line)
        size += len(line)
        count += 1
        if size >= chunk_bytes:
            yield "".join(parts).encode()
            parts, size = [], 0
            if on_rows:
                on_rows(count)
    if parts:
        yield "".join(parts).encode()
    if on_rows:
        on_rows(count)


def csv_download(
    content: Iterable[bytes], *, filename: str, cache_control: str = "no-store"
) -> StreamingHttpResponse:
    """A streamed CSV attachment. The request's transaction has ended by the time the body is
    sent: `content` opens its own tenant scope while it reads."""
    response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = cache_control
    return response
