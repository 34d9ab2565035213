"""The portal's pages through HTTP: a creator's own links, clicks, Amazon results and earnings,
with exact values from the stored facts, never another creator's nor the brand's totals."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Q, Sum
from django.test.utils import CaptureQueriesContext

from attribution.models import DailyMetric
from campaigns.models import LinkClickDaily
from commissions.models import Conversion, ConversionAdjustment
from reporting.values import Totals as Figures
from reporting.values import threshold_note
from tenancy.scoping import tenant_scope
from tests.factories import (
    AffiliateLinkFactory,
    CampaignCreatorFactory,
    CampaignFactory,
    ConversionFactory,
    LinkClickDailyFactory,
    ProductFactory,
)
from tests.support.portal import RANGE, today_clicks

JANE_ALPHA_OCTOBER = Figures(
    link_clicks=(12 + 13 + 14) * 2,
    clicks=36 * 2,
    detail_page_views=24 * 2,
    add_to_cart=12 * 2,
    purchases=7 * 2,
    units_sold=8 * 2,
    sales=Decimal("294.00"),
    total_sales=Decimal("372.00"),
)


def test_the_brand_page_shows_the_creators_links_and_only_their_numbers(portal):
    jane = portal.profiles["jane@alpha"]
    omar = portal.profiles["omar@alpha"]
    response = portal.client("jane").get(f"/portal/b/alpha/{RANGE}")
    assert response.status_code == 200
    html = response.content.decode()
    # links: Jane's three (two products, the store page), each with a copy button; none of Omar's
    for link in jane.links:
        assert f"http://127.0.0.1:8000/l/{link.code}" in html
        assert f'data-copy="#link-{link.code}"' in html
    for link in omar.links:
        assert link.code not in html
    assert "Trail tent" in html and "Brand store page" in html
    assert "commission 10.00 % of the promoted products" in html
    # numbers: exactly Jane's ad group and Jane's clicks in October
    (numbers,) = response.context["numbers"]
    assert numbers.figures == JANE_ALPHA_OCTOBER
    # ... which is what the stored facts say for her ad group, and not the brand's total
    with tenant_scope(portal.brands["alpha"].tenant.org):
        october = Q(date__range=(date(2026, 10, 1), date(2026, 10, 31)))
        mine = DailyMetric.objects.filter(october, level="adgroup", amazon_adgroup_id="janedoe")
        brand = DailyMetric.objects.filter(october, level="adgroup")
        assert mine.aggregate(s=Sum("sales"))["s"] == numbers.figures.sales
        assert brand.aggregate(s=Sum("sales"))["s"] != numbers.figures.sales
        clicks = LinkClickDaily.objects.filter(october, sub_id="", link__in=jane.links)
        assert clicks.aggregate(c=Sum("clicks"))["c"] == numbers.figures.link_clicks
    kpis = html[html.index('class="kpis portal-kpis"') :]
    assert "$294.00" in kpis and ">78<" in kpis and ">72<" in kpis
    assert "3.33" not in html  # the Brand Referral Bonus is the brand's
    assert "Amazon data through 31 Oct 2026" in html
    assert numbers.series[2] == {
        "date": "2026-10-03",
        "link_clicks": 39,
        "clicks": 36,
        "purchases": 7,
        "sales": "147.00",
        "provisional": False,
    }
    assert len(numbers.series) == 31
    assert 'id="chart-' in html and "vendor/chartjs/chart.umd.min.js" in html


def test_each_brand_shows_its_own_profile_and_numbers(portal):
    client = portal.client("jane")
    bravo = client.get(f"/portal/b/bravo/{RANGE}")
    (numbers,) = bravo.context["numbers"]
    assert bravo.context["creator"] == portal.profiles["jane@bravo"].creator
    assert numbers.figures.link_clicks == (7 + 8 + 9) * 2
    assert numbers.figures.sales == Decimal("7") * Decimal("12.25") * 2
    html = bravo.content.decode()
    for link in portal.profiles["jane@alpha"].links:
        assert link.code not in html


def test_clicks_today_and_the_default_period(portal):
    jane = portal.profiles["jane@alpha"]
    today_clicks(jane, 4)
    response = portal.client("jane").get("/portal/b/alpha/")
    (numbers,) = response.context["numbers"]
    assert numbers.clicks_today == 4
    # the brand's "last 30 days" end on the latest complete day, as on the staff pages (issue
    # 15); today's clicks, real time, are shown on their own
    assert numbers.period.end == numbers.today - timedelta(days=1) and numbers.period.days == 30
    assert "4 today" in response.content.decode()


def test_thresholds_say_how_many_clicks_until_amazon_reports(portal, tenant_b):
    assert threshold_note(our_clicks=7, amazon_clicks=0) == (
        "3 more clicks until Amazon starts reporting (7 of 10 so far)"
    )
    assert threshold_note(our_clicks=9, amazon_clicks=0).startswith("1 more click until")
    assert threshold_note(our_clicks=12, amazon_clicks=0).startswith("10+ clicks sent")
    assert threshold_note(our_clicks=3, amazon_clicks=10) == ""
    # Kim's new campaign in bravo: 7 clicks so far, nothing from Amazon yet
    brand = portal.brands["bravo"]
    kim = portal.profiles["kim@bravo"]
    campaign = CampaignFactory(
        store=brand.store,
        tracking_plan=brand.campaign.tracking_plan,
        name="Winter drop",
        starts_on=date(2026, 11, 1),
        status="active",
        default_commission_rate=Decimal("15.00"),
        amazon_campaign_id="winter",
    )
    cc = CampaignCreatorFactory(
        campaign=campaign, creator=kim.creator, status="active", amazon_adgroup_id="kimp"
    )
    link = AffiliateLinkFactory(
        campaign_creator=cc,
        amazon_creative_id="kimp-winter",
        code="kimwinter01",
        destination_url="https://www.amazon.com/stores/page/X",
    )
    LinkClickDailyFactory(link=link, date=date(2026, 11, 5), clicks=7, raw_hits=9)
    client = portal.client("kim")
    html = client.get("/portal/b/bravo/").content.decode()
    assert (
        '<strong>Winter drop</strong>: <span class="threshold">3 more clicks until Amazon' in html
    )
    link_page = client.get(f"/portal/b/bravo/links/{link.pk}/").content.decode()
    assert "3 more clicks until Amazon starts reporting (7 of 10 so far)" in link_page


def test_the_link_page_has_copy_qr_sub_ids_and_the_links_own_numbers(portal):
    jane = portal.profiles["jane@alpha"]
    link = jane.links[0]
    client = portal.client("jane")
    response = client.get(f"/portal/b/alpha/links/{link.pk}/{RANGE}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="http://127.0.0.1:8000/l/{link.code}"' in html
    assert f"/portal/b/alpha/links/{link.pk}/qr.svg" in html
    numbers = response.context["numbers"]
    assert numbers.figures == Figures(
        link_clicks=24,
        clicks=48,
        detail_page_views=24,
        add_to_cart=12,
        purchases=2,
        units_sold=2,
        sales=Decimal("39.98"),
    )
    assert numbers.sub_ids == [
        {"sub_id": "ig-bio", "clicks": 24, "raw_hits": 26, "bot_hits": 0},
        {"sub_id": "tiktok-0412", "clicks": 2, "raw_hits": 2, "bot_hits": 0},
    ]
    assert numbers.threshold == ""
    assert '<td class="mono">ig-bio</td><td class="num">24</td>' in html
    # the sub-ID builder (server side; the page's script does the same as you type)
    built = client.get(f"/portal/b/alpha/links/{link.pk}/?sub=tiktok-0412")
    assert built.context["sub_url"] == f"http://127.0.0.1:8000/l/{link.code}?sub=tiktok-0412"
    assert f'value="http://127.0.0.1:8000/l/{link.code}?sub=tiktok-0412"' in built.content.decode()
    for bad in ("bad sub!", "x" * 65, "ig/bio"):
        refused = client.get(f"/portal/b/alpha/links/{link.pk}/", {"sub": bad})
        assert refused.status_code == 400 and refused.context["sub_url"] == ""
        assert "1 to 64 letters, digits, hyphens or underscores" in refused.content.decode()


def test_the_qr_code_is_the_creators_link(portal):
    import segno

    link = portal.profiles["jane@alpha"].links[1]
    client = portal.client("jane")
    svg = client.get(f"/portal/b/alpha/links/{link.pk}/qr.svg?sub=ig-bio")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    expected = segno.make(f"http://127.0.0.1:8000/l/{link.code}?sub=ig-bio", error="m")
    out = io.BytesIO()
    expected.save(out, kind="svg", scale=8, border=2, xmldecl=False, svgclass="qr")
    assert svg.content.count(b"<path") == out.getvalue().count(b"<path")
    png = client.get(f"/portal/b/alpha/links/{link.pk}/qr.png?sub=ig-bio&download=1")
    assert png.content.startswith(b"\x89PNG")
    assert png["Content-Disposition"] == f'attachment; filename="link-{link.code}-ig-bio.png"'
    assert client.get(f"/portal/b/alpha/links/{link.pk}/qr.gif").status_code == 404


def _owed_by_status(profile) -> dict[str, Decimal]:
    """Straight from the ledger's one definition of owed, per status."""
    with tenant_scope(profile.org):
        mine = Conversion.objects.filter(creator=profile.creator).with_owed()
        return {
            status: mine.filter(status=status).aggregate(s=Sum("owed"))["s"] or Decimal("0")
            for status in Conversion.Status.values
        }


