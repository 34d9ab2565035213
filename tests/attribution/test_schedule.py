"""The beat schedule and the hourly fan-out: one sync per due store, every tenant."""

from __future__ import annotations

from datetime import timedelta

from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from attribution.models import AmazonConnection, Store
from attribution.sync.schedule import stores_due
from attribution.tasks import sync_due_stores
from tenancy.scoping import tenant_scope


def test_beat_schedule_is_in_code_hourly_off_minute_zero_with_expiry():
    entry = settings.CELERY_BEAT_SCHEDULE["attribution-sync-due-stores"]
    assert entry["task"] == "attribution.sync_due_stores"
    assert isinstance(entry["schedule"], crontab)
    assert entry["schedule"].minute == {17}
    assert 0 < entry["options"]["expires"] <= 3600


def test_stores_are_due_by_their_cadence(connected_stores, tenant_a, tenant_b):
    now = timezone.now()
    with tenant_scope(tenant_a.org):
        us, ca = sorted(Store.objects.all(), key=lambda s: s.country_code, reverse=True)
        assert {s.pk for s in stores_due(now)} == {us.pk, ca.pk}  # never synced
        Store.objects.filter(pk=us.pk).update(last_synced_at=now - timedelta(hours=23))
        Store.objects.filter(pk=ca.pk).update(
            last_synced_at=now - timedelta(hours=30), sync_cadence_hours=36
        )
        assert stores_due(now) == []
        assert [s.pk for s in stores_due(now + timedelta(hours=1))] == [us.pk]
        assert {s.pk for s in stores_due(now + timedelta(hours=6))} == {us.pk, ca.pk}
        # ineligible stores and broken connections are never scheduled
        Store.objects.filter(pk=us.pk).update(status=Store.Status.INELIGIBLE)
        AmazonConnection.objects.update(status=AmazonConnection.Status.NEEDS_REAUTH)
        assert stores_due(now + timedelta(days=3)) == []


def test_fan_out_enqueues_one_sync_per_due_store_of_every_tenant(
    connected_stores, tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    with tenant_scope(tenant_b.org):
        Store.objects.update(last_synced_at=timezone.now())  # bravo synced a moment ago
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = sync_due_stores()
    assert queued == len(connected_stores["alpha"]) == len(callbacks) == 2
    calls = [(cb.args, cb.func.__name__) for cb in callbacks]
    assert {args[0] for args, _ in calls} == {tenant_a.org.pk}
