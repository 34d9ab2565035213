"""The approval queue in headless Chromium (issue 14): tick rows and see the selection's totals
per currency (htmx), select every conversion matching the filter beyond the visible page,
approve them in one action; the page fits a phone."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from commissions.models import Conversion
from tenancy.scoping import tenant_scope
from tests.factories import PASSWORD
from tests.support.approvals import approval_queue, more_awaiting
from tests.support.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for_text(page, selector: str, text: str) -> None:
    WebDriverWait(page.driver, 10).until(
        lambda d: text in d.find_element(By.CSS_SELECTOR, selector).text
    )


def test_select_all_matching_and_bulk_approve_in_a_browser(page, tenant_a, tenant_b):
    # Given 58 conversions awaiting approval in USD and JPY (one page shows 50)
    q = approval_queue(tenant_a)
    with tenant_scope(tenant_a.org):
        more_awaiting(q, 50)
    approval_queue(tenant_b)
    page.sign_in("manager@alpha.test", PASSWORD)
    page.open("/o/alpha/conversions/")
    assert "Select all 58 conversions matching the filter" in page.text()

    # ticking a row shows what the selection owes (htmx asks the server)
    picks = page.driver.find_elements(By.CSS_SELECTOR, "input.pick")
    assert len(picks) == 50
    picks[0].click()
    wait_for_text(page, "#selection", "1 selected")
    # the header box ticks the page: 50 rows, summed per currency
    page.driver.find_element(By.CSS_SELECTOR, "[data-check-all]").click()
    wait_for_text(page, "#selection", "50 selected")
    assert "¥300" in page.text("#selection")

    # every conversion matching the filter, beyond the page
    page.driver.find_element(By.CSS_SELECTOR, "a.select-all").click()
    wait_for_text(page, "#selection", "All 58 conversions matching the filter selected")
    totals = page.text("#selection")
    assert "$66.00" in totals and "¥300" in totals
    page.screenshot("conversions-select-all-desktop")
    page.screenshot("conversions-select-all-phone", PHONE)
    assert not page.overflows_horizontally()

    # one action approves all 58
    page.driver.find_element(By.CSS_SELECTOR, "button[value=approve]").click()
    wait_for_text(page, ".messages", "58 conversion(s) approved (¥300, $66.00).")
    with tenant_scope(tenant_a.org):
        assert Conversion.objects.filter(decided_by=tenant_a.manager).count() == 58
        assert not Conversion.objects.filter(status="awaiting").exists()
    with tenant_scope(tenant_b.org):
        assert Conversion.objects.filter(status="awaiting").count() == 8


def test_deny_without_reason_keeps_the_selection_in_a_browser(page, tenant_a):
    approval_queue(tenant_a)
    page.sign_in("manager@alpha.test", PASSWORD)
    page.viewport(PHONE)
    page.open("/o/alpha/conversions/")
    page.driver.find_element(By.CSS_SELECTOR, "a.select-all").click()
    wait_for_text(page, "#selection", "All 8 conversions matching the filter selected")
    page.driver.find_element(By.CSS_SELECTOR, "button[value=deny]").click()
    wait_for_text(page, ".card [role=alert]", "Say why the conversion is denied")
    assert "All 8 conversions matching the filter selected" in page.text("#selection")
    assert not page.overflows_horizontally()
    page.screenshot("conversions-deny-refused-phone")
    with tenant_scope(tenant_a.org):
        assert Conversion.objects.filter(status="awaiting").count() == 8
