"""Campaigns through HTTP: create (with an existing or a new tracking plan), validation errors
next to the fields, products by ASIN, editing, the list, the links page and the link checker."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.test import Client

from campaigns.models import AffiliateLink, Campaign, Product, TrackingPlan
from tenancy.scoping import tenant_scope
from tests.support.amazon import sandbox_control
from tests.support.campaigns import store_campaign_id
from tests.support.queries import queries_for

FORM = {
    "name": "Summer Trail",
    "starts_on": "2026-06-01",
    "ends_on": "2026-08-31",
    "status": "active",
    "track_sales": "on",
    "default_commission_rate": "7.50",
    "commission_basis": "total",
    "settlement_days": "45",
    "store_page": "",
}


def hit(code: str) -> int:
    """A person's browser following the short link."""
    ua = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15"
    return Client(HTTP_USER_AGENT=ua).get(f"/l/{code}").status_code


def field_error(html: str, field: str) -> str:
    match = re.search(rf'id="id_{field}_error"[^>]*>([^<]*)<', html)
    return match.group(1) if match else ""


def test_create_a_campaign_with_an_existing_plan(worlds):
    world = worlds["alpha"]
    client = world.tenant.client()
    url = f"/o/alpha/campaigns/new/?store={world.store.pk}"
    page = client.get(url).content.decode()
    assert "Creators (Influencer / affiliate (other))" in page
    r = client.post(url, {**FORM, "store": world.store.pk, "tracking_plan": world.plan.pk})
    assert r.status_code == 302
    with tenant_scope(world.org):
        campaign = Campaign.objects.select_related("store").get(name="Summer Trail")
    assert r["Location"] == f"/o/alpha/campaigns/{campaign.pk}/"
    assert (
        campaign.store_id,
        campaign.tracking_plan_id,
        campaign.starts_on,
        campaign.ends_on,
        campaign.status,
        campaign.track_sales,
        campaign.default_commission_rate,
        campaign.commission_basis,
        campaign.settlement_days,
        campaign.amazon_campaign_id,
        campaign.currency,
    ) == (
        world.store.pk,
        world.plan.pk,
        date(2026, 6, 1),
        date(2026, 8, 31),
        "active",
        True,
        Decimal("7.50"),
        "total",
        45,
        store_campaign_id(world.store, "summer-trail-2026"),
        "USD",
    )
    detail = client.get(r["Location"]).content.decode()
    assert (
        store_campaign_id(world.store, "summer-trail-2026") in detail
        and "7.50 % of brand total (with halo)" in detail
    )
    assert "No product yet." in detail and "No creator in this campaign yet." in detail


def test_create_a_campaign_with_a_new_plan_from_the_form(worlds, amazon_sandbox):
    world = worlds["alpha"]
    client = world.tenant.client()
    url = f"/o/alpha/campaigns/new/?store={world.store.pk}"
    data = {
        **FORM,
        "store": world.store.pk,
        "tracking_plan": "new",
        "new_plan_publisher": "102",
        "new_plan_name": "TikTok creators",
        "settlement_days": "",
    }
    # settlement days missing: nothing is created, not even the plan
    r = client.post(url, data)
    assert r.status_code == 400
    assert field_error(r.content.decode(), "settlement_days") == "This field is required."
    with tenant_scope(world.org):
        assert not TrackingPlan.objects.filter(name="TikTok creators").exists()
    r = client.post(url, {**data, "settlement_days": "30"})
    assert r.status_code == 302
    with tenant_scope(world.org):
        campaign = Campaign.objects.select_related("tracking_plan").get(name="Summer Trail")
    plan = campaign.tracking_plan
    assert (plan.name, plan.publisher_id, plan.template_tag) == (
        "TikTok creators",
        "102",
        f"maas=maas_adg_api_{world.store.advertiser_id}_static_9_102&ref_=aa_maas&tag=maas",
    )


def test_validation_errors_are_next_to_their_fields(worlds):
    world = worlds["alpha"]
    client = world.tenant.client()
    url = f"/o/alpha/campaigns/new/?store={world.store.pk}"
    r = client.post(
        url,
        {
            **FORM,
            "store": world.store.pk,
            "tracking_plan": "new",
            "new_plan_publisher": "",
            "ends_on": "2026-05-01",
            "default_commission_rate": "120",
            "store_page": "https://evil.example/stores/page/X",
        },
    )
    assert r.status_code == 400
    html = r.content.decode()
    assert field_error(html, "new_plan_publisher") == "Choose the publisher for the new plan."
    assert field_error(html, "ends_on") == "The end date is before the start date."
    assert field_error(html, "default_commission_rate") == (
        "Ensure this value is less than or equal to 100."
    )
    r = client.post(
        url,
        {
            **FORM,
            "store": world.store.pk,
            "tracking_plan": world.plan.pk,
            "store_page": "https://evil.example/stores/page/X",
        },
    )
    assert field_error(r.content.decode(), "store_page").startswith(
        "Paste the Amazon Store page URL"
    )
    with tenant_scope(world.org):
        assert Campaign.objects.count() == 1


