"""A glitching report never destroys good data: the rule that holds a pull for review.

Amazon has answered with no rows, with null ids, with empty metrics. Written as the truth for
the window, such a pull deletes the stored rows and claws back commission. So before writing,
the sync measures the pull against the stored rows (attribution.sync.write.Impact), and holds
it, applying nothing, when at some level it would remove or reduce more than
SYNC_HOLD_PERCENT (default 20) of the window's clicks, sales or brand sales. "Remove or
reduce" sums every row's decrease, whatever other rows gain: a pull that moves all the sales
to rows with empty ids is held too.

A held run records what would change (`SyncRun.review`). Then either
- a manager applies it from the sync page (attribution.sync.service.held_run_apply), or
- a later pull of overlapping days decides: if it agrees with the held pull (over the days
  both cover, each level's clicks, sales and brand sales within AGREE_SHARE of the held
  pull's), the drop is real and the later pull applies normally; if it does not lower
  anything beyond the share, it applies normally too. Either way the held run is superseded,
  as it is when the later pull is itself held.

A pull without any row at a level where rows are stored is never taken as agreement: two
empty answers in a row are one outage, not a confirmation; only a person applies that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings

from attribution.models import MetricLevel, SyncRun
from attribution.sync.checkpoint import pages_delete
from attribution.sync.write import GUARDED, Impact

AGREE_SHARE = Decimal("0.02")
LABELS = {"clicks": "clicks", "sales": "sales", "total_sales": "brand sales"}
LEVEL_LABELS = {MetricLevel.ADGROUP: "creator (ad group)", MetricLevel.CREATIVE: "link (creative)"}


@dataclass(frozen=True)
class Decision:
    hold: bool
    exceeding: list[tuple[str, str]]  # (level, metric) lowered beyond the share
    confirms: SyncRun | None = None  # the held run this pull agrees with


def _share() -> Decimal:
    return Decimal(settings.SYNC_HOLD_PERCENT) / 100


def exceeding(impact: Impact) -> list[tuple[str, str]]:
    share = _share()
    return [
        (level, metric)
        for level, li in impact.levels.items()
        for metric in GUARDED
        if li.before[metric] > 0 and li.lost[metric] > li.before[metric] * share
    ]


def held_runs_overlapping(run: SyncRun) -> list[SyncRun]:
    """The store's held runs (other than `run`) whose days overlap `run`'s, newest first."""
    return list(
        SyncRun.objects.filter(
            store_id=run.store_id,
            status=SyncRun.Status.HELD,
            window_start__lte=run.window_end,
            window_end__gte=run.window_start,
        )
        .exclude(pk=run.pk)
        .order_by("-created_at")
    )


def decide(run: SyncRun, impact: Impact) -> Decision:
    """Apply or hold this pull (see the module docstring)."""
    over = exceeding(impact)
    if not over:
        return Decision(hold=False, exceeding=[])
    for held in held_runs_overlapping(run):
        if agrees(run, impact, held):
            return Decision(hold=False, exceeding=over, confirms=held)
    return Decision(hold=True, exceeding=over)


def agrees(run: SyncRun, impact: Impact, held: SyncRun) -> bool:
    """Does this pull read the days it shares with a held pull the way that pull did?"""
    first, last = max(run.window_start, held.window_start), min(run.window_end, held.window_end)
    shared = {(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)}
    held_days = held.review.get("days") or {}
    for level, li in impact.levels.items():
        if li.rows_before and not li.rows_after:
            return False  # an empty answer confirms nothing
        ours, theirs = impact.days.get(level, {}), held_days.get(level, {})
        for i in range(len(GUARDED)):
            a = sum((ours[d][i] for d in shared if d in ours), Decimal(0))
            b = sum((Decimal(theirs[d][i]) for d in shared if d in theirs), Decimal(0))
            if abs(a - b) > abs(b) * AGREE_SHARE:
                return False
    return bool(shared)


def review_record(impact: Impact, over: list[tuple[str, str]]) -> dict[str, Any]:
    """What a held run shows (and what a later pull is compared with), JSON-ready."""
    return {
        "share": settings.SYNC_HOLD_PERCENT,
        "exceeding": [list(pair) for pair in over],
        "levels": {
            level: {
                "rows": [li.rows_before, li.rows_after, li.rows_removed],
                **{m: [str(li.before[m]), str(li.after[m]), str(li.lost[m])] for m in GUARDED},
            }
            for level, li in impact.levels.items()
        },
        "days": {
            level: {day: [str(v) for v in values] for day, values in days.items()}
            for level, days in impact.days.items()
        },
    }


def review_summary(review: dict[str, Any]) -> str:
    """One sentence for the run's error column: what would have been lowered, by how much."""
    parts = []
    for level, metric in review.get("exceeding", []):
        before, after, lost = (Decimal(v) for v in review["levels"][level][metric][:3])
        share = (lost / before * 100) if before else Decimal(0)
        parts.append(
            f"{LEVEL_LABELS.get(level, level)} {LABELS[metric]} {before:,} → {after:,} "
            f"({share:.0f}% removed or reduced)"
        )
    return (
        f"Held for review: this pull would lower more than {review.get('share')}% of the "
        f"window's figures: {'; '.join(parts)}. Nothing was changed."
    )


def held_runs_supersede(run: SyncRun) -> list[int]:
    """Mark the store's held runs overlapping `run` superseded and drop their pages."""
    held = [r.pk for r in held_runs_overlapping(run)]
    if held:
        SyncRun.objects.filter(pk__in=held).update(
            status=SyncRun.Status.SUPERSEDED,
            error=f"A later sync of the same days (run #{run.pk}) replaced this held pull.",
        )
        pages_delete(store_id=run.store_id, runs=held)
    return held