def test_earnings_by_status_and_month_match_the_database(portal):
    jane = portal.profiles["jane@alpha"]
    response = portal.client("jane").get("/portal/b/alpha/earnings/")
    assert response.status_code == 200
    (usd,) = response.context["summary"].currencies
    amounts = {s.status: s.amount for s in usd.statuses}
    assert amounts == _owed_by_status(jane)
    assert amounts == {
        "pending": Decimal("101.10"),
        "awaiting": Decimal("102.20"),
        "approved": Decimal("103.75"),  # 103.30 + a 0.45 top-up
        "payable": Decimal("103.20"),  # 104.40 - a 1.20 clawback (a return)
        "paid": Decimal("105.50"),
        "denied": Decimal("106.60"),
    }
    assert usd.total == Decimal("515.75")
    html = response.content.decode()
    assert 'data-total="USD">$515.75<' in html
    months = [(m.month, m.total) for m in response.context["summary"].months]
    assert months == [
        (date(2026, 11, 1), Decimal("101.10")),
        (date(2026, 10, 1), Decimal("102.20")),
        (date(2026, 9, 1), Decimal("206.95")),
        (date(2026, 8, 1), Decimal("105.50")),
    ]
    # the latest month is open: its pending line with the date it settles
    assert response.context["month"] == date(2026, 11, 1)
    assert "Settles on 20 Dec 2026" in html
    # September: the clawback and top-up are lines of their own
    september = portal.client("jane").get("/portal/b/alpha/earnings/?month=2026-09")
    lines = september.context["lines"]
    assert [(line.conversion.status, line.amount) for line in lines] == [
        ("payable", Decimal("103.20")),
        ("approved", Decimal("103.75")),
    ]
    assert [a.kind for a in lines[0].adjustments] == ["clawback"]
    page = september.content.decode()
    assert "Return after approval (clawback)" in page and "-$1.20" in page
    assert "Restated by Amazon before approval" in page and "already in the amount above" in page
    august = portal.client("jane").get("/portal/b/alpha/earnings/?month=2026-08").content.decode()
    assert "denied" in august and "“=HYPERLINK(self-referral)”" in august
    # a month without earnings, or nonsense, shows the latest
    for month in ("2025-01", "garbage"):
        page = portal.client("jane").get(f"/portal/b/alpha/earnings/?month={month}")
        assert page.context["month"] == date(2026, 11, 1)


