"""factory_boy factories: the one way tests build rows by hand.

Every tenant-owned row derives from ONE organisation: the one passed, else that of a
tenant-owned parent passed (a store, a campaign creator, a link...), else the tenant in scope;
missing parents are made in that organisation. Each row is saved inside its organisation's
tenant scope (row-level security requires it), and a parent of another organisation is
refused. Factories fill in only what a model requires; every optional field keeps the model's
default unless the test says otherwise, so a test states exactly the values it relies on."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.utils import timezone

from attribution.models import AmazonConnection, DailyMetric, Store
from campaigns.models import (
    AffiliateLink,
    Campaign,
    CampaignCreator,
    LinkClickDaily,
    Product,
    TrackingPlan,
)
from commissions.models import Conversion, ConversionAdjustment
from creators.models import Creator
from tenancy.models import Membership, Organization, Role, TenantModel, User
from tenancy.scoping import current_tenant_id_or_none, tenant_scope

PASSWORD = "correct-horse-battery"
M = TypeVar("M")


class ModelFactory(factory.django.DjangoModelFactory[M]):
    """A factory whose call is typed as the model it makes (`StoreFactory()` is a Store)."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> M:  # type: ignore[misc]
            ...


class OrganizationFactory(ModelFactory[Organization]):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


def _in_tenant(subfactory: type[factory.Factory], **kwargs: Any) -> factory.SubFactory:
    """A parent made in the same organisation as the row that needs it."""
    return factory.SubFactory(
        subfactory, organization=factory.SelfAttribute("..organization"), **kwargs
    )


class TenantFactory(ModelFactory[M]):
    """Creates the row inside its organisation's tenant scope (RLS requires it). The
    organisation is the one given, else that of a tenant-owned parent given, else the tenant in
    scope, else a new one."""

    class Meta:
        abstract = True

    organization = factory.SubFactory(OrganizationFactory)

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        if "organization" not in params:
            parent = next((v for v in params.values() if isinstance(v, TenantModel)), None)
            in_scope = current_tenant_id_or_none()
            if parent is not None:
                params = {**params, "organization": parent.organization}
            elif in_scope is not None:
                params = {**params, "organization": Organization.objects.get(pk=in_scope)}
        organization = params.get("organization")
        if not isinstance(organization, Organization):
            return super()._generate(strategy, params)
        # in scope while derived values are read too (a parent's parent loads lazily)
        with tenant_scope(organization):
            return super()._generate(strategy, params)

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        organization = kwargs["organization"]
        foreign = sorted(
            name
            for name, value in kwargs.items()
            if isinstance(value, TenantModel) and value.organization_id != organization.pk
        )
        if foreign:
            raise ValueError(f"{model_class.__name__}: {foreign} belong to another organisation")
        with tenant_scope(organization):
            return super()._create(model_class, *args, **kwargs)


