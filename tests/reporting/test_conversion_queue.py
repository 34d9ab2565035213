"""The conversions page at scale (issue 14): filters, selecting every conversion matching the
filter, totals per currency, bulk decisions that refuse a stale selection and keep it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from commissions.models import Conversion
from tenancy.models import Role
from tenancy.scoping import tenant_scope
from tests.factories import MembershipFactory
from tests.support.approvals import approval_queue, conversion, more_awaiting

URL = "/o/alpha/conversions/"


def rows(html: str) -> list[str]:
    """The creator names of the table's rows, in order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"</td><td>([^<]+)</td><td>", body)


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, name
    return match.group(1)


def test_filters_by_store_campaign_creator_month_and_status(tenant_a, tenant_b):
    q = approval_queue(tenant_a)
    approval_queue(tenant_b)
    page = tenant_a.client()
    html = page.get(URL).content.decode()  # awaiting by default
    assert sorted(rows(html)) == ["Jane"] * 5 + ["Kenji"] * 2 + ["Omar"]
    html = page.get(URL, {"status": "awaiting", "store": q.jpy.pk}).content.decode()
    assert rows(html) == ["Kenji", "Kenji"]
    html = page.get(URL, {"status": "awaiting", "campaign": q.spring.pk}).content.decode()
    assert sorted(rows(html)) == ["Jane"] * 5 + ["Omar"]
    params = {"status": "awaiting", "creator": q.jane.creator_id, "month": "2026-11"}
    html = page.get(URL, params).content.decode()
    assert rows(html) == ["Jane"]
    # the status tabs count within the other filters
    assert re.search(r"Pending <span class=\"badge\">1</span>", html)
    html = page.get(URL, {**params, "status": "pending"}).content.decode()
    assert rows(html) == ["Jane"]
    html = page.get(URL, {"status": "denied"}).content.decode()
    assert rows(html) == ["Omar"]
    # another tenant's store is not a choice: the filter says so and shows nothing of theirs
    with tenant_scope(tenant_b.org):
        other_store = Conversion.objects.first().store_id
    r = page.get(URL, {"status": "awaiting", "store": other_store})
    assert "Select a valid choice" in r.content.decode()
    assert r.status_code == 200


def test_select_all_matching_approves_beyond_the_visible_page(tenant_a, tenant_b):
    q = approval_queue(tenant_a)
    more_awaiting(q, 60)
    page = tenant_a.client()
    query = {"status": "awaiting", "store": q.usd.pk, "month": "2026-10"}
    html = page.get(URL, query).content.decode()
    assert len(rows(html)) == 50  # one page of 65
    assert "Select all 65 conversions matching the filter" in html
    html = page.get(URL, {**query, "all": "1"}).content.decode()
    assert "All 65 conversions matching the filter selected" in html
    assert 'data-currency="USD">$73.00<' in html  # 4 x 2 + 5 + 60 x 1, JPY not in the filter
    assert 'name="all" value="1"' in html
    form = {
        **query,
        "all": "1",
        "action": "approve",
        "expected_count": hidden(html, "expected_count"),
        "expected_version": hidden(html, "expected_version"),
    }
    r = page.post(URL, form, follow=True)
    assert "65 conversion(s) approved ($73.00)." in r.content.decode()
    with tenant_scope(tenant_a.org):
        assert Conversion.objects.filter(decided_by=tenant_a.manager).count() == 65
        # November's and the JPY store's still wait
        assert Conversion.objects.filter(status="awaiting").count() == 3


def test_deny_without_a_reason_is_refused_and_the_selection_kept(tenant_a):
    q = approval_queue(tenant_a)
    page = tenant_a.client()
    ids = [q.awaiting[0].pk, q.awaiting[1].pk]
    r = page.post(URL, {"status": "awaiting", "conversion": ids, "action": "deny"})
    assert r.status_code == 400
    html = r.content.decode()
    assert "Say why the conversion is denied" in html
    checked = re.findall(r'name="conversion" value="(\d+)"[^>]* checked', html)
    assert sorted(map(int, checked)) == sorted(ids)
    assert "2 selected" in html and "$4.00" in html
    r = page.post(URL, {"status": "awaiting", "all": "1", "action": "deny", "reason": " "})
    assert r.status_code == 400 and 'name="all" value="1"' in r.content.decode()
    with tenant_scope(tenant_a.org):
        assert not Conversion.objects.filter(decided_by__isnull=False).exists()
    r = page.post(
        URL,
        {"status": "awaiting", "conversion": ids, "action": "deny", "reason": "Returns"},
        follow=True,
    )
    assert "2 conversion(s) denied ($4.00)." in r.content.decode()


