"""factory_boy factories. Tenant-owned objects are created inside their tenant's scope, and
related objects derive from one organisation."""

from __future__ import annotations

from typing import Any

import factory

from tenancy.models import Membership, Organization, Role, User
from tenancy.scoping import tenant_scope

PASSWORD = "correct-horse-battery"


class TenantFactory(factory.django.DjangoModelFactory):
    """Creates the row inside its organisation's tenant scope (RLS requires it)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        organization = kwargs["organization"]
        with tenant_scope(organization):
            return super()._create(model_class, *args, **kwargs)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class UserFactory(factory.django.DjangoModelFactory):
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


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MANAGER
