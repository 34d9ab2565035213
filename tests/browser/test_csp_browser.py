"""The pages under their Content-Security-Policy and Permissions-Policy, in headless Chromium:
sign-in, the workflow dashboard and its period picker, a campaign's performance tab (Chart.js,
htmx sorting and search), the links page (copy button, creator filter), the campaign form's
new-plan fields, the creator portal (chart, copy button), the API docs (Redoc with its search
worker, Swagger UI) and /l/. No page raises a `securitypolicyviolation` event and the interactive
parts still work; an inline script slipped into each page is refused, which shows the policy is
in force."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from campaigns.forms import NEW_PLAN
from tests.factories import PASSWORD
from tests.support.csp import assert_no_violations, wait_for
from tests.support.portal import RANGE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_pages_work_under_the_policy(watched, portal):
    page = watched
    campaign = portal.brands["alpha"].campaign

    # sign-in
    page.open("/accounts/login/")
    assert_no_violations(page)
    page.sign_in("manager@alpha.test", PASSWORD)
    assert page.driver.current_url.endswith("/o/alpha/")

    # the workflow dashboard: "Custom" shows the dates without leaving the page; a preset
    # submits the period form
    assert_no_violations(page)
    period = Select(page.driver.find_element(By.ID, "range"))
    custom = page.driver.find_element(By.CSS_SELECTOR, ".period .custom")
    assert not custom.is_displayed()
    period.select_by_value("custom")
    wait_for(page, lambda d: custom.is_displayed())
    assert "range=" not in page.driver.current_url
    Select(page.driver.find_element(By.ID, "range")).select_by_value("90d")
    wait_for(page, lambda d: "range=90d" in d.current_url)
    assert_no_violations(page)

    # a campaign's performance tab: Chart.js draws; htmx sorts and searches in place
    page.open(f"/o/alpha/campaigns/{campaign.pk}/performance/{RANGE}")
    assert page.driver.execute_script(
        "return !!(window.Chart && Chart.getChart('performance-chart'))"
    )
    page.driver.execute_script("window.__samePage = true")
    table = page.driver.find_element(By.ID, "table-creators")
    assert table.text.index("Jane") < table.text.index("Omar")  # by sales, descending
    table.find_element(By.CSS_SELECTOR, "thead th[aria-sort=descending] a").click()  # ascending
    wait_for(
        page, lambda d: d.find_elements(By.CSS_SELECTOR, "#table-creators [aria-sort=ascending]")
    )
    rows = page.text("#table-creators tbody")
    assert rows.index("Omar") < rows.index("Jane")
    box = page.driver.find_element(By.ID, "q-creators")
    box.send_keys("oma")
    wait_for(page, lambda d: "Jane" not in d.find_element(By.ID, "table-creators").text)
    assert "Omar" in page.text("#table-creators")
    assert page.driver.execute_script("return window.__samePage === true")  # no reload
    assert_no_violations(page)

    # the links page: the creator filter submits itself; a copy button copies
    page.open(f"/o/alpha/campaigns/{campaign.pk}/links/")
    omar = portal.profiles["omar@alpha"].cc
    Select(page.driver.find_element(By.ID, "creator-filter")).select_by_value(str(omar.pk))
    wait_for(page, lambda d: f"creator={omar.pk}" in d.current_url)
    link = portal.profiles["omar@alpha"].links[0]
    button = page.driver.find_element(By.CSS_SELECTOR, f'[data-copy="url-{link.pk}"]')
    button.click()
    wait_for(page, lambda d: button.text == "Copied")
    copied = page.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, (e) => done('error: ' + e));"
    )
    assert copied.endswith(f"/l/{link.code}")
    assert_no_violations(page)


def test_the_creator_portal_works_under_the_policy(watched, portal):
    page = watched
    page.sign_in("omar@creators.test", PASSWORD)
    wait_for(page, lambda d: d.current_url.endswith("/portal/b/alpha/"))
    wait_for(
        page,
        lambda d: d.execute_script(
            "const c = document.querySelector('canvas.daily-chart');"
            "return !!(window.Chart && Chart.getChart(c))"
        ),
    )
    assert_no_violations(page)
    link = portal.profiles["omar@alpha"].links[0]
    page.open(f"/portal/b/alpha/links/{link.pk}/")
    button = page.driver.find_element(By.CSS_SELECTOR, '[data-copy="#short-link"]')
    button.click()
    wait_for(page, lambda d: "Copied" in button.text)
    copied = page.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, (e) => done('error: ' + e));"
    )
    assert copied.endswith(f"/l/{link.code}")
    assert_no_violations(page)


def test_the_api_docs_work_under_their_policy(watched, tenant_a):
    page = watched
    page.open("/api/docs/")
    wait_for(page, lambda d: "Attribution API" in d.find_element(By.TAG_NAME, "h1").text)
    wait_for(page, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-section-id]"))
    # Redoc searches in a blob: worker
    page.driver.find_element(By.CSS_SELECTOR, "input[placeholder='Search...']").send_keys("camp")
    wait_for(page, lambda d: "Create a campaign" in page.text("[data-role='search:results']"))
    # the sidebar's vendor logo (another host) is refused; Redoc hides it
    assert_no_violations(page, third_party_images=True)
    page.open("/api/docs/try/")
    wait_for(page, lambda d: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock"))
    assert "Attribution API" in page.text(".swagger-ui .info")
    assert_no_violations(page)


def test_the_short_link_pages_under_the_policy(watched, tenant_a):
    page = watched  # /l/ is answered before django-csp's middleware runs
    page.open("/l/nosuchcode")
    assert "This link does not exist" in page.text("h1")
    assert_no_violations(page)


def test_the_campaign_form_under_the_policy(watched, worlds):
    page = watched  # "New plan…" shows the new plan's fields
    page.sign_in("manager@alpha.test", PASSWORD)
    page.open(f"/o/alpha/campaigns/new/?store={worlds['alpha'].store.pk}")
    box = page.driver.find_element(By.CSS_SELECTOR, ".newplan")
    plan = Select(page.driver.find_element(By.ID, "id_tracking_plan"))
    plan.select_by_value(str(worlds["alpha"].plan.pk))
    wait_for(page, lambda d: not box.is_displayed())
    plan.select_by_value(NEW_PLAN)
    wait_for(page, lambda d: box.is_displayed())
    assert_no_violations(page)
