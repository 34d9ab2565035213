"""Amazon's edges against the sandbox over real HTTP: one profile's trouble stays with its store,
the advertisers endpoint can be gone, a metric can be refused, error bodies say `message`, and an
operator's --end of "today" is the store's yesterday."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import requests
from django.core.management import CommandError, call_command

from amazon_sandbox.catalog import derive_profiles
from attribution import amazon
from attribution.models import AmazonConnection, DailyMetric, Store, SyncRun
from attribution.services import ads_client, connection_create_headless
from attribution.sync import pull as pull_module
from attribution.sync.pull import row_values
from attribution.sync.schedule import stores_due
from campaigns.models import TrackingPlan
from core import clock
from tenancy.scoping import tenant_scope
from tests.support.amazon import sandbox_control
from tests.support.sync import WINDOW, stored_rows, sync

REFUSED = "attributedTotalDetailPageViewsClicks14d"


def stores_of(connected_stores, slug: str) -> tuple[Store, Store]:
    stores = connected_stores[slug]
    us = next(s for s in stores if s.country_code == "US")
    ca = next(s for s in stores if s.country_code == "CA")
    assert us.connection_id == ca.connection_id  # one grant, two stores
    return us, ca


def reload(store: Store) -> Store:
    with tenant_scope(store.organization_id):
        return Store.objects.select_related("connection").get(pk=store.pk)


def requests_to(server, path: str) -> int:
    state = requests.get(f"{server.url}/sandbox/state", timeout=5).json()
    return int(state["requests"].get(path, 0))


# --- item 4: one profile's trouble stays with that profile ----------------------------------


def test_a_revoked_profile_flags_only_its_store_and_the_others_keep_syncing(
    connected_stores, amazon_sandbox, tenant_a, tenant_b
):
    us, ca = stores_of(connected_stores, "alpha")
    # Given access to alpha's US profile is withdrawn on Amazon (401 for that scope; the grant
    # and its CA profile are fine)
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"revoke_profiles": [str(us.profile_id)]})

    # When the US store syncs
    run = sync(us)

    # Then only the US store is flagged, with Amazon's message and what to do
    assert run.status == "failed"
    assert run.error == f"Not authorized to access scope {us.profile_id}"
    us = reload(us)
    assert us.status == Store.Status.NO_ACCESS
    assert f"Amazon says: Not authorized to access scope {us.profile_id}." in us.status_message
    assert "Ask an administrator of the Amazon Ads account" in us.status_message
    assert us.connection.status == AmazonConnection.Status.ACTIVE
    assert us.connection.last_error == ""
    # and the same connection's CA store keeps syncing, now and on schedule
    assert sync(ca, owner="ca").status == "succeeded"
    assert reload(ca).status == Store.Status.ACTIVE
    with tenant_scope(tenant_a.org):
        due = {s.pk for s in stores_due(now=datetime(2030, 1, 1, tzinfo=UTC))}
    assert us.pk not in due and ca.pk in due
    # the other tenant is untouched
    with tenant_scope(tenant_b.org):
        assert set(Store.objects.values_list("status", flat=True)) == {"active"}

    # The pages say it, per store
    manager = tenant_a.client()
    sync_page = manager.get("/o/alpha/sync/").content.decode()
    assert "No access" in sync_page and "Check access and sync" in sync_page
    assert f"Not authorized to access scope {us.profile_id}" in sync_page
    overview = manager.get("/o/alpha/").content.decode()
    assert "Ask an administrator of the Amazon Ads account" in overview

    # When access is given back, "Check access and sync" finds it and the store syncs again
    sandbox_control(amazon_sandbox, "/sandbox/reset", {})
    response = manager.post(f"/o/alpha/sync/{us.pk}/now/", follow=True)
    assert "Sync of" in response.content.decode()
    assert reload(us).status == Store.Status.ACTIVE
    assert sync(us, owner="back").status == "succeeded"


def test_a_revoked_profile_stays_flagged_when_checked_again(
    connected_stores, amazon_sandbox, tenant_a, tenant_b
):
    us, _ = stores_of(connected_stores, "alpha")
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"revoke_profiles": [str(us.profile_id)]})
    sync(us)
    page = tenant_a.client().post(f"/o/alpha/sync/{us.pk}/now/", follow=True)
    assert f"Not authorized to access scope {us.profile_id}" in page.content.decode()
    assert reload(us).status == Store.Status.NO_ACCESS
    # the operator's command asks again too, and fails for that store only
    with pytest.raises(CommandError, match="1 of 1 store"):
        call_command("sync_attribution", "alpha", "--store", str(us.pk), stdout=io.StringIO())


def test_403_stays_with_its_store(connected_stores, amazon_sandbox, tenant_a, tenant_b):
    us, ca = stores_of(connected_stores, "alpha")
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"forbid_profiles": [str(ca.profile_id)]})
    run = sync(ca)
    assert run.status == "ineligible"
    assert "not authorized to use Amazon Attribution" in reload(ca).status_message
    assert reload(ca).connection.status == AmazonConnection.Status.ACTIVE
    assert sync(us, owner="us").status == "succeeded"


def test_a_dead_grant_is_still_the_whole_connection(connected_stores, amazon_sandbox):
    us, ca = stores_of(connected_stores, "alpha")
    sandbox_control(
        amazon_sandbox,
        "/sandbox/faults",
        {"revoke_refresh_tokens": ["Atzr|test-alpha"], "expire_tokens": True},
    )
    assert sync(us).status == "failed"
    assert reload(us).connection.status == AmazonConnection.Status.NEEDS_REAUTH
    assert reload(us).status == Store.Status.ACTIVE  # the store is fine; the grant is not
    assert "Reconnect" in sync(ca, owner="ca").error


# --- item 6: the advertisers endpoint may be gone ----------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_without_the_advertisers_endpoint_the_advertiser_comes_from_the_tag(
    amazon_sandbox, tenant_a, tenant_b, status
):
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"advertisers_gone": status})
    with tenant_scope(tenant_a.org):
        connection, stores = connection_create_headless(
            region="NA", refresh_token="Atzr|test-alpha"
        )
    expected = {
        p.profile_id: p.advertiser_id
        for p in derive_profiles(42, "Atzr|test-alpha")
        if p.marketplace.region == "NA" and not p.legacy
    }
    assert {s.profile_id: s.advertiser_id for s in stores} == expected
    assert {s.status for s in stores} == {Store.Status.ACTIVE}
    assert connection.status == AmazonConnection.Status.ACTIVE
    assert requests_to(amazon_sandbox, "/attribution/advertisers") == 2


# --- item 6: macro publishers are not offered for non-macro tags ------------------------------


def test_only_non_macro_publishers_are_offered(connected_stores, tenant_a, tenant_b):
    us, _ = stores_of(connected_stores, "alpha")
    manager = tenant_a.client()
    page = manager.get(f"/o/alpha/tracking-plans/new/?store={us.pk}").content.decode()
    assert "Instagram" in page and "Pinterest" not in page  # Pinterest: macroEnabled true
    response = manager.post(
        "/o/alpha/tracking-plans/new/", {"store": us.pk, "publisher_id": "104", "name": "Pins"}
    )
    assert response.status_code == 400
    assert 'id="id_publisher_id_error"' in response.content.decode()
    with tenant_scope(tenant_a.org):
        assert not TrackingPlan.objects.exists()
    # nor through the API
    from campaigns.services import store_publishers

    with tenant_scope(tenant_a.org):
        offered = store_publishers(store=reload(us))
    assert [p["name"] for p in offered] == [
        "Instagram",
        "TikTok",
        "YouTube",
        "Influencer / affiliate (other)",
    ]
    assert {p["macroEnabled"] for p in offered} == {False}


# --- item 6: a metric Amazon refuses is dropped for the store ----------------------------------


def amazon_rows_without(store: Store, refused: set[str]) -> set[tuple]:
    """Amazon's report for the window asked for without the refused metrics, in our shape."""
    with tenant_scope(store.organization_id):
        ads = ads_client(reload(store).connection)
    rows = set()
    for level in ("adgroup", "creative"):
        body = pull_module.report_body(level, WINDOW.start, WINDOW.end, store.advertiser_id)
        body["metrics"] = ",".join(m for m in body["metrics"].split(",") if m not in refused)
        for page in ads.report_pages(store.profile_id, body):
            rows |= {tuple(str(v) for v in row_values(level, r, 2)) for r in page}
    return rows


