"""Browser tests (tests/support/browser.py): with REQUIRE_BROWSER_TESTS (CI) a skipped one
fails."""

from __future__ import annotations

import os

import pytest


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With REQUIRE_BROWSER_TESTS (CI), a skipped browser test is a failure."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("REQUIRE_BROWSER_TESTS") and "browser" in item.keywords:
        report.outcome = "failed"
        report.longrepr = (
            f"browser test skipped but REQUIRE_BROWSER_TESTS is set: {report.longrepr}"
        )
