"""`make run`'s demo data loads against the sandbox and a second run reuses it."""

import io

from django.core.management import call_command

from attribution.models import Store
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


def test_seed_demo_is_idempotent(amazon_sandbox, db):
    for _ in range(2):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        assert "Demo data ready." in out.getvalue()
    acme = Organization.objects.get(slug="acme")
    with tenant_scope(acme):
        assert sorted(Store.objects.values_list("country_code", flat=True)) == ["CA", "US"]
    assert Organization.objects.count() == 2
