"""The campaign pages in headless Chromium, as a manager would see them, on a desktop and on
a phone (nothing wider than the screen). Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.support.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    """Sign in and wait until the sign-in page has been left."""
    from selenium.webdriver.support.ui import WebDriverWait

    page.sign_in(email, PASSWORD)
    WebDriverWait(page.driver, 10).until(lambda d: "/accounts/login/" not in d.current_url)


def test_campaign_pages_fit_desktop_and_phone(page, worlds):
    world = worlds["alpha"]
    c = world.campaign.pk
    link = world.links[0]
    sign_in(page, "manager@alpha.test")
    pages = {
        "campaigns": "/o/alpha/campaigns/",
        "campaign": f"/o/alpha/campaigns/{c}/",
        "campaign-new": f"/o/alpha/campaigns/new/?store={world.store.pk}",
        "links": f"/o/alpha/campaigns/{c}/links/",
        "link": f"/o/alpha/links/{link.pk}/",
        "link-check": f"/o/alpha/campaigns/{c}/links/check/",
        "tracking-plans": "/o/alpha/tracking-plans/",
        "tracking-plan": f"/o/alpha/tracking-plans/{world.plan.pk}/",
        "creators": "/o/alpha/creators/",
        "creators-import": "/o/alpha/creators/import/",
    }
    for name, path in pages.items():
        page.viewport((1280, 900))
        page.open(path)
        assert "Not found" not in page.text("main"), name
        page.screenshot(f"campaigns-{name}-desktop")
        page.screenshot(f"campaigns-{name}-phone", PHONE)
        assert not page.overflows_horizontally(), name
    # the campaign page names its creators, products and Amazon id
    page.viewport((1280, 900))
    page.open(pages["campaign"])
    text = page.text("main")
    assert "Jane Doe" in text and "B0EXAMPLE1" in text and "spring-launch-2026" in text


def test_a_validation_error_sits_next_to_its_field(page, worlds):
    world = worlds["alpha"]
    from selenium.webdriver.common.by import By

    sign_in(page, "manager@alpha.test")
    page.open(f"/o/alpha/campaigns/{world.campaign.pk}/")
    box = page.driver.find_element(By.ID, "id_products")
    box.send_keys("B0SHORT")
    box.submit()
    error = page.driver.find_element(By.CSS_SELECTOR, ".has-error .field-error")
    assert "Line 1: 'B0SHORT' is not an ASIN" in error.text
    page.screenshot("campaigns-product-error", PHONE)
    assert not page.overflows_horizontally()
