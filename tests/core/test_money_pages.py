"""Pages show each store's money in its currency's own decimals and format: a yen store shows
"¥1,234", never "1234.00"; a dinar store three decimals; a dollar store "$" and two decimals
with thousands separators."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.support.stores import RANGE, campaign_with_sales

SALES = {"JPY": Decimal("1234.00"), "KWD": Decimal("1234.50"), "USD": Decimal("1234567.89")}
# promoted sales, brand total (twice the promoted)
SHOWN = {
    "JPY": ("¥1,234", "¥2,468"),
    "KWD": ("KWD1,234.500", "KWD2,469.000"),
    "USD": ("$1,234,567.89", "$2,469,135.78"),
}


def text(response) -> str:
    """What the page shows: scripts (the chart's JSON data) left out."""
    assert response.status_code == 200
    html = re.sub(r"<script\b.*?</script>", "", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def campaigns(stores, tenant_a):
    return {
        code: campaign_with_sales(tenant_a, stores[code], sales=SALES[code], name=f"In {code}")
        for code in SALES
    }


@pytest.mark.parametrize("currency", ["JPY", "KWD", "USD"])
def test_the_campaign_page_shows_the_currency_own_format(currency, campaigns, tenant_a):
    campaign = campaigns[currency]
    html = text(tenant_a.client().get(f"/o/alpha/campaigns/{campaign.pk}/performance/", RANGE))
    promoted, total = SHOWN[currency]
    kpis = html[html.index('class="kpis"') :]
    assert promoted in kpis and total in kpis
    creators = html[html.index('id="table-creators"') :]
    assert promoted in creators
    if currency == "JPY":
        assert "1234.00" not in html and "1,234.00" not in html


def test_the_workflow_dashboard_shows_each_currency_own_format(campaigns, tenant_a, tenant_b):
    html = text(tenant_a.client().get("/o/alpha/", RANGE))
    for currency, (promoted, total) in SHOWN.items():
        assert html.count(promoted) >= 3, currency  # currency total, store line, campaign line
        assert total in html, currency
    assert "1234.00" not in html and "1,234.00" not in html
    assert "1234.50" not in html  # the dinar has three decimals
    # bravo sees none of alpha's money
    other = text(tenant_b.client().get("/o/bravo/", RANGE))
    assert not any(shown in other for pair in SHOWN.values() for shown in pair)
