"""Access: the one place that turns what a request names (an organisation's slug, an object's
id) into a row the caller may see, or a 404. Zulip's `access_*_by_id` idea
(`zerver/lib/streams.py`): a missing organisation and one the user is not a member of, a
missing object and another tenant's, and an id that is not an id at all, all answer the same
404, so nothing tells a caller what exists elsewhere.

- `organization_activate(slug=...)`: find the organisation and make it the tenant of the
  current transaction (staff pages, the API's session path and the creator portal; the
  portal then checks the account's creator profile instead of a membership).
- `access_organization_by_slug(user=..., slug=...)`: that, plus the user's membership
  (`access_membership`).
- `access_by_id(source, object_id)`: one row of the tenant in scope by id; the apps'
  `<entity>_get` selectors are built on it. `object_by_id` is the same lookup answering None,
  `access_among` the same answer among rows a page has already read.

Lookups go through the model's default manager (`TenantManager`: fails closed without a
tenant), and row-level security stands behind it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from tenancy.models import Membership, Organization, TenantModel, User
from tenancy.scoping import activate_tenant

ORGANIZATION_NOT_FOUND = "No such organisation."
# PostgreSQL's bigint: a larger id names no row (and must not reach the database as one).
MAX_ID = 2**63 - 1
_ID_RE = re.compile(r"[1-9][0-9]{0,18}")

M = TypeVar("M", bound=Model)


def id_parse(value: object) -> int | None:
    """A primary key from a URL, form field or query parameter: a positive int, or its plain
    decimal digits (no sign, spaces or leading zeros). Anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    if isinstance(value, str) and _ID_RE.fullmatch(value):
        number = int(value)
        return number if number <= MAX_ID else None
    return None


def _tenant_rows(source: type[M] | QuerySet[M]) -> QuerySet[M]:
    """The rows of the tenant in scope: a tenant-owned model's default manager, or a queryset
    built on it (a selector's). Anything else is refused: access is for tenant-owned rows."""
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    if not issubclass(queryset.model, TenantModel):
        raise TypeError(f"{queryset.model.__name__} is not tenant-owned: access is for its rows.")
    return queryset


def object_by_id(source: type[M] | QuerySet[M], object_id: object) -> M | None:
    """The row of `source` with this id, in the tenant in scope; None when the id is not an
    id, when no such row exists, and when it is another tenant's (the same None)."""
    rows = _tenant_rows(source)
    pk = id_parse(object_id)
    if pk is None:
        return None
    return rows.filter(pk=pk).first()


def access_by_id(
    source: type[M] | QuerySet[M], object_id: object, *, message: str | None = None
) -> M:
    """The row of `source` with this id in the tenant in scope, or Http404 (`message`, if
    given) for a bad id, a missing row and another tenant's row alike."""
    found = object_by_id(source, object_id)
    if found is None:
        raise Http404(message) if message else Http404
    return found


def access_among(rows: Iterable[M], object_id: object, *, message: str | None = None) -> M:
    """One of `rows` already read for the page (its choices, say) by id, without another
    query; Http404 for any other id, as `access_by_id`."""
    pk = id_parse(object_id)
    found = next((row for row in rows if pk is not None and row.pk == pk), None)
    if found is None:
        raise Http404(message) if message else Http404
    return found


def organization_activate(*, slug: str, message: str = ORGANIZATION_NOT_FOUND) -> Organization:
    """The organisation named by `slug`, made the tenant of the current transaction (a request
    under ATOMIC_REQUESTS) for the fail-closed managers and row-level security. Http404 when
    there is none. The caller then checks who may see it (a membership, a creator profile)
    and answers the same 404 when the user may not."""
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None:
        raise Http404(message)
    activate_tenant(organization)
    return organization


def access_membership(*, user: User, message: str = ORGANIZATION_NOT_FOUND) -> Membership:
    """The user's membership in the organisation in scope; Http404 when they are not a member
    (the same answer as for an organisation that does not exist)."""
    membership = Membership.objects.filter(user=user).first()
    if membership is None:
        raise Http404(message)
    return membership


def access_organization_by_slug(*, user: User, slug: str) -> tuple[Organization, Membership]:
    """The organisation and the user's membership in it, the organisation activated as the
    tenant. Http404 ("No such organisation.") for a missing organisation and for one the user
    is not a member of alike; the role is the caller's to check."""
    organization = organization_activate(slug=slug)
    return organization, access_membership(user=user)
