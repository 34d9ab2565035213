"""History re-pulls: Amazon's privacy mask is over a tag group's lifetime, so a group that
passes 10 clicks shows its whole history at once, and the rolling 30-day window never sees the
older days.

Source followed: Amazon's "Amazon Attribution API how-to", section "Reports resource" (Amazon
Ads API docs, guides/amazon-attribution/how-to): "To protect shopper privacy, Amazon
Attribution will mask data for any reporting row representing a tag or group of tags with < 10
clicks over its lifetime ... Until the click threshold has been surpassed, masked rows will show
metric values as zero." Performance reports reach back 13 months (same page).

Every sync, in the transaction that writes its pull:

1. `history_revealed` (before the write): the tag groups (level, campaign, ad group, creative,
   publisher) whose rows in the pull are not all zero and of which we hold no non-zero row on
   any day: they show data for the first time. Each one's history starts on its campaign's
   first day when the campaign is ours (asked through attribution.signals.campaign_starts: the
   Amazon layer knows no campaigns), else on the first day we hold for the store; never
   before Amazon's 13 months.
2. `history_owe` (after the write): the store owes a re-pull of those days up to the day before
   the window (Store.history_due_from..history_due_to), merged with what it owed already. It is
   recorded with the write, so a sync that fails, is held or is interrupted owes nothing new.
3. `store_history_sync` (the scheduled sync, after its usual window): pulls what is owed as
   ordinary sync runs (trigger "History re-pull"), the newest 90 days first, each as
   all-or-nothing as any sync and settling conversions for its days; each success shrinks the
   debt. A run that does not succeed leaves the rest owed for the next sync.

A re-pull is a whole report for those days (Amazon's reports cannot be asked for one group),
written like any window: the stored rows become Amazon's for every level and group.
"""

from __future__ import annotations

import csv
import logging
import operator
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import reduce
from typing import IO, cast

from django.db.models import F, Q
from django.db.models.functions import Greatest, Least

from attribution import amazon
from attribution.models import AMAZON_MASK_CLICKS, DailyMetric, Store, SyncRun
from attribution.signals import campaign_starts
from attribution.sync.lease import SyncBusy
from attribution.sync.pull import GROUP_BY, KEY_COLUMNS, METRIC_COLUMNS
from attribution.sync.windows import AMAZON_HISTORY_MONTHS, MAX_CHUNK_DAYS, Window
from core.months import months_back
from tenancy.scoping import tenant_scope

log = logging.getLogger(__name__)

# (level, Amazon campaign id, ad group id, creative id, publisher): one tag group of a level.
GroupKey = tuple[str, str, str, str, str]
GROUP_COLUMNS = [c for c in KEY_COLUMNS if c != "date"]
_GROUP_AT = [KEY_COLUMNS.index(c) for c in GROUP_COLUMNS]
_METRICS_FROM = len(KEY_COLUMNS)
# A stored row that is not masked: some metric is not zero.
_SHOWS_DATA = reduce(operator.or_, (~Q(**{column: 0}) for column in METRIC_COLUMNS))
# Runs one scheduled sync may make for history (13 months are five 90-day chunks; groups
# revealed in those days may add more). The rest stays owed for the next sync.
MAX_HISTORY_RUNS = 8


@dataclass(frozen=True)
class Revealed:
    """What one pull showed for the first time, and the days it makes the store owe."""

    window: Window
    groups: frozenset[GroupKey]
    due: Window | None  # the days before the window to re-pull; None: nothing to re-pull


def _is_zero(value: str) -> bool:
    """ "0", "0.00", "-0.00": a metric as pull.py spools it (an integer or a Decimal)."""
    return value.strip().lstrip("-").replace(".", "").strip("0") == ""


def _groups_shown(rows_csv: IO[str]) -> set[GroupKey]:
    """Groups with a row that is not all zero, read from a spooled pull (COLUMNS order); the
    file is read from its current position and put back there."""
    at = rows_csv.tell()
    shown: set[GroupKey] = set()
    for row in csv.reader(rows_csv):
        if not row:
            continue
        key = tuple(row[i] for i in _GROUP_AT)
        if key not in shown and not all(_is_zero(v) for v in row[_METRICS_FROM:]):
            shown.add(key)  # type: ignore[arg-type]
    rows_csv.seek(at)
    return shown


def _groups_stored(store: Store, facts: Q, groups: Iterable[GroupKey] | None = None) -> set:
    """Groups with a stored row that shows data, among `facts` (and `groups`, if given)."""
    rows = DailyMetric.objects.filter(facts, store=store).filter(_SHOWS_DATA)
    if groups is not None:
        groups = list(groups)
        rows = rows.filter(
            level__in={g[0] for g in groups},
            amazon_campaign_id__in={g[1] for g in groups},
            amazon_adgroup_id__in={g[2] for g in groups},
        )
    return set(rows.values_list(*GROUP_COLUMNS).distinct())


def history_earliest(store: Store) -> date:
    """The first day a re-pull asks for: Amazon keeps 13 months (store time); one day inside
    them, so a re-pull that runs near midnight is not refused for a day Amazon just dropped."""
    return months_back(store.today(), AMAZON_HISTORY_MONTHS) + timedelta(days=1)


def _first_day_held(store: Store) -> date | None:
    """The first day of any stored row of the store (one index lookup per level)."""
    days = [
        DailyMetric.objects.filter(store=store, level=level)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
        for level in GROUP_BY
    ]
    held = [d for d in days if d is not None]
    return min(held) if held else None


