"""The Activity page and its CSV: owners, admins and finance only; filters by what, who, object
and dates; a page at a time with a constant number of queries; money and rates formatted."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit import views as audit_views
from commissions.models import Conversion
from core import clock
from tenancy.models import Role
from tenancy.scoping import tenant_scope
from tests.factories import MembershipFactory
from tests.support.audit import CAMPAIGN_FORM, page_changes


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.OWNER, True),
        (Role.ADMIN, True),
        (Role.FINANCE, True),
        (Role.MANAGER, False),
        (Role.VIEWER, False),
    ],
)
def test_only_owners_admins_and_finance(tenant_a, tenant_b, role, allowed):
    user = MembershipFactory(organization=tenant_a.org, role=role).user
    client = tenant_a.client(user)
    for url in ("/o/alpha/activity/", "/o/alpha/activity/csv/"):
        assert client.get(url).status_code == (200 if allowed else 403), url
    nav = client.get("/o/alpha/").content.decode()
    assert ('href="/o/alpha/activity/"' in nav) is allowed


def test_the_page_shows_who_what_and_from_what_to_what(world_a, world_b, tenant_a, tenant_b):
    page_changes(world_a, tenant_a)
    page_changes(world_b, tenant_b)
    page = tenant_a.client(tenant_a.owner).get("/o/alpha/activity/").content.decode()
    assert "Campaign terms · changed" in page
    assert "10.00 % → <strong>7.50 %</strong>" in page
    assert "Promoted products only → <strong>Brand total (including halo)</strong>" in page
    assert "manager@alpha.test" in page and "Member role · changed" in page
    assert "Manager → <strong>Finance</strong>" in page
    assert "bravo" not in page


def test_filters_by_what_who_object_and_dates(world_a, tenant_a):
    page_changes(world_a, tenant_a)
    client = tenant_a.client(tenant_a.owner)

    def kinds(query: str) -> list[str]:
        page = client.get(f"/o/alpha/activity/?{query}").content.decode()
        return [p.split('"')[0] for p in page.split('data-kind="')[1:]]

    everything = kinds("")
    assert {"campaign", "member", "store", "amazon_connection"} <= set(everything)
    assert set(kinds("what=member")) == {"member"}
    assert kinds(f"who=user:{tenant_a.owner.pk}") == ["member"]
    # the manager's rate change: the campaign and its terms from that day
    assert set(kinds(f"who=user:{tenant_a.manager.pk}")) == {"campaign", "campaign_terms"}
    # the fixtures' own set-up (no actor) is the system's; the manager's change is not
    assert kinds("who=system").count("campaign") == 1
    assert kinds(f"what=campaign&object={world_a.campaign.pk}") == ["campaign", "campaign"]
    assert kinds("what=campaign&object=999999") == []
    today = clock.now().date()
    assert kinds(f"start={today + timedelta(days=1)}") == []
    assert len(kinds(f"start={today}&end={today}")) == len(everything)
    # a bad filter says why and lists nothing
    page = client.get(f"/o/alpha/activity/?start={today}&end={today - timedelta(days=1)}")
    assert page.status_code == 200
    assert "The end is before the start." in page.content.decode()
    assert "data-kind=" not in client.get("/o/alpha/activity/?object=5").content.decode()
    assert (
        "Choose what kind of object first."
        in client.get("/o/alpha/activity/?object=5").content.decode()
    )


def test_pages_follow_on_without_gaps_in_constant_queries(world_a, tenant_a, monkeypatch):
    # Given 6 conversions changed, 2 campaign events, members, stores, the connection
    page_changes(world_a, tenant_a)
    with tenant_scope(tenant_a.org):
        Conversion.objects.update(commission_rate=Decimal("12.00"))
    client = tenant_a.client(tenant_a.owner)
    everything = client.get("/o/alpha/activity/").content.decode().count("data-kind=")
    assert everything > 12
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 4)
    seen, url, counts = 0, "/o/alpha/activity/", []
    while url:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        counts.append(len(queries))
        seen += page.count("data-kind=")
        url = None
        if 'rel="next"' in page:
            url = (
                "/o/alpha/activity/"
                + page.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
            )
            url = url.replace("&amp;", "&")
    assert seen == everything
    assert max(counts) <= min(counts) + 7  # one query per kind of object named, at most


def test_a_stale_page_link_falls_back_to_the_newest(tenant_a):
    page = tenant_a.client(tenant_a.owner).get("/o/alpha/activity/?before=garbage")
    assert page.status_code == 200
    assert "no longer valid" in page.content.decode()


def test_csv_lists_each_change_neutralised(world_a, tenant_a):
    tenant_a.client(tenant_a.manager).post(
        f"/o/alpha/campaigns/{world_a.campaign.pk}/edit/",
        {**CAMPAIGN_FORM, "name": "=HYPERLINK(1)", "tracking_plan": world_a.plan.pk},
    )
    response = tenant_a.client(tenant_a.owner).get("/o/alpha/activity/csv/?what=campaign")
    assert response["Content-Disposition"] == 'attachment; filename="activity.csv"'
    rows = _csv(response)
    assert list(rows[0]) == list(audit_views.CSV_HEADER)
    changed = {r["field"]: r for r in rows if r["event"] == "changed" and r["field"]}
    rate = changed["default_commission_rate"]
    assert (rate["before"], rate["after"]) == ("10.00", "7.50")
    assert rate["actor"] == "manager@alpha.test" and rate["actor_email"] == "manager@alpha.test"
    assert rate["object"] == "'=HYPERLINK(1)" and rate["what"] == "campaign"
    assert rate["url"] == f"/o/alpha/campaigns/{world_a.campaign.pk}/edit/"


def test_csv_money_in_the_currencys_decimals(owed, tenant_a, finance_a):
    jane, _, _ = owed
    client = tenant_a.client(tenant_a.manager)
    with tenant_scope(tenant_a.org):
        Conversion.objects.filter(pk=jane.pk).update(commission=Decimal("-1.5"), status="paid")
    rows = _csv(
        tenant_a.client(finance_a).get(f"/o/alpha/activity/csv/?what=conversion&object={jane.pk}")
    )
    commission = [r for r in rows if r["field"] == "commission"]
    assert [(r["before"], r["after"], r["currency"]) for r in commission] == [
        ("2.00", "-1.50", "USD")
    ]
    assert client  # the manager cannot download it
    assert tenant_a.client(tenant_a.manager).get("/o/alpha/activity/csv/").status_code == 403
