"""Creators through HTTP: add, edit, CSV import (all or nothing, errors per row), adding them
to campaigns (ad-group ids, links), status and commission override."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from campaigns.models import CampaignCreator
from creators.models import Creator
from tenancy.scoping import tenant_scope
from tests.factories import CreatorFactory
from tests.support.creators import names
from tests.support.queries import queries_for

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("creators.csv", text.encode(), content_type="text/csv")


def test_add_and_edit_a_creator_with_errors_next_to_fields(tenant_a, tenant_b):
    client = tenant_a.client()
    r = client.post(
        "/o/alpha/creators/",
        {
            "name": "Jane Doe",
            "email": "Jane@Example.com",
            "handle": "@janedoe",
            "channels": ["instagram", "youtube"],
        },
    )
    assert r.status_code == 302
    with tenant_scope(tenant_a.org):
        jane = Creator.objects.get()
    assert (jane.name, jane.email, jane.handle, jane.channels) == (
        "Jane Doe",
        "jane@example.com",
        "@janedoe",
        ["instagram", "youtube"],
    )
    r = client.post("/o/alpha/creators/", {"name": "", "email": "jane@example.com"})
    assert r.status_code == 400
    html = r.content.decode()
    assert re.search(r'id="id_name_error"[^>]*>This field is required.<', html)
    r = client.post("/o/alpha/creators/", {"name": "Other", "email": "JANE@example.com"})
    assert re.search(
        r'id="id_email_error"[^>]*>Jane Doe already uses this email.<', r.content.decode()
    )
    # the same email in another organisation is fine
    assert (
        tenant_b.client()
        .post("/o/bravo/creators/", {"name": "Jane B", "email": "jane@example.com"})
        .status_code
        == 302
    )
    r = client.post(
        f"/o/alpha/creators/{jane.pk}/",
        {"name": "Jane D.", "handle": "@jd", "channels": ["tiktok"]},
    )
    assert r.status_code == 302
    with tenant_scope(tenant_a.org):
        jane.refresh_from_db()
    assert (jane.name, jane.email, jane.handle, jane.channels) == ("Jane D.", "", "@jd", ["tiktok"])
    assert names(tenant_b.org) == ["Jane B"]


def test_csv_import_all_or_nothing_with_errors_per_row(tenant_a, tenant_b):
    client = tenant_a.client()
    client.post("/o/alpha/creators/", {"name": "Existing", "email": "taken@example.com"})
    bad = (
        "Name,Email,Handle,Followers\n"
        "Ana Ruiz,ana@example.com,@anaruiz,12000\n"
        ",nobody@example.com,@ghost,1\n"
        "Bo Chen,not-an-email,@bo,3\n"
        "Cy Park,taken@example.com,,4\n"
        "Di Lo,ana@example.com,@dilo,5\n"
    )
    r = client.post("/o/alpha/creators/import/", {"file": csv_file(bad)})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Nothing was imported." in html
    assert re.findall(r"<li>(Line \d+: [^<]+)</li>", html) == [
        "Line 3: name: Enter the creator&#x27;s name.",
        "Line 4: email: Enter a valid email address. An email address must have an @-sign.",
        "Line 5: email: Existing already uses this email.",
        "Line 6: email: the same email is on line 2.",
    ]
    assert names(tenant_a.org) == ["Existing"]
    good = "handle;name;email\n@anaruiz;Ana Ruiz;ana@example.com\n;Sam Lee;\n\n@cy;Cy Park;\n"
    r = client.post("/o/alpha/creators/import/", {"file": csv_file(good)}, follow=True)
    assert "3 creators imported." in r.content.decode()
    assert names(tenant_a.org) == ["Ana Ruiz", "Cy Park", "Existing", "Sam Lee"]
    assert names(tenant_b.org) == []


def test_csv_import_rejects_a_file_without_header_or_not_utf8(tenant_a, tenant_b):
    client = tenant_a.client()
    r = client.post("/o/alpha/creators/import/", {"file": csv_file("Jane,jane@x.com\n")})
    assert "Line 1: The first row must name the columns: name, email, handle." in r.content.decode()
    latin = SimpleUploadedFile("c.csv", "name\nJosé\n".encode("latin-1"))
    r = client.post("/o/alpha/creators/import/", {"file": latin})
    assert "The file is not UTF-8 text." in r.content.decode()
    assert names(tenant_a.org) == []


def test_add_creators_to_a_campaign_makes_their_links(worlds, django_capture_on_commit_callbacks):
    world = worlds["alpha"]
    client = world.tenant.client()
    client.post("/o/alpha/creators/", {"name": "Jane Doe", "handle": ""})  # a second Jane
    with tenant_scope(world.org):
        jane2 = Creator.objects.get(name="Jane Doe", handle="")
    r = client.post(
        f"/o/alpha/campaigns/{world.campaign.pk}/creators/",
        {"creators": [jane2.pk], "status": "active", "commission_rate_override": "12.5"},
    )
    assert r.status_code == 302
    with tenant_scope(world.org):
        cc = CampaignCreator.objects.select_related("campaign").get(creator=jane2)
        assert (cc.amazon_adgroup_id, cc.status, cc.commission_rate) == (
            "jane-doe",
            "active",
            Decimal("12.50"),
        )
        assert cc.links.count() == 3  # 2 products + store page
    # without an override, the campaign's default applies
    assert world.campaign_creators[1].commission_rate == Decimal("8.00")
    # adding nobody is an error next to the field
    r = client.post(f"/o/alpha/campaigns/{world.campaign.pk}/creators/", {"status": "active"})
    assert r.status_code == 400
    assert re.search(r'id="id_creators_error"[^>]*>This field is required.<', r.content.decode())


def test_removing_a_creator_stops_their_links_and_bringing_them_back_revives(
    worlds, django_capture_on_commit_callbacks
):
    world = worlds["alpha"]
    client = world.tenant.client()
    cc = world.campaign_creators[0]
    link = world.link(0, "B0EXAMPLE1")
    browser = Client(HTTP_USER_AGENT=CHROME)
    assert browser.get(f"/l/{link.code}").status_code == 302
    url = f"/o/alpha/campaigns/{world.campaign.pk}/creators/{cc.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url, {"status": "removed", "commission_rate_override": ""})
    assert r.status_code == 302
    assert browser.get(f"/l/{link.code}").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"status": "active", "commission_rate_override": "10"})
    assert browser.get(f"/l/{link.code}").status_code == 302
    with tenant_scope(world.org):
        cc.refresh_from_db()
    assert (cc.status, cc.commission_rate_override, cc.amazon_adgroup_id) == (
        "active",
        Decimal("10.00"),
        "janedoe",
    )
    # an override above 100 % is refused
    r = client.post(url, {"status": "active", "commission_rate_override": "101"}, follow=True)
    assert "Jane Doe: Commission override (%): Ensure this value is less than or equal to 100." in (
        r.content.decode()
    )


def test_creator_page_lists_campaigns_and_the_list_has_a_fixed_query_count(worlds):
    world = worlds["alpha"]
    client = world.tenant.client()
    page = client.get(f"/o/alpha/creators/{world.creators[0].pk}/").content.decode()
    assert "Spring Launch" in page and ">3</a>" in page
    before = queries_for(client, "/o/alpha/creators/")
    for n in range(20):
        CreatorFactory(organization=world.org, name=f"Extra {n}")
    assert queries_for(client, "/o/alpha/creators/") == before
    found = client.get("/o/alpha/creators/?q=extra 1").content.decode()
    assert (
        found.count('href="/o/alpha/creators/') - found.count('href="/o/alpha/creators/import')
        == 11 + 1
    )


def test_a_duplicate_creator_handle_is_flagged(tenant_a, tenant_b):
    """`@JaneDoe` and `janedoe` are one handle: a second creator with it is refused, in the
    form and in a CSV import (against existing creators and within the file)."""
    client = tenant_a.client()
    assert (
        client.post("/o/alpha/creators/", {"name": "Jane", "handle": "@janedoe"}).status_code == 302
    )
    r = client.post("/o/alpha/creators/", {"name": "Other Jane", "handle": "JaneDoe"})
    assert r.status_code == 400
    assert re.search(
        r'id="id_handle_error"[^>]*>Jane already has the handle JaneDoe.<', r.content.decode()
    )
    r = client.post(
        "/o/alpha/creators/import/",
        {"file": csv_file("name,handle\nA,@janedoe\nB,@bob\nC,BOB\n")},
    )
    page = r.content.decode()
    assert "Jane already has the handle @janedoe." in page
    assert "the same handle is on line 3." in page
    assert names(tenant_a.org) == ["Jane"]
    # editing a creator keeps their own handle; another organisation may use it
    with tenant_scope(tenant_a.org):
        jane = Creator.objects.get()
    r = client.post(f"/o/alpha/creators/{jane.pk}/", {"name": "Jane D", "handle": "@JaneDoe"})
    assert r.status_code == 302
    r = tenant_b.client().post("/o/bravo/creators/", {"name": "J", "handle": "@janedoe"})
    assert r.status_code == 302
