"""The Activity page in headless Chromium: an owner changes a member's role on the members page,
then finds it on the Activity page (who, from what to what), filters by who, and pages on."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
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
    save = page.driver.find_element(By.ID, f"role-{member}").find_element(
        By.XPATH, "./ancestor::form//button"
    )
    save.click()
    WebDriverWait(page.driver, 10).until(staleness_of(save))  # the members page again

    # the navigation leads to Activity
    nav = page.driver.find_element(By.LINK_TEXT, "Activity")
    nav.click()
    WebDriverWait(page.driver, 10).until(staleness_of(nav))
    table = page.text("#activity")
    first = page.driver.find_elements(By.CSS_SELECTOR, "#activity tbody tr")[0].text
    assert "owner@alpha.test" in first and "Member role · changed" in first
    assert "Role: Manager → Finance" in first
    assert "bravo" not in table
    page.screenshot("activity-desktop")
    assert not page.overflows_horizontally()

    # filter by who: the fixture's own set-up (no actor) is not the owner's
    Select(page.driver.find_element(By.ID, "id_who")).select_by_visible_text("owner@alpha.test")
    show = page.driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]")
    show.click()
    WebDriverWait(page.driver, 10).until(staleness_of(show))
    rows = page.driver.find_elements(By.CSS_SELECTOR, "#activity tbody tr")
    assert len(rows) == 1 and "Manager → Finance" in rows[0].text
    csv_link = page.driver.find_element(By.LINK_TEXT, "CSV").get_attribute("href")
    assert "/activity/csv/?" in csv_link and "who=user" in csv_link

    # the object link shows that member's whole history (added, then changed)
    link = rows[0].find_element(By.CSS_SELECTOR, "a")
    link.click()
    WebDriverWait(page.driver, 10).until(staleness_of(link))
    history = [r.text for r in page.driver.find_elements(By.CSS_SELECTOR, "#activity tbody tr")]
    assert len(history) == 2 and "Member role · created" in history[1]
    page.screenshot("activity-phone", PHONE)
    assert not page.overflows_horizontally()
