"""Spreadsheet-safe CSV text cells."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text cell that a spreadsheet would evaluate (=, +, -, @, tab, CR first) gets a
    leading apostrophe, so it shows as typed (OWASP's CSV-injection advice)."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