def test_products_by_asin_with_errors_per_line(worlds):
    world = worlds["alpha"]
    client = world.tenant.client()
    url = f"/o/alpha/campaigns/{world.campaign.pk}/products/"
    r = client.post(url, {"products": "B0NEWITEM1, Lantern\nB0SHORT\nB0NEW-ITEM"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Line 2: &#x27;B0SHORT&#x27; is not an ASIN (10 letters and digits)." in html
    assert "Line 3: &#x27;B0NEW-ITEM&#x27; is not an ASIN (10 letters and digits)." in html
    with tenant_scope(world.org):
        assert Product.objects.filter(campaign=world.campaign).count() == 2  # nothing added
    r = client.post(url, {"products": "b0newitem1, Lantern\n\nB0NEWITEM2\tHeadlamp"})
    assert r.status_code == 302
    with tenant_scope(world.org):
        assert list(
            Product.objects.filter(campaign=world.campaign).values_list("asin", "title")
        ) == [
            ("B0EXAMPLE1", "Trail tent 2P"),
            ("B0EXAMPLE2", "Camp stove"),
            ("B0NEWITEM1", "Lantern"),
            ("B0NEWITEM2", "Headlamp"),
        ]
        # every creator got a link for the new products
        assert AffiliateLink.objects.filter(campaign=world.campaign).count() == 2 * 5


def test_removing_a_product_disables_its_links_and_adding_it_back_revives_them(
    worlds, django_capture_on_commit_callbacks
):
    world = worlds["alpha"]
    client = world.tenant.client()
    product = world.products[0]
    link = world.link(0, product.asin)
    assert hit(link.code) == 302  # route cached
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/o/alpha/campaigns/{world.campaign.pk}/products/{product.pk}/remove/")
    assert r.status_code == 302
    assert hit(link.code) == 404
    page = client.get(f"/o/alpha/campaigns/{world.campaign.pk}/").content.decode()
    assert "Removed" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/o/alpha/campaigns/{world.campaign.pk}/products/", {"products": product.asin})
    assert hit(link.code) == 302


def test_edit_keeps_amazon_id_and_refuses_a_new_plan_once_links_exist(worlds):
    world = worlds["alpha"]
    client = world.tenant.client()
    client.post(
        "/o/alpha/tracking-plans/new/",
        {"store": world.store.pk, "publisher_id": "101", "name": "Insta"},
    )
    with tenant_scope(world.org):
        insta = TrackingPlan.objects.get(name="Insta")
    url = f"/o/alpha/campaigns/{world.campaign.pk}/edit/"
    data = {
        **FORM,
        "name": "Spring Launch (extended)",
        "tracking_plan": world.plan.pk,
        "store_page": "ABCD-1234",
        "status": "paused",
    }
    assert client.post(url, data).status_code == 302
    r = client.post(url, {**data, "tracking_plan": insta.pk})
    assert r.status_code == 400
    assert field_error(r.content.decode(), "tracking_plan") == (
        "Links were made with the current plan&#x27;s tag; it stays."
    )
    with tenant_scope(world.org):
        campaign = Campaign.objects.get(pk=world.campaign.pk)
    assert (campaign.name, campaign.status, campaign.amazon_campaign_id) == (
        "Spring Launch (extended)",
        "paused",
        store_campaign_id(world.store, "spring-launch-2026"),
    )


def test_removing_the_store_page_disables_store_links(worlds, django_capture_on_commit_callbacks):
    world = worlds["alpha"]
    client = world.tenant.client()
    store_link = world.link(1, None)
    url = f"/o/alpha/campaigns/{world.campaign.pk}/edit/"
    data = {**FORM, "tracking_plan": world.plan.pk, "store_page": ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    assert hit(store_link.code) == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**data, "store_page": "ABCD-1234"}).status_code == 302
    assert hit(store_link.code) == 302


def test_campaign_list_counts_and_query_guard(worlds):
    world = worlds["alpha"]
    client = world.tenant.client()
    before = queries_for(client, "/o/alpha/campaigns/")
    from campaigns.services import campaign_create

    with tenant_scope(world.org):
        for n in range(5):
            campaign_create(
                store=world.store,
                tracking_plan=world.plan,
                name=f"Flash {n}",
                starts_on=date(2026, 1, n + 1),
                default_commission_rate=Decimal("5"),
            )
    assert queries_for(client, "/o/alpha/campaigns/") == before
    page = client.get("/o/alpha/campaigns/?status=active").content.decode()
    row = re.search(r"Spring Launch</a>.*?</tr>", page, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["2", "2", "6"]
    # the period's link clicks, sales and commission (reporting.views.directory), all time too
    assert "0 all time" in row and row.count("$0.00") == 2
    assert "Flash 0" not in page  # drafts filtered out


def test_links_page_lists_links_with_a_fixed_number_of_queries(worlds):
    world = worlds["alpha"]
    client = world.tenant.client()
    url = f"/o/alpha/campaigns/{world.campaign.pk}/links/"
    before = queries_for(client, url)
    client.post(
        f"/o/alpha/campaigns/{world.campaign.pk}/products/",
        {"products": "\n".join(f"B0MORE{n:04d}" for n in range(10))},
    )
    assert queries_for(client, url) == before
    html = client.get(url).content.decode()
    assert html.count('data-copy="url-') == 2 * 13
    link = world.link(0, "B0EXAMPLE1")
    assert f"http://127.0.0.1:8000/l/{link.code}" in html


def test_link_checker_lists_problems(worlds, amazon_sandbox):
    world = worlds["alpha"]
    client = world.tenant.client()
    url = f"/o/alpha/campaigns/{world.campaign.pk}/links/check/"
    products = [{"asin": "B0EXAMPLE1"}, {"asin": "B0EXAMPLE2"}]  # in Amazon's catalog
    sandbox_control(amazon_sandbox, "/sandbox/catalog", {"products": products})
    assert "All 6 links are fine" in client.get(url).content.decode()
    jane_tent = world.link(0, "B0EXAMPLE1")
    jane_stove = world.link(0, "B0EXAMPLE2")
    sam_tent = world.link(1, "B0EXAMPLE1")
    with tenant_scope(world.org):
        AffiliateLink.objects.filter(pk=jane_tent.pk).update(
            destination_url=jane_tent.destination_url.replace("tag=maas", "tag=brand-20")
        )
        AffiliateLink.objects.filter(pk=jane_stove.pk).update(
            destination_url=jane_stove.destination_url.replace(
                "aa_adgroupid=janedoe", "aa_adgroupid=jane%2Fdoe"
            )
        )
        AffiliateLink.objects.filter(pk=sam_tent.pk).update(
            destination_url="https://www.amazon.de/dp/B0EXAMPLE1?x=1"
        )
    html = client.get(url).content.decode()
    assert "3 of 6 links have problems." in html
    campaign_page = client.get(f"/o/alpha/campaigns/{world.campaign.pk}/").content.decode()
    assert "Link check: 3 of 6 links have problems." in campaign_page
    assert "An Amazon Associates tag is present (tag=brand-20)." in html
    assert "aa_adgroupid is not valid: An Amazon id cannot contain /." in html
    assert (
        f"Marketplace mismatch: the link goes to www.amazon.de, the store sells on "
        f"{amazon_sandbox.url.split('//')[1]}." in html
    )
    assert "The Amazon Attribution tag is missing (maas=)." in html
    assert "aa_campaignid is missing." in html


def test_a_second_campaign_with_the_same_name_in_one_store_is_flagged(worlds):
    """Two "Summer Trail" rows in one store cannot be told apart in reports and exports."""
    world = worlds["alpha"]
    client = world.tenant.client()
    url = f"/o/alpha/campaigns/new/?store={world.store.pk}"
    data = {**FORM, "store": world.store.pk, "tracking_plan": world.plan.pk}
    assert client.post(url, data).status_code == 302
    r = client.post(url, {**data, "name": "  summer TRAIL "})
    assert r.status_code == 400
    assert "already has a campaign named summer TRAIL" in field_error(r.content.decode(), "name")
    # renaming another campaign onto it is flagged too
    edit = f"/o/alpha/campaigns/{world.campaign.pk}/edit/"
    r = client.post(edit, {**FORM, "name": "Summer Trail", "tracking_plan": world.plan.pk})
    assert r.status_code == 400
    assert "already has a campaign named Summer Trail" in field_error(r.content.decode(), "name")
    with tenant_scope(world.org):
        assert Campaign.objects.filter(name__iexact="summer trail").count() == 1
    # the same name in another organisation's store is its own business
    bravo = worlds["bravo"]
    r = bravo.tenant.client().post(
        f"/o/bravo/campaigns/new/?store={bravo.store.pk}",
        {**FORM, "store": bravo.store.pk, "tracking_plan": bravo.plan.pk},
    )
    assert r.status_code == 302