def _history_start(store: Store, groups: set[GroupKey]) -> date | None:
    """The first day of the oldest history among `groups`: its campaign's first day when the
    campaign is ours, else the first day we hold for the store."""
    campaign_ids = {g[1] for g in groups}
    starts: dict[str, date] = {}
    for _receiver, answer in campaign_starts.send(
        sender=Store, store=store, campaign_ids=campaign_ids
    ):
        known = cast(dict[str, date], answer or {})
        for campaign_id, day in known.items():
            if campaign_id in campaign_ids and day is not None:
                starts[campaign_id] = min(day, starts.get(campaign_id, day))
    days = list(starts.values())
    if campaign_ids - set(starts):
        first = _first_day_held(store)
        if first is not None:
            days.append(first)
    return min(days) if days else None


def history_revealed(*, store: Store, run: SyncRun, rows_csv: IO[str]) -> Revealed:
    """Before a pull is written (tenant in scope, the write's transaction): the groups it shows
    data for the first time, and the days before its window that they make the store owe."""
    window = Window(run.window_start, run.window_end)
    in_window = Q(date__range=(window.start, window.end))
    shown = _groups_shown(rows_csv)
    candidates = shown - _groups_stored(store, in_window) if shown else set()
    if candidates:
        candidates -= _groups_stored(store, ~in_window, candidates)
    if not candidates:
        return Revealed(window, frozenset(), None)
    due = None
    start = _history_start(store, candidates)
    if start is not None:
        start = max(start, history_earliest(store))
        if start < window.start:
            due = Window(start, window.start - timedelta(days=1))
    return Revealed(window, frozenset(candidates), due)


def history_owe(*, store: Store, revealed: Revealed) -> None:
    """After the pull was written, in the same transaction: add the days it revealed to what
    the store owes (one UPDATE; the range only grows here)."""
    if revealed.due is None:
        return
    Store.objects.filter(pk=store.pk).update(
        history_due_from=Least(F("history_due_from"), revealed.due.start),
        history_due_to=Greatest(F("history_due_to"), revealed.due.end),
    )
    sample = ", ".join("/".join(p for p in g[:4] if p) for g in sorted(revealed.groups)[:3])
    log.info(
        "%s: %d tag group(s) passed Amazon's %d-click threshold (%s%s); history %s..%s owed",
        store,
        len(revealed.groups),
        AMAZON_MASK_CLICKS,
        sample,
        ", ..." if len(revealed.groups) > 3 else "",
        revealed.due.start,
        revealed.due.end,
    )


def history_due(store: Store) -> Window | None:
    """The next chunk of owed days to pull (the newest 90 at most), or None."""
    if store.history_due_from is None or store.history_due_to is None:
        return None
    start = max(store.history_due_from, history_earliest(store))
    end = store.history_due_to
    if end < start:
        return None
    return Window(max(start, end - timedelta(days=MAX_CHUNK_DAYS - 1)), end)


def history_paid(*, store_id: int, chunk: Window) -> None:
    """A re-pull of `chunk` succeeded: it is owed no more, unless the debt moved meanwhile (a
    sync in between added newer days: the loop reads the debt again)."""
    Store.objects.filter(pk=store_id, history_due_to=chunk.end).update(
        history_due_to=chunk.start - timedelta(days=1)
    )
    _history_forget_past(store_id)


def _history_forget_past(store_id: int) -> None:
    """Nothing left to pull (all paid, or older than Amazon keeps): owed no more."""
    store = Store.objects.filter(pk=store_id).first()
    if store is None or store.history_due_to is None or history_due(store) is not None:
        return
    Store.objects.filter(pk=store_id, history_due_to=store.history_due_to).update(
        history_due_from=None, history_due_to=None
    )


def store_history_sync(
    *,
    organization_id: int,
    store_id: int,
    owner: str,
    sleep: Callable[[float], None] = time.sleep,
) -> list[SyncRun]:
    """Pull the days the store owes (see the module docstring), one sync run per chunk of 90
    days, newest first, until nothing is owed or a run does not succeed. Returns the runs."""
    from attribution.sync.service import store_sync

    runs: list[SyncRun] = []
    for _ in range(MAX_HISTORY_RUNS):
        with tenant_scope(organization_id):
            store = Store.objects.filter(pk=store_id).first()
            chunk = history_due(store) if store is not None else None
            if chunk is None:
                _history_forget_past(store_id)
                break
        try:
            run = store_sync(
                organization_id=organization_id,
                store_id=store_id,
                trigger=SyncRun.Trigger.HISTORY,
                owner=owner,
                window=chunk,
                sleep=sleep,
            )
        except (SyncBusy, amazon.AmazonRetryable) as exc:
            # another sync has the store, or Amazon stayed unavailable (the run says so):
            # still owed, the next sync goes on
            log.warning(
                "history re-pull of store %s %s..%s: %s", store_id, chunk.start, chunk.end, exc
            )
            with tenant_scope(organization_id):
                failed = SyncRun.objects.filter(
                    store_id=store_id,
                    task_id=owner,
                    window_start=chunk.start,
                    window_end=chunk.end,
                ).first()
            runs += [failed] if failed is not None else []
            break
        if run is None:
            break
        runs.append(run)
        if run.status != SyncRun.Status.SUCCEEDED:
            break
        with tenant_scope(organization_id):
            history_paid(store_id=store_id, chunk=chunk)
    return runs
