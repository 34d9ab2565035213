"""Moved: the builder is tests/support/campaigns.py, the `worlds` fixture is in
tests/conftest.py, `queries_for` is in tests/support/queries.py. These re-exports keep
branches written before the move importing; import from tests.support instead, and delete this
module once nothing imports it."""

from tests.support.campaigns import INFLUENCER_PUBLISHER, World, build_world, store_campaign_id
from tests.support.campaigns import us_store_of as us_store
from tests.support.queries import queries_for

__all__ = [
    "INFLUENCER_PUBLISHER",
    "World",
    "build_world",
    "queries_for",
    "store_campaign_id",
    "us_store",
]
