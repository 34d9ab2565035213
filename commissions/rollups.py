"""Reads of the owed rollups (OwedRollup, OwedTotal; tenant in scope): what conversions owe
per campaign creator or campaign over ranges, without summing conversions one by one. Triggers
keep the rollups equal to `Conversion.objects.owing().with_owed()` in the writing statement's
own transaction (commissions/migrations/0009_owed_rollup_triggers.py); core.rollups reads
them (two index probes per id however long the range)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

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


__all__ = ["LIFETIME", "OWED", "Owed", "owed_ranges"]