def test_a_refused_metric_is_dropped_recorded_shown_and_the_sync_succeeds(
    us_store, amazon_sandbox, tenant_a, tenant_b
):
    # Given Amazon refuses one metric for the store: 400 "Invalid metric <name>"
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"invalid_metrics": [REFUSED]})

    # When it syncs, twice
    run = sync(us_store)
    again = sync(us_store, owner="again")

    # Then both syncs succeed with what Amazon reports without that metric
    assert (run.status, again.status) == ("succeeded", "succeeded"), run.error
    assert stored_rows(us_store) == amazon_rows_without(us_store, {REFUSED})
    with tenant_scope(us_store.organization_id):
        assert DailyMetric.objects.filter(total_detail_page_views__gt=0).count() == 0
        assert DailyMetric.objects.filter(total_sales__gt=0).exists()
    # it is recorded on the store, once, with Amazon's message
    store = reload(us_store)
    assert [(d["metric"], d["message"]) for d in store.dropped_metrics] == [
        (REFUSED, f"Amazon rejected the report metric {REFUSED}: Invalid metric {REFUSED}")
    ]
    # and only the first request of the first sync met the refusal: the second asks without it
    assert requests_to(amazon_sandbox, "/attribution/report") >= run.pages + again.pages + 1
    # the sync page names it in our words
    page = tenant_a.client().get("/o/alpha/sync/").content.decode()
    assert "Amazon refuses 1 report metric for this store" in page
    assert "brand detail page views" in page and REFUSED in page
    assert REFUSED not in tenant_b.client().get("/o/bravo/sync/").content.decode()


