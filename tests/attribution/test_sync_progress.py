"""Progress you can watch (issue 15): after "Sync now" the sync page polls itself (htmx) and
shows the pages and rows the run has checkpointed so far, then the result, and stops polling;
link generation does the same through a small fragment."""

from __future__ import annotations

from attribution.models import SyncRun
from attribution.sync.checkpoint import DatabaseCheckpoint
from attribution.sync.runs import sync_run_start
from campaigns.models import LinkJob
from tenancy.scoping import tenant_scope
from tests.support.queries import queries_for
from tests.support.sync import WINDOW, sync

POLLING = 'hx-trigger="load delay:2s"'


def test_sync_now_then_progress_then_the_result(us_store, tenant_a):
    client = tenant_a.client()
    assert POLLING not in client.get("/o/alpha/sync/").content.decode()

    # Sync now: the page says it waits for a worker and keeps itself up to date
    page = client.post(f"/o/alpha/sync/{us_store.pk}/now/", follow=True).content.decode()
    assert "This page shows its progress" in page
    assert "waiting for a worker" in page and POLLING in page
    assert 'hx-get="/o/alpha/sync/"' in page
    assert "{#" not in page and "comment" not in page
    assert "Sync now</button>" not in page.split(f"sync-progress-{us_store.pk}")[1]  # no double

    # the worker started the run and checkpointed two pages
    run = sync_run_start(
        organization_id=us_store.organization_id,
        store_id=us_store.pk,
        trigger=SyncRun.Trigger.MANUAL,
        owner="worker-1",
        window=WINDOW,
    )
    assert run is not None
    checkpoint = DatabaseCheckpoint(run)
    for seq, rows in enumerate((500, 734)):
        checkpoint.save(
            level="campaign",
            seq=seq,
            request_key="k",
            cursor=str(seq),
            next_cursor=str(seq + 1),
            page_size=500,
            rows_csv="",
            row_count=rows,
        )
    # the poll gets the stores' block only, with the progress so far
    fragment = client.get("/o/alpha/sync/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="sync-stores"' in fragment
    assert "2 pages and 1,234 rows from Amazon so far" in fragment and POLLING in fragment
    assert "Syncing 20 Oct – 14 Nov 2026" in fragment  # noqa: RUF001 (the page's en dash)

    # the run ends: the block shows the result and stops polling
    with tenant_scope(us_store.organization_id):
        from attribution.models import Store

        Store.objects.filter(pk=us_store.pk).update(sync_lease_owner="", sync_lease_until=None)
        SyncRun.objects.filter(pk=run.pk).update(status=SyncRun.Status.INTERRUPTED)
    finished = sync(us_store)
    fragment = client.get("/o/alpha/sync/", HTTP_HX_REQUEST="true").content.decode()
    assert POLLING not in fragment and "so far" not in fragment
    assert "Sync succeeded" in fragment
    assert f"{finished.rows_received:,} rows from Amazon; {finished.rows_inserted:,} added" in (
        " ".join(fragment.split())
    )


def test_the_sync_page_query_count_does_not_grow_while_syncing(us_store, tenant_a):
    client = tenant_a.client()
    sync(us_store)
    idle = queries_for(client, "/o/alpha/sync/")
    run = sync_run_start(
        organization_id=us_store.organization_id,
        store_id=us_store.pk,
        trigger=SyncRun.Trigger.MANUAL,
        owner="worker-2",
        window=WINDOW,
    )
    checkpoint = DatabaseCheckpoint(run)
    for seq in range(30):
        checkpoint.save(
            level="creative",
            seq=seq,
            request_key="k",
            cursor="",
            next_cursor="n",
            page_size=10,
            rows_csv="",
            row_count=10,
        )
    assert queries_for(client, "/o/alpha/sync/") <= idle + 1


def test_link_generation_polls_a_fragment_until_it_ends(campaign, tenant_a):
    with tenant_scope(tenant_a.org):
        job = LinkJob.objects.create(
            campaign=campaign, status=LinkJob.Status.RUNNING, total=4000, done=1500
        )
    client = tenant_a.client()
    url = f"/o/alpha/campaigns/{campaign.pk}/links/job/"
    for page in (f"/o/alpha/campaigns/{campaign.pk}/", f"/o/alpha/campaigns/{campaign.pk}/links/"):
        html = client.get(page).content.decode()
        assert f'hx-get="{url}"' in html and "htmx.min.js" in html
        assert 'http-equiv="refresh"' not in html  # no more whole-page reloads
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Making links: 1,500 of 4,000" in fragment and POLLING in fragment
    assert "{%" not in fragment and "comment" not in fragment

    with tenant_scope(tenant_a.org):
        LinkJob.objects.filter(pk=job.pk).update(status=LinkJob.Status.DONE, done=4000)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert POLLING not in fragment and "4,000 links made." in fragment
    assert f"/o/alpha/campaigns/{campaign.pk}/links/" in fragment

    with tenant_scope(tenant_a.org):
        LinkJob.objects.filter(pk=job.pk).update(status=LinkJob.Status.FAILED, error="Boom")
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert POLLING not in fragment and "Making links stopped: Boom" in fragment
