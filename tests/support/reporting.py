"""Downloading the CSVs that finance reads: the aggregated export and payables."""

from __future__ import annotations

import csv
import io

from django.http import StreamingHttpResponse

from campaigns.models import AffiliateLink
from reporting.exports.csv import HEADER
from tenancy.scoping import tenant_scope
from tests.factories import AffiliateLinkFactory, ProductFactory
from tests.support.sync import WINDOW


def read_csv(content: bytes) -> list[dict[str, str]]:
    """The aggregated export's rows (its header checked)."""
    text = content.decode("utf-8")
    assert text.splitlines()[0] == ",".join(HEADER)
    return list(csv.DictReader(io.StringIO(text)))


def export(client, slug="alpha", **params) -> bytes:
    """The aggregated export from the browser form (by default for the sync WINDOW)."""
    data = {"start": WINDOW.start.isoformat(), "end": WINDOW.end.isoformat(), **params}
    response = client.post(f"/o/{slug}/exports/", data)
    assert response.status_code == 200, response.content[:500]
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content)


def lines(client) -> list[dict[str, str]]:
    """Alpha's payables CSV."""
    response = client.get("/o/alpha/payables/csv/")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def spring_links(campaign) -> dict[str, AffiliateLink]:
    """Links for the sandbox's creatives of the spring campaign (jane-1, jane-2, omar-1)."""
    with tenant_scope(campaign.organization_id):
        ccs = {cc.amazon_adgroup_id: cc for cc in campaign.campaign_creators.all()}
        products = {
            asin: ProductFactory(campaign=campaign, asin=asin, title=title)
            for asin, title in (("B0AAAAAAA1", "Trail tent"), ("B0AAAAAAA2", "Camp stove"))
        }
        return {
            creative: AffiliateLinkFactory(
                campaign_creator=ccs[adgroup],
                product=products[asin],
                amazon_creative_id=creative,
                code=f"CODE{creative.upper().replace('-', '')}",
            )
            for creative, adgroup, asin in (
                ("jane-1", "jane", "B0AAAAAAA1"),
                ("jane-2", "jane", "B0AAAAAAA2"),
                ("omar-1", "omar", "B0AAAAAAA1"),
            )
        }


def table_rows(campaign, period, name: str) -> list:
    """Every row of the campaign tab's creators or links table (one page); tenant in scope."""
    from reporting.selectors.performance_tables import performance_table

    return performance_table(campaign=campaign, period=period, name=name, per_page=10_000)["rows"]
