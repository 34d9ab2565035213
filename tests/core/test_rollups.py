"""core.rollups: a range SELECT asked for a value its rollup does not hold is refused by name,
before any SQL is built."""

from datetime import date

import pytest

from attribution.rollups import METRIC_ROLLUP
from campaigns.rollups import CLICKS


def test_ranges_sql_refuses_a_value_the_rollup_does_not_hold():
    with pytest.raises(ValueError, match="campaigns_clickrollup has no \\['sales'\\]"):
        CLICKS.ranges_sql(ranges={"r": (date(2026, 1, 1), date(2026, 1, 31))}, values=("sales",))


def test_ranges_sql_reads_only_the_values_asked_for():
    sql, _ = METRIC_ROLLUP.ranges_sql(
        ranges={"r": (date(2026, 1, 1), date(2026, 1, 31))}, values=("sales",)
    )
    assert "sales_to_date" in sql and "clicks_to_date" not in sql