def test_a_refused_metric_asks_again_without_it_only_once(us_store, amazon_sandbox):
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"invalid_metrics": [REFUSED]})
    sync(us_store)
    before = requests_to(amazon_sandbox, "/attribution/report")
    run = sync(us_store, owner="again")
    assert requests_to(amazon_sandbox, "/attribution/report") - before == run.pages == 2


# --- item 6: `message` as often as `details` ---------------------------------------------------


def test_error_bodies_with_message_are_shown(us_store, amazon_sandbox, tenant_a, tenant_b):
    # Given Amazon's error bodies say `message` instead of `details`
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"message_bodies": True})
    with tenant_scope(us_store.organization_id):
        ads = ads_client(reload(us_store).connection)
    body = pull_module.report_body("creative", WINDOW.start, WINDOW.end, "")
    with pytest.raises(amazon.AmazonRequestError) as caught:
        ads.report_page(us_store.profile_id, {**body, "groupBy": "NOPE"})
    assert caught.value.message == "Amazon rejected the request (400). Invalid groupBy: NOPE"
    # a refused metric is still recognised, and a withdrawn profile still named, per store
    sandbox_control(
        amazon_sandbox,
        "/sandbox/faults",
        {"invalid_metrics": [REFUSED], "revoke_profiles": [str(us_store.profile_id)]},
    )
    assert sync(us_store).status == "failed"
    assert (
        f"Not authorized to access scope {us_store.profile_id}" in reload(us_store).status_message
    )
    sandbox_control(amazon_sandbox, "/sandbox/reset", {})
    sandbox_control(
        amazon_sandbox, "/sandbox/faults", {"message_bodies": True, "invalid_metrics": [REFUSED]}
    )
    with tenant_scope(us_store.organization_id):
        Store.objects.filter(pk=us_store.pk).update(status=Store.Status.ACTIVE)
    assert sync(us_store, owner="again").status == "succeeded"
    assert reload(us_store).dropped_metrics[0]["message"].endswith(f"Invalid metric {REFUSED}")
    page = tenant_a.client().get("/o/alpha/sync/").content.decode()
    assert f"Amazon said: Amazon rejected the report metric {REFUSED}" in page


# --- item 6: --end today is the store's yesterday ----------------------------------------------


def test_end_today_in_the_store_zone_is_clamped_with_a_notice(us_store, monkeypatch):
    # 03:00 UTC on 15 Nov is still 14 Nov in Los Angeles: the operator's "yesterday" is the
    # store's today
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 15, 3, 0, tzinfo=UTC))
    out = io.StringIO()
    call_command(
        "sync_attribution",
        "alpha",
        "--store",
        str(us_store.pk),
        "--start",
        "2026-10-20",
        "--end",
        "2026-11-14",
        stdout=out,
    )
    text = out.getvalue()
    assert "--end 2026-11-14 is today in the store's time zone (America/Los_Angeles)" in text
    assert "syncing through 2026-11-13" in text and "succeeded" in text
    with tenant_scope(us_store.organization_id):
        run = SyncRun.objects.get()
    assert (run.window_start, run.window_end) == (date(2026, 10, 20), date(2026, 11, 13))
    # a day after today is still refused
    with pytest.raises(CommandError, match="must be before today"):
        call_command(
            "sync_attribution",
            "alpha",
            "--store",
            str(us_store.pk),
            "--end",
            "2026-11-15",
            stdout=io.StringIO(),
        )
