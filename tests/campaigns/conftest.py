import pytest

from campaigns.clicks import handoff


@pytest.fixture(autouse=True)
def _forget_process_salt():
    """Redis is emptied between tests; so is this process's copy of the day's salt."""
    handoff._salt.clear()
    yield
    handoff._salt.clear()
