"""Products look like products: title, picture, price and availability from Amazon's catalog
(the Ads API's product metadata, served by the sandbox), stored on the product, refreshed by a
daily task, shown wherever an ASIN is; an ASIN Amazon does not know is reported."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from campaigns.models import Product
from campaigns.services import products_add
from campaigns.services.products import (
    MetadataUnavailable,
    product_lookup,
    products_metadata_refresh,
)
from campaigns.tasks import products_metadata_refresh_all, products_metadata_refresh_task
from tenancy.scoping import tenant_scope
from tests.support.amazon import sandbox_control

TENT = "B0C7KQ2ZL4"  # in the sandbox's catalog: "Ridgeline 2-Person Backpacking Tent, 3-Season"
MADE_UP = "B0NOSUCH01"


def _products(world):
    with tenant_scope(world.org):
        return {p.asin: p for p in Product.objects.filter(campaign=world.campaign)}


def test_the_wrapper_asks_amazon_and_leaves_unknown_asins_out(worlds, amazon_sandbox):
    from attribution.services import ads_client

    store = worlds["alpha"].store
    with tenant_scope(worlds["alpha"].org):
        found = ads_client(store.connection).products_metadata(
            store.profile_id, [TENT, MADE_UP, TENT.lower()]
        )
    assert list(found) == [TENT]
    item = found[TENT]
    assert item["title"] == "Ridgeline 2-Person Backpacking Tent, 3-Season"
    assert item["priceToPay"]["currency"] == "USD"
    assert item["imageUrl"] == f"{amazon_sandbox.url}/images/I/{TENT}.svg"
    assert item["availability"] in {"IN_STOCK", "IN_STOCK_SCARCE", "OUT_OF_STOCK"}
    # the picture is served
    image = requests.get(item["imageUrl"], timeout=5)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/svg+xml"


def test_refresh_stores_amazons_data_and_marks_unknown_asins(worlds, amazon_sandbox):
    world = worlds["alpha"]
    with tenant_scope(world.org):
        products_add(campaign=world.campaign, entries=[(TENT, ""), (MADE_UP, "My tent")])
        found, missing = products_metadata_refresh(store=world.store)
    assert (found, missing) == (1, 3)  # B0EXAMPLE1/2 of the world are made up too
    products = _products(world)
    tent = products[TENT]
    assert tent.amazon_status == Product.AmazonStatus.FOUND
    assert tent.amazon_title == "Ridgeline 2-Person Backpacking Tent, 3-Season"
    assert tent.price_currency == "USD" and tent.price == tent.price.quantize(Decimal("0.01"))
    assert tent.image_url.endswith(f"/images/I/{TENT}.svg")
    assert products[MADE_UP].amazon_status == Product.AmazonStatus.NOT_FOUND
    assert products[MADE_UP].title == "My tent"  # what the manager typed stays

    # Amazon restocks / runs out: the next refresh says so
    sandbox_control(
        amazon_sandbox,
        "/sandbox/catalog",
        {
            "products": [
                {"asin": TENT, "title": "Ridgeline 2P Tent (2027)", "availability": "OUT_OF_STOCK"}
            ]
        },
    )
    with tenant_scope(world.org):
        products_metadata_refresh_task.run(world.org.pk, world.store.pk)
    tent = _products(world)[TENT]
    assert tent.amazon_title == "Ridgeline 2P Tent (2027)"
    assert tent.availability == "OUT_OF_STOCK"


def test_daily_refresh_visits_every_tenants_stores(worlds, amazon_sandbox):
    # one message per active store (alpha and bravo have US and CA each)
    assert products_metadata_refresh_all.run() == 4


def test_amazon_down_changes_nothing(worlds, amazon_sandbox):
    world = worlds["alpha"]
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"fail": {"count": 5, "status": 500}})
    with tenant_scope(world.org), pytest.raises(MetadataUnavailable):
        products_metadata_refresh(store=world.store)
    assert {p.amazon_status for p in _products(world).values()} == {"unchecked"}


def test_lookup_before_adding(worlds, amazon_sandbox):
    world = worlds["alpha"]
    with tenant_scope(world.org):
        assert product_lookup(store=world.store, asin=" b0c7kq2zl4 ").listing.title.startswith(
            "Ridgeline"
        )
        unknown = product_lookup(store=world.store, asin=MADE_UP)
        bad = product_lookup(store=world.store, asin="nope")
    assert unknown.valid and not unknown.found and not unknown.error
    assert not bad.valid


def test_lookup_page_shows_the_title_before_saving(worlds, amazon_sandbox):
    world = worlds["alpha"]
    client = world.tenant.client()
    url = f"/o/alpha/campaigns/{world.campaign.pk}/products/lookup/"
    html = client.get(url, {"products": f"{TENT}\n{MADE_UP}, mine\nxx"}).content.decode()
    assert "Ridgeline 2-Person Backpacking Tent, 3-Season" in html
    assert f'Amazon\'s catalog has no product <span class="mono">{MADE_UP}</span>' in html
    assert "Not an ASIN" in html
    with tenant_scope(world.org):
        assert not Product.objects.filter(asin=TENT).exists()  # nothing saved
    # the campaign page wires the box to it
    page = client.get(f"/o/alpha/campaigns/{world.campaign.pk}/").content.decode()
    assert f'hx-get="{url}"' in page


def test_link_checker_reports_an_asin_amazon_does_not_know(worlds, amazon_sandbox):
    """The issue: "All 6 links are fine" for a made-up ASIN. Fails on the old code."""
    world = worlds["alpha"]
    client = world.tenant.client()
    sandbox_control(amazon_sandbox, "/sandbox/catalog", {"products": [{"asin": "B0EXAMPLE1"}]})
    url = f"/o/alpha/campaigns/{world.campaign.pk}/links/check/"
    html = client.get(url).content.decode()
    assert "All 6 links are fine" not in html
    assert "2 of 6 links have problems." in html  # Jane's and Sam's links to B0EXAMPLE2
    assert "Amazon&#x27;s catalog has no product B0EXAMPLE2 in this marketplace" in html
    assert _products(world)["B0EXAMPLE2"].amazon_status == "not_found"
    # the products list and the links page say so too
    page = client.get(f"/o/alpha/campaigns/{world.campaign.pk}/").content.decode()
    assert "Not in Amazon's catalog" in page
    links = client.get(f"/o/alpha/campaigns/{world.campaign.pk}/links/").content.decode()
    assert "Not in Amazon's catalog" in links


def test_link_checker_says_when_amazon_cannot_be_asked(worlds, amazon_sandbox):
    world = worlds["alpha"]
    sandbox_control(amazon_sandbox, "/sandbox/faults", {"fail": {"count": 5, "status": 503}})
    html = (
        world.tenant.client()
        .get(f"/o/alpha/campaigns/{world.campaign.pk}/links/check/")
        .content.decode()
    )
    assert "Amazon could not be asked whether the products exist" in html
    assert "All 6 links are fine" in html
