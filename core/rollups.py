"""Ranges over running-total rollups: the one read behind our click rollups
(campaigns.rollups) and the owed rollups (commissions.rollups).

Such a rollup has a row per (scope, scope_id, date) with each value's running total through that
day (`<value>_to_date`), and a totals table with a row per (scope, scope_id): its last date and
each value's lifetime total. A range of any number of ids then costs two index probes per id
however long the range (the running total at its last day less the one the day before it
starts), and none for a bound on or after the id's last date (the lifetime total is the answer).

Only the callers' constants (table and column names) are formatted into the SQL; every value is
a query parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection

LIFETIME = "lifetime"


@dataclass(frozen=True)
class RunningRollup:
    rollup_table: str
    total_table: str
    values: tuple[str, ...]

    def ranges(
        self,
        *,
        scope: str,
        ranges: Mapping[str, tuple[date, date]],
        ids_sql: str = "",
        ids_params: Sequence[Any] = (),
    ) -> dict[int, dict[str, dict[str, Any]]]:
        """Per id of `scope` (those `ids_sql` selects, or all): {range name or LIFETIME:
        {value: total}} over each named range (inclusive days). One query. Ids without any row
        are absent."""
        bounds = sorted({b for start, end in ranges.values() for b in (end, start - timedelta(1))})
        n = len(self.values)
        selects = ["t.scope_id", "t.last_date", *(f"t.{v}" for v in self.values)]
        laterals: list[str] = []
        params: list[Any] = []
        for i, bound in enumerate(bounds):
            selects += [f"b{i}.{v}_to_date" for v in self.values]
            laterals.append(
                f"LEFT JOIN LATERAL (SELECT {', '.join(f'r.{v}_to_date' for v in self.values)} "
                f"FROM {self.rollup_table} r "
                f"WHERE r.scope = t.scope AND r.scope_id = t.scope_id AND r.date <= %s "
                f"AND t.last_date > %s ORDER BY r.date DESC LIMIT 1) b{i} ON true"
            )
            params += [bound, bound]
        where = "t.scope = %s"
        params.append(scope)
        if ids_sql:
            where += f" AND t.scope_id IN ({ids_sql})"
            params += list(ids_params)
        sql = (
            f"SELECT {', '.join(selects)} FROM {self.total_table} t {' '.join(laterals)} "
            f"WHERE {where}"
        )
        result: dict[int, dict[str, dict[str, Any]]] = {}
        with connection.cursor() as cur:
            cur.execute(sql, params)
            for row in cur.fetchall():
                scope_id, last_date = row[0], row[1]
                lifetime = dict(zip(self.values, row[2 : 2 + n], strict=True))
                at = {}
                for i, bound in enumerate(bounds):
                    offset = 2 + n + i * n
                    at[bound] = (
                        lifetime
                        if last_date <= bound
                        else {
                            v: value or 0
                            for v, value in zip(self.values, row[offset : offset + n], strict=True)
                        }
                    )
                figures = {LIFETIME: lifetime}
                for name, (start, end) in ranges.items():
                    upper, lower = at[end], at[start - timedelta(1)]
                    figures[name] = {v: upper[v] - lower[v] for v in self.values}
                result[scope_id] = figures
        return result
