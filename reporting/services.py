"""Writes of the reporting side: conversions settle from the synced facts."""

from __future__ import annotations

from attribution.models import Store, SyncRun


def conversions_settle(*, store: Store, sync_run: SyncRun) -> None:
    """Recompute the store's conversions from ad-group facts (implemented with issue 5's
    conversions; the campaigns app it reads is landing)."""
    return None
