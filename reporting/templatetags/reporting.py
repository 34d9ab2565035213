from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def split_pairs(value: str) -> list[tuple[str, str]]:
    """ "a:A,b:B" -> [("a", "A"), ("b", "B")] for column lists written in templates."""
    return [tuple(item.split(":", 1)) for item in value.split(",")]  # type: ignore[misc]
