"""End to end with the Amazon sandbox: after a real sync, the portal shows a creator exactly
their own ad group's rows and the conversions the sync settled for them."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.test import Client

from attribution.models import DailyMetric
from commissions.models import Conversion
from creators.models import Creator
from tenancy.scoping import tenant_scope
from tests.factories import PASSWORD, UserFactory
from tests.support.sync import WINDOW, sync

RANGE = f"?range=custom&start={WINDOW.start}&end={WINDOW.end}"


def test_after_a_sync_a_creator_sees_their_own_ad_group_and_earnings(
    campaign, us_store, tenant_a, tenant_b
):
    run = sync(us_store)
    assert run.status == "succeeded", run.error
    jane_user = UserFactory(email="jane@creators.test")
    with tenant_scope(tenant_a.org):
        Creator.objects.filter(email="jane@creators.test").update(user=jane_user)
        facts = DailyMetric.objects.filter(
            level="adgroup",
            amazon_campaign_id="spring",
            date__range=(WINDOW.start, WINDOW.end),
        )
        jane = facts.filter(amazon_adgroup_id="jane").aggregate(
            clicks=Sum("clicks"), purchases=Sum("purchases"), sales=Sum("sales")
        )
        everyone = facts.aggregate(sales=Sum("sales"))
        conversions = Conversion.objects.filter(creator__email="jane@creators.test")
        owed = conversions.exclude(status="denied").aggregate(c=Sum("commission"))["c"]
        assert conversions.exists()
    assert jane["sales"] and jane["sales"] < everyone["sales"]  # Omar sold too

    client = Client()
    client.post("/accounts/login/", {"username": "jane@creators.test", "password": PASSWORD})
    response = client.get(f"/portal/b/alpha/{RANGE}")
    (numbers,) = response.context["numbers"]
    assert (numbers.figures.clicks, numbers.figures.purchases, numbers.figures.sales) == (
        jane["clicks"],
        jane["purchases"],
        jane["sales"],
    )
    assert "Amazon data through 14 Nov 2026" in response.content.decode()
    earnings = client.get("/portal/b/alpha/earnings/").context["summary"]
    assert earnings.currencies[0].total == owed
    assert earnings.currencies[0].total > Decimal("0")
