"""Report fault switches for big and glitching accounts: a share of calls throttled, persistent
500s above a page size per level, empty and null reports, null ids; and a report of many pages
built once."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from amazon_sandbox import SandboxServer
from tests.sandbox.sandbox_testkit import Ctx, link, login, pin


@pytest.fixture
def ctx(sandbox: SandboxServer) -> Ctx:
    """Logged-in US advertiser with 3 links x 10 days of traffic (51 rows per level: clicks,
    and conversions on the days after)."""
    ctx = login(sandbox.url)
    pin(ctx.url, "2026-11-20T12:00:00Z")
    ctx.renew()
    links = [link("spring", f"g{i}", f"x{i}", "B0AAAAAAA1") for i in range(3)]
    ctx.traffic(links, "2026-11-01", "2026-11-10", (12, 12))
    return ctx


def faults(url: str, **body: object) -> requests.Response:
    return requests.post(f"{url}/sandbox/faults", json=body, timeout=5)


def statuses(ctx: Ctx, n: int, **body: Any) -> list[tuple[int, str | None]]:
    out = []
    for _ in range(n):
        resp = ctx.report(groupBy="ADGROUP", count=10, **body)
        out.append((resp.status_code, resp.headers.get("Retry-After")))
    return out


def test_throttle_share_fails_a_seeded_share_of_calls_until_reset(ctx: Ctx) -> None:
    spec = {"share": 0.5, "retry_after": 0, "without_retry_after": 0.5, "server_errors": 0.25}
    assert faults(ctx.url, throttle_share={**spec, "seed": 7}).ok
    first = statuses(ctx, 200)
    failed = [s for s in first if s[0] != 200]
    assert 70 <= len(failed) <= 130  # about half
    assert {s for s in failed} == {(429, "0"), (429, None), (500, None)}
    # other endpoints pass by default
    assert ctx.get("/attribution/publishers").status_code == 200
    state = requests.get(f"{ctx.url}/sandbox/state", timeout=5).json()
    assert state["faults"]["throttle_share"]["calls"] == 200
    assert state["faults"]["throttle_share"]["failed"] == len(failed)
    # the same seed gives the same sequence
    assert faults(ctx.url, throttle_share={**spec, "seed": 7}).ok
    assert statuses(ctx, 200) == first
    requests.post(f"{ctx.url}/sandbox/reset", json={}, timeout=5)
    assert statuses(ctx, 20) == [(200, None)] * 20


@pytest.mark.parametrize(
    "body",
    [
        {"throttle_share": {"share": 1.5}},
        {"throttle_share": {"status": 429}},
        {"large_page_errors": {"above": {"PRODUCTS": 10}}},
        {"large_page_errors": {"above": {"ADGROUP": 0}}},
        {"empty_report": {"count": -1}},
        {"null_ids": {"field": "asin"}},
    ],
)
def test_bad_switches_are_400(ctx: Ctx, body: dict) -> None:
    assert faults(ctx.url, **body).status_code == 400


def test_large_page_errors_per_level_above_a_page_size(ctx: Ctx) -> None:
    assert faults(ctx.url, large_page_errors={"above": {"ADGROUP": 10}, "status": 500}).ok
    for _ in range(3):  # persistent, not counted
        resp = ctx.report(groupBy="ADGROUP", count=11)
        assert resp.status_code == 500 and resp.json()["code"] == "500"
    assert ctx.report(groupBy="ADGROUP", count=10).status_code == 200
    assert ctx.report(groupBy="CREATIVE", count=5000).status_code == 200


def test_empty_and_null_reports_end_the_report(ctx: Ctx) -> None:
    assert len(ctx.rows(groupBy="ADGROUP")) == 51
    assert faults(ctx.url, empty_report={"count": 1}, null_report={"count": 1}).ok
    null = ctx.report(groupBy="ADGROUP", count=10).json()
    assert null == {"reports": None, "size": 0, "cursorId": ""}
    empty = ctx.report(groupBy="ADGROUP", count=10).json()
    assert empty == {"reports": [], "size": 0, "cursorId": ""}
    assert len(ctx.rows(groupBy="ADGROUP")) == 51


def test_null_ids_on_the_next_pages(ctx: Ctx) -> None:
    assert faults(ctx.url, null_ids={"count": 1, "field": "creativeId"}).ok
    rows = ctx.report(groupBy="CREATIVE", count=10).json()["reports"]
    assert [r["creativeId"] for r in rows] == [None] * 10
    rows = ctx.report(groupBy="CREATIVE", count=10).json()["reports"]
    assert all(r["creativeId"] for r in rows)


def test_a_report_of_many_pages_is_built_once(ctx: Ctx, monkeypatch) -> None:
    from amazon_sandbox import reports

    builds = []
    original = reports.build_report

    def counting(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(reports, "build_report", counting)
    cursor, rows = "", []
    while True:
        page = ctx.report(groupBy="CREATIVE", count=7, cursorId=cursor).json()
        rows += page["reports"]
        cursor = page["cursorId"]
        if not cursor:
            break
    assert len(rows) == 51 and len(builds) == 1
    assert rows == ctx.rows(groupBy="CREATIVE")
    # a new click rebuilds
    ctx.click("B0AAAAAAA1", "spring", "g0", "x0")
    ctx.rows(groupBy="CREATIVE")
    assert len(builds) == 2
