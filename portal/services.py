"""The portal's session: the account's creator profiles (which keep their own clicks uncounted)
and whether a password may be set without the old one. Invitations and signing in with them are
the creators app's (creators/invitations.py)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from campaigns.clicks.handoff import CREATOR_SESSION_KEY
from creators.selectors import portal_creator_ids
from tenancy.models import User


def portal_session_remember(*, request: HttpRequest, user: User) -> list[int]:
    """Put the account's creator profiles (every brand) in the session: the short-link
    redirect reads them to leave the creator's own clicks uncounted."""
    ids = portal_creator_ids(user=user)
    if request.session.get(CREATOR_SESSION_KEY) != ids:
        request.session[CREATOR_SESSION_KEY] = ids
    return ids


def portal_may_set_password_freely(*, user: User) -> bool:
    """Setting a password without typing the old one: only for an account that has none yet
    (made by a sign-in link). A link never replaces a password."""
    return not user.has_usable_password()


@receiver(user_logged_in, dispatch_uid="creators.portal.session")
def _remember_profiles_on_login(
    sender: object, request: HttpRequest | None, user: User, **_: object
) -> None:
    if request is not None and hasattr(request, "session"):
        portal_session_remember(request=request, user=user)
