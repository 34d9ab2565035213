"""Links: one per (campaign, creator, product or store page), readable stable Amazon ids,
destinations fixed at creation, generation at scale with progress, the checker, QR codes."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction

from campaigns.models import AffiliateLink, LinkJob
from campaigns.qr import qr_png, qr_svg, short_url
from campaigns.services import links as link_services
from campaigns.services import links_sync
from campaigns.services.campaign_creators import campaign_creators_add
from campaigns.tasks import links_generate_job
from creators.services import creator_create
from tenancy.scoping import tenant_scope
from tests.factories import AffiliateLinkFactory
from tests.support.campaigns import store_campaign_id


def test_links_are_made_for_every_creator_and_product_and_the_store_page(worlds, amazon_sandbox):
    world = worlds["alpha"]
    advertiser = world.store.advertiser_id
    tag = f"maas=maas_adg_api_{advertiser}_static_9_105&ref_=aa_maas&tag=maas"
    with tenant_scope(world.org):
        rows = sorted(
            AffiliateLink.objects.filter(campaign=world.campaign).values_list(
                "campaign_creator__amazon_adgroup_id",
                "product__asin",
                "amazon_creative_id",
                "destination_url",
                "is_active",
            ),
            key=lambda r: r[2],
        )
    base = amazon_sandbox.url
    campaign_id = store_campaign_id(world.store, "spring-launch-2026")
    ids = f"aa_campaignid={campaign_id}" + "&aa_adgroupid={g}&aa_creativeid={c}"
    assert rows == [
        (
            "janedoe",
            "B0EXAMPLE1",
            "janedoe-b0example1",
            f"{base}/dp/B0EXAMPLE1?{tag}&" + ids.format(g="janedoe", c="janedoe-b0example1"),
            True,
        ),
        (
            "janedoe",
            "B0EXAMPLE2",
            "janedoe-b0example2",
            f"{base}/dp/B0EXAMPLE2?{tag}&" + ids.format(g="janedoe", c="janedoe-b0example2"),
            True,
        ),
        (
            "janedoe",
            None,
            "janedoe-store",
            f"{base}/stores/page/ABCD-1234?{tag}&" + ids.format(g="janedoe", c="janedoe-store"),
            True,
        ),
        (
            "sam-lee",
            "B0EXAMPLE1",
            "sam-lee-b0example1",
            f"{base}/dp/B0EXAMPLE1?{tag}&" + ids.format(g="sam-lee", c="sam-lee-b0example1"),
            True,
        ),
        (
            "sam-lee",
            "B0EXAMPLE2",
            "sam-lee-b0example2",
            f"{base}/dp/B0EXAMPLE2?{tag}&" + ids.format(g="sam-lee", c="sam-lee-b0example2"),
            True,
        ),
        (
            "sam-lee",
            None,
            "sam-lee-store",
            f"{base}/stores/page/ABCD-1234?{tag}&" + ids.format(g="sam-lee", c="sam-lee-store"),
            True,
        ),
    ]
    codes = [link.code for link in world.links]
    assert all(re.fullmatch(r"[A-Za-z0-9]{10}", c) for c in codes) and len(set(codes)) == 6


def test_the_other_tenant_has_its_own_links(worlds):
    alpha, bravo = worlds["alpha"], worlds["bravo"]
    with tenant_scope(bravo.org):
        assert AffiliateLink.objects.count() == 6
        assert not AffiliateLink.objects.filter(pk__in=[lnk.pk for lnk in alpha.links]).exists()


def test_one_link_per_creator_and_product_and_one_store_page_link(worlds):
    world = worlds["alpha"]
    link = world.links[0]
    with tenant_scope(world.org):
        for product in (link.product, None):
            with pytest.raises(IntegrityError), transaction.atomic():
                AffiliateLinkFactory(
                    campaign_creator=link.campaign_creator,
                    product=product,
                    amazon_creative_id=f"dup-{product}",
                    code=f"DUPL{product is None:d}ABCDE",
                    destination_url=link.destination_url,
                )
        # Generating again makes nothing.
        assert links_sync(campaign=world.campaign) == 0


def test_same_creator_in_a_second_campaign_gets_suffixed_creative_ids(worlds):
    from campaigns.services import campaign_create, products_add

    world = worlds["alpha"]
    with tenant_scope(world.org):
        second = campaign_create(
            store=world.store,
            tracking_plan=world.plan,
            name="Spring Launch!",  # another name, the same slug as the first
            starts_on=world.campaign.starts_on,
            default_commission_rate=world.campaign.default_commission_rate,
        )
        products_add(campaign=second, entries=[("B0EXAMPLE1", "")])
        (cc,) = campaign_creators_add(campaign=second, creators=[world.creators[0]])
        link = AffiliateLink.objects.get(campaign=second)
    campaign_id = store_campaign_id(world.store, "spring-launch-2026") + "-2"
    assert second.amazon_campaign_id == campaign_id
    assert cc.amazon_adgroup_id == "janedoe"
    assert link.amazon_creative_id == "janedoe-b0example1-2"
    assert f"aa_campaignid={campaign_id}&aa_adgroupid=janedoe" in link.destination_url


def test_thousands_of_links_are_made_by_a_background_job_with_progress(
    worlds, monkeypatch, django_capture_on_commit_callbacks
):
    # Given a campaign with 40 creators x 25 products (+ store page) and an inline limit of 100
    monkeypatch.setattr(link_services, "INLINE_LIMIT", 100)
    monkeypatch.setattr(link_services, "CHUNK", 300)
    world = worlds["alpha"]
    enqueued = []
    monkeypatch.setattr(
        links_generate_job, "delay", lambda org_id, job_id: enqueued.append((org_id, job_id))
    )
    from campaigns.services import products_add

    with tenant_scope(world.org):
        products_add(campaign=world.campaign, entries=[(f"B0BULK{n:04d}", "") for n in range(23)])
        creators = [creator_create(name=f"Creator {n}") for n in range(38)]
        with django_capture_on_commit_callbacks(execute=True):
            campaign_creators_add(campaign=world.campaign, creators=creators)
        job = LinkJob.objects.get(campaign=world.campaign)
    # 40 creators x 26 landing pages = 1040; the first 2 creators' 52 were made inline
    assert (job.status, job.total, job.done) == ("queued", 988, 0)
    assert enqueued == [(world.org.pk, job.pk)]
    # the campaign page shows the progress
    page = world.tenant.client().get(f"/o/alpha/campaigns/{world.campaign.pk}/")
    assert "Making links: 0 of 988" in page.content.decode()

    # When the worker runs the job (chunks of 300, one transaction each)
    links_generate_job(world.org.pk, job.pk)

    # Then every link exists exactly once, and the job says so
    with tenant_scope(world.org):
        job.refresh_from_db()
        assert (job.status, job.done, job.total) == ("done", 988, 988)
        assert AffiliateLink.objects.filter(campaign=world.campaign).count() == 1040
        assert AffiliateLink.objects.values("amazon_creative_id").distinct().count() == 1040
        # running it again makes nothing
        links_generate_job(world.org.pk, job.pk)
        assert AffiliateLink.objects.filter(campaign=world.campaign).count() == 1040


def test_qr_codes_encode_the_short_link(worlds):
    world = worlds["alpha"]
    link = world.links[0]
    client = world.tenant.client()
    svg = client.get(f"/o/alpha/links/{link.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg.content == qr_svg(short_url(link.code))
    png = client.get(f"/o/alpha/links/{link.pk}/qr.png?download=1&sub=story")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert png.content == qr_png(short_url(link.code, "story"))
    assert png["Content-Disposition"] == f'attachment; filename="link-{link.code}.png"'
    assert short_url(link.code, "story") == f"http://127.0.0.1:8000/l/{link.code}?sub=story"
    assert client.get(f"/o/alpha/links/{link.pk}/qr.gif").status_code == 404


def test_links_download_as_csv_per_campaign_and_per_creator(worlds):
    """Finance and managers send creators their links: one CSV per campaign (or one creator
    in it) and per creator across campaigns, with formulas neutralised."""
    import csv
    import io

    from campaigns.services import campaign_create, products_add
    from creators.services import creator_update

    world = worlds["alpha"]
    client = world.tenant.client()
    jane, sam = world.creators[0], world.creators[1]
    with tenant_scope(world.org):
        creator_update(creator=jane, name="=HYPERLINK(1)", email=jane.email, handle=jane.handle)
        autumn = campaign_create(
            store=world.store,
            tracking_plan=world.plan,
            name="Autumn",
            starts_on=world.campaign.starts_on,
            default_commission_rate=world.campaign.default_commission_rate,
        )
        products_add(campaign=autumn, entries=[("B0EXAMPLE1", "")])
        campaign_creators_add(campaign=autumn, creators=[jane])

    def rows(url: str) -> list[dict[str, str]]:
        r = client.get(url)
        assert r.status_code == 200 and r["Content-Type"] == "text/csv; charset=utf-8"
        assert "attachment;" in r["Content-Disposition"]
        text = b"".join(r.streaming_content).decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))

    base = f"/o/alpha/campaigns/{world.campaign.pk}"
    every = rows(f"{base}/links.csv")
    assert len(every) == 6
    assert {r["creator"] for r in every} == {"'=HYPERLINK(1)", sam.name}
    first = every[0]
    assert list(first) == [
        "creator", "handle", "email", "campaign", "store", "asin", "product", "short_link",
        "amazon_url", "status",
    ]  # fmt: skip
    link = world.link(1, "B0EXAMPLE1")
    [sams] = [r for r in every if r["creator"] == sam.name and r["asin"] == "B0EXAMPLE1"]
    assert (sams["short_link"], sams["amazon_url"], sams["status"]) == (
        short_url(link.code),
        link.destination_url,
        "active",
    )
    only_sam = rows(f"{base}/links.csv?creator={world.campaign_creators[1].pk}")
    assert {r["creator"] for r in only_sam} == {sam.name} and len(only_sam) == 3
    across = rows(f"/o/alpha/creators/{jane.pk}/links.csv")
    assert sorted({r["campaign"] for r in across}) == ["Autumn", world.campaign.name]
    assert len(across) == 4
    # the pages offer the downloads
    assert f"{base}/links.csv" in client.get(f"{base}/links/").content.decode()
    assert (
        f"/creators/{jane.pk}/links.csv"
        in client.get(f"/o/alpha/creators/{jane.pk}/").content.decode()
    )
    # another organisation's campaign or creator is not found
    bravo = worlds["bravo"].tenant.client()
    assert bravo.get(f"/o/bravo/campaigns/{world.campaign.pk}/links.csv").status_code == 404
    assert bravo.get(f"/o/bravo/creators/{jane.pk}/links.csv").status_code == 404
