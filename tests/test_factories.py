"""The factories derive every row from one organisation: the one given, a parent's, or the
tenant in scope; a parent of another organisation is refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from creators.models import Creator
from tenancy.models import Organization
from tenancy.scoping import tenant_scope
from tests.factories import (
    AffiliateLinkFactory,
    CampaignFactory,
    ConversionAdjustmentFactory,
    CreatorFactory,
    StoreFactory,
)


def test_a_row_from_nothing_makes_its_parents_in_one_new_organisation(db):
    adjustment = ConversionAdjustmentFactory()
    conversion = adjustment.conversion
    org = conversion.organization
    parents = (
        conversion,
        conversion.store,
        conversion.store.connection,
        conversion.campaign,
        conversion.campaign.tracking_plan,
        conversion.campaign_creator,
        conversion.creator,
    )
    assert {p.organization_id for p in parents} == {org.pk}
    assert Organization.objects.count() == 1
    # derived the way the product derives them: the store's currency, the creator's rate
    assert (conversion.currency, conversion.commission_rate) == ("USD", Decimal("10.00"))
    assert conversion.settles_on == conversion.date + timedelta(days=30)
    assert adjustment.included is True  # a restatement is folded in


def test_a_parent_given_decides_the_organisation(tenant_a, tenant_b):
    store = StoreFactory(organization=tenant_a.org)
    link = AffiliateLinkFactory(campaign_creator__campaign__store=store)
    assert link.organization_id == tenant_a.org.pk
    assert link.store == store == link.campaign.store
    assert link.campaign_creator.creator.organization_id == tenant_a.org.pk
    with tenant_scope(tenant_b.org):
        assert not Creator.objects.exists()


def test_the_tenant_in_scope_is_the_organisation(tenant_a, tenant_b):
    with tenant_scope(tenant_b.org):
        creator = CreatorFactory(name="Scoped")
    assert creator.organization_id == tenant_b.org.pk
    assert Organization.objects.count() == 2


def test_a_parent_of_another_organisation_is_refused(tenant_a, tenant_b):
    store = StoreFactory(organization=tenant_a.org)
    with pytest.raises(ValueError, match=r"TrackingPlan: \['store'\] belong to another"):
        CampaignFactory(organization=tenant_b.org, store=store)
