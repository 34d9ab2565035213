"""Fixtures: always two tenants, each with an owner and a manager, so every test can ask
"and the other tenant sees none of it?". Fixtures that more than one test directory uses live
here; helpers that test modules share live in tests/support/."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tenancy.scoping import tenant_scope
from tests.isolation import one_of_each
from tests.support.amazon import LINKS, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, sandbox_control
from tests.support.browser import DESKTOP, Page, chromium
from tests.support.campaigns import build_world, us_store_of
from tests.support.portal import build_portal_world
from tests.support.tenants import Tenant, make_tenant
from tests.support.worlds import plain_world, spring_campaign


@pytest.fixture(autouse=True)
def _clean_redis():
    """Each test starts with an empty cache (rate limits, route caches); it is a real Redis."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tenant_a(db) -> Tenant:
    return make_tenant("alpha")


@pytest.fixture
def tenant_b(db) -> Tenant:
    return make_tenant("bravo")


# --- Amazon: the bundled sandbox over real HTTP (never mocks of requests) ---------------------


@pytest.fixture(scope="session")
def _sandbox_server():
    from amazon_sandbox import SandboxServer

    with SandboxServer(
        port=0, seed=42, client_id=SANDBOX_CLIENT_ID, client_secret=SANDBOX_CLIENT_SECRET
    ) as server:
        yield server


@pytest.fixture
def amazon_sandbox(_sandbox_server, settings):
    """The sandbox, reset, with every Amazon setting pointing at it (as `make run` does)."""
    server = _sandbox_server
    server.reset()
    url = server.url
    settings.AMAZON_SANDBOX_URL = url
    settings.AMAZON_ADS_API_URL = url
    settings.AMAZON_LWA_TOKEN_URL = f"{url}/auth/o2/token"
    settings.AMAZON_LWA_AUTHORIZE_URL = f"{url}/ap/oa"
    settings.AMAZON_ADS_CLIENT_ID = SANDBOX_CLIENT_ID
    settings.AMAZON_ADS_CLIENT_SECRET = SANDBOX_CLIENT_SECRET
    return server


@pytest.fixture
def connected_stores(amazon_sandbox, tenant_a, tenant_b):
    """Both tenants connected to the sandbox (NA region) with a store per eligible profile,
    through the same service the operator command uses. {tenant slug: [Store, ...]}"""
    from attribution.services import connection_create_headless

    result = {}
    for tenant in (tenant_a, tenant_b):
        with tenant_scope(tenant.org):
            _, stores = connection_create_headless(
                region="NA", refresh_token=f"Atzr|test-{tenant.org.slug}"
            )
        result[tenant.org.slug] = stores
    return result


# --- A store with Amazon traffic ------------------------------------------------------------


@pytest.fixture
def us_store(connected_stores, tenant_a, amazon_sandbox):
    """Alpha's US store with three weeks of tagged traffic in the sandbox."""
    store = us_store_of(connected_stores["alpha"])
    with tenant_scope(tenant_a.org):
        from attribution.models import Store
        from attribution.services import ads_client

        store = Store.objects.select_related("connection").get(pk=store.pk)
        ads = ads_client(store.connection)
        publisher = ads.publishers(store.profile_id)[0]["id"]
        ads.non_macro_template_tags(
            store.profile_id, publisher_ids=[publisher], advertiser_ids=[store.advertiser_id]
        )
    sandbox_control(amazon_sandbox, "/sandbox/clock", {"now": "2026-11-05T12:00:00Z"})
    sandbox_control(
        amazon_sandbox,
        "/sandbox/traffic",
        {
            "advertiserId": store.advertiser_id,
            "publisherId": publisher,
            "links": LINKS,
            "start": "2026-10-20",
            "end": "2026-10-31",
            "clicksPerDay": [6, 14],
        },
    )
    return store


@pytest.fixture
def campaign(us_store, tenant_a):
    """Alpha's "spring" campaign with creators jane (override 12.5 %) and omar (10 %); the
    sandbox traffic also has a "summer" campaign nobody created (unmatched)."""
    return spring_campaign(us_store)


# --- plain rows of a campaign with facts and conversions (API, payables) -------------------


@pytest.fixture
def world_a(connected_stores, tenant_a):
    return plain_world(tenant_a, connected_stores["alpha"])


@pytest.fixture
def world_b(connected_stores, tenant_b):
    return plain_world(tenant_b, connected_stores["bravo"])


# --- one object of each kind per tenant (the isolation suites) -----------------------------


@pytest.fixture
def tenants(tenant_a, tenant_b):
    """Both tenants with an invitation, a connection, a store, plan, campaign, product,
    creator in it, link, export and API key: tests/isolation.py builds its URLs from them."""
    for t in (tenant_a, tenant_b):
        one_of_each(t)
    return tenant_a, tenant_b


# --- the campaigns world: made through the product's services -------------------------------


@pytest.fixture
def worlds(connected_stores, tenant_a, tenant_b):
    """{"alpha": World, "bravo": World}: one of each per tenant, on their US stores; see
    tests/support/campaigns.py."""
    return {
        t.org.slug: build_world(t, us_store_of(connected_stores[t.org.slug]))
        for t in (tenant_a, tenant_b)
    }


# --- the creator portal's world ---------------------------------------------------------------


@pytest.fixture
def portal(tenant_a, tenant_b):
    """Two brands, three creators (Jane in both); see tests/support/portal.py."""
    return build_portal_world(tenant_a, tenant_b)


# --- a browser (the `browser` marker) ---------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    with chromium() as driver:
        yield driver


@pytest.fixture
def page(browser, live_server):
    """The browser with a clean cookie jar, sized like a desktop, plus helpers."""
    browser.delete_all_cookies()
    page = Page(browser, live_server.url)
    page.viewport(DESKTOP)
    return page