def test_earnings_never_mix_brands(portal):
    client = portal.client("jane")
    alpha = client.get("/portal/b/alpha/earnings/").context["summary"]
    bravo = client.get("/portal/b/bravo/earnings/").context["summary"]
    assert alpha.currencies[0].total == Decimal("515.75")
    assert bravo.currencies[0].total == Decimal("1515.75")  # base 300
    home = client.get("/portal/")
    cards = {brand.organization.slug: summary for brand, summary in home.context["cards"]}
    assert cards["alpha"].currencies[0].total == Decimal("515.75")
    assert cards["bravo"].currencies[0].total == Decimal("1515.75")
    html = home.content.decode()
    assert "Paid $105.50" in html and "Paid $305.50" in html


def test_no_earnings_yet(portal, tenant_a):
    with tenant_scope(tenant_a.org):
        ConversionAdjustment.objects.all().delete()
        Conversion.objects.all().delete()
    response = portal.client("omar").get("/portal/b/alpha/earnings/")
    assert response.status_code == 200
    assert "No earnings yet" in response.content.decode()
    assert "Download CSV" not in response.content.decode()


def test_the_earnings_csv_is_the_creators_own_and_safe_in_a_spreadsheet(portal):
    response = portal.client("jane").get("/portal/b/alpha/earnings.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="earnings-alpha-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffbrand,sale_date,line,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 6 + 3  # six conversions, three adjustments
    assert {r["brand"] for r in rows} == {"Alpha"}
    assert {r["campaign"] for r in rows} == {"Alpha Autumn"}
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("515.75")
    denied = next(r for r in rows if r["status"] == "Denied")
    assert denied["note"] == "'=HYPERLINK(self-referral)"  # formula defused
    assert denied["amount"] == "0.00" and denied["commission"] == "106.60"
    clawback = next(r for r in rows if r["line"] == "Clawback (after approval)")
    assert (clawback["commission"], clawback["amount"]) == ("-1.20", "-1.20")  # stays a number
    assert [r["sale_date"] for r in rows if r["line"] == "Conversion"] == [
        "2026-08-20",
        "2026-08-21",
        "2026-09-05",
        "2026-09-12",
        "2026-10-10",
        "2026-11-20",
    ]


def test_the_csv_streams_every_page(portal, tenant_a, monkeypatch):
    from portal import exports

    monkeypatch.setattr(exports, "PAGE", 2)
    text = b"".join(portal.client("jane").get("/portal/b/alpha/earnings.csv").streaming_content)
    assert len(list(csv.reader(io.StringIO(text.decode().lstrip("\ufeff"))))) == 1 + 9


def test_cells_starting_like_a_formula_are_defused():
    from portal.exports import safe_cell

    for text in ("=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Jane") == "Jane"
    assert safe_cell(Decimal("-1.20")) == Decimal("-1.20")
    assert safe_cell(None) == ""
    assert safe_cell(date(2026, 1, 2)) == "2026-01-02"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def test_pages_run_a_fixed_number_of_queries(portal, tenant_a):
    jane = portal.profiles["jane@alpha"]
    client = portal.client("jane")
    urls = [
        f"/portal/b/alpha/{RANGE}",
        f"/portal/b/alpha/links/{jane.links[0].pk}/{RANGE}",
        "/portal/b/alpha/earnings/?month=2026-09",
        "/portal/",
    ]
    before = [_queries(client, url) for url in urls]
    # more campaigns, products, links, days and conversions
    brand = portal.brands["alpha"]
    for n in range(3):
        campaign = CampaignFactory(
            store=brand.store,
            tracking_plan=brand.campaign.tracking_plan,
            name=f"Extra {n}",
            starts_on=date(2026, 10, 1),
            status="active",
            default_commission_rate=Decimal("5"),
            amazon_campaign_id=f"extra-{n}",
        )
        cc = CampaignCreatorFactory(
            campaign=campaign, creator=jane.creator, status="active", amazon_adgroup_id="jd"
        )
        for p in range(3):
            product = ProductFactory(campaign=campaign, asin=f"B0EXTRA{n}{p}X")
            link = AffiliateLinkFactory(
                campaign_creator=cc,
                product=product,
                amazon_creative_id=f"jd-{n}-{p}",
                code=f"extra{n}{p}code",
                destination_url="https://www.amazon.com/dp/B0EXTRA",
            )
            for d in range(5):
                day = date(2026, 10, 1) + timedelta(days=d)
                LinkClickDailyFactory(link=link, date=day, clicks=1, raw_hits=1)
        for d in range(5):
            ConversionFactory(
                campaign_creator=cc,
                date=date(2026, 9, 1) + timedelta(days=d),
                currency="USD",
                commission_rate=Decimal("5"),
                commission=Decimal("1.00"),
                status="pending",
                settles_on=date(2026, 10, 1),
            )
    after = [_queries(client, url) for url in urls]
    assert after == before
