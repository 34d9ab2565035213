"""The clock that a store's days are read from. One function, so a test can stand at any instant
(`monkeypatch.setattr(clock, "now", ...)`) without a time-freezing dependency."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
