"""Reads about organisations and members. Membership lookups across tenants happen only here."""

from __future__ import annotations

from django.db.models import QuerySet

from tenancy.models import Invitation, Membership, Organization, User
from tenancy.scoping import user_scope


def memberships_for_user(*, user: User, limit: int | None = None) -> list[Membership]:
    """The user's own memberships in every organisation (the switcher, the landing page),
    the first `limit` by name. RLS lets these rows through only for `app.user_id` = user."""
    with user_scope(user.pk):
        qs = (
            Membership.unscoped.filter(user=user)
            .select_related("organization")
            .order_by("organization__name")
        )
        return list(qs[:limit] if limit else qs)


def organization_get_by_slug(*, slug: str) -> Organization | None:
    return Organization.objects.filter(slug=slug).first()


def membership_for(*, user: User) -> Membership | None:
    """The user's membership in the organisation in scope."""
    return Membership.objects.filter(user=user).first()


def members_list() -> QuerySet[Membership]:
    return Membership.objects.select_related("user").order_by("user__email")


def invitations_open() -> QuerySet[Invitation]:
    return Invitation.objects.filter(accepted_at=None, revoked_at=None).order_by("-created_at")
