"""Reads of the reporting side, split by sub-domain; dashboards and exports read only these."""

from reporting.selectors.freshness import FRESHNESS_NOTE, Freshness, store_freshness

__all__ = [
    "FRESHNESS_NOTE",
    "Freshness",
    "store_freshness",
]
