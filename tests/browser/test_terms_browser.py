"""Changing a campaign's rate from a past day in headless Chromium: the manager picks the day,
chooses to apply it to the conversions still pending, sees the amount it moves, confirms, and
finds the change in the campaign's terms history. Screenshots in artifacts/screenshots/."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import PASSWORD
from tests.support.browser import PHONE
from tests.support.terms import terms_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_change_the_rate_from_a_date_in_a_browser(page, tenant_a, tenant_b, monkeypatch):
    from selenium.webdriver.common.by import By

    world = terms_world(tenant_a, monkeypatch)
    world.fact(date(2026, 10, 5))
    world.fact(date(2026, 10, 15))
    world.at(date(2026, 10, 20))
    world.settle()

    page.sign_in("manager@alpha.test", PASSWORD)
    page.open(f"/o/alpha/campaigns/{world.campaign.pk}/")
    page.driver.find_element(By.LINK_TEXT, "Change terms").click()
    page.wait_until(lambda d: "/terms/" in d.current_url)
    assert "Change terms" in page.text("h1")
    rate = page.driver.find_element(By.NAME, "default_commission_rate")
    rate.clear()
    rate.send_keys("12")
    day = page.driver.find_element(By.NAME, "terms_from")
    assert day.get_attribute("value") == "2026-10-20"  # the store's today by default
    page.driver.execute_script("arguments[0].value = '2026-10-10'", day)
    # a past day without the explicit choice is refused, with the reason next to the field
    page.driver.find_element(By.XPATH, "//main//button[.='Save']").click()
    assert "Past days keep the terms they were earned under" in page.text(".has-error")
    page.driver.find_element(By.NAME, "apply_to_pending").click()
    page.driver.find_element(By.XPATH, "//main//button[.='Save']").click()

    move = page.text("#terms-move")
    assert "moves +$2.00 on 1 conversion." in move
    assert world.conversions()[date(2026, 10, 15)].commission == Decimal("10.00")
    page.screenshot("campaign-terms-preview-desktop")
    page.screenshot("campaign-terms-preview-phone", PHONE)
    assert not page.overflows_horizontally()
    page.viewport((1280, 900))

    page.driver.find_element(By.XPATH, "//button[.='Apply to pending conversions']").click()
    # the click only starts the POST: wait for the campaign page it redirects to
    saved = "new terms from 10 Oct 2026 saved. 1 pending conversion updated."
    page.wait_until(lambda d: saved in d.page_source)
    history = page.text("#terms-history")
    assert "10 Oct 2026 applied to pending 12.00 %" in history
    page.screenshot("campaign-terms-history-desktop")
    commissions = {d: c.commission for d, c in world.conversions().items()}
    assert commissions == {date(2026, 10, 5): Decimal("10.00"), date(2026, 10, 15): 12}
