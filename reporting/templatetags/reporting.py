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
