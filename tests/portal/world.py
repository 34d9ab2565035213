"""Moved: the portal world is built in tests/support/portal.py and the `portal` fixture is in
tests/conftest.py. These re-exports keep branches written before the move importing; import
from tests.support.portal instead, and delete this module once nothing imports it."""

from tests.support.portal import (
    BROWSER,
    PERIOD,
    RANGE,
    Brand,
    PortalWorld,
    Profile,
    build_portal_world,
    today_clicks,
)

__all__ = [
    "BROWSER",
    "PERIOD",
    "RANGE",
    "Brand",
    "PortalWorld",
    "Profile",
    "build_portal_world",
    "today_clicks",
]
