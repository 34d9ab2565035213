"""The creator portal in headless Chromium at a phone's size (390x844): sign in by magic link,
copy a link, build a sub-ID link, read earnings that match the database. Screenshots of each
page go to artifacts/screenshots/portal-*.png."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db.models import Sum
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from commissions.models import Conversion
from creators.invitations import portal_invitation_token
from creators.models import PortalInvitation
from tenancy.scoping import tenant_scope
from tests.factories import PASSWORD, CampaignCreatorFactory
from tests.support.browser import DESKTOP, PHONE
from tests.support.portal import Profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "a-long-creator-password-42"


def phone(page) -> None:
    page.viewport(PHONE)


def wait_for(page, condition, timeout: float = 10):
    return WebDriverWait(page.driver, timeout).until(lambda d: condition(d))


def sign_in_by_link(page, portal, tenant, key: str) -> None:
    """The brand's invitation for profile `key`, opened and used in the browser."""
    profile = portal.profiles[key]
    with tenant_scope(tenant.org):
        invitation = PortalInvitation.objects.create(
            creator=profile.creator, campaign_creator=profile.cc, email=profile.creator.email
        )
        token = portal_invitation_token(invitation=invitation)
    page.open(f"/portal/signin/{token}/")
    assert f"Sign in as {profile.creator.email}" in page.text("main")
    page.screenshot("portal-signin-phone")
    page.driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    wait_for(page, lambda d: "/portal/signin/" not in d.current_url)


def test_sign_in_by_magic_link_and_set_a_password(page, portal, tenant_a):
    phone(page)
    # Lee is new: no account until the link is used
    cc = CampaignCreatorFactory(
        campaign=portal.brands["alpha"].campaign,
        creator__name="Lee Newman",
        creator__email="lee@creators.test",
        status="active",
        amazon_adgroup_id="lee",
    )
    portal.profiles["lee@alpha"] = Profile(tenant_a, cc.creator, cc)
    sign_in_by_link(page, portal, tenant_a, "lee@alpha")
    assert page.driver.current_url.endswith("/portal/password/")
    assert "Set a password" in page.text("h1")
    page.screenshot("portal-set-password-phone")
    assert not page.overflows_horizontally()
    page.driver.find_element(By.NAME, "new_password1").send_keys(NEW_PASSWORD)
    page.driver.find_element(By.NAME, "new_password2").send_keys(NEW_PASSWORD)
    page.driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    wait_for(page, lambda d: d.current_url.endswith("/portal/b/alpha/"))
    assert "Your links at Alpha" in page.text("h1")
    assert "Password saved" in page.text(".messages")
    # signing out and in again with the password lands in the portal too
    page.driver.find_element(By.CSS_SELECTOR, ".portal-menu summary").click()
    page.screenshot("portal-menu-phone")
    page.driver.find_element(By.CSS_SELECTOR, ".portal-menu button[type=submit]").click()
    wait_for(page, lambda d: "/accounts/login/" in d.current_url)
    page.sign_in("lee@creators.test", NEW_PASSWORD)
    wait_for(page, lambda d: d.current_url.endswith("/portal/b/alpha/"))


def test_copy_a_link_on_a_phone(page, portal, tenant_a, tenant_b):
    phone(page)
    page.driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {
            "origin": page.base_url,
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
        },
    )
    sign_in_by_link(page, portal, tenant_a, "omar@alpha")
    wait_for(page, lambda d: d.current_url.endswith("/portal/b/alpha/"))
    page.screenshot("portal-links-phone")
    assert not page.overflows_horizontally()
    link = portal.profiles["omar@alpha"].links[0]
    button = page.driver.find_element(By.CSS_SELECTOR, f'[data-copy="#link-{link.code}"]')
    # a big tap target
    assert button.size["height"] >= 44 and button.size["width"] >= 44
    button.click()
    wait_for(page, lambda d: "Copied" in button.text)
    copied = page.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, (e) => done('error: ' + e));"
    )
    assert copied == f"{page.base_url.replace('localhost', '127.0.0.1')}/l/{link.code}" or (
        copied.endswith(f"/l/{link.code}")
    )
    page.screenshot("portal-copied-phone")
    # the numbers part of the page: Chart.js drew the daily chart
    page.driver.execute_script("document.querySelector('.portal-numbers').scrollIntoView()")
    wait_for(
        page,
        lambda d: d.execute_script(
            "const c = document.querySelector('canvas.daily-chart');"
            "return !!(window.Chart && Chart.getChart(c))"
        ),
    )
    page.screenshot("portal-numbers-phone")
    assert not page.overflows_horizontally()
    # the same page on a desktop: the phone layout, centred, tabs on top
    page.screenshot("portal-links-desktop", DESKTOP)
    assert not page.overflows_horizontally()