def test_stale_selection_is_refused_with_the_reason_and_kept(tenant_a):
    q = approval_queue(tenant_a)
    page = tenant_a.client()
    html = page.get(URL, {"status": "awaiting", "all": "1"}).content.decode()
    form = {
        "status": "awaiting",
        "all": "1",
        "action": "approve",
        "reason": "Checked",
        "expected_count": hidden(html, "expected_count"),
        "expected_version": hidden(html, "expected_version"),
    }
    with tenant_scope(tenant_a.org):  # Amazon restates one while the manager looks
        Conversion.objects.filter(pk=q.awaiting[0].pk).update(commission="2.50")
    r = page.post(URL, form)
    assert r.status_code == 409
    html = r.content.decode()
    assert "Amazon restated some of the selected conversions" in html
    assert "Nothing was changed" in html
    assert 'name="all" value="1"' in html and 'value="Checked"' in html
    assert "$16.50" in html  # the new totals, with the version to confirm them
    assert hidden(html, "expected_version") != form["expected_version"]
    with tenant_scope(tenant_a.org):
        assert not Conversion.objects.filter(decided_by__isnull=False).exists()
    # confirming the new selection works
    form["expected_version"] = hidden(html, "expected_version")
    r = page.post(URL, form, follow=True)
    assert "8 conversion(s) approved" in r.content.decode()


def test_ticked_rows_decided_elsewhere_are_named(tenant_a):
    q = approval_queue(tenant_a)
    ids = [q.awaiting[0].pk, q.awaiting[1].pk]
    with tenant_scope(tenant_a.org):
        Conversion.objects.filter(pk=ids[0]).update(status="approved")
    r = tenant_a.client().post(URL, {"status": "awaiting", "conversion": ids, "action": "approve"})
    assert r.status_code == 409
    assert f"#{ids[0]} is approved" in r.content.decode()


def test_selection_fragment_sums_ticked_rows_per_currency(tenant_a, tenant_b):
    q = approval_queue(tenant_a)
    approval_queue(tenant_b)
    ids = [q.awaiting[0].pk, q.awaiting[-1].pk]  # 2.00 USD and 150 JPY
    r = tenant_a.client().get(URL + "selection/", {"status": "awaiting", "conversion": ids})
    html = r.content.decode()
    assert "2 selected" in html
    assert 'data-currency="JPY">¥150<' in html and 'data-currency="USD">$2.00<' in html
    # another tenant's ids add nothing
    r = tenant_b.client(tenant_b.manager).get(
        "/o/bravo/conversions/selection/", {"status": "awaiting", "conversion": ids}
    )
    assert "Nothing selected" in r.content.decode()


def test_only_managers_decide_and_others_see_no_checkboxes(tenant_a):
    approval_queue(tenant_a)
    finance = MembershipFactory(organization=tenant_a.org, role=Role.FINANCE).user
    client = tenant_a.client(finance)
    assert 'name="conversion"' not in client.get(URL).content.decode()
    assert (
        client.post(URL, {"status": "awaiting", "all": "1", "action": "approve"}).status_code == 403
    )


def test_conversions_page_query_count_does_not_grow_with_the_selection(
    tenant_a, django_assert_max_num_queries
):
    q = approval_queue(tenant_a)
    more_awaiting(q, 20)
    page = tenant_a.client()
    page.get(URL)
    with django_assert_max_num_queries(19):
        assert page.get(URL, {"status": "awaiting", "all": "1"}).status_code == 200


def test_auto_approved_conversions_show_why(tenant_a):
    q = approval_queue(tenant_a)
    with tenant_scope(tenant_a.org):
        c = conversion(q.omar, date(2026, 9, 1), "0.00", "pending")
        from commissions.services import conversions_advance

        conversions_advance(store=q.usd, today=c.settles_on + timedelta(days=1))
    html = tenant_a.client().get(URL, {"status": "approved"}).content.decode()
    assert "Approved automatically" in html and Conversion.NOTHING_OWED_REASON in html


def test_restated_share_and_the_rule_not_applied_are_shown(tenant_a):
    from decimal import Decimal

    from campaigns.models import Campaign
    from commissions.services import conversions_advance
    from tests.factories import ConversionAdjustmentFactory

    q = approval_queue(tenant_a, jane_october=0)
    with tenant_scope(tenant_a.org):
        Campaign.objects.filter(pk=q.spring.pk).update(
            auto_approve=True, auto_approve_max_restated_percent=Decimal("10.00")
        )
        c = conversion(q.omar, date(2026, 9, 1), "8.00", "pending")  # sales 80
        ConversionAdjustmentFactory(
            conversion=c, kind="restatement", included=True, sales=Decimal("-20.00")
        )  # first reported 100: 20 % restated
        conversions_advance(store=q.usd, today=c.settles_on)
        c.refresh_from_db()
        assert c.status == "awaiting"
    html = tenant_a.client().get(URL, {"status": "awaiting", "creator": q.omar.creator_id})
    text = html.content.decode()
    assert '1 restated<br><small class="muted">20.0 % of sales</small>' in text
    assert (
        "Not approved automatically: Amazon restated the day by more than the campaign's 10 %"
        in text
    )
