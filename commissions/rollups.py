"""Reads of the owed rollups (OwedRollup, OwedTotal; tenant in scope): what conversions owe
per campaign creator or campaign over ranges, without summing conversions one by one. Triggers
keep the rollups equal to `Conversion.objects.owing().with_owed()` in the writing statement's
own transaction (commissions/migrations/0009_owed_rollup_triggers.py); core.rollups reads
them (two index probes per id however long the range). The approval queue's totals come from
the awaiting deltas the same way (commissions/migrations/0011_awaiting_deltas.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Sum

from commissions.models import AwaitingDelta
from core.rollups import LIFETIME, RunningRollup, scoped


@dataclass(frozen=True)
class Owed:
    owed: Decimal = Decimal(0)
    conversions: int = 0  # owing conversions summed (0: none in the range)


OWED = RunningRollup(
    rollup_table="commissions_owedrollup",
    total_table="commissions_owedtotal",
    key=("scope", "scope_id"),
    values=("owed", "conversions"),
)


def owed_ranges(
    *, scope: str, ranges: Mapping[str, tuple[date, date]], ids: Iterable[int] | None = None
) -> dict[int, dict[str, Owed]]:
    """Per campaign creator or campaign (those in `ids`, or all): what its conversions owe
    over each named range and over its lifetime (LIFETIME). One query. Ids without any owing
    conversion are absent."""
    return {
        scope_id: {
            name: Owed(Decimal(values["owed"]), values["conversions"])
            for name, values in figures.items()
        }
        for scope_id, figures in scoped(OWED, scope=scope, ranges=ranges, ids=ids).items()
    }


@dataclass(frozen=True)
class Awaiting:
    currency: str
    count: int
    commission: Decimal


def awaiting_totals() -> list[Awaiting]:
    """Per currency (in order): how many conversions await approval and their commission, the
    sums of the awaiting deltas (as many rows as statements since the last compaction, not as
    conversions). One query."""
    return [
        Awaiting(row["currency"], row["count"], row["commission"])
        for row in AwaitingDelta.objects.values("currency")
        .annotate(count=Sum("conversions"), commission=Sum("commission"))
        .exclude(count=0)
        .order_by("currency")
    ]


def awaiting_compact() -> None:
    """Fold the tenant's awaiting deltas into one row per currency (none for a currency with
    nothing awaiting). One statement: the rows it deletes are the ones it sums, and a delta a
    concurrent writer has not committed yet stays for the next time."""
    with connection.cursor() as cur:
        cur.execute(
            "WITH moved AS (DELETE FROM commissions_awaitingdelta "
            "RETURNING organization_id, currency, conversions, commission) "
            "INSERT INTO commissions_awaitingdelta "
            "(organization_id, currency, conversions, commission) "
            "SELECT organization_id, currency, sum(conversions), sum(commission) FROM moved "
            "GROUP BY 1, 2 HAVING sum(conversions) <> 0 OR sum(commission) <> 0"
        )


__all__ = [
    "LIFETIME",
    "OWED",
    "Awaiting",
    "Owed",
    "awaiting_compact",
    "awaiting_totals",
    "owed_ranges",
]
