"""Stores in any currency and time zone, without the Amazon sandbox (tests/support/stores.py)."""

from __future__ import annotations

import pytest

from tests.support.stores import store_create


@pytest.fixture
def stores(tenant_a, tenant_b):
    """Alpha: a yen store in Tokyo, a dinar store in Kuwait, a dollar store in Los Angeles;
    bravo: a dollar store of its own."""
    return {
        "JPY": store_create(
            tenant_a, currency="JPY", timezone="Asia/Tokyo", country="JP", profile=1
        ),
        "KWD": store_create(
            tenant_a, currency="KWD", timezone="Asia/Kuwait", country="KW", profile=2
        ),
        "USD": store_create(
            tenant_a, currency="USD", timezone="America/Los_Angeles", country="US", profile=3
        ),
        "bravo": store_create(
            tenant_b, currency="USD", timezone="America/New_York", country="US", profile=4
        ),
    }
