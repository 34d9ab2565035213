"""`{{ amount|money:currency }}`: an amount in its currency's own decimals and format
("$1,234.56", "¥1,234", "KWD1,234.568"); see core.money. Empty for no amount."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from core.money import money_format

register = template.Library()


@register.filter
def money(value: Any, currency: str) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal | int) else Decimal(str(value))
    except InvalidOperation:
        return ""
    return money_format(amount, str(currency or ""))
