"""tenancy.access: the one way a request's slug or id becomes a row. Missing, another tenant's
and not-an-id all answer the same 404; without a tenant nothing is read."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.http import Http404
from rest_framework.test import APIClient

from creators.models import Creator
from tenancy.access import (
    access_among,
    access_by_id,
    access_organization_by_slug,
    id_parse,
    object_by_id,
)
from tenancy.models import Organization
from tenancy.scoping import TenantScopeError, current_tenant_id, tenant_scope
from tests.factories import AmazonConnectionFactory, CreatorFactory

NOT_IDS = ["", "abc", "0", "-1", "012", " 12", "12 ", "1.0", "1e3", str(2**63), None, True, 0, -4]


@pytest.fixture
def creators(tenant_a, tenant_b):
    """One creator in each tenant: (alpha's, bravo's)."""
    return tuple(
        CreatorFactory(organization=t.org, name=f"Creator of {t.org.slug}")
        for t in (tenant_a, tenant_b)
    )


def test_ids_are_positive_integers_in_plain_decimal():
    assert id_parse(7) == 7
    assert id_parse("7") == 7
    assert id_parse(str(2**63 - 1)) == 2**63 - 1
    for value in NOT_IDS:
        assert id_parse(value) is None, value


def test_own_row_is_found_and_foreign_or_missing_are_the_same_404(tenant_a, creators):
    mine, theirs = creators
    with tenant_scope(tenant_a.org):
        assert access_by_id(Creator, mine.pk) == mine
        assert access_by_id(Creator, str(mine.pk)) == mine
        assert access_by_id(Creator.objects.filter(name=mine.name), mine.pk) == mine
        for other in (theirs.pk, theirs.pk + 1000):
            with pytest.raises(Http404):
                access_by_id(Creator, other)
            assert object_by_id(Creator, other) is None
        # a queryset narrows what may be found
        with pytest.raises(Http404):
            access_by_id(Creator.objects.filter(name="someone else"), mine.pk)


def test_an_id_that_is_no_id_is_a_404_without_a_query(
    tenant_a, creators, django_assert_num_queries
):
    with tenant_scope(tenant_a.org), django_assert_num_queries(0):
        for value in NOT_IDS:
            with pytest.raises(Http404):
                access_by_id(Creator, value)


def test_the_404_can_carry_a_message(tenant_a, creators):
    with tenant_scope(tenant_a.org), pytest.raises(Http404, match="No such creator"):
        access_by_id(Creator, creators[1].pk, message="No such creator.")


def test_nothing_is_read_without_a_tenant_in_scope(creators):
    with pytest.raises(TenantScopeError):
        access_by_id(Creator, creators[0].pk)


def test_only_tenant_owned_rows_are_accessed(tenant_a):
    with tenant_scope(tenant_a.org), pytest.raises(TypeError):
        access_by_id(Organization, tenant_a.org.pk)


def test_among_rows_already_read_without_a_query(tenant_a, creators, django_assert_num_queries):
    mine, theirs = creators
    with django_assert_num_queries(0):
        assert access_among([mine], str(mine.pk)) == mine
        for value in (theirs.pk, f"0{mine.pk}", "abc"):
            with pytest.raises(Http404):
                access_among([mine], value)


def test_a_missing_organisation_and_one_without_membership_are_the_same_404(tenant_a, tenant_b):
    with transaction.atomic():
        for slug in (tenant_b.org.slug, "does-not-exist"):
            with pytest.raises(Http404) as raised:
                access_organization_by_slug(user=tenant_a.owner, slug=slug)
            assert str(raised.value) == "No such organisation."
        organization, membership = access_organization_by_slug(
            user=tenant_a.owner, slug=tenant_a.org.slug
        )
        assert (organization, membership) == (tenant_a.org, tenant_a.owner_membership)
        assert current_tenant_id() == tenant_a.org.pk


def test_the_api_answers_a_foreign_and_a_missing_organisation_alike(tenant_a, tenant_b):
    api = APIClient()
    api.force_login(tenant_a.owner)
    bodies = [
        api.get("/api/v1/creators/", HTTP_X_ORGANIZATION=slug)
        for slug in (tenant_b.org.slug, "does-not-exist")
    ]
    assert [r.status_code for r in bodies] == [404, 404]
    assert bodies[0].json() == bodies[1].json()
    assert bodies[0].json()["error"]["message"] == "No such organisation."
    assert api.get("/api/v1/creators/", HTTP_X_ORGANIZATION=tenant_a.org.slug).status_code == 200


@pytest.mark.parametrize("value", ["abc", "1.5", "-3", "99999999999999999999"])
def test_reconnecting_a_connection_named_by_a_bad_id_is_404_not_500(tenant_a, value):
    """The connection to reconnect comes from a form field; it was looked up unparsed (a
    ValueError, answered 500)."""
    AmazonConnectionFactory(organization=tenant_a.org)
    client = tenant_a.client(tenant_a.owner)
    url = f"/o/{tenant_a.org.slug}/settings/amazon/connect/"
    assert client.post(url, {"connection": value}).status_code == 404
