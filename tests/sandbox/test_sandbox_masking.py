"""Amazon's privacy mask is over a group's lifetime: a group's old rows read 0 until it passes
10 clicks, then every level shows its whole history (POST /sandbox/masked_history, /unmask)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests

from amazon_sandbox import SandboxServer
from tests.sandbox.sandbox_testkit import Ctx, link, login, pin

METRICS = "Click-throughs,attributedPurchases14d,attributedSales14d,brb_bonus_amount"
NEW = link("autumn", "kim", "kim-1", "B0TEST0009")
OLD_DAYS = {"startDate": "20260820", "endDate": "20260915"}


@pytest.fixture
def ctx(sandbox: SandboxServer) -> Ctx:
    pin(sandbox.url, "2026-11-05T12:00:00Z")
    return login(sandbox.url)


def control(ctx: Ctx, path: str, body: dict[str, Any], status: int = 200) -> dict[str, Any]:
    resp = requests.post(f"{ctx.url}{path}", json=body, timeout=10)
    assert resp.status_code == status, resp.text
    return dict(resp.json())


def plant(ctx: Ctx, **extra: Any) -> dict[str, Any]:
    body = {
        "advertiserId": ctx.advertiser_id,
        "publisherId": "101",
        "link": NEW,
        "start": "2026-08-20",
        "end": "2026-09-10",
        **extra,
    }
    return control(ctx, "/sandbox/masked_history", body)


def unmask(ctx: Ctx) -> dict[str, Any]:
    body = {"advertiserId": ctx.advertiser_id, "publisherId": "101", "link": NEW}
    return control(ctx, "/sandbox/unmask", body)


def level(ctx: Ctx, group_by: str, **dates: str) -> list[dict[str, str]]:
    metrics = METRICS if group_by != "CREATIVE" else METRICS.replace(",brb_bonus_amount", "")
    return ctx.rows(groupBy=group_by, metrics=metrics, **(dates or OLD_DAYS))


def sales(rows: list[dict[str, str]]) -> Decimal:
    return sum((Decimal(r["attributedSales14d"]) for r in rows), Decimal(0))


def test_a_masked_history_with_sales_appears_whole_once_the_group_passes_10_clicks(ctx: Ctx):
    planted = plant(ctx)
    assert planted["added"] == 9 and planted["measured"] is True
    assert planted["lifetimeClicks"] == {"campaign": 9, "adGroup": 9, "creative": 9}
    # every level shows the old days as rows of zeros (masked, not missing)
    for group_by in ("CAMPAIGN", "ADGROUP", "CREATIVE"):
        rows = level(ctx, group_by)
        assert rows, group_by
        assert {v for r in rows for k, v in r.items() if k in METRICS.split(",")} == {"0"}

    # the tenth click, yesterday: the whole history shows at every level
    opened = unmask(ctx)
    assert opened["added"] == 1 and opened["at"] == "2026-11-04T11:00:00Z"
    assert opened["lifetimeClicks"] == {"campaign": 10, "adGroup": 10, "creative": 10}
    campaign, adgroup, creative = (level(ctx, g) for g in ("CAMPAIGN", "ADGROUP", "CREATIVE"))
    assert sum(int(r["Click-throughs"]) for r in adgroup) == 9
    assert sum(int(r["attributedPurchases14d"]) for r in adgroup) >= 9  # every shopper bought
    assert sales(campaign) == sales(adgroup) == sales(creative) > 0
    assert sum(Decimal(r["brb_bonus_amount"]) for r in adgroup) > 0
    # the new click itself is reported on its own day
    recent = level(ctx, "ADGROUP", startDate="20261104", endDate="20261104")
    assert [r["Click-throughs"] for r in recent] == ["1"]


def test_the_campaign_shows_what_its_masked_ad_groups_hide(ctx: Ctx):
    """An established campaign with a new creator: Amazon's CAMPAIGN row counts the creator's
    sales, the creator's ADGROUP row does not (yet)."""
    busy = link("autumn", "lee", "lee-1", "B0TEST0001")
    ctx.traffic([busy], "2026-08-20", "2026-09-10", (3, 6))
    plant(ctx)
    campaign = level(ctx, "CAMPAIGN")
    adgroups = level(ctx, "ADGROUP")
    kim = [r for r in adgroups if r["adGroupId"] == "kim"]
    assert kim and sales(kim) == 0
    assert sales(campaign) > sales(adgroups) > 0


def test_planting_is_idempotent_and_refuses_to_pass_the_threshold(ctx: Ctx):
    assert plant(ctx, clicks=4)["added"] == 4
    assert plant(ctx, clicks=4)["added"] == 0  # the same clicks again
    body = {
        "advertiserId": ctx.advertiser_id,
        "publisherId": "101",
        "link": NEW,
        "start": "2026-09-01",
        "end": "2026-09-02",
        "clicks": 6,
    }
    error = control(ctx, "/sandbox/masked_history", body, status=400)
    assert "would have 10 lifetime clicks" in error["details"]
    control(ctx, "/sandbox/masked_history", {**body, "clicks": 10}, status=400)
    control(ctx, "/sandbox/unmask", {"publisherId": "101", "link": NEW}, status=400)
    assert unmask(ctx)["added"] == 6
    assert unmask(ctx)["added"] == 0
