"""Self-serve sign-up: a brand starts without an operator.

1. `signup_request`: somebody types an address; a link goes there (the address is verified by
   whoever opens it). The page says the same whatever the address: an address that already has
   an account is mailed a sign-in hint instead of a link, so the form reveals no accounts, and
   requests are limited per address and per client (tenancy.throttling).
2. `signup_complete`: the link's holder names the organisation (name, slug) and themselves
   (name, password); the organisation and its first owner are made in one transaction.

A link works until its address has an account (then it is spent) and for SIGNUP_LINK_MAX_AGE
seconds. `SIGNUP_OPEN` (default on) switches the whole flow off for invite-only installations.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.text import slugify

from tenancy.emails import email_canonical
from tenancy.models import Organization, User
from tenancy.services import organization_create
from tenancy.throttling import signup_allowed

SIGNUP_SALT = "tenancy.signup"


class SignupInvalid(Exception):
    """A sign-up link that is forged, expired or already used."""


def signup_token(*, email: str) -> str:
    return signing.dumps({"email": email_canonical(email)}, salt=SIGNUP_SALT)


def signup_email_from_token(*, token: str) -> str:
    """The verified address of a sign-up link; SignupInvalid when the link cannot be used."""
    try:
        data = signing.loads(token, salt=SIGNUP_SALT, max_age=settings.SIGNUP_LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise SignupInvalid("This sign-up link has expired; ask for a new one.") from exc
    except signing.BadSignature as exc:
        raise SignupInvalid("This sign-up link is not valid.") from exc
    email = data.get("email", "") if isinstance(data, dict) else ""
    if not email:
        raise SignupInvalid("This sign-up link is not valid.")
    if User.objects.filter(email=email).exists():
        raise SignupInvalid(f"{email} already has an account: sign in instead.")
    return email


def signup_request(*, email: str, client_address: str) -> None:
    """Mail `email` a sign-up link (or, when it has an account, how to sign in). Silent when
    the address or the client asked too often: the page looks the same either way."""
    email = email_canonical(email)
    if not signup_allowed(email=email, client_address=client_address):
        return
    site = settings.SITE_URL
    if User.objects.filter(email=email).exists():
        subject = "Your Attribution account"
        message = (
            f"Somebody (hopefully you) asked to create an account for {email}, which already "
            f"has one.\n\nSign in: {site}{reverse('login')}\n"
            f"Forgot the password? {site}{reverse('password_reset')}\n"
        )
    else:
        link = f"{site}{reverse('signup-complete', args=[signup_token(email=email)])}"
        hours = settings.SIGNUP_LINK_MAX_AGE // 3600
        subject = "Create your Attribution account"
        message = (
            f"Open this link to create your organisation and its owner account:\n\n{link}\n\n"
            f"The link works for {hours} hours. If you did not ask for it, ignore this mail."
        )
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=message, from_email=None, recipient_list=[email])
    )


def slug_suggest(name: str) -> str:
    """A free slug for an organisation name: `acme-outdoor`, else `acme-outdoor-2`, ..."""
    base = slugify(name)[:40].strip("-") or "brand"
    taken = set(Organization.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def signup_complete(
    *, token: str, name: str, password: str, organization_name: str, slug: str
) -> tuple[Organization, User]:
    """The organisation and its first owner, for the address the link verified."""
    email = signup_email_from_token(token=token)
    slug = slug.strip().lower() or slug_suggest(organization_name)
    with transaction.atomic():
        try:
            org, owner, created = organization_create(
                name=organization_name, slug=slug, owner_email=email, owner_password=password
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "owner_email" in exc.error_dict:
                raise SignupInvalid(" ".join(exc.message_dict["owner_email"])) from exc
            raise
        if not created:  # the address got an account meanwhile: never join it this way
            raise SignupInvalid(f"{email} already has an account: sign in instead.")
        owner.name = name.strip()
        owner.save(update_fields=["name"])
    return org, owner
