"""Browser tests (tests/support/browser.py): with REQUIRE_BROWSER_TESTS (CI) a skipped one
fails."""

from __future__ import annotations

import os

import pytest

from tests.support.csp import WATCH


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


@pytest.fixture
def watched(page):
    """The page, with every document it loads watched for CSP violations."""
    script = page.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
    page.driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": page.base_url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    yield page
    page.driver.execute_cdp_cmd(
        "Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]}
    )
