"""`make run`'s demo data: loads against the sandbox, tells the truth (shoppers go through our
short links, so Amazon counts no more clicks than we do; only the demo's own campaigns get
them), and a second run reuses everything."""

import io
import time
from collections import Counter
from datetime import date
from decimal import Decimal

import requests
from django.core.management import call_command
from django.db.models import Sum

from attribution.amazon import MARKETPLACE_TIME_ZONES
from attribution.models import DailyMetric, MetricLevel, Store, SyncRun
from campaigns.clicks.flush import clicks_flush
from campaigns.models import AffiliateLink, Campaign, LinkClickDaily
from campaigns.services import campaign_create, products_add
from campaigns.services.campaign_creators import campaign_creators_add
from commissions.models import Conversion
from creators.models import Creator
from tenancy.models import Organization
from tenancy.scoping import tenant_scope
from tests.support.amazon import sandbox_control


def counts(org):
    with tenant_scope(org):
        demo = Campaign.objects.filter(is_demo=True)
        return (
            Store.objects.count(),
            demo.count(),
            AffiliateLink.objects.filter(campaign__in=demo).count(),
            DailyMetric.objects.count(),
            Conversion.objects.count(),
        )


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def our_clicks_per_link(org) -> dict[str, int]:
    """{creative id: our link clicks (bots excluded)} over every day."""
    with tenant_scope(org):
        rows = (
            LinkClickDaily.objects.filter(sub_id="")
            .values("link__amazon_creative_id")
            .annotate(n=Sum("clicks"))
        )
        return {r["link__amazon_creative_id"]: r["n"] for r in rows}


def amazon_clicks_per_link(org) -> dict[str, int]:
    with tenant_scope(org):
        rows = (
            DailyMetric.objects.filter(level=MetricLevel.CREATIVE)
            .values("amazon_creative_id")
            .annotate(n=Sum("clicks"))
        )
        return {r["amazon_creative_id"]: r["n"] for r in rows}


def user_campaign(org) -> Campaign:
    """What a manager does on the day: a campaign of their own in the demo's US store."""
    with tenant_scope(org):
        store = Store.objects.get(country_code="US")
        plan = Campaign.objects.filter(store=store, is_demo=True).first().tracking_plan
        campaign = campaign_create(
            store=store,
            tracking_plan=plan,
            name="My November push",
            starts_on=date(2026, 11, 20),
            default_commission_rate=Decimal("10.00"),
            status=Campaign.Status.ACTIVE,
        )
        products_add(campaign=campaign, entries=[("B0C7KQ2ZL4", ""), ("B0CM2S8XTE", "")])
        campaign_creators_add(campaign=campaign, creators=list(Creator.objects.all()[:3]))
        return campaign


