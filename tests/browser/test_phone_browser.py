"""Staff pages on a phone (390 px) in headless Chromium: the navigation is a menu with every
entry reachable, no page is wider than the screen, and wide tables keep their name column in
view while the money columns scroll inside the card. Screenshots: artifacts/screenshots/."""

from __future__ import annotations

import pytest

from campaigns.models import CampaignCreator
from tenancy.scoping import tenant_scope
from tests.factories import PASSWORD
from tests.support.browser import DESKTOP, PHONE
from tests.support.sync import sync

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every nav entry is on screen and clickable once the menu is open.
NAV_STATE = """
const nav = document.getElementById('mainnav');
return [...nav.querySelectorAll('a')].map(a => {
  const r = a.getBoundingClientRect();
  return [a.textContent.trim(), r.width > 0 && r.height > 0 && r.left >= 0
          && r.right <= document.documentElement.clientWidth + 1];
});
"""

# For each money cell (td.num): shown, and either inside the screen or in a wrapper that
# scrolls sideways; the table's first column is sticky when the table is wider than its card.
TABLE_STATE = """
const out = [];
document.querySelectorAll('table').forEach((t, i) => {
  const wrap = t.closest('.table-wrap');
  const wide = wrap && t.scrollWidth > wrap.clientWidth + 1;
  const scrolls = wrap && ['auto', 'scroll'].includes(getComputedStyle(wrap).overflowX);
  const first = t.querySelector('tbody tr > :first-child');
  const sticky = first && getComputedStyle(first).position === 'sticky';
  const stacked = t.classList.contains('links');
  let hidden = 0;
  t.querySelectorAll('td.num').forEach(td => {
    const style = getComputedStyle(td);
    if (style.display === 'none' || style.visibility === 'hidden') hidden++;
  });
  out.push({i, wide: !!wide, scrolls: !!scrolls, sticky: !!sticky, stacked, hidden,
            fits: t.getBoundingClientRect().right <= document.documentElement.clientWidth + 1});
});
return out;
"""


def _pages(campaign, creator_id: int) -> list[tuple[str, str]]:
    base = "/o/alpha"
    return [
        ("overview", f"{base}/"),
        ("campaigns", f"{base}/campaigns/"),
        ("campaign", f"{base}/campaigns/{campaign.pk}/"),
        ("campaign-performance", f"{base}/campaigns/{campaign.pk}/performance/"),
        ("campaign-links", f"{base}/campaigns/{campaign.pk}/links/"),
        ("creators", f"{base}/creators/"),
        ("creator", f"{base}/creators/{creator_id}/"),
        ("tracking-plans", f"{base}/tracking-plans/"),
        ("conversions", f"{base}/conversions/"),
        ("sync", f"{base}/sync/"),
        ("exports", f"{base}/exports/"),
        ("payables", f"{base}/payables/"),
        ("payouts", f"{base}/payouts/"),
        ("payout-minimums", f"{base}/payouts/minimums/"),
        ("activity", f"{base}/activity/"),
        ("campaign-terms", f"{base}/campaigns/{campaign.pk}/terms/"),
        ("members", f"{base}/members/"),
        ("amazon-settings", f"{base}/settings/amazon/"),
        ("api-keys", f"{base}/settings/api-keys/"),
    ]


def test_every_staff_page_works_at_phone_width(page, campaign, us_store, tenant_a):
    from selenium.webdriver.common.by import By

    sync(us_store)
    with tenant_scope(tenant_a.org):
        creator_id = CampaignCreator.objects.filter(campaign=campaign).first().creator_id
    page.sign_in("owner@alpha.test", PASSWORD)
    page.viewport(PHONE)
    problems: list[str] = []
    for name, path in _pages(campaign, creator_id):
        page.open(path)
        assert "Page not found" not in page.driver.title, path
        if page.overflows_horizontally():
            problems.append(f"{name}: the page is wider than the phone")
        toggle = page.driver.find_element(By.CSS_SELECTOR, "[data-navtoggle]")
        assert toggle.is_displayed(), f"{name}: no menu button at phone width"
        # closed, the menu takes no room; open, every entry is on screen
        assert not page.driver.find_element(By.ID, "mainnav").is_displayed()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        entries = page.driver.execute_script(NAV_STATE)
        labels = [label for label, _ in entries]
        assert {"Overview", "Campaigns", "Payables", "API keys"} <= set(labels), labels
        problems += [f"{name}: nav entry {label} off screen" for label, ok in entries if not ok]
        page.screenshot(f"phone-menu-{name}")
        toggle.click()
        for table in page.driver.execute_script(TABLE_STATE):
            if table["hidden"]:
                problems.append(f"{name}: table {table['i']} hides {table['hidden']} money cells")
            if table["stacked"]:
                continue
            if not table["fits"] and not table["scrolls"]:
                problems.append(f"{name}: table {table['i']} is cut off (no scrolling card)")
            if table["wide"] and not table["sticky"]:
                problems.append(f"{name}: table {table['i']} scrolls its name column away")
        page.screenshot(f"phone-{name}")
    assert problems == []

    # at desktop width the navigation is a plain row again, no menu button
    page.viewport(DESKTOP)
    page.open("/o/alpha/")
    assert not page.driver.find_element(By.CSS_SELECTOR, "[data-navtoggle]").is_displayed()
    assert page.driver.find_element(By.ID, "mainnav").is_displayed()
