"""Small things users hit, in headless Chromium: a second campaign name in one store and a
duplicate creator handle are flagged next to the field; the links page and a creator's page
offer their links as CSV. Screenshots: artifacts/screenshots/."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(page, values: dict[str, str]) -> None:
    from selenium.webdriver.common.by import By

    for name, value in values.items():
        box = page.driver.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)


def test_duplicates_are_flagged_and_links_download_as_csv(page, worlds):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    world = worlds["alpha"]
    page.sign_in("manager@alpha.test", PASSWORD)

    # the same campaign name again in the same store
    page.open(f"/o/alpha/campaigns/new/?store={world.store.pk}")
    Select(page.driver.find_element(By.ID, "id_tracking_plan")).select_by_value(str(world.plan.pk))
    _fill(page, {"name": world.campaign.name.upper(), "default_commission_rate": "5"})
    page.driver.find_element(By.CSS_SELECTOR, "form button.primary[type=submit]").click()
    error = page.text("#id_name_error")
    assert f"already has a campaign named {world.campaign.name.upper()}" in error
    assert "name:" not in page.text("main")  # no internal field names
    page.screenshot("duplicate-campaign-name")

    # a creator handle that another creator has (case and @ aside)
    handle = world.creators[0].handle or "janedoe"
    page.open("/o/alpha/creators/")
    _fill(page, {"name": "Copy Cat", "handle": "@" + handle.lstrip("@").upper()})
    page.driver.find_element(By.CSS_SELECTOR, "form button.primary[type=submit]").click()
    assert "already has the handle" in page.text("#id_handle_error")
    page.screenshot("duplicate-creator-handle")

    # links as CSV, from the links page and from a creator's page
    page.open(f"/o/alpha/campaigns/{world.campaign.pk}/links/")
    csv_link = page.driver.find_element(By.LINK_TEXT, "Download CSV")
    assert csv_link.get_attribute("href").endswith(f"/campaigns/{world.campaign.pk}/links.csv")
    page.open(f"/o/alpha/creators/{world.creators[0].pk}/")
    creator_csv = page.driver.find_element(By.LINK_TEXT, "Download links (CSV)")
    assert creator_csv.get_attribute("href").endswith(f"/creators/{world.creators[0].pk}/links.csv")
    page.screenshot("creator-links-csv")
