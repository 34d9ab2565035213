"""Amazon's 10-click mask is over a tag group's lifetime: when a creator passes 10 clicks,
Amazon shows their sales of months ago. The scheduled sync re-pulls that history itself
(attribution.sync.history), back to the campaign's first day, or for ids we do not know to the
first day we hold for the store; a re-pull that fails changes nothing and stays owed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from attribution import amazon
from attribution.models import DailyMetric, Store, SyncRun
from attribution.services import ads_client
from attribution.sync import pull as pull_module
from attribution.sync.history import store_history_sync
from attribution.sync.pull import row_values
from attribution.sync.windows import Window
from attribution.tasks import sync_store
from commissions.models import Conversion
from core import clock
from tenancy.scoping import tenant_scope
from tests.factories import CampaignCreatorFactory, CampaignFactory
from tests.support.amazon import sandbox_control
from tests.support.sync import Sleeps, sync

NOW = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)  # 04:00 in Los Angeles: yesterday is Nov 4
KIM = {"campaignId": "autumn", "adGroupId": "kim", "creativeId": "kim-1", "asin": "B0AAAAAAA4"}
OLD = ("2026-08-20", "2026-09-10")  # more than 30 days before any sync below


@pytest.fixture
def now(monkeypatch, amazon_sandbox):
    """The app's and the sandbox's clocks at one instant; `now.advance(hours)` moves both."""

    class Now:
        at = NOW

        def set(self, when: datetime) -> None:
            self.at = when
            monkeypatch.setattr(clock, "now", lambda: self.at)
            sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": when.isoformat()})

        def advance(self, hours: float) -> None:
            self.set(self.at + timedelta(hours=hours))

    now = Now()
    now.set(NOW)
    return now


def publisher(store: Store) -> str:
    with tenant_scope(store.organization_id):
        ads = ads_client(Store.objects.select_related("connection").get(pk=store.pk).connection)
    return str(ads.publishers(store.profile_id)[0]["id"])


def plant_masked_history(server, store: Store, link: dict, start: str, end: str) -> None:
    """Nine clicks on `link` between start and end, each ending in a purchase: a history with
    sales that Amazon masks (the ad group is under 10 lifetime clicks)."""
    body = {
        "advertiserId": store.advertiser_id,
        "publisherId": publisher(store),
        "link": link,
        "start": start,
        "end": end,
    }
    assert sandbox_control(server, "/sandbox/masked_history", body)["added"] == 9


def unmask(server, store: Store, link: dict) -> None:
    """The tenth click (yesterday): Amazon shows the group's whole history from now on."""
    body = {"advertiserId": store.advertiser_id, "publisherId": publisher(store), "link": link}
    assert sandbox_control(server, "/sandbox/unmask", body)["added"] == 1


def scheduled_sync(store: Store) -> str:
    """What the hourly fan-out queues for a due store, run here and now."""
    return sync_store.apply(args=(store.organization_id, store.pk, "schedule")).get()


def amazon_level(store: Store, level: str, window: Window, adgroup: str) -> set[tuple]:
    """Amazon's rows of one ad group at one level, in our row shape, straight from the report."""
    with tenant_scope(store.organization_id):
        ads = ads_client(Store.objects.select_related("connection").get(pk=store.pk).connection)
    body = pull_module.report_body(level, window.start, window.end, store.advertiser_id)
    return {
        tuple(str(v) for v in row_values(level, r, 2))
        for page in ads.report_pages(store.profile_id, body)
        for r in page
        if r.get("adGroupId") == adgroup
    }


def stored_level(store: Store, level: str, window: Window, adgroup: str) -> set[tuple]:
    with tenant_scope(store.organization_id):
        rows = DailyMetric.objects.filter(
            store=store,
            level=level,
            amazon_adgroup_id=adgroup,
            date__range=(window.start, window.end),
        ).values_list(*pull_module.COLUMNS)
        return {tuple(str(v) for v in row) for row in rows}


@pytest.fixture
def autumn(campaign, us_store, tenant_a):
    """Alpha's "autumn" campaign since 1 August, with creator Kim (12 %)."""
    autumn = CampaignFactory(
        store=us_store,
        tracking_plan=campaign.tracking_plan,
        name="Autumn",
        starts_on=date(2026, 8, 1),
        status="active",
        default_commission_rate=Decimal("12.00"),
        amazon_campaign_id="autumn",
    )
    CampaignCreatorFactory(
        campaign=autumn,
        creator__name="Kim",
        creator__email="kim@creators.test",
        status="active",
        amazon_adgroup_id="kim",
    )
    return autumn


