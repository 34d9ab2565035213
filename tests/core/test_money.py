"""core.money: the currency's own decimals (Babel), one half-up rounding, and the currency's own
format for people ("$1,234.56", "¥1,234", "KWD1.235")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from core.money import minor_unit, money_format, money_round, money_text


@pytest.mark.parametrize(
    ("currency", "places"),
    [
        ("USD", 2),
        ("usd", 2),
        ("EUR", 2),
        ("JPY", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("XYZ", 2),  # unknown: two decimals, as before
        ("", 2),
    ],
)
def test_minor_units_come_from_iso_4217(currency, places):
    assert minor_unit(currency) == places


def test_babel_agrees_with_the_table_it_replaces():
    """The hand-written table in attribution/sync/pull.py, for every currency it listed."""
    old = {"JPY": 0, "KRW": 0, "CLP": 0, "VND": 0, "ISK": 0, "HUF": 2}
    old |= {"BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}
    marketplaces = ["USD", "CAD", "MXN", "BRL", "GBP", "EUR", "SEK", "PLN", "TRY", "AED", "SAR"]
    old |= {c: 2 for c in [*marketplaces, "EGP", "INR", "AUD", "SGD"]}
    assert {c: minor_unit(c) for c in old} == old


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("191.95999999999998", "USD", Decimal("191.96")),
        ("0.125", "USD", Decimal("0.13")),  # half-up, not banker's rounding
        ("-0.125", "USD", Decimal("-0.13")),
        ("1234.5", "JPY", Decimal("1235")),
        ("1.2345", "KWD", Decimal("1.235")),
        (None, "USD", Decimal("0.00")),
        (7, "KWD", Decimal("7.000")),
    ],
)
def test_money_round_is_half_up_to_the_currency_decimals(amount, currency, rounded):
    result = money_round(amount, currency)
    assert result == rounded and result.as_tuple().exponent == rounded.as_tuple().exponent


@given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=6))
def test_usd_rounds_exactly_as_before(amount):
    before = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert str(money_round(amount, "USD")) == str(before)


def test_money_text_is_the_machine_format():
    assert money_text(Decimal("1234.5"), "USD") == "1234.50"
    assert money_text(Decimal("1234.5"), "JPY") == "1235"
    assert money_text(Decimal("1.2345"), "KWD") == "1.235"
    assert money_text(Decimal("-0.001"), "USD") == "0.00"  # never "-0.00"
    assert money_text(Decimal("-2.5"), "USD") == "-2.50"


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("1234.56"), "USD", "$1,234.56"),
        (Decimal("1234567.8"), "USD", "$1,234,567.80"),
        (Decimal("1234"), "JPY", "¥1,234"),
        (Decimal("1234.00"), "JPY", "¥1,234"),
        (Decimal("1234.5"), "JPY", "¥1,235"),  # half-up (Babel alone would round half-even)
        (Decimal("1.2345"), "KWD", "KWD1.235"),
        (Decimal("1234.5"), "KWD", "KWD1,234.500"),
        (Decimal("-1.2"), "USD", "-$1.20"),
        (Decimal("-0.001"), "USD", "$0.00"),
        (Decimal("100"), "cad", "CA$100.00"),
    ],
)
def test_money_format_is_the_currency_own(amount, currency, shown):
    assert money_format(amount, currency) == shown


def test_the_locale_is_the_language_code(settings):
    settings.LANGUAGE_CODE = "de-de"
    assert money_format(Decimal("1234.5"), "EUR") == "1.234,50\xa0€"


def render(template: str, **context) -> str:
    return Template("{% load money %}" + template).render(Context(context))


def test_the_money_filter():
    assert render("{{ v|money:c }}", v=Decimal("1234.56"), c="USD") == "$1,234.56"
    assert render("{{ v|money:c }}", v=Decimal("1234.00"), c="JPY") == "¥1,234"
    assert render("{{ v|money:c }}", v="191.955", c="USD") == "$191.96"  # chart series: text
    assert render("{{ v|money:c }}", v=0, c="KWD") == "KWD0.000"
    assert render("{{ v|money:c }}", v=None, c="USD") == ""
    assert render("{{ v|money:c }}", v="n/a", c="USD") == ""
