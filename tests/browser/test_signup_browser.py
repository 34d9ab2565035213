"""Self-serve sign-up in headless Chromium: ask for the link, open it, create the organisation,
land on the onboarding checklist (screenshots: artifacts/screenshots/)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.support.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_to_the_checklist_in_a_browser(page):
    from selenium.webdriver.common.by import By

    wait_for = page.wait_until  # a click only starts the request: wait for its page

    page.open("/accounts/login/")
    page.driver.find_element(By.LINK_TEXT, "Create an account").click()
    page.driver.find_element(By.NAME, "email").send_keys("founder@newbrand.test")
    page.screenshot("signup-start")
    page.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(lambda d: "Check your email" in d.page_source)
    [message] = mail.outbox
    path = re.search(r"(/accounts/signup/\S+/)", message.body).group(1)

    page.open(path)
    fields = {
        "organization_name": "New Brand",
        "name": "Fran Founder",
        "password1": "a-long-enough-pass-42",
        "password2": "a-long-enough-pass-42",
    }
    for name, value in fields.items():
        page.driver.find_element(By.NAME, name).send_keys(value)
    page.screenshot("signup-complete")
    page.driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(lambda d: d.current_url.endswith("/o/new-brand/"))
    checklist = page.text(".onboarding")
    assert "0 of 6 done" in checklist and "Connect Amazon Ads" in checklist
    page.screenshot("onboarding-desktop")
    page.screenshot("onboarding-phone", PHONE)
    assert not page.overflows_horizontally()
    page.driver.find_element(By.LINK_TEXT, "Connect Amazon Ads").click()
    wait_for(lambda d: d.current_url.endswith("/o/new-brand/settings/amazon/"))
