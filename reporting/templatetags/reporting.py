from decimal import Decimal
from typing import Any

from django import template

from reporting.selectors.levels import NOT_ATTRIBUTED

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def split_pairs(value: str) -> list[tuple[str, str]]:
    """ "a:A,b:B" -> [("a", "A"), ("b", "B")] for column lists written in templates."""
    return [tuple(item.split(":", 1)) for item in value.split(",")]  # type: ignore[misc]


@register.simple_tag
def not_attributed() -> str:
    """The one wording for what Amazon counts for a campaign but not yet per creator."""
    return NOT_ATTRIBUTED


@register.filter
def series_empty(series: list[dict[str, Any]]) -> bool:
    """Every day of a daily series is zero (sales, clicks, purchases, our link clicks): pages
    explain the empty period instead of drawing a flat chart."""
    return not any(
        Decimal(str(day.get("sales") or 0))
        or day.get("clicks")
        or day.get("purchases")
        or day.get("link_clicks")
        for day in series or []
    )
