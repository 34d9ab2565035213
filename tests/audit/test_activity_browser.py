"""The Activity page in headless Chromium: an owner changes a member's role on the members page,
then finds it on the Activity page (who, from what to what), filters by who, and pages on."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.factories import PASSWORD
from tests.support.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_finds_a_role_change_on_the_activity_page(page, tenant_a, tenant_b):
    page.sign_in("owner@alpha.test", PASSWORD)
    # the owner makes the manager finance on the members page
    page.open("/o/alpha/members/")
    member = tenant_a.manager_membership.pk
    Select(page.driver.find_element(By.ID, f"role-{member}")).select_by_value("finance")
    page.driver.find_element(By.ID, f"role-{member}").find_element(
        By.XPATH, "./ancestor::form//button"
    ).click()
    WebDriverWait(page.driver, 10).until(lambda d: "/members/" in d.current_url)

    # the navigation leads to Activity
    page.driver.find_element(By.LINK_TEXT, "Activity").click()
    WebDriverWait(page.driver, 10).until(lambda d: "/activity/" in d.current_url)
    table = page.text("#activity")
    first = page.driver.find_elements(By.CSS_SELECTOR, "#activity tbody tr")[0].text
    assert "owner@alpha.test" in first and "Member role · changed" in first
    assert "Role: Manager → Finance" in first
    assert "bravo" not in table
    page.screenshot("activity-desktop")
    assert not page.overflows_horizontally()

    # filter by who: the fixture's own set-up (no actor) is not the owner's
    Select(page.driver.find_element(By.ID, "id_who")).select_by_visible_text("owner@alpha.test")
    page.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    WebDriverWait(page.driver, 10).until(lambda d: "who=user" in d.current_url)
    rows = page.driver.find_elements(By.CSS_SELECTOR, "#activity tbody tr")
    assert len(rows) == 1 and "Manager → Finance" in rows[0].text
    csv_link = page.driver.find_element(By.LINK_TEXT, "CSV").get_attribute("href")
    assert "/activity/csv/?" in csv_link and "who=user" in csv_link

    # the object link shows that member's whole history (added, then changed)
    rows[0].find_element(By.CSS_SELECTOR, "a").click()
    WebDriverWait(page.driver, 10).until(lambda d: "object=" in d.current_url)
    history = [r.text for r in page.driver.find_elements(By.CSS_SELECTOR, "#activity tbody tr")]
    assert len(history) == 2 and "Member role · created" in history[1]
    page.screenshot("activity-phone", PHONE)
    assert not page.overflows_horizontally()
