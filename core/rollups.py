"""Ranges over running-total rollups: the one read behind the metric rollups
(attribution.rollups), our click rollups (campaigns.rollups) and the owed rollups
(commissions.rollups).

Such a rollup has a row per key and date with each value's running total through that day
(`<value>_to_date`), and a totals table with a row per key: its last date and each value's
lifetime total. A range of any number of keys then costs two index probes per key however long
the range (the running total at its last day less the one the day before it starts), and none
for a bound on or after the key's last date (the lifetime total is the answer). The
subtraction happens in SQL, so a page can sort, filter and paginate on a range's figures
without reading every key into Python (`ranges_sql`).

Only the callers' constants (table and column names) are formatted into the SQL; every value is
a query parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection

LIFETIME = "lifetime"


def column(name: str, value: str) -> str:
    """The column of `value` over the range called `name` (or LIFETIME) in `ranges_sql`, as a
    quoted SQL identifier (range names are the callers' own words)."""
    return '"' + f"{name}__{value}".replace('"', '""') + '"'


@dataclass(frozen=True)
class RunningRollup:
    rollup_table: str
    total_table: str
    key: tuple[str, ...]
    values: tuple[str, ...]
    # How a rollup row names its totals row: (rollup column, totals column) pairs. By default
    # both tables carry the key columns; a rollup keyed by its totals row's id says so.
    match: tuple[tuple[str, str], ...] | None = None

    def ranges_sql(
        self,
        *,
        ranges: Mapping[str, tuple[date, date]],
        where: str = "true",
        params: Sequence[Any] = (),
        values: Sequence[str] | None = None,
    ) -> tuple[str, list[Any]]:
        """A SELECT with a row per key of the totals table (alias `t`) that `where` keeps: the
        key columns, then each value (those in `values`, or all) over each named range
        (inclusive days) and over its lifetime, named `column(name, value)`. A page that ranks
        thousands of keys by one value asks for that one: each value costs two CASEs and a
        subtraction per key and range."""
        wanted = tuple(self.values if values is None else values)
        unknown = set(wanted) - set(self.values)
        if unknown:
            raise ValueError(f"{self.rollup_table} has no {sorted(unknown)}")
        bounds = sorted({b for start, end in ranges.values() for b in (end, start - timedelta(1))})
        index = {bound: i for i, bound in enumerate(bounds)}
        selects = [f"t.{k}" for k in self.key]
        select_params: list[Any] = []

        def at(bound: date, value: str) -> str:
            select_params.append(bound)
            return (
                f"CASE WHEN t.last_date <= %s THEN t.{value} "
                f"ELSE coalesce(b{index[bound]}.{value}_to_date, 0) END"
            )

        for name, (start, end) in ranges.items():
            for value in wanted:
                upper = at(end, value)
                lower = at(start - timedelta(1), value)
                selects.append(f"({upper}) - ({lower}) AS {column(name, value)}")
        selects += [f"t.{value} AS {column(LIFETIME, value)}" for value in wanted]
        pairs = self.match or tuple((k, k) for k in self.key)
        match = " AND ".join(f"r.{mine} = t.{theirs}" for mine, theirs in pairs)
        laterals: list[str] = []
        lateral_params: list[Any] = []
        for i, bound in enumerate(bounds):
            laterals.append(
                f"LEFT JOIN LATERAL (SELECT "
                f"{', '.join(['r.date', *(f'r.{value}_to_date' for value in wanted)])} "
                f"FROM {self.rollup_table} r WHERE {match} AND r.date <= %s "
                f"AND t.last_date > %s ORDER BY r.date DESC LIMIT 1) b{i} ON true"
            )
            lateral_params += [bound, bound]
        sql = (
            f"SELECT {', '.join(selects)} FROM {self.total_table} t {' '.join(laterals)} "
            f"WHERE {where}"
        )
        return sql, select_params + lateral_params + list(params)

    def ranges(
        self,
        *,
        ranges: Mapping[str, tuple[date, date]],
        where: str = "true",
        params: Sequence[Any] = (),
    ) -> dict[tuple[Any, ...], dict[str, dict[str, Any]]]:
        """Per key (a tuple of the key columns) that `where` keeps: {range name or LIFETIME:
        {value: total}}. One query. Keys without any row are absent."""
        sql, all_params = self.ranges_sql(ranges=ranges, where=where, params=params)
        names = [*ranges, LIFETIME]
        width, n = len(self.key), len(self.values)
        result: dict[tuple[Any, ...], dict[str, dict[str, Any]]] = {}
        with connection.cursor() as cur:
            cur.execute(sql, all_params)
            for row in cur.fetchall():
                result[tuple(row[:width])] = {
                    name: dict(
                        zip(
                            self.values,
                            row[width + i * n : width + (i + 1) * n],
                            strict=True,
                        )
                    )
                    for i, name in enumerate(names)
                }
        return result


def _of_scope(scope: str, ids: Iterable[int] | None) -> tuple[str, list[Any]]:
    where, params = "t.scope = %s", list[Any]([scope])
    if ids is not None:
        where += " AND t.scope_id = ANY(%s)"
        params.append(list(ids))
    return where, params


def scoped_sql(
    rollup: RunningRollup,
    *,
    scope: str,
    ranges: Mapping[str, tuple[date, date]],
    ids: Iterable[int] | None = None,
    values: Sequence[str] | None = None,
) -> tuple[str, list[Any]]:
    """`rollup.ranges_sql` for a rollup keyed by (scope, scope_id): every id of `scope`, or
    those in `ids`. A query that joins the result on its own ids leaves `ids` out: PostgreSQL
    then probes the rollup for the joined ids only."""
    where, params = _of_scope(scope, ids)
    return rollup.ranges_sql(ranges=ranges, where=where, params=params, values=values)


def scoped(
    rollup: RunningRollup,
    *,
    scope: str,
    ranges: Mapping[str, tuple[date, date]],
    ids: Iterable[int] | None = None,
) -> dict[int, dict[str, dict[str, Any]]]:
    """`rollup.ranges` for a rollup keyed by (scope, scope_id): per id of `scope` (those in
    `ids`, or all)."""
    where, params = _of_scope(scope, ids)
    return {
        scope_id: figures
        for (_, scope_id), figures in rollup.ranges(
            ranges=ranges, where=where, params=params
        ).items()
    }
