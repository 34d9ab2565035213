"""Worlds that more than one reporting test module uses (tests/support/worlds.py)."""

from __future__ import annotations

import pytest

from tests.support.worlds import formatted_stores, owed_conversions


@pytest.fixture
def formatted(tenant_a):
    """Alpha: a USD and a JPY store, names a spreadsheet would run, a clawback bigger than the
    commission (a negative amount). (usd, jpy)"""
    return formatted_stores(tenant_a)


@pytest.fixture
def owed(world_a, world_b, tenant_a):
    """Alpha: Jane has an approved (Oct 22) conversion, Omar an approved one plus a clawback
    after approval; one payable in September; pending/awaiting ones are not owed yet.
    (jane_approved, omar_approved, september)"""
    return owed_conversions(world_a)
