"""`make run`'s demo data: loads against the sandbox, every page has numbers, and a second
run reuses everything."""

import io

from django.core.management import call_command

from attribution.models import DailyMetric, Store, SyncRun
from campaigns.models import AffiliateLink, Campaign
from commissions.models import Conversion
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


def counts(org):
    with tenant_scope(org):
        return (
            Store.objects.count(),
            Campaign.objects.count(),
            AffiliateLink.objects.count(),
            DailyMetric.objects.count(),
            Conversion.objects.count(),
        )


def test_seed_demo_is_complete_and_idempotent(amazon_sandbox, db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo data ready." in out.getvalue()
    acme = Organization.objects.get(slug="acme")
    first = counts(acme)
    stores, campaigns, links, facts, conversions = first
    assert stores == 2 and campaigns >= 2 and links > 10
    assert facts > 100 and conversions > 0
    with tenant_scope(acme):
        assert SyncRun.objects.filter(status="succeeded").count() == 1

    # the demo creator's portal account holds her profile in the brand
    from creators.models import Creator
    from tenancy.models import User

    jane = User.objects.get(email="jane@creators.test")
    with tenant_scope(acme):
        assert Creator.objects.get(email="jane@creators.test").user == jane

    call_command("seed_demo", stdout=io.StringIO())
    assert counts(acme) == first
    assert Organization.objects.count() == 2
