"""core.months: "YYYY-MM", a month's first and last day, the same day months earlier."""

from __future__ import annotations

from datetime import date

import pytest

from core.months import month_parse, month_range, months_back


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-03", date(2026, 3, 1)),
        ("2026-3", date(2026, 3, 1)),
        (" 2026-12 ", date(2026, 12, 1)),
        ("2026-13", None),
        ("2026-00", None),
        ("0000-01", None),
        ("2026", None),
        ("2026-03-01", None),
        ("March", None),
        ("", None),
        (None, None),
    ],
)
def test_month_parse(text, month):
    assert month_parse(text) == month


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (date(2026, 1, 15), date(2026, 1, 1), date(2026, 1, 31)),
        (date(2028, 2, 1), date(2028, 2, 1), date(2028, 2, 29)),
        (date(2026, 2, 28), date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_month_range(day, first, last):
    assert month_range(day) == (first, last)


@pytest.mark.parametrize(
    ("day", "months", "earlier"),
    [
        (date(2026, 11, 22), 13, date(2025, 10, 22)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2028, 3, 31), 1, date(2028, 2, 29)),
        (date(2026, 1, 31), 2, date(2025, 11, 30)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
    ],
)
def test_months_back_clamps_to_the_end_of_a_shorter_month(day, months, earlier):
    assert months_back(day, months) == earlier
