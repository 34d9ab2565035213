"""Reads of the reporting side, split by sub-domain; dashboards and exports read only these."""

from reporting.selectors.conversions import conversion_status_counts, conversions_list
from reporting.selectors.freshness import FRESHNESS_NOTE, Freshness, store_freshness

__all__ = [
    "FRESHNESS_NOTE",
    "Freshness",
    "conversion_status_counts",
    "conversions_list",
    "store_freshness",
]
