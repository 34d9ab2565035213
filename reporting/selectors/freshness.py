"""Freshness: what every page with numbers says about Amazon's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from attribution.models import Store, SyncRun

FRESHNESS_NOTE = (
    "Clicks can take up to 24 hours and sales up to 48 hours to appear; the Brand Referral "
    "Bonus lags 2-3 days; the last 28 days can still change."
)


@dataclass(frozen=True)
class Freshness:
    store: Store
    # ok | syncing | never | failed | held | ineligible | no_access | disconnected | reauth
    state: str
    data_through: date | None
    message: str
    action: str = ""  # what to do, when something is wrong

    @property
    def ok(self) -> bool:
        return self.state in ("ok", "syncing")


def store_freshness(stores: list[Store] | None = None) -> list[Freshness]:
    """One line per store of the tenant in scope (two queries)."""
    if stores is None:
        stores = list(Store.objects.select_related("connection").order_by("country_code", "pk"))
    latest = {
        run.store_id: run
        for run in SyncRun.objects.filter(store__in=stores)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("store_id")], order_by=F("created_at").desc())
        )
        .filter(rank=1)
    }
    return [_freshness(store, latest.get(store.pk)) for store in stores]


def _freshness(store: Store, run: SyncRun | None) -> Freshness:
    through = store.data_through
    if store.status == Store.Status.INELIGIBLE:
        return Freshness(
            store,
            "ineligible",
            through,
            store.status_message or "Amazon does not allow Attribution for this profile.",
            "Ask Amazon Ads support to enable Amazon Attribution, then reconnect.",
        )
    if store.status == Store.Status.NO_ACCESS:
        # one profile's access was withdrawn; the message says what Amazon said and what to do
        return Freshness(
            store,
            "no_access",
            through,
            store.status_message or "Amazon no longer gives access to this profile.",
            "",
        )
    if store.status == Store.Status.DISCONNECTED:
        return Freshness(
            store,
            "disconnected",
            through,
            "Amazon Ads is disconnected.",
            "Reconnect Amazon Ads in Settings.",
        )
    if store.connection.status == store.connection.Status.NEEDS_REAUTH:
        return Freshness(
            store,
            "reauth",
            through,
            f"Amazon no longer accepts the connection: {store.connection.last_error}",
            "Reconnect Amazon Ads in Settings.",
        )
    if run is not None and run.status == SyncRun.Status.FAILED and through is None:
        return Freshness(
            store,
            "failed",
            None,
            f"The first sync failed: {run.error}",
            "It is retried automatically; Sync now tries again immediately.",
        )
    if through is None:
        state = "syncing" if run and run.status in ("queued", "running") else "never"
        return Freshness(
            store,
            state,
            None,
            "No Amazon data yet: the first sync runs within the hour after connecting.",
            "",
        )
    base = f"Amazon data through {through:%-d %b %Y} ({store.timezone}). {FRESHNESS_NOTE}"
    if run is not None and run.status == SyncRun.Status.FAILED:
        return Freshness(
            store,
            "failed",
            through,
            f"{base} The last sync failed: {run.error}",
            "It is retried automatically; Sync now tries again immediately.",
        )
    if run is not None and run.status == SyncRun.Status.HELD:
        return Freshness(
            store,
            "held",
            through,
            f"{base} Amazon's latest report would lower these figures sharply, so it was held "
            "for review and the numbers shown are from before it.",
            "The next sync applies Amazon's figures when they are back to normal or confirm "
            "the change; a manager can apply it now on the sync page.",
        )
    return Freshness(store, "syncing" if run and run.status == "running" else "ok", through, base)