def test_a_creator_passing_10_clicks_gets_old_sales_by_the_next_scheduled_sync(
    autumn, us_store, amazon_sandbox, now, tenant_a, tenant_b
):
    plant_masked_history(amazon_sandbox, us_store, KIM, *OLD)
    assert scheduled_sync(us_store) == "succeeded"
    old_days = Window(date(2026, 8, 1), date(2026, 10, 5))
    with tenant_scope(tenant_a.org):
        assert not DailyMetric.objects.filter(amazon_adgroup_id="kim").exclude(clicks=0).exists()
        assert not Conversion.objects.filter(campaign=autumn).exists()

    # Kim's tenth click, then the next day's scheduled sync: no operator involved
    unmask(amazon_sandbox, us_store, KIM)
    now.advance(25)
    assert scheduled_sync(us_store) == "succeeded"

    with tenant_scope(tenant_a.org):
        runs = list(SyncRun.objects.filter(trigger="history").order_by("created_at"))
        store = Store.objects.get(pk=us_store.pk)
    # back to the campaign's first day, up to the day before the usual window (Oct 7..Nov 5)
    assert [(r.window_start, r.window_end, r.status) for r in runs][-1] == (
        date(2026, 8, 1),
        date(2026, 10, 6),
        "succeeded",
    )
    assert (store.history_due_from, store.history_due_to) == (None, None)
    # Kim's old rows are Amazon's, at every level, and they carry sales
    for level in ("adgroup", "creative"):
        expected = amazon_level(us_store, level, old_days, "kim")
        assert stored_level(us_store, level, old_days, "kim") == expected
    with tenant_scope(tenant_a.org):
        old = DailyMetric.objects.filter(
            level="adgroup", amazon_adgroup_id="kim", date__range=(old_days.start, old_days.end)
        )
        sales = sum((r.sales for r in old), Decimal(0))
        days = {r.date for r in old if r.purchases or r.sales or r.brand_referral_bonus}
        conversions = list(Conversion.objects.filter(campaign=autumn).order_by("date"))
        campaign_rows = DailyMetric.objects.filter(
            level="campaign", amazon_campaign_id="autumn", date__lte=date(2026, 10, 6)
        )
        campaign_sales = sum((r.sales for r in campaign_rows), Decimal(0))
    assert sales > 0 and days and max(days) <= date(2026, 9, 10)
    assert campaign_sales == sales  # the campaign's totals show them too
    # commission for those days: settled from the re-pulled ad-group rows
    assert {c.date for c in conversions} == days
    assert sum((c.sales for c in conversions), Decimal(0)) == sales
    for conversion in conversions:
        assert conversion.commission == (conversion.sales * Decimal("0.12")).quantize(
            Decimal("0.01")
        )
    with tenant_scope(tenant_b.org):
        assert DailyMetric.objects.count() == Conversion.objects.count() == 0

    # paid: the next sync owes nothing and re-pulls nothing
    now.advance(24)
    assert scheduled_sync(us_store) == "succeeded"
    with tenant_scope(tenant_a.org):
        assert SyncRun.objects.filter(trigger="history").count() == len(runs)


