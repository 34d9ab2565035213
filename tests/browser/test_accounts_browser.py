"""Sign in and move around as a person would, in headless Chromium."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.support.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_and_members_page(page, tenant_a, tenant_b):
    page.sign_in("owner@alpha.test", PASSWORD)
    assert page.driver.current_url.endswith("/o/alpha/")
    page.open("/o/alpha/members/")
    table = page.text("table")
    assert "owner@alpha.test" in table and "manager@alpha.test" in table
    assert "bravo" not in table
    page.screenshot("members-desktop")
    page.screenshot("members-phone", PHONE)
    # the page fits a phone: nothing wider than the viewport (wide tables scroll inside)
    assert not page.overflows_horizontally()


def test_wrong_password_shows_an_error_next_to_the_form(page, tenant_a, tenant_b):
    page.sign_in("owner@alpha.test", "wrong-password")
    assert "Please enter a correct email and password" in page.text()
    page.screenshot("sign-in-error")
