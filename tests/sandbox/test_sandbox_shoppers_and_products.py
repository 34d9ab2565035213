"""The sandbox's shopper simulator (drop-off between the short link and Amazon's page) and
Amazon's product metadata API as the sandbox serves it."""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from amazon_sandbox import SandboxServer
from amazon_sandbox.products import KNOWN_PRODUCTS
from tests.sandbox.sandbox_testkit import login, pin

TENT = "B0C7KQ2ZL4"


def history(ctx, **overrides):
    body = {
        "advertiserId": ctx.advertiser_id,
        "publisherId": "101",
        "links": [
            {"code": "abc", "campaignId": "c", "adGroupId": "g", "creativeId": "x", "asin": TENT},
            {"code": "def", "campaignId": "c", "adGroupId": "g", "creativeId": "y", "asin": TENT},
        ],
        "start": "2026-10-01",
        "end": "2026-10-20",
        "visitsPerDay": [5, 15],
        **overrides,
    }
    return requests.post(f"{ctx.url}/sandbox/shoppers/history", json=body, timeout=10)


def test_history_loses_shoppers_on_the_way_to_amazon(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    first = history(ctx).json()
    outcomes = Counter(v["outcome"] for v in first["visits"])
    assert set(outcomes) == {"bot", "left", "no_consent", "amazon"}
    # Amazon's clicks: exactly the visits that reached its page, a few seconds after the tap
    assert first["amazonClicks"] == outcomes["amazon"] == first["added"]
    assert len(sandbox.state.clicks) == outcomes["amazon"]
    humans = len(first["visits"]) - outcomes["bot"]
    assert 0.6 * humans < outcomes["amazon"] < humans
    assert all(v["device"] == "bot" for v in first["visits"] if v["outcome"] == "bot")
    assert first["timezone"] == "America/Los_Angeles"
    # deterministic and idempotent
    again = history(ctx).json()
    assert again["visits"] == first["visits"] and again["added"] == 0
    bad = history(ctx, links=[{"code": "", "campaignId": "a/b"}])
    assert bad.status_code == 400


def test_live_shoppers_open_the_short_link_and_follow_it_like_browsers(
    sandbox: SandboxServer,
) -> None:
    ctx = login(sandbox.url)
    hits: list[tuple[str, str]] = []
    target = f"{sandbox.url}/dp/{TENT}?{ctx.tag}&aa_campaignid=c&aa_adgroupid=g&aa_creativeid=x"

    class App(BaseHTTPRequestHandler):  # stands in for our /l/<code> redirect
        def do_GET(self):
            hits.append((self.path, self.headers.get("User-Agent", "")))
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    app = ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    try:
        site = f"http://127.0.0.1:{app.server_address[1]}"
        body = {"site": site, "links": [{"code": "abc"}], "visitsPerHour": 36000}
        assert requests.post(f"{sandbox.url}/sandbox/shoppers", json=body, timeout=5).ok
        for _ in range(200):
            seen = requests.get(f"{sandbox.url}/sandbox/shoppers", timeout=5).json()
            if sum(seen["visits"].values()) >= 60:
                break
            threading.Event().wait(0.1)
        requests.post(f"{sandbox.url}/sandbox/shoppers", json={"links": []}, timeout=5)
        threading.Event().wait(0.5)
        seen = requests.get(f"{sandbox.url}/sandbox/shoppers", timeout=5).json()
    finally:
        app.shutdown()
    visits = seen["visits"]
    assert len(hits) == sum(visits.values()) >= 60
    assert all(path.startswith("/l/abc") for path, _ in hits)
    assert sum(1 for _, ua in hits if "externalhit" in ua) == visits["bot"]
    # Amazon counts only those who reached its page (declined cookies: no attribution)
    assert len(sandbox.state.clicks) == visits["amazon"] < len(hits)


def test_a_declined_consent_banner_records_no_click(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    url = f"{sandbox.url}/dp/{TENT}?{ctx.tag}&aa_campaignid=c&aa_adgroupid=g&aa_creativeid=x"
    page = requests.get(url, headers={"Cookie": "sandbox-consent=declined"}, timeout=5)
    assert page.ok and "Cookies declined" in page.text
    assert sandbox.state.clicks == []


def metadata(ctx, body, content_type="application/vnd.productmetadatarequest.v1+json"):
    headers = {**ctx.headers(), "Content-Type": content_type}
    return requests.post(f"{ctx.url}/product/metadata", json=body, headers=headers, timeout=5)


def test_product_metadata_answers_known_asins_and_leaves_unknown_ones_out(
    sandbox: SandboxServer,
) -> None:
    ctx = login(sandbox.url)
    body = {"asins": [TENT, "B0NOSUCH01"], "checkItemDetails": True, "pageIndex": 0, "pageSize": 2}
    resp = metadata(ctx, body)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/vnd.productmetadataresponse.v1+json"
    items = resp.json()["ProductMetadataList"]
    assert [i["asin"] for i in items] == [TENT]
    item = items[0]
    assert item["title"] == KNOWN_PRODUCTS[TENT][0]
    assert item["priceToPay"]["currency"] == "USD"
    assert item["basisPrice"]["amount"] > item["priceToPay"]["amount"]
    assert requests.get(item["imageUrl"], timeout=5).headers["Content-Type"] == "image/svg+xml"
    # deterministic; without checkItemDetails only the identifiers
    assert metadata(ctx, body).json() == resp.json()
    bare = metadata(ctx, {**body, "checkItemDetails": False}).json()["ProductMetadataList"]
    assert bare == [{"asin": TENT, "sku": f"SKU-{TENT}"}]


def test_product_metadata_prices_in_the_marketplaces_currency(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url, country="JP")
    body = {"asins": [TENT], "checkItemDetails": True, "pageIndex": 0, "pageSize": 1}
    price = metadata(ctx, body).json()["ProductMetadataList"][0]["priceToPay"]
    assert price["currency"] == "JPY" and price["amount"] == int(price["amount"])


def test_product_metadata_validates_like_the_spec(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    assert metadata(ctx, {"asins": [TENT]}).status_code == 400  # pageIndex/pageSize required
    assert metadata(ctx, {"asins": ["short"], "pageIndex": 0, "pageSize": 1}).status_code == 400
    both = {"asins": [TENT], "searchStr": "tent", "pageIndex": 0, "pageSize": 5}
    assert metadata(ctx, both).status_code == 400
    too_many = {"asins": [TENT] * 301, "pageIndex": 0, "pageSize": 300}
    assert metadata(ctx, too_many).status_code == 400
    search = metadata(ctx, {"searchStr": "TENT", "pageIndex": 0, "pageSize": 10}).json()
    assert [i["asin"] for i in search["ProductMetadataList"]] == [TENT]
    # the catalog can grow (tests register made-up ASINs as real products)
    added = requests.post(
        f"{ctx.url}/sandbox/catalog",
        json={
            "products": [{"asin": "B0EXAMPLE1", "title": "Trail tent", "availability": "PREORDER"}]
        },
        timeout=5,
    ).json()
    assert added["added"] == 1
    got = metadata(
        ctx, {"asins": ["B0EXAMPLE1"], "checkItemDetails": True, "pageIndex": 0, "pageSize": 1}
    )
    assert got.json()["ProductMetadataList"][0]["availability"] == "PREORDER"


def test_product_metadata_can_fail_like_amazon(sandbox: SandboxServer) -> None:
    ctx = login(sandbox.url)
    pin(sandbox.url)
    ctx.renew()
    requests.post(
        f"{ctx.url}/sandbox/faults", json={"throttle": {"count": 1, "retry_after": 1}}, timeout=5
    )
    body = {"asins": [TENT], "pageIndex": 0, "pageSize": 1}
    throttled = metadata(ctx, body)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "1"
    assert metadata(ctx, body).status_code == 200