def test_an_unknown_id_re_pulls_back_to_the_first_day_held_for_the_store(
    us_store, amazon_sandbox, now, tenant_a
):
    """No campaign here knows "ghost": its history goes back to the store's first stored day."""
    ghost = {"campaignId": "ghost", "adGroupId": "ana", "creativeId": "ana-1", "asin": "B0AAAAAAA5"}
    early = {"campaignId": "early", "adGroupId": "bob", "creativeId": "bob-1", "asin": "B0AAAAAAA6"}
    sandbox_control(
        amazon_sandbox,
        "/sandbox/traffic",
        {
            "advertiserId": us_store.advertiser_id,
            "publisherId": publisher(us_store),
            "links": [early],
            "start": "2026-08-05",
            "end": "2026-08-08",
            "clicksPerDay": [4, 6],
        },
    )
    plant_masked_history(amazon_sandbox, us_store, ghost, *OLD)
    # an operator's backfill holds the store's days from 5 August (Ana's are zeros: masked)
    backfill = sync(us_store, owner="backfill", window=Window(date(2026, 8, 1), date(2026, 10, 5)))
    assert backfill.status == "succeeded"
    assert scheduled_sync(us_store) == "succeeded"
    with tenant_scope(tenant_a.org):
        assert not DailyMetric.objects.filter(amazon_adgroup_id="ana").exclude(clicks=0).exists()
        first = min(DailyMetric.objects.values_list("date", flat=True))
        before = SyncRun.objects.filter(trigger="history").count()
    assert first == date(2026, 8, 5)

    unmask(amazon_sandbox, us_store, ghost)
    now.advance(25)
    assert scheduled_sync(us_store) == "succeeded"
    with tenant_scope(tenant_a.org):
        history = list(SyncRun.objects.filter(trigger="history").order_by("created_at"))[before:]
    assert [(r.window_start, r.window_end, r.status) for r in history] == [
        (date(2026, 8, 5), date(2026, 10, 6), "succeeded")
    ]
    old_days = Window(date(2026, 8, 5), date(2026, 10, 6))
    expected = amazon_level(us_store, "adgroup", old_days, "ana")
    assert stored_level(us_store, "adgroup", old_days, "ana") == expected
    assert sum(Decimal(row[11]) for row in expected) > 0  # sales (COLUMNS order)


def test_a_failed_re_pull_changes_nothing_and_stays_owed(
    autumn, us_store, amazon_sandbox, now, tenant_a, settings
):
    plant_masked_history(amazon_sandbox, us_store, KIM, *OLD)
    sync(us_store, owner="first", window=Window(date(2026, 10, 6), date(2026, 11, 4)))
    with tenant_scope(tenant_a.org):
        Store.objects.filter(pk=us_store.pk).update(history_due_from=None, history_due_to=None)
    unmask(amazon_sandbox, us_store, KIM)
    now.advance(25)

    # the usual window fails: nothing written, nothing owed
    settings.SYNC_MAX_RETRIES = 0
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"fail": {"count": 1, "status": 503}})
    with pytest.raises(amazon.AmazonRetryable):
        sync(us_store, owner="doomed", window=Window(date(2026, 10, 7), date(2026, 11, 5)))
    with tenant_scope(tenant_a.org):
        store = Store.objects.get(pk=us_store.pk)
        assert not DailyMetric.objects.filter(amazon_adgroup_id="kim").exists()
    assert (store.history_due_from, store.history_due_to) == (None, None)

    # it succeeds: Kim's history is owed; the re-pull fails: still owed, old days untouched
    ok = sync(us_store, owner="ok", window=Window(date(2026, 10, 7), date(2026, 11, 5)))
    assert ok.status == "succeeded"
    with tenant_scope(tenant_a.org):
        store = Store.objects.get(pk=us_store.pk)
        before = set(DailyMetric.objects.filter(date__lt=date(2026, 10, 7)).values_list())
    assert (store.history_due_from, store.history_due_to) == (date(2026, 8, 1), date(2026, 10, 6))
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"fail": {"count": 1, "status": 503}})
    runs = store_history_sync(
        organization_id=us_store.organization_id,
        store_id=us_store.pk,
        owner="history-doomed",
        sleep=Sleeps(),
    )
    assert [r.status for r in runs] == ["failed"]
    with tenant_scope(tenant_a.org):
        store = Store.objects.get(pk=us_store.pk)
        after = set(DailyMetric.objects.filter(date__lt=date(2026, 10, 7)).values_list())
    assert after == before
    assert (store.history_due_from, store.history_due_to) == (date(2026, 8, 1), date(2026, 10, 6))

    # the next scheduled sync pays it
    settings.SYNC_MAX_RETRIES = 8
    assert scheduled_sync(us_store) == "succeeded"
    with tenant_scope(tenant_a.org):
        store = Store.objects.get(pk=us_store.pk)
        assert DailyMetric.objects.filter(
            amazon_adgroup_id="kim", date__lt=date(2026, 9, 11), sales__gt=0
        ).exists()
    assert (store.history_due_from, store.history_due_to) == (None, None)
