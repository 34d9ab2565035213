"""A store's days are its own: "today" and "the latest complete day" are read in the store's
time zone, and every default range of the dashboards and the export ends on the latest day
that has ended in the store(s), not on yesterday in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from attribution.models import Store
from core import clock
from tenancy.scoping import tenant_scope
from tests.support.stores import campaign_with_sales, store_create

# 20:00 UTC on 10 March is 09:00 on 11 March in Auckland, 13:00 on 10 March in Los Angeles
EVENING_UTC = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)
# 03:00 UTC on 10 March is 16:00 on 10 March in Auckland, 20:00 on 9 March in Los Angeles
NIGHT_UTC = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def stand_at(monkeypatch):
    def stand(instant: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: instant)

    return stand


def test_today_and_the_latest_complete_day_are_the_store_own():
    auckland = Store(timezone="Pacific/Auckland")
    los_angeles = Store(timezone="America/Los_Angeles")
    assert auckland.today(EVENING_UTC) == date(2026, 3, 11)
    assert auckland.latest_complete_day(EVENING_UTC) == date(2026, 3, 10)
    assert los_angeles.today(NIGHT_UTC) == date(2026, 3, 9)
    assert los_angeles.latest_complete_day(NIGHT_UTC) == date(2026, 3, 8)
    assert Store(timezone="").today(NIGHT_UTC) == date(2026, 3, 10)  # unknown: UTC


def test_over_several_stores_the_latest_day_is_one_that_has_ended_in_all_of_them():
    stores = [Store(timezone="Pacific/Auckland"), Store(timezone="America/Los_Angeles")]
    assert Store.latest_complete_day_of(stores, NIGHT_UTC) == date(2026, 3, 8)
    assert Store.latest_complete_day_of([], NIGHT_UTC) == date(2026, 3, 9)  # TIME_ZONE (UTC)


def test_the_clock_seam_moves_store_days(stand_at):
    stand_at(EVENING_UTC)
    assert Store(timezone="Pacific/Auckland").today() == date(2026, 3, 11)


def _auckland(tenant):
    store = store_create(
        tenant, currency="NZD", timezone="Pacific/Auckland", country="NZ", profile=11
    )
    with tenant_scope(tenant.org):
        Store.objects.filter(pk=store.pk).update(data_through=None)
    return store


def test_the_workflow_dashboard_ends_on_the_store_latest_complete_day(tenant_a, stand_at):
    """Regression: the dashboard took yesterday in UTC (9 March) while Auckland's 10 March
    had already ended."""
    _auckland(tenant_a)
    stand_at(EVENING_UTC)
    period = tenant_a.client().get("/o/alpha/").context["period"]
    assert (period.start, period.end) == (date(2026, 2, 9), date(2026, 3, 10))


def test_the_workflow_dashboard_never_ends_on_a_day_still_running_in_a_store(
    tenant_a, tenant_b, stand_at
):
    _auckland(tenant_a)
    store_create(tenant_a, currency="USD", timezone="America/Los_Angeles", country="US", profile=12)
    store_create(tenant_b, currency="NZD", timezone="Pacific/Auckland", country="NZ", profile=13)
    stand_at(NIGHT_UTC)
    # Los Angeles is still on 9 March: 8 March is the last day ended in both alpha stores
    period = tenant_a.client().get("/o/alpha/", {"range": "7d"}).context["period"]
    assert (period.start, period.end) == (date(2026, 3, 2), date(2026, 3, 8))
    # bravo's Auckland store only: 9 March has ended there
    assert tenant_b.client().get("/o/bravo/").context["period"].end == date(2026, 3, 9)


def test_the_campaign_page_ends_on_the_store_latest_complete_day(tenant_a, stand_at):
    store = _auckland(tenant_a)
    campaign = campaign_with_sales(tenant_a, store, sales=1, name="Kiwi")
    stand_at(EVENING_UTC)
    response = tenant_a.client().get(f"/o/alpha/campaigns/{campaign.pk}/performance/")
    assert response.context["period"].end == date(2026, 3, 10)


def test_the_export_form_defaults_to_the_stores_last_30_complete_days(tenant_a, stand_at):
    """Regression: the export's default range ended on yesterday in UTC. It ends on the latest
    day complete in the organisation's stores, the same "last 30 days" as every dashboard
    (reporting.periods), whichever store is chosen."""
    auckland = _auckland(tenant_a)
    stand_at(EVENING_UTC)
    client = tenant_a.client(tenant_a.owner)
    initial = client.get("/o/alpha/exports/", {"store": auckland.pk}).context["form"].initial
    assert (initial["start"], initial["end"]) == (date(2026, 2, 9), date(2026, 3, 10))
    # with a Los Angeles store too, still on 10 March: 9 March is the last day ended in both,
    # for the export of either store as for the overview
    los_angeles = store_create(
        tenant_a, currency="USD", timezone="America/Los_Angeles", country="US", profile=12
    )
    overview = client.get("/o/alpha/").context["period"]
    assert (overview.start, overview.end) == (date(2026, 2, 8), date(2026, 3, 9))
    for store in ("", auckland.pk, los_angeles.pk):
        initial = client.get("/o/alpha/exports/", {"store": store}).context["form"].initial
        assert (initial["start"], initial["end"]) == (overview.start, overview.end)
