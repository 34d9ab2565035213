"""Writes about organisations, members and invitations. Tenant first, keyword-only."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tenancy.emails import EmailInvalid, email_canonical, email_refuse_lookalike
from tenancy.lock_objects import membership_lock, organization_owner_memberships_lock
from tenancy.models import Invitation, Membership, Organization, Role, User
from tenancy.scoping import tenant_scope

INVITATION_SALT = "tenancy.invitation"
RESERVED_SLUGS = frozenset({"new", "admin", "api", "static", "accounts", "settings"})


def organization_create(
    *, name: str, slug: str, owner_email: str, owner_password: str | None = None
) -> tuple[Organization, User, bool]:
    """Create an organisation and its owner (a new user, or an existing one by email).
    Returns (organization, owner, owner_created)."""
    slug = slug.strip().lower()
    errors: dict[str, str] = {}
    try:
        validate_slug(slug)
    except ValidationError:
        errors["slug"] = "Use lowercase letters, digits, hyphens and underscores."
    if slug in RESERVED_SLUGS:
        errors["slug"] = f"'{slug}' is reserved."
    elif Organization.objects.filter(slug=slug).exists():
        errors["slug"] = f"The slug '{slug}' is taken."
    if not name.strip():
        errors["name"] = "A name is required."
    try:
        owner_email = email_canonical(owner_email)
    except EmailInvalid:
        errors["owner_email"] = f"'{owner_email.strip()}' is not a valid email address."
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        try:
            org = Organization.objects.create(name=name.strip(), slug=slug)
        except IntegrityError as exc:
            raise ValidationError({"slug": f"The slug '{slug}' is taken."}) from exc
        owner = User.objects.filter(email=owner_email).first()
        created = owner is None
        if owner is None:
            try:
                owner = User.objects.create_user(owner_email, owner_password)
            except ValidationError as exc:  # looks like another account's address
                raise ValidationError({"owner_email": exc.messages}) from exc
        with tenant_scope(org):
            Membership.objects.create(organization=org, user=owner, role=Role.OWNER)
    return org, owner, created


def _can_assign(*, actor_role: str, role: str) -> bool:
    return actor_role == Role.OWNER or role != Role.OWNER


def invitation_create(
    *, organization: Organization, invited_by: User, actor_role: str, email: str, role: str
) -> Invitation:
    try:
        email = email_canonical(email)
    except EmailInvalid as exc:
        raise ValidationError({"email": exc}) from exc
    if not _can_assign(actor_role=actor_role, role=role):
        raise ValidationError({"role": "Only an owner can invite another owner."})
    email_refuse_lookalike(email)
    if Membership.objects.filter(user__email=email).exists():
        raise ValidationError({"email": f"{email} is already a member."})
    Invitation.objects.filter(email=email, accepted_at=None, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    invitation = Invitation.objects.create(
        organization=organization, email=email, role=role, invited_by=invited_by
    )
    link = invitation_url(invitation=invitation)
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You're invited to {organization.name}",
            message=(
                f"{invited_by.display_name} invited you to join {organization.name} as "
                f"{invitation.get_role_display()}.\n\nAccept: {link}\n\n"
                f"The link expires in {settings.INVITATION_MAX_AGE // 86400} days."
            ),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation


def invitation_token(*, invitation: Invitation) -> str:
    return signing.dumps(
        {"i": invitation.pk, "o": invitation.organization_id}, salt=INVITATION_SALT
    )


def invitation_url(*, invitation: Invitation) -> str:
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("invitation-accept", args=[invitation_token(invitation=invitation)])


class InvitationInvalid(Exception):
    pass


def invitation_from_token(*, token: str) -> tuple[int, int]:
    """(organization id, invitation id) from a signed token; raises InvitationInvalid."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvitationInvalid("This invitation has expired. Ask for a new one.") from exc
    except signing.BadSignature as exc:
        raise InvitationInvalid("This invitation link is not valid.") from exc
    return int(data["o"]), int(data["i"])


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Within the invitation's tenant scope."""
    if not invitation.is_open:
        raise InvitationInvalid("This invitation was already used or withdrawn.")
    if user.email != invitation.email:  # both canonical (tenancy.emails)
        raise InvitationInvalid(
            f"This invitation is for {invitation.email}; you are signed in as {user.email}."
        )
    membership, _ = Membership.objects.get_or_create(
        user=user, defaults={"role": invitation.role, "organization_id": invitation.organization_id}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def invitation_accept_signup(*, invitation: Invitation, password: str, name: str) -> User:
    """A new account for the invitation's address, accepting it, in one transaction (within
    the invitation's tenant scope). Raises ValidationError for an address that looks like an
    existing account's, and InvitationInvalid as invitation_accept does."""
    with transaction.atomic():
        user = User.objects.create_user(invitation.email, password, name=name)
        invitation_accept(invitation=invitation, user=user)
    return user


def invitation_revoke(*, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def _memberships_locked(*, actor: Membership, membership: Membership) -> tuple[str, Membership]:
    """Take the organisation's owner lock, then read the actor's role and the member again:
    the caller read both before the lock, and a change that committed since (another owner
    demoting this actor, say) must count. Returns (actor's role now, member now)."""
    organization_owner_memberships_lock(organization_id=membership.organization_id)
    current = membership_lock(membership_id=membership.pk)
    actor_role = Membership.objects.filter(pk=actor.pk).values_list("role", flat=True).first()
    if current is None:
        raise ValidationError("This person is no longer a member.")
    if actor_role is None:
        raise ValidationError("You are no longer a member of this organisation.")
    return actor_role, current


def _owners_left_without(membership: Membership) -> int:
    """Owners other than `membership`; only under `organization_owner_memberships_lock`."""
    return Membership.objects.filter(role=Role.OWNER).exclude(pk=membership.pk).count()


def membership_change_role(*, actor: Membership, membership: Membership, role: str) -> Membership:
    """Returns the membership as changed. The last-owner rule is checked under the owner lock,
    so two owners demoting each other at once leave one owner, never none."""
    if role not in Role.values:
        raise ValidationError({"role": "Unknown role."})
    with transaction.atomic():
        actor_role, membership = _memberships_locked(actor=actor, membership=membership)
        demoting_owner = membership.role == Role.OWNER and role != Role.OWNER
        if demoting_owner and _owners_left_without(membership) == 0:
            raise ValidationError({"role": "An organisation needs at least one owner."})
        if membership.role == Role.OWNER and actor_role != Role.OWNER:
            raise ValidationError({"role": "Only an owner can change an owner's role."})
        if not _can_assign(actor_role=actor_role, role=role):
            raise ValidationError({"role": "Only an owner can make someone an owner."})
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, actor: Membership, membership: Membership) -> None:
    """The last-owner rule is checked under the owner lock (see membership_change_role)."""
    with transaction.atomic():
        actor_role, membership = _memberships_locked(actor=actor, membership=membership)
        if membership.role == Role.OWNER and _owners_left_without(membership) == 0:
            raise ValidationError("An organisation needs at least one owner.")
        if membership.role == Role.OWNER and actor_role != Role.OWNER:
            raise ValidationError("Only an owner can remove an owner.")
        membership.delete()
