import pytest

from campaigns.clicks import handoff
from tests.portal.world import build_portal_world


@pytest.fixture
def portal(tenant_a, tenant_b):
    """Two brands, three creators (Jane in both); see tests/portal/world.py."""
    return build_portal_world(tenant_a, tenant_b)


@pytest.fixture(autouse=True)
def _forget_process_salt():
    """Redis is emptied between tests; so is this process's copy of the day's salt."""
    handoff._salt.clear()
    yield
    handoff._salt.clear()
