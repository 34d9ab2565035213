"""A payout run in headless Chromium: finance creates a run, downloads the PayPal file (a real
download) and marks the run paid; the creator's payout shows in the database as paid."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from commissions.models import Conversion, PayoutRun
from tenancy.models import Role
from tenancy.scoping import tenant_scope
from tests.factories import PASSWORD, MembershipFactory
from tests.support.browser import PHONE
from tests.support.payouts import Shop, paypal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _downloaded(folder: Path, timeout: float = 10) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == ".csv"]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing downloaded to {folder}")


def _wait_for(page, selector: str, text: str) -> None:
    """Until the page that a click loads shows `text` in `selector`."""
    page.wait_until(lambda _driver: text in page.text(selector))


def test_create_run_download_file_mark_paid(page, tenant_a, tenant_b, tmp_path):
    from selenium.webdriver.common.by import By

    shop = Shop(tenant_a, "USD")
    ann, bob = shop.creator("Ann"), shop.creator("Bob")
    paypal(ann, "ann@paypal.test")
    shop.earn(ann, "60.00")
    shop.earn(ann, "15.25")
    shop.earn(bob, "12.00")  # no payout details: rejected, and the page says why
    MembershipFactory(organization=tenant_a.org, role=Role.FINANCE, user__email="fin@alpha.test")

    page.sign_in("fin@alpha.test", PASSWORD)
    page.open("/o/alpha/payouts/")
    page.driver.find_element(By.XPATH, "//button[normalize-space()='Create payout run']").click()
    _wait_for(page, "h1", "Open")
    assert "Payout run" in page.text("h1")
    assert "Cannot be paid by file (1)" in page.text()
    assert "No payout details" in page.text("tr.rejected")
    assert "$75.25" in page.text(".kpis")
    page.screenshot("payout-run-desktop")
    page.screenshot("payout-run-phone", PHONE)
    assert not page.overflows_horizontally()
    page.viewport((1280, 900))

    page.driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    page.driver.find_element(By.CSS_SELECTOR, "[data-file='paypal-USD']").click()
    file = _downloaded(tmp_path)
    with tenant_scope(tenant_a.org):
        run = PayoutRun.objects.get()
        line = run.lines.get(creator=ann)
    assert file.name == f"payout-run-{run.pk}-paypal-usd.csv"
    assert (
        file.read_bytes()
        == (
            f"ann@paypal.test,75.25,USD,{line.reference},"
            f"Commission from {tenant_a.org.name} ({line.reference}),PAYPAL\r\n"
        ).encode()
    )

    page.driver.find_element(By.ID, "reference").send_keys("PAYPAL-BATCH-1")
    page.driver.find_element(By.XPATH, "//button[normalize-space()='Mark run paid']").click()
    _wait_for(page, "h1", "Paid")
    assert "marked paid: $75.25" in page.text(".messages")
    assert "fin@alpha.test" in page.text() and "PAYPAL-BATCH-1" in page.text()
    page.screenshot("payout-run-paid-desktop")
    with tenant_scope(tenant_a.org):
        run.refresh_from_db()
        assert run.status == "paid" and run.paid_by.email == "fin@alpha.test"
        assert sorted(
            Conversion.objects.filter(status="paid").values_list("commission", flat=True)
        ) == [15.25, 60]


def test_creator_adds_bank_details_and_sees_a_payout_on_a_phone(page, portal):
    """Omar (alpha) adds bank details in the portal on a phone, finance pays a run by Wise,
    and Omar reads the payout with its days and reference."""
    from selenium.webdriver.common.by import By

    from commissions.payouts import payout_run_create, payout_run_pay

    omar = portal.profiles["omar@alpha"]
    page.viewport(PHONE)
    page.sign_in(portal.users["omar"].email, PASSWORD)
    page.open("/portal/b/alpha/payouts/")
    assert "No payouts yet" in page.text()
    page.driver.find_element(By.LINK_TEXT, "Add payout details").click()
    _wait_for(page, "h1", "Payout details")
    page.driver.find_element(By.CSS_SELECTOR, "input[name=method][value=wise]").click()
    page.driver.find_element(By.NAME, "account_holder").send_keys("Omar Ali")
    page.driver.find_element(By.NAME, "abartn").send_keys("011000015")
    page.driver.find_element(By.NAME, "account_number").send_keys("123456789")
    page.driver.find_element(By.CSS_SELECTOR, "select[name=account_type]").send_keys("Checking")
    page.driver.find_element(By.NAME, "address_first_line").send_keys("1 Main St")
    page.driver.find_element(By.NAME, "address_city").send_keys("Boston")
    page.driver.find_element(By.NAME, "address_country").send_keys("us")
    page.screenshot("portal-payout-details-phone")
    assert not page.overflows_horizontally()
    page.driver.find_element(By.XPATH, "//button[normalize-space()='Save payout details']").click()
    _wait_for(page, ".messages", "Payout details saved")
    assert "US account ending 6789" in page.text("[data-details]")

    with tenant_scope(omar.org):
        Conversion.objects.filter(creator=omar.creator, status__in=("approved", "awaiting")).update(
            status="payable"
        )
        run = payout_run_create(organization=omar.org, user=omar.tenant.owner)
        line = run.lines.get(creator=omar.creator)
        assert line.outcome == "pay", line.reason
        payout_run_pay(run_id=run.pk, user=omar.tenant.owner, reference="WISE-B123")
    page.open("/portal/b/alpha/payouts/")
    payout = page.text(f"[data-payout='{line.reference}']")
    assert f"${line.amount:,.2f} paid" in payout and "WISE-B123" in payout
    assert "bank transfer (Wise)" in payout
    page.screenshot("portal-payouts-phone")
    assert not page.overflows_horizontally()
