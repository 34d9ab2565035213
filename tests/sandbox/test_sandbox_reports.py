"""POST /attribution/report: shape, validation, pagination, mask, latency, restatement."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from amazon_sandbox import SandboxServer
from amazon_sandbox.clock import parse_iso, to_iso
from tests.sandbox.sandbox_testkit import PIN, Ctx, link, login, pin

LA = ZoneInfo("America/Los_Angeles")
LINKS = [
    link("spring", "jane", "jane-ig-1", "B0TEST0001"),
    link("spring", "jane", "jane-ig-2", "B0TEST0002"),
    link("spring", "joe", "joe-tt-1", "B0TEST0003"),
]


@pytest.fixture
def ctx(sandbox: SandboxServer) -> Ctx:
    """Pinned clock + logged-in US advertiser with the Instagram tag fetched."""
    pin(sandbox.url)
    return login(sandbox.url)


@pytest.fixture
def busy(ctx: Ctx) -> Ctx:
    """An advertiser with ~1,000 historical clicks in October."""
    assert ctx.traffic(LINKS, "2026-10-01", "2026-10-20", (10, 25))["added"] > 500
    return ctx


def test_rows_have_dimensions_and_string_metrics(busy: Ctx) -> None:
    rows = busy.rows(
        groupBy="ADGROUP",
        metrics="Click-throughs,attributedSales14d,totalAttributedSales14d,brb_bonus_amount",
    )
    assert rows
    for row in rows:
        assert list(row) == [
            "date",
            "advertiserName",
            "campaignId",
            "adGroupId",
            "publisher",
            "Click-throughs",
            "attributedSales14d",
            "totalAttributedSales14d",
            "brb_bonus_amount",
        ]
        assert row["publisher"] == "Instagram"
        assert len(row["date"]) == 8 and row["date"].isdigit()
        assert all(isinstance(v, str) for v in row.values())
        int(row["Click-throughs"])
        float(row["totalAttributedSales14d"])
    money = [r[m] for r in rows for m in ("totalAttributedSales14d", "brb_bonus_amount")]
    assert any("." in v and len(v.split(".")[1]) > 2 for v in money), money
    assert sum(float(r["brb_bonus_amount"]) for r in rows) > 0
    creative = busy.rows()
    assert "creativeId" in creative[0] and "brb_bonus_amount" not in creative[0]
    assert creative[0]["kindleEditionNormalizedPagesRead14d"] == "0"
    campaign = busy.rows(groupBy="CAMPAIGN", metrics="Click-throughs")
    assert list(campaign[0]) == ["date", "advertiserName", "campaignId", "Click-throughs"]
    total = sum(int(r["Click-throughs"]) for r in campaign)
    assert total == sum(int(r["Click-throughs"]) for r in creative)


def test_pagination_returns_every_row_once(busy: Ctx) -> None:
    everything = busy.rows(groupBy="CREATIVE", metrics="Click-throughs,attributedSales14d")
    pages, cursor = [], ""
    while True:
        resp = busy.report(
            groupBy="CREATIVE",
            metrics="Click-throughs,attributedSales14d",
            count=2,
            cursorId=cursor,
        )
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert body["size"] == len(body["reports"]) <= 2
        pages.extend(body["reports"])
        cursor = body["cursorId"]
        if not cursor:
            break
        assert len(pages) < len(everything) + 2
    assert pages == everything
    assert len(everything) > 20


def test_cursor_tampering_is_rejected(busy: Ctx) -> None:
    first = busy.report(count=3).json()
    assert first["cursorId"]
    assert busy.report(count=3, cursorId=first["cursorId"]).status_code == 200
    tampered = first["cursorId"].replace('"offset":3', '"offset":4')
    assert busy.report(count=3, cursorId=tampered).status_code == 400
    assert busy.report(count=3, cursorId="garbage").status_code == 400
    other_request = busy.report(count=3, metrics="Click-throughs", cursorId=first["cursorId"])
    assert other_request.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"count": 0},
        {"count": 5001},
        {"count": "10"},
        {"metrics": "Click-throughs,brb_bonus_amount"},
        {"metrics": "brb_bonus_amount", "groupBy": "CREATIVE"},
        {"reportType": "PRODUCTS", "groupBy": "ADGROUP"},
        {"reportType": "PRODUCTS", "metrics": "Click-throughs"},
        {"metrics": "clicks"},
        {"metrics": "attributedNewToBrandSales14d"},
        {"groupBy": "PUBLISHER"},
        {"reportType": "KEYWORDS"},
        {"startDate": "2026-10-01"},
        {"startDate": "20261341"},
        {"startDate": "20261102", "endDate": "20261101"},
        {"reportType": "PRODUCTS", "startDate": "20260801", "endDate": "20260901"},
        {"startDate": "20250901", "endDate": "20250930"},
        {"advertiserIds": "123"},
    ],
)
def test_invalid_requests_get_400(ctx: Ctx, body: dict[str, Any]) -> None:
    resp = ctx.report(**body)
    assert resp.status_code == 400, body
    assert resp.json()["code"] == "400" and resp.json()["details"]


def test_missing_dates_are_rejected(ctx: Ctx) -> None:
    resp = requests.post(
        f"{ctx.url}/attribution/report", json={"count": 10}, headers=ctx.headers(), timeout=5
    )
    assert resp.status_code == 400


def test_products_report(busy: Ctx) -> None:
    rows = busy.rows(reportType="PRODUCTS")
    assert rows
    kinds = {r["productConversionType"] for r in rows}
    assert kinds == {"Promoted", "Brand Halo"}
    for row in rows:
        assert "Click-throughs" not in row and "creativeId" not in row
        assert row["marketplace"] == "AMAZON.COM"
        assert row["brandName"] == row["advertiserName"]
        assert int(row["attributedNewToBrandPurchases14d"]) <= int(row["attributedPurchases14d"])
        if row["productConversionType"] == "Brand Halo":
            assert row["attributedDetailPageViewsClicks14d"] == "0"
    promoted = {r["productAsin"] for r in rows if r["productConversionType"] == "Promoted"}
    assert promoted == {"B0TEST0001", "B0TEST0002", "B0TEST0003"}


def test_privacy_mask_creative_vs_adgroup(ctx: Ctx) -> None:
    ctx.click("B0TEST0001", "c1", "g1", "nine", n=9)
    ctx.click("B0TEST0001", "c1", "g1", "ten", n=10)
    ctx.click("B0TEST0002", "c1", "g2", "five-a", n=5)
    ctx.click("B0TEST0002", "c1", "g2", "five-b", n=5)
    ctx.advance(25)
    metrics = "Click-throughs,attributedDetailPageViewsClicks14d,attributedTotalAddToCartClicks14d"
    rows = {r["creativeId"]: r for r in ctx.rows(metrics=metrics)}
    assert set(rows) == {"nine", "ten", "five-a", "five-b"}
    for masked in ("nine", "five-a", "five-b"):
        assert [rows[masked][m] for m in metrics.split(",")] == ["0", "0", "0"]
    assert rows["ten"]["Click-throughs"] == "10"
    assert int(rows["ten"]["attributedDetailPageViewsClicks14d"]) > 0
    groups = {r["adGroupId"]: r for r in ctx.rows(groupBy="ADGROUP", metrics=metrics)}
    assert groups["g1"]["Click-throughs"] == "19"
    assert groups["g2"]["Click-throughs"] == "10"


def test_late_data(sandbox: SandboxServer, ctx: Ctx) -> None:
    ctx.click("B0TEST0001", "late", "g", "c", n=20)
    clicks = sandbox.state.clicks
    journeys = [sandbox.state.journey(c) for c in clicks]
    start = parse_iso(PIN)
    assert all(j.visible_at > start for j in journeys)
    assert ctx.rows() == []
    ctx.at(to_iso(start + timedelta(hours=12)))
    seen = sum(1 for j in journeys if j.visible_at <= start + timedelta(hours=12))
    rows = ctx.rows(metrics="Click-throughs")
    if seen == 0:
        assert rows == []
    else:
        assert rows[0]["Click-throughs"] == (str(seen) if seen >= 10 else "0")
    ctx.at(to_iso(start + timedelta(hours=49)))
    rows = ctx.rows(metrics="Click-throughs,attributedTotalDetailPageViewsClicks14d")
    today = [r for r in rows if r["date"] == "20261110"]
    dpvs = sum(1 for j in journeys for e in j.events if e.kind == "dpv")
    assert today[0]["Click-throughs"] == "20"
    assert today[0]["attributedTotalDetailPageViewsClicks14d"] == str(dpvs)


def test_restatement_after_return(sandbox: SandboxServer, busy: Ctx) -> None:
    candidates = [
        (e, c)
        for c in sandbox.state.clicks
        for e in sandbox.state.journey(c).events
        if e.kind == "purchase" and not e.halo and e.returned_at and e.returned_at > e.visible_at
    ]
    assert candidates, "traffic should contain at least one returned purchase"
    event, click = candidates[0]
    day = event.ts.astimezone(LA).strftime("%Y%m%d")
    assert event.returned_at is not None

    def sales_at(when: datetime) -> tuple[float, int]:
        busy.at(to_iso(when))
        rows = busy.rows(
            startDate=day, endDate=day, metrics="attributedSales14d,attributedPurchases14d"
        )
        row = next(r for r in rows if r["creativeId"] == click.creative_id)
        return float(row["attributedSales14d"]), int(row["attributedPurchases14d"])

    before, purchases_before = sales_at(event.returned_at - timedelta(seconds=1))
    after, purchases_after = sales_at(event.returned_at + timedelta(seconds=1))
    assert after == pytest.approx(before - event.sales)
    assert purchases_after == purchases_before - 1


def _scenario(srv: SandboxServer) -> list[bytes]:
    pin(srv.url)
    ctx = login(srv.url, "Atzr|determinism")
    ctx.traffic(LINKS, "2026-10-01", "2026-10-31", (5, 15))
    ctx.click("B0TEST0009", "live", "g", "c", n=12)
    ctx.advance(30)
    out = []
    for body in (
        {"groupBy": "CREATIVE"},
        {"groupBy": "ADGROUP", "metrics": "brb_bonus_amount"},
        {"reportType": "PRODUCTS"},
    ):
        resp = ctx.report(count=5000, **body)
        assert resp.status_code == 200
        out.append(resp.content)
    return out


def test_same_seed_same_traffic_same_bytes() -> None:
    with SandboxServer(port=0, seed=42) as one, SandboxServer(port=0, seed=42) as two:
        assert _scenario(one) == _scenario(two)
    with SandboxServer(port=0, seed=43) as three, SandboxServer(port=0, seed=42) as four:
        assert _scenario(three) != _scenario(four)


def test_untagged_advertiser_is_not_measured(sandbox: SandboxServer) -> None:
    pin(sandbox.url)
    ctx = login(sandbox.url, "Atzr|forgot-tags", fetch_tags=False)
    ctx.click("B0TEST0001", "c", "g", "cr", n=12)
    assert ctx.traffic(LINKS[:1], "2026-10-01", "2026-10-05", (10, 10))["measured"] is False
    ctx.advance(25)
    assert ctx.rows() == []
    state = requests.get(f"{sandbox.url}/sandbox/state", timeout=5).json()
    assert state["clicks"] == 62 and state["measured_clicks"] == 0
    ctx.get("/attribution/tags/nonMacroTemplateTag", params={"publisherIds": "101"})
    ctx.click("B0TEST0001", "c", "g", "after-tags", n=10)
    ctx.advance(25)
    assert {r["creativeId"] for r in ctx.rows()} == {"after-tags"}
