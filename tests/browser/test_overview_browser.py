"""The overview, the campaign list, a creator's page and live progress in headless Chromium
(issue 15): the trend chart draws under the Content-Security-Policy, an empty period is
explained instead of drawn, and the sync page and link generation poll until they end.
Screenshots (desktop and phone) go to artifacts/screenshots/."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By

from attribution.models import Store, SyncRun
from attribution.sync.checkpoint import DatabaseCheckpoint
from attribution.sync.runs import sync_run_start
from campaigns.models import LinkJob
from tenancy.scoping import tenant_scope
from tests.factories import PASSWORD
from tests.support.browser import PHONE
from tests.support.csp import assert_no_violations, wait_for
from tests.support.reporting import spring_links
from tests.support.sync import WINDOW, sync

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RANGE = f"?range=custom&start={WINDOW.start}&end={WINDOW.end}"


def text_of(page, selector: str) -> str:
    """The element's text; "" while htmx is swapping it (the old element is gone)."""
    try:
        return page.text(selector)
    except (StaleElementReferenceException, NoSuchElementException):
        return ""


def attribute_of(page, selector: str, name: str) -> str:
    try:
        return page.driver.find_element(By.CSS_SELECTOR, selector).get_attribute(name) or ""
    except (StaleElementReferenceException, NoSuchElementException):
        return ""


def chart_drawn(page, canvas_id: str) -> bool:
    return bool(
        page.driver.execute_script(
            "const c = document.getElementById(arguments[0]);"
            "const chart = window.Chart && c && Chart.getChart(c);"
            "return !!chart && chart.data.datasets[0].data.length > 0;",
            canvas_id,
        )
    )


def test_the_overview_trend_top_lists_and_creator_page(watched, campaign, us_store, tenant_a):
    page = watched
    spring_links(campaign)
    sync(us_store)
    page.sign_in("manager@alpha.test", PASSWORD)

    page.open("/o/alpha/" + RANGE)
    wait_for(page, lambda d: chart_drawn(page, "trend-usd"))
    days = page.driver.execute_script("return Chart.getChart('trend-usd').data.labels.length")
    assert days == WINDOW.days
    assert "Jane" in page.text("section[aria-labelledby=top-creators-h]")
    assert "Trail tent" in page.text("section[aria-labelledby=top-links-h]")
    assert_no_violations(page)
    page.screenshot("overview-trend-desktop")
    page.screenshot("overview-trend-phone", PHONE)
    assert not page.overflows_horizontally()

    # a week without data: an explanation, no flat chart
    page.viewport((1280, 900))
    page.open("/o/alpha/?range=7d")
    assert "No sales and no clicks" in page.text("#trend-empty")
    assert not page.driver.find_elements(By.CSS_SELECTOR, "canvas[data-trend]")
    assert_no_violations(page)
    page.screenshot("overview-empty-period-desktop")

    # the campaign list with the period's figures, and a creator's own page
    page.open("/o/alpha/campaigns/" + RANGE)
    assert "COMMISSION" in page.text("thead").upper()
    page.screenshot("campaigns-figures-desktop")
    page.screenshot("campaigns-figures-phone", PHONE)
    page.viewport((1280, 900))
    page.open("/o/alpha/" + RANGE)
    page.driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=top-creators-h] a").click()
    wait_for(page, lambda d: "/creators/" in d.current_url)
    assert "Earnings by status" in page.text() and "Links" in page.text("#creator-links-h")
    assert "Spring" in page.text("#creator-campaigns")
    assert_no_violations(page)
    page.screenshot("creator-page-desktop")
    page.screenshot("creator-page-phone", PHONE)
    assert not page.overflows_horizontally()


def test_the_sync_page_polls_until_the_run_ends(watched, us_store, tenant_a):
    page = watched
    page.sign_in("manager@alpha.test", PASSWORD)
    page.open("/o/alpha/sync/")
    page.driver.find_element(
        By.CSS_SELECTOR, f"form[action='/o/alpha/sync/{us_store.pk}/now/'] button"
    ).click()
    wait_for(
        page, lambda d: "waiting for a worker" in text_of(page, f"#sync-progress-{us_store.pk}")
    )
    wait_for(page, lambda d: attribute_of(page, "#sync-stores", "data-polling") == "1")
    page.driver.execute_script("window.__samePage = true")

    # a worker picks the run up and checkpoints pages: the page follows without a reload
    run = sync_run_start(
        organization_id=us_store.organization_id,
        store_id=us_store.pk,
        trigger=SyncRun.Trigger.MANUAL,
        owner="browser-worker",
        window=WINDOW,
    )
    DatabaseCheckpoint(run).save(
        level="campaign",
        seq=0,
        request_key="k",
        cursor="",
        next_cursor="n",
        page_size=500,
        rows_csv="",
        row_count=1500,
    )
    wait_for(
        page, lambda d: "1 page and 1,500 rows from Amazon so far" in text_of(page, "#sync-stores")
    )
    page.screenshot("sync-progress-desktop")

    # the run ends: the result replaces the progress and the polling stops
    with tenant_scope(us_store.organization_id):
        Store.objects.filter(pk=us_store.pk).update(sync_lease_owner="", sync_lease_until=None)
        SyncRun.objects.filter(pk=run.pk).update(status=SyncRun.Status.INTERRUPTED)
    sync(us_store)
    wait_for(page, lambda d: "Sync succeeded" in text_of(page, "#sync-stores"), timeout=15)
    wait_for(page, lambda d: attribute_of(page, "#sync-stores", "data-polling") == "0")
    assert page.driver.execute_script("return window.__samePage === true")
    assert_no_violations(page)
    page.screenshot("sync-finished-desktop")
    page.screenshot("sync-finished-phone", PHONE)


def test_link_generation_polls_until_it_ends(watched, campaign, tenant_a):
    page = watched
    with tenant_scope(tenant_a.org):
        job = LinkJob.objects.create(
            campaign=campaign, status=LinkJob.Status.RUNNING, total=2000, done=500
        )
    page.sign_in("manager@alpha.test", PASSWORD)
    page.open(f"/o/alpha/campaigns/{campaign.pk}/links/")
    wait_for(page, lambda d: "Making links: 500 of 2,000" in text_of(page, "#link-job"))
    page.driver.execute_script("window.__samePage = true")
    with tenant_scope(tenant_a.org):
        LinkJob.objects.filter(pk=job.pk).update(done=1200)
    wait_for(page, lambda d: "1,200 of 2,000" in text_of(page, "#link-job"))
    page.screenshot("link-job-progress-desktop")
    with tenant_scope(tenant_a.org):
        LinkJob.objects.filter(pk=job.pk).update(status=LinkJob.Status.DONE, done=2000)
    wait_for(page, lambda d: "2,000 links made" in text_of(page, "#link-job"))
    wait_for(page, lambda d: attribute_of(page, "#link-job", "data-polling") == "0")
    assert page.driver.execute_script("return window.__samePage === true")
    assert_no_violations(page)
    page.screenshot("link-job-done-desktop")
