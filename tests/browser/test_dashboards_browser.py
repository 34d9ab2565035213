"""The dashboards in headless Chromium: sign in, open a campaign, read numbers that match
the database; screenshots of each page (desktop and phone) go to artifacts/screenshots/."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db.models import Sum

from attribution.models import DailyMetric
from tenancy.scoping import tenant_scope
from tests.factories import PASSWORD
from tests.support.browser import PHONE
from tests.support.sync import WINDOW, sync

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RANGE = f"?range=custom&start={WINDOW.start}&end={WINDOW.end}"


def test_campaign_performance_in_a_browser(page, campaign, us_store, tenant_a, tenant_b):
    sync(us_store)
    with tenant_scope(tenant_a.org):
        facts = DailyMetric.objects.filter(
            level="adgroup", amazon_campaign_id="spring", date__range=(WINDOW.start, WINDOW.end)
        )
        sales = facts.aggregate(s=Sum("sales"))["s"] or Decimal("0")
        purchases = facts.aggregate(s=Sum("purchases"))["s"] or 0

    page.sign_in("manager@alpha.test", PASSWORD)
    page.open("/o/alpha/")
    assert "Stores" in page.text() and "Campaigns" in page.text()
    page.screenshot("overview-desktop")
    page.screenshot("overview-phone", PHONE)
    assert not page.overflows_horizontally()

    page.viewport((1280, 900))
    page.open(f"/o/alpha/campaigns/{campaign.pk}/performance/{RANGE}")
    kpis = page.text(".kpis")
    assert f"${sales:,.2f}" in kpis
    assert re.search(rf"Purchases\s+{purchases}\b", kpis)
    assert "Amazon data through" in page.text(".freshness")
    # Chart.js (from npm) drew the chart
    assert page.driver.execute_script(
        "return !!(window.Chart && Chart.getChart('performance-chart'))"
    )
    page.screenshot("campaign-performance-desktop")

    # search the creators table in place (htmx)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    box = page.driver.find_element(By.ID, "q-creators")
    box.send_keys("oma")
    WebDriverWait(page.driver, 5).until(
        lambda d: "Jane" not in d.find_element(By.ID, "table-creators").text
    )
    assert "Omar" in page.text("#table-creators")

    page.screenshot("campaign-performance-phone", PHONE)
    assert not page.overflows_horizontally()


def test_sync_and_conversions_pages_in_a_browser(page, campaign, us_store, tenant_a, tenant_b):
    sync(us_store)
    page.sign_in("manager@alpha.test", PASSWORD)
    page.open("/o/alpha/sync/")
    assert "Recent syncs" in page.text()
    page.screenshot("sync-desktop")
    page.open("/o/alpha/conversions/?status=pending")
    assert "Conversions" in page.text("h1")
    page.screenshot("conversions-desktop")
    page.screenshot("conversions-phone", PHONE)
    assert not page.overflows_horizontally()