def test_seed_demo_tells_the_truth_and_is_idempotent(amazon_sandbox, db):
    output = seed()
    assert "Demo data ready." in output
    acme = Organization.objects.get(slug="acme")
    northwind = Organization.objects.get(slug="northwind")
    first = counts(acme)
    stores, campaigns, links, facts, conversions = first
    assert stores == 2 and campaigns == 2 and links > 10
    assert facts > 100 and conversions > 0
    with tenant_scope(acme):
        assert SyncRun.objects.filter(status="succeeded").count() == 1

    # the report says what happened per store, with the store's money
    us_line = next(line for line in output.splitlines() if line.startswith("/o/acme/ US store"))
    assert "(USD, America/Los_Angeles)" in us_line and "first sync succeeded" in us_line
    assert "reached Amazon" in us_line and "$" in us_line
    jp_line = next(line for line in output.splitlines() if "/o/northwind/ JP store" in line)
    assert "(JPY, Asia/Tokyo)" in jp_line and "¥" in jp_line

    # Amazon counts no more clicks than our links did, link by link (bots, people leaving
    # before Amazon's page loads and declined cookies are lost on the way), and overall
    for org in (acme, northwind):
        ours, amazons = our_clicks_per_link(org), amazon_clicks_per_link(org)
        assert amazons and set(amazons) <= set(ours)
        assert all(amazons[c] <= ours[c] for c in amazons), org
        assert 0.6 * sum(ours.values()) < sum(amazons.values()) < sum(ours.values())

    # the second brand is a brand of its own: its creators, campaigns, marketplaces, yen
    with tenant_scope(acme):
        acme_people = set(Creator.objects.values_list("name", flat=True))
        acme_campaigns = set(Campaign.objects.values_list("name", flat=True))
    with tenant_scope(northwind):
        nw_people = set(Creator.objects.values_list("name", flat=True))
        nw_campaigns = set(Campaign.objects.values_list("name", flat=True))
        nw_stores = {s.country_code: s for s in Store.objects.all()}
        jp = nw_stores["JP"]
        yen = list(Conversion.objects.filter(store=jp).values_list("sales", "commission"))
    assert len(nw_people - acme_people) >= 3 and nw_campaigns.isdisjoint(acme_campaigns)
    assert set(nw_stores) == {"UK", "DE", "JP"}
    assert jp.currency_code == "JPY" and yen
    assert all(v == v.quantize(Decimal(1)) for pair in yen for v in pair)  # no decimals

    # every sandbox store has its marketplace's time zone
    for org in (acme, northwind):
        with tenant_scope(org):
            for store in Store.objects.all():
                assert store.timezone == MARKETPLACE_TIME_ZONES[store.country_code]

    # a campaign the user creates never gets demo numbers, on the next run either
    mine = user_campaign(acme)
    second = seed()
    assert counts(acme) == first
    with tenant_scope(acme):
        assert not DailyMetric.objects.filter(amazon_campaign_id=mine.amazon_campaign_id).exists()
        assert not LinkClickDaily.objects.filter(link__campaign=mine).exists()
        assert not Conversion.objects.filter(campaign=mine).exists()
    sandbox = {c.campaign_id for c in amazon_sandbox.state.clicks}
    assert mine.amazon_campaign_id not in sandbox
    assert "2 demo campaign(s)" in second
    assert Organization.objects.count() == 2

    # the demo creator's portal account holds her profile in both brands
    from tenancy.models import User

    jane = User.objects.get(email="jane@creators.test")
    for org in (acme, northwind):
        with tenant_scope(org):
            assert Creator.objects.get(email="jane@creators.test").user == jane


def test_live_shoppers_go_through_the_short_link(worlds, amazon_sandbox, live_server, settings):
    """The sandbox's shoppers open /l/<code> like people: our redirect counts them (bots
    excluded, one per visitor), Amazon counts those who reach its page, never more."""
    settings.CLICKS_FORWARDED_FOR_DEPTH = 1  # as `make run` sets it for the sandbox's shoppers
    world = worlds["alpha"]
    codes = [link.code for link in world.links]
    state = sandbox_control(
        amazon_sandbox,
        "/sandbox/shoppers",
        {"site": live_server.url, "links": [{"code": c} for c in codes], "visitsPerHour": 30000},
    )
    assert state["links"] == len(codes)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        seen = requests.get(f"{amazon_sandbox.url}/sandbox/shoppers", timeout=5).json()
        if sum(seen["visits"].values()) >= 80 and seen["visits"]["bot"]:
            break
        time.sleep(0.5)
    sandbox_control(amazon_sandbox, "/sandbox/shoppers", {"links": []})
    time.sleep(1)  # a visit under way finishes
    seen = requests.get(f"{amazon_sandbox.url}/sandbox/shoppers", timeout=5).json()
    visits = seen["visits"]
    assert seen["errors"] == 0 and sum(visits.values()) >= 80

    clicks_flush()
    ours = our_clicks_per_link(world.org)
    amazon = Counter(c.creative_id for c in amazon_sandbox.state.clicks if c.source == "dp")
    # Amazon saw exactly the shoppers who reached its page (not bots, not the ones who left
    # or declined cookies), and our redirect counted every human visit
    assert sum(amazon.values()) == visits["amazon"]
    assert sum(ours.values()) == visits["amazon"] + visits["left"] + visits["no_consent"]
    assert all(amazon[c] <= ours.get(c, 0) for c in amazon)
