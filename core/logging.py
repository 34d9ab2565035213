"""Logging filters.

Django logs a refused request (403, 404, 400, ...) at WARNING with the exception attached,
so every expected "Forbidden (Permission denied)" printed a traceback as if something broke.
A client error is the client's: one line says what happened; server errors keep theirs."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
