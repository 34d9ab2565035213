"""Issue 16: after a sync has committed, the default views' rankings are memoized ahead
(reporting.tasks.rankings_warm), so the first workflow dashboard and campaign tab after the
sync read their period figures from the memo."""

from __future__ import annotations

from django.core.cache import cache

from reporting.tasks import rankings_warm
from tests.support.queries import queries_for
from tests.support.sync import sync


def test_the_first_views_after_a_sync_find_their_rankings_memoized(
    campaign, us_store, tenant_a, django_capture_on_commit_callbacks
):
    client = tenant_a.client()
    urls = ["/o/alpha/", f"/o/alpha/campaigns/{campaign.pk}/performance/"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sync(us_store)
    warm = [cb for cb in callbacks if getattr(cb, "func", None) == rankings_warm.apply_async]
    assert len(warm) == 1  # queued once, when the sync commits
    assert warm[0].args == ((tenant_a.org.pk, us_store.pk),)

    rankings_warm(tenant_a.org.pk, us_store.pk)  # what a worker then does
    client.get("/o/alpha/campaigns/")  # (the session cached)
    warmed = [queries_for(client, url) for url in urls]

    cache.clear()
    client.get("/o/alpha/campaigns/")
    cold = [queries_for(client, url) for url in urls]
    # each page's two rankings read their period figures from the memo
    assert warmed == [n - 2 for n in cold]