class MembershipFactory(TenantFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.MANAGER


# --- Amazon side: a connection and its stores -------------------------------------------------


class AmazonConnectionFactory(TenantFactory[AmazonConnection]):
    class Meta:
        model = AmazonConnection

    region = "NA"


class StoreFactory(TenantFactory[Store]):
    """A US store on its own connection (pass `connection=` to share one)."""

    class Meta:
        model = Store

    connection = _in_tenant(AmazonConnectionFactory)
    profile_id = factory.Sequence(lambda n: 900_000 + n)
    country_code = "US"
    currency_code = "USD"
    timezone = "America/Los_Angeles"


class DailyMetricFactory(TenantFactory[DailyMetric]):
    """One row of Amazon's report, as the sync stores it."""

    class Meta:
        model = DailyMetric

    store = _in_tenant(StoreFactory)
    date = factory.Sequence(lambda n: date(2026, 1, 1) + timedelta(days=n))
    level = "adgroup"
    amazon_campaign_id = "campaign"
    amazon_adgroup_id = factory.Sequence(lambda n: f"adgroup-{n}")


# --- Campaigns: plans, campaigns, products, creators, links -----------------------------------


class TrackingPlanFactory(TenantFactory[TrackingPlan]):
    class Meta:
        model = TrackingPlan

    store = _in_tenant(StoreFactory)
    name = factory.Sequence(lambda n: f"Plan {n}")
    publisher_id = "101"
    template_tag = factory.LazyAttribute(
        lambda o: (
            f"maas=maas_adg_api_{o.store.advertiser_id or 1}_static_9_{o.publisher_id}"
            "&ref_=aa_maas&tag=maas"
        )
    )
    tag_fetched_at = factory.LazyFunction(timezone.now)


class CampaignFactory(TenantFactory[Campaign]):
    """A campaign on a store, with a tracking plan of that store unless one is given."""

    class Meta:
        model = Campaign

    store = _in_tenant(StoreFactory)
    tracking_plan = _in_tenant(TrackingPlanFactory, store=factory.SelfAttribute("..store"))
    name = factory.Sequence(lambda n: f"Campaign {n}")
    starts_on = date(2026, 1, 1)
    default_commission_rate = Decimal("10.00")
    amazon_campaign_id = factory.Sequence(lambda n: f"campaign-{n}")


class ProductFactory(TenantFactory[Product]):
    class Meta:
        model = Product

    campaign = _in_tenant(CampaignFactory)
    asin = factory.Sequence(lambda n: f"B0{n:08d}")


class CreatorFactory(TenantFactory[Creator]):
    class Meta:
        model = Creator

    name = factory.Sequence(lambda n: f"Creator {n}")


class CampaignCreatorFactory(TenantFactory[CampaignCreator]):
    """A creator in a campaign (a new creator unless one is given)."""

    class Meta:
        model = CampaignCreator

    campaign = _in_tenant(CampaignFactory)
    creator = _in_tenant(CreatorFactory)
    amazon_adgroup_id = factory.Sequence(lambda n: f"adgroup-{n}")


class AffiliateLinkFactory(TenantFactory[AffiliateLink]):
    """A creator's link in their campaign, on the campaign's store: to a product when one is
    given, else to the brand's store page."""

    class Meta:
        model = AffiliateLink

    campaign_creator = _in_tenant(CampaignCreatorFactory)
    campaign = factory.SelfAttribute("campaign_creator.campaign")
    store = factory.SelfAttribute("campaign.store")
    product = None
    amazon_creative_id = factory.Sequence(lambda n: f"creative-{n}")
    code = factory.Sequence(lambda n: f"link{n:08d}")
    destination_url = factory.LazyAttribute(
        lambda o: (
            f"https://www.amazon.com/dp/{o.product.asin}"
            if o.product
            else "https://www.amazon.com/stores/page/STORE"
        )
    )


class LinkClickDailyFactory(TenantFactory[LinkClickDaily]):
    """Our own clicks on a link on one day (the click rollup)."""

    class Meta:
        model = LinkClickDaily

    link = _in_tenant(AffiliateLinkFactory)
    date = factory.Sequence(lambda n: date(2026, 1, 1) + timedelta(days=n))


# --- Money: conversions and their adjustments -------------------------------------------------


class ConversionFactory(TenantFactory[Conversion]):
    """A creator's conversion on one day, in their campaign's store and currency, at their
    rate, settling after the campaign's settlement days."""

    class Meta:
        model = Conversion

    campaign_creator = _in_tenant(CampaignCreatorFactory)
    campaign = factory.SelfAttribute("campaign_creator.campaign")
    creator = factory.SelfAttribute("campaign_creator.creator")
    store = factory.SelfAttribute("campaign.store")
    date = factory.Sequence(lambda n: date(2026, 1, 1) + timedelta(days=n))
    currency = factory.SelfAttribute("store.currency_code")
    commission_rate = factory.LazyAttribute(lambda o: o.campaign_creator.commission_rate)
    settles_on = factory.LazyAttribute(
        lambda o: o.date + timedelta(days=o.campaign.settlement_days)
    )


class ConversionAdjustmentFactory(TenantFactory[ConversionAdjustment]):
    """A change to a conversion: a restatement is folded in, a clawback or top-up is owed on
    top."""

    class Meta:
        model = ConversionAdjustment

    conversion = _in_tenant(ConversionFactory)
    kind = ConversionAdjustment.Kind.RESTATEMENT
    included = factory.LazyAttribute(lambda o: o.kind == ConversionAdjustment.Kind.RESTATEMENT)
