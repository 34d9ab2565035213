"""Products look like products, in headless Chromium: adding a product by ASIN shows Amazon's
title (and picture and price) before saving, a made-up ASIN is called out, and the link
checker flags its links. Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.factories import PASSWORD
from tests.support.amazon import sandbox_control
from tests.support.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TENT = "B0C7KQ2ZL4"
TENT_TITLE = "Ridgeline 2-Person Backpacking Tent, 3-Season"
MADE_UP = "B0NOSUCH01"


def wait_for_text(page, selector: str, text: str, timeout: float = 10) -> None:
    WebDriverWait(page.driver, timeout).until(
        lambda d: text in d.find_element(By.CSS_SELECTOR, selector).text
    )


def test_add_a_product_by_asin_with_its_title_shown_first(page, worlds, amazon_sandbox):
    world = worlds["alpha"]
    known = [{"asin": "B0EXAMPLE1"}, {"asin": "B0EXAMPLE2"}]  # the world's products exist
    sandbox_control(amazon_sandbox, "/sandbox/catalog", {"products": known})
    page.sign_in("manager@alpha.test", PASSWORD)
    page.open(f"/o/alpha/campaigns/{world.campaign.pk}/")
    box = page.driver.find_element(By.NAME, "products")
    box.send_keys(TENT)
    wait_for_text(page, "#product-preview", TENT_TITLE)
    preview = page.driver.find_element(By.CSS_SELECTOR, "#product-preview")
    assert "$" in preview.text  # Amazon's price, in the store's currency
    image = preview.find_element(By.CSS_SELECTOR, "img.product-img")
    assert page.driver.execute_script("return arguments[0].naturalWidth", image) > 0
    box.send_keys(f"\n{MADE_UP}")
    wait_for_text(page, "#product-preview", "Not found")
    assert f"Amazon's catalog has no product {MADE_UP} in US" in preview.text
    page.screenshot("product-add-preview-desktop")
    page.screenshot("product-add-preview-phone", PHONE)
    page.viewport((1280, 900))

    box.find_element(By.XPATH, "./ancestor::form").submit()
    wait_for_text(page, "main", "2 products in the campaign.")
    products = page.text("#products-h + ul")
    assert TENT_TITLE in products  # Amazon's title on the product, at once
    assert "Not in Amazon's catalog" in products
    page.screenshot("product-list-desktop")

    # the link checker reports the links of the ASIN that does not exist
    page.open(f"/o/alpha/campaigns/{world.campaign.pk}/links/check/")
    text = page.text("main")
    assert "2 of 10 links have problems." in text
    assert f"Amazon's catalog has no product {MADE_UP} in this marketplace" in text
    page.screenshot("link-check-unknown-asin-desktop")
    page.screenshot("link-check-unknown-asin-phone", PHONE)