def test_build_a_sub_id_link_on_a_phone(page, portal, tenant_a):
    phone(page)
    sign_in_by_link(page, portal, tenant_a, "jane@alpha")
    link = portal.profiles["jane@alpha"].links[0]
    page.open(f"/portal/b/alpha/links/{link.pk}/")
    assert "Sub-ID builder" in page.text("main")
    field = page.driver.find_element(By.NAME, "sub")
    field.send_keys("bad sub!")
    error = page.driver.find_element(By.ID, "sub-error")
    wait_for(page, lambda d: error.is_displayed())
    result = page.driver.find_element(By.CSS_SELECTOR, ".subid-result")
    assert not result.is_displayed()
    page.screenshot("portal-subid-error-phone")
    field.clear()
    field.send_keys("tiktok-0412")
    wait_for(page, lambda d: result.is_displayed())
    assert not error.is_displayed()
    built = page.driver.find_element(By.ID, "sub-link").get_attribute("value")
    assert re.fullmatch(rf"http://[^/]+/l/{link.code}\?sub=tiktok-0412", built), built
    qr = page.driver.find_element(By.CSS_SELECTOR, ".subid-qr")
    wait_for(page, lambda d: "sub=tiktok-0412" in (qr.get_attribute("src") or ""))
    wait_for(page, lambda d: d.execute_script("return arguments[0].naturalWidth > 0", qr))
    # a suggestion chip fills the field
    chip = page.driver.find_element(By.CSS_SELECTOR, '[data-sub="ig-bio"]')
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", chip)
    chip.click()
    wait_for(
        page,
        lambda d: d.find_element(By.ID, "sub-link").get_attribute("value").endswith("?sub=ig-bio"),
    )
    # its QR code follows (debounced): let it load, so no request is in flight at teardown
    wait_for(page, lambda d: "sub=ig-bio" in (qr.get_attribute("src") or ""))
    wait_for(
        page,
        lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", qr),
    )
    page.driver.execute_script("arguments[0].scrollIntoView()", result)
    page.screenshot("portal-subid-phone")
    assert not page.overflows_horizontally()
    # the per-sub-ID clicks further down
    table = page.text("main")
    assert "Clicks per sub-ID" in table and "ig-bio" in table


def test_earnings_on_a_phone_match_the_database(page, portal, tenant_a, tenant_b):
    phone(page)
    sign_in_by_link(page, portal, tenant_b, "kim@bravo")
    page.open("/portal/b/bravo/earnings/")
    kim = portal.profiles["kim@bravo"]
    with tenant_scope(tenant_b.org):
        mine = Conversion.objects.filter(creator=kim.creator).with_owed()
        for status in Conversion.Status.values:
            amount = mine.filter(status=status).aggregate(s=Sum("owed"))["s"] or Decimal("0")
            tile = page.driver.find_element(By.CSS_SELECTOR, f'[data-status="{status}"]')
            assert f"${amount:,.2f}" in tile.text, (status, tile.text)
        total = mine.owing().aggregate(s=Sum("owed"))["s"]
    assert page.text('[data-total="USD"]') == f"${total:,.2f}"
    page.screenshot("portal-earnings-phone")
    assert not page.overflows_horizontally()
    # September: the return is a line of its own
    page.open("/portal/b/bravo/earnings/?month=2026-09")
    lines = page.text(".earning-lines")
    assert "Return after approval (clawback)" in lines and "-$1.20" in lines
    page.driver.execute_script("document.querySelector('.earning-lines').scrollIntoView()")
    page.screenshot("portal-earnings-month-phone")
    assert not page.overflows_horizontally()
    # the tab bar sits at the bottom of the phone's screen
    tabs = page.driver.find_element(By.CSS_SELECTOR, ".portal-tabs")
    assert (
        tabs.location["y"] + tabs.size["height"] >= PHONE[1] - 2
        or tabs.value_of_css_property("position") == "fixed"
    )
    assert PASSWORD  # Kim's password account is untouched by the magic link
