"""Creator portal invitations (magic links) and signing in with them.

An invitation is emailed from a campaign, to the creator profile's email (canonical form,
tenancy.emails). Its token is signed and expires (PORTAL_INVITATION_MAX_AGE); the
PortalInvitation row makes it single use. Spending it proves the mailbox of exactly that
address: the account with that address (created if new, without a password) becomes the
profile's portal account. A link never signs in a brand team account, or an account with a
password it did not get through the portal (portal_invitation_spend).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from creators.lock_objects import creator_lock, portal_invitation_lock
from creators.models import Creator, PortalInvitation
from creators.selectors import portal_creator_ids
from tenancy.models import User
from tenancy.scoping import tenant_scope
from tenancy.selectors import memberships_for_user

if TYPE_CHECKING:  # a type only: campaigns sits above creators
    from campaigns.models import CampaignCreator

PORTAL_SALT = "creators.portal.invitation"
PASSWORD_ACCOUNT = (
    "This address belongs to an account that signs in with a password, not with links. Sign in "
    "with your password first, then open this link again."
)


class PortalInvitationInvalid(Exception):
    """The link is malformed, expired, spent or withdrawn (the message says which)."""


def portal_invitation_send(
    *, campaign_creator: CampaignCreator, invited_by: User
) -> PortalInvitation:
    """Email the creator of `campaign_creator` a sign-in link to the portal (tenant in scope).
    Withdraws the creator's earlier open invitations."""
    creator = campaign_creator.creator
    if not creator.email:
        raise ValidationError(
            f"Add {creator.name}'s email address first: the invitation goes there."
        )
    if campaign_creator.status == campaign_creator.Status.REMOVED:
        raise ValidationError(f"{creator.name} is removed from this campaign.")
    organization = campaign_creator.campaign.organization
    with transaction.atomic():
        PortalInvitation.objects.filter(creator=creator, used_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        invitation = PortalInvitation.objects.create(
            creator=creator,
            campaign_creator=campaign_creator,
            email=creator.email,
            invited_by=invited_by,
        )
        link = portal_invitation_url(invitation=invitation)
        days = settings.PORTAL_INVITATION_MAX_AGE // 86400
        campaign_name = campaign_creator.campaign.name
        message = (
            f"Hi {creator.name},\n\n"
            f"{organization.name} invites you to their creator portal for “{campaign_name}”: "
            "your links with QR codes and sub-IDs, your clicks as they happen, Amazon's results "
            "when they arrive, and your earnings.\n\n"
            f"Sign in: {link}\n\n"
            f"The link works once and expires in {days} day{'s' if days != 1 else ''}. "
            "After signing in you can set a password.\n"
        )
        transaction.on_commit(
            lambda: send_mail(
                subject=f"{organization.name}: your creator portal",
                message=message,
                from_email=None,
                recipient_list=[creator.email],
            )
        )
    return invitation


def portal_invitation_token(*, invitation: PortalInvitation) -> str:
    return signing.dumps({"o": invitation.organization_id, "i": invitation.pk}, salt=PORTAL_SALT)


def portal_invitation_url(*, invitation: PortalInvitation) -> str:
    base = settings.SITE_URL.rstrip("/")
    return base + reverse("portal-signin", args=[portal_invitation_token(invitation=invitation)])


def _from_token(token: str) -> tuple[int, int]:
    """(organization id, invitation id) of a signed, unexpired token."""
    try:
        data = signing.loads(token, salt=PORTAL_SALT, max_age=settings.PORTAL_INVITATION_MAX_AGE)
        return int(data["o"]), int(data["i"])
    except signing.SignatureExpired as exc:
        raise PortalInvitationInvalid(
            "This sign-in link has expired. Ask the brand to send you a new one."
        ) from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise PortalInvitationInvalid("This sign-in link is not valid.") from exc


def _check_open(invitation: PortalInvitation | None) -> PortalInvitation:
    if invitation is None or invitation.revoked_at is not None:
        raise PortalInvitationInvalid(
            "This sign-in link was replaced by a newer one. Use the latest email from the brand."
        )
    if invitation.used_at is not None:
        raise PortalInvitationInvalid(
            "This sign-in link was already used. Sign in with your password, or ask the brand "
            "for a new link."
        )
    return invitation


def portal_invitation_check(*, token: str) -> PortalInvitation:
    """The open invitation of a token (its creator and organisation loaded), without spending
    it: what the confirmation page shows."""
    organization_id, invitation_id = _from_token(token)
    with tenant_scope(organization_id):
        invitation = (
            PortalInvitation.objects.select_related("creator", "organization")
            .filter(pk=invitation_id)
            .first()
        )
        return _check_open(invitation)


def _link_may_not_sign_in(user: User) -> str | None:
    """Why a sign-in link may not open this existing account (None: it may). Only creator
    accounts may be opened by a link: ones without a password, or holding a creator profile
    already (their password was set in the portal, after a link proved the mailbox). Never an
    account on any brand's team, nor one with a password from elsewhere."""
    if user.is_staff or user.is_superuser or memberships_for_user(user=user, limit=1):
        return PASSWORD_ACCOUNT
    if user.has_usable_password() and not portal_creator_ids(user=user):
        return PASSWORD_ACCOUNT
    return None


def portal_invitation_spend(*, token: str, signed_in: User | None = None) -> User:
    """Spend the invitation once (row lock) and return the account to sign in: the one whose
    address is exactly the invitation's (both canonical), created without a password when new,
    now the profile's portal account. An existing account that a link may not open
    (`_link_may_not_sign_in`) is refused, unless it is the one `signed_in` already (with its
    password): then the link only adds the profile to it. Within one brand an account is one
    profile: the newest invitation wins."""
    organization_id, invitation_id = _from_token(token)
    with tenant_scope(organization_id):
        invitation = _check_open(portal_invitation_lock(invitation_id=invitation_id))
        creator = creator_lock(creator_id=invitation.creator_id)
        if creator.email != invitation.email:
            raise PortalInvitationInvalid(
                "The brand changed this creator's email since sending the link. Ask them for a "
                "new one."
            )
        user = User.objects.filter(email=invitation.email).first()
        if user is None:
            try:
                user = User.objects.create_user(invitation.email, None, name=creator.name)
            except ValidationError as exc:  # looks like another account's address
                raise PortalInvitationInvalid(" ".join(exc.messages)) from exc
        elif not user.is_active:
            raise PortalInvitationInvalid("This account is disabled.")
        elif signed_in is None or signed_in.pk != user.pk:
            refusal = _link_may_not_sign_in(user)
            if refusal:
                raise PortalInvitationInvalid(refusal)
        Creator.objects.filter(user=user).exclude(pk=creator.pk).update(user=None)
        if creator.user_id != user.pk:
            creator.user = user
            creator.save(update_fields=["user"])
        invitation.used_at = timezone.now()
        invitation.used_by = user
        invitation.save(update_fields=["used_at", "used_by"])
    return user
