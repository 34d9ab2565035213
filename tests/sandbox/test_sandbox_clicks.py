"""Stand-in product pages record clicks; traffic injection; persistence; CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

from amazon_sandbox import SandboxServer
from tests.sandbox.sandbox_testkit import link, login, pin

REPO_ROOT = Path(__file__).resolve().parents[2]
LA = ZoneInfo("America/Los_Angeles")


def test_product_page_records_click(sandbox: SandboxServer) -> None:
    pin(sandbox.url)
    ctx = login(sandbox.url)
    url = (
        f"{sandbox.url}/dp/B0TEST0001?{ctx.tag}&aa_campaignid=spring"
        "&aa_adgroupid=jane&aa_creativeid=jane-ig-1"
    )
    resp = requests.get(url, timeout=5)
    assert resp.status_code == 200
    assert "Amazon sandbox" in resp.text and "product B0TEST0001" in resp.text
    assert "click recorded" in resp.text
    (click,) = sandbox.state.clicks
    assert (click.advertiser_id, click.publisher_id) == (ctx.advertiser_id, "101")
    assert (click.campaign_id, click.ad_group_id, click.creative_id) == (
        "spring",
        "jane",
        "jane-ig-1",
    )
    assert click.asin == "B0TEST0001" and click.measured
    assert click.ts.isoformat() == "2026-11-10T18:00:00+00:00"


def test_slug_and_store_urls_record_clicks(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    ids = "&aa_campaignid=c&aa_adgroupid=g&aa_creativeid=x"
    assert (
        requests.get(
            f"{sandbox.url}/Some-Gadget/dp/b0test0002/?{ctx.tag}{ids}", timeout=5
        ).status_code
        == 200
    )
    assert (
        requests.get(f"{sandbox.url}/stores/page/ABC-123?{ctx.tag}{ids}", timeout=5).status_code
        == 200
    )
    assert (
        requests.get(
            f"{sandbox.url}/stores/Brand/page/ABC-123?{ctx.tag}{ids}", timeout=5
        ).status_code
        == 200
    )
    asins = [c.asin for c in sandbox.state.clicks]
    assert asins[0] == "B0TEST0002" and asins[1] == asins[2] and len(asins) == 3


def test_head_and_untagged_requests_record_nothing(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    ids = "&aa_campaignid=c&aa_adgroupid=g&aa_creativeid=x"
    assert (
        requests.head(f"{sandbox.url}/dp/B0TEST0001?{ctx.tag}{ids}", timeout=5).status_code == 200
    )
    assert requests.get(f"{sandbox.url}/dp/B0TEST0001", timeout=5).status_code == 200
    assert requests.get(f"{sandbox.url}/dp/B0TEST0001?{ctx.tag}", timeout=5).status_code == 200
    bogus = "maas=maas_adg_api_1_static_9_999&ref_=aa_maas&tag=maas"
    assert requests.get(f"{sandbox.url}/dp/B0TEST0001?{bogus}{ids}", timeout=5).ok
    bad_id = f"{ctx.tag}&aa_campaignid=a%2Fb&aa_adgroupid=g&aa_creativeid=x"
    assert requests.get(f"{sandbox.url}/dp/B0TEST0001?{bad_id}", timeout=5).ok
    assert requests.get(f"{sandbox.url}/dp/NOT-AN-ASIN", timeout=5).status_code == 404
    assert sandbox.state.clicks == []


def test_traffic_is_deterministic_and_idempotent(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    links = [link("c", "g", "x", "B0TEST0001"), link("c", "g", "y", "B0TEST0002")]
    first = ctx.traffic(links, "2026-10-01", "2026-10-10", (3, 9))
    assert first["added"] == first["clicks"] > 0
    assert first["timezone"] == "America/Los_Angeles"
    again = ctx.traffic(links, "2026-10-01", "2026-10-10", (3, 9))
    assert again == {**first, "added": 0}
    assert len(sandbox.state.clicks) == first["clicks"]
    days = {c.ts.astimezone(LA).date().isoformat() for c in sandbox.state.clicks}
    assert min(days) == "2026-10-01" and max(days) == "2026-10-10"
    with SandboxServer(port=0, seed=42) as other:
        other_ctx = login(other.url)
        other_ctx.traffic(links, "2026-10-01", "2026-10-10", (3, 9))
        assert [c.to_json() for c in other.state.clicks] == [
            c.to_json() for c in sandbox.state.clicks
        ]
    bad = requests.post(f"{sandbox.url}/sandbox/traffic", json={"advertiserId": "x"}, timeout=5)
    assert bad.status_code == 400


def test_state_file_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.jsonl"
    with SandboxServer(port=0, state_path=path) as srv:
        pin(srv.url)
        ctx = login(srv.url, "Atzr|persist")
        ctx.click("B0TEST0001", "c", "g", "x", n=11)
        ctx.advance(30)
        before = ctx.report(count=5000).content
    with SandboxServer(port=0, state_path=path) as srv:
        assert len(srv.state.clicks) == 11 and all(c.measured for c in srv.state.clicks)
        pin(srv.url, "2026-11-12T00:00:00Z")  # PIN + 30 h, as before
        ctx.url = srv.url
        ctx.renew()
        assert ctx.report(count=5000).content == before
        ctx.click("B0TEST0001", "c", "g", "x", n=1)
        keys = [c.key for c in srv.state.clicks]
        assert len(set(keys)) == 12
        requests.post(f"{srv.url}/sandbox/reset", json={"clicks": True}, timeout=5)
    with SandboxServer(port=0, state_path=path) as srv:
        assert srv.state.clicks == []
        assert srv.state.tagged_advertisers == {ctx.advertiser_id}


def test_cli_starts_prints_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "amazon_sandbox",
            "--port",
            "0",
            "--seed",
            "7",
            "--state",
            str(tmp_path / "s.jsonl"),
            "--client-id",
            "cid",
            "--client-secret",
            "sec",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("Amazon sandbox listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        state = requests.get(f"{url}/sandbox/state", timeout=5).json()
        assert state["seed"] == 7
        ok = requests.post(
            f"{url}/auth/o2/token",
            timeout=5,
            data={
                "grant_type": "refresh_token",
                "refresh_token": "Atzr|cli",
                "client_id": "cid",
                "client_secret": "sec",
            },
        )
        assert ok.status_code == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
