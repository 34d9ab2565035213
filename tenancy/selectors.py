"""Reads about organisations and members. Membership lookups across tenants happen only here."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from tenancy.access import access_by_id, object_by_id
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


def organization_get(*, organization_id: int) -> Organization:
    """An organisation by id (not tenant-owned: the caller names it from a signed value and
    checks the membership next); Http404 when it is gone."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise Http404
    return organization


def membership_get(*, membership_id: object) -> Membership:
    """A membership of the organisation in scope, with its user (tenancy.access: 404 otherwise)."""
    return access_by_id(Membership.objects.select_related("user"), membership_id)


def invitation_get(*, invitation_id: object) -> Invitation:
    """An invitation of the organisation in scope (tenancy.access: 404 otherwise)."""
    return access_by_id(Invitation, invitation_id)


def invitation_open_get(*, invitation_id: int) -> Invitation | None:
    """The invitation, with its organisation, while it can still be accepted (tenant in
    scope); None when it was used, withdrawn or is gone."""
    invitation = object_by_id(Invitation.objects.select_related("organization"), invitation_id)
    return invitation if invitation is not None and invitation.is_open else None


def user_get_by_email(*, email: str) -> User | None:
    """The account with this address (canonical form, compared exactly), if there is one."""
    return User.objects.filter(email=email).first()


def members_list() -> QuerySet[Membership]:
    return Membership.objects.select_related("user").order_by("user__email")


def invitations_open() -> QuerySet[Invitation]:
    return Invitation.objects.filter(accepted_at=None, revoked_at=None).order_by("-created_at")
