"""Money: amounts are `Decimal`, rounded in one place to the currency's own decimals and shown
in the currency's own format.

- Decimals: the ISO 4217 minor unit as Babel's CLDR data knows it for every currency (USD 2,
  JPY 0, KWD 3; 2 for a code it does not know).
- Rounding: half-up (a tie goes away from zero), to those decimals: `money_round` is the one
  rounding of money in the code base; every amount that is stored, summed or shown went
  through it (Amazon's metric strings when they are parsed, commissions when they are
  computed, CSV and API figures when they are written).
- Display: Babel's currency format for the locale of settings.LANGUAGE_CODE ("en-us" ->
  en_US: "$1,234.56", "¥1,234", "KWD1,234.568").
- Machine text (CSV, API): `money_text`, exactly the currency's decimals, "." as the decimal
  point, no grouping, never "-0.00".
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, get_currency_precision
from django.conf import settings
from django.utils.translation import to_locale

ZERO = Decimal("0")

Amount = Decimal | int | str


@lru_cache(maxsize=512)
def minor_unit(currency: str) -> int:
    """The currency's decimals (ISO 4217 minor unit): USD 2, JPY 0, KWD 3; 2 when unknown."""
    return int(get_currency_precision((currency or "").upper()))


def money_round(amount: Amount | None, currency: str) -> Decimal:
    """`amount` rounded half-up to the currency's decimals: the one rounding of money."""
    return money_round_to(amount, minor_unit(currency))


def money_round_to(amount: Amount | None, places: int) -> Decimal:
    """`money_round` for a caller that already holds the currency's decimals (a hot loop)."""
    return Decimal(amount or 0).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def money_text(amount: Amount | None, currency: str) -> str:
    """Machine format for CSV cells and API fields: "1234.50" (USD), "1235" (JPY)."""
    return money_text_to(amount, minor_unit(currency))


def money_text_to(amount: Amount | None, places: int) -> str:
    rounded = money_round_to(amount, places)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"  # never "-0.00"


@lru_cache(maxsize=16)
def _locale(language_code: str) -> Locale:
    return Locale.parse(to_locale(language_code))


def display_locale() -> Locale:
    """The locale money is shown in: settings.LANGUAGE_CODE ("en-us" -> en_US)."""
    return _locale(settings.LANGUAGE_CODE)


def money_format(amount: Amount | None, currency: str) -> str:
    """People's format: "$1,234.56", "¥1,234", "KWD1,234.568", "-$1.20"."""
    code = (currency or "").upper()
    rounded = money_round(amount, code)
    if rounded == 0:
        rounded = abs(rounded)  # never "-$0.00"
    return format_currency(rounded, code, locale=display_locale())
