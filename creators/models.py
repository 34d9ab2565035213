"""Creators (a tenant's influencer and affiliate profiles) and their portal invitations. A
creator's place in a campaign (CampaignCreator) is the campaigns app's."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from tenancy.emails import CanonicalEmailField
from tenancy.models import TenantModel


class Channel(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    BLOG = "blog", "Blog"
    NEWSLETTER = "newsletter", "Newsletter"
    PODCAST = "podcast", "Podcast"
    PINTEREST = "pinterest", "Pinterest"
    FACEBOOK = "facebook", "Facebook"
    X = "x", "X (Twitter)"
    TWITCH = "twitch", "Twitch"
    OTHER = "other", "Other"


class Creator(TenantModel):
    name = models.CharField(max_length=120)
    email = CanonicalEmailField(blank=True)
    handle = models.CharField(max_length=80, blank=True)
    channels = ArrayField(
        models.CharField(max_length=16, choices=Channel.choices), default=list, blank=True
    )
    # The creator's own sign-in for the portal: set when they spend a portal invitation sent to
    # this profile's email. One account can hold profiles in several organisations (brands).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="creator_profiles",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=~Q(email=""),
                name="creator_unique_email",
            ),
            # within one brand a portal account is one creator profile
            models.UniqueConstraint(
                fields=["organization", "user"],
                condition=Q(user__isnull=False),
                name="creator_unique_user",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [labels.get(c, c) for c in self.channels]


class PortalInvitation(TenantModel):
    """A magic link to the creator portal, emailed to the creator from one of the brand's
    campaigns. The emailed token is signed and expires (settings.PORTAL_INVITATION_MAX_AGE);
    this row makes it single use: the sign-in that spends it sets `used_at` under a row lock.
    A newer invitation to the same creator withdraws the open ones."""

    creator = models.ForeignKey(
        Creator, on_delete=models.CASCADE, related_name="portal_invitations"
    )
    # The campaign the invitation was sent from (the email names it); context only.
    campaign_creator = models.ForeignKey(
        "campaigns.CampaignCreator",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The address it went to (the creator's email then): who may spend it.
    email = CanonicalEmailField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"portal invitation {self.pk} for creator {self.creator_id}"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None


class PayoutMethod(models.TextChoices):
    PAYPAL = "paypal", "PayPal"
    WISE = "wise", "Bank transfer (Wise)"


class PayoutDetails(TenantModel):
    """Where a creator wants to be paid by this brand: a PayPal e-mail or bank details for a
    Wise transfer. The details are encrypted at rest with FIELD_ENCRYPTION_KEYS, like the
    Amazon refresh tokens (attribution.crypto); only the method is in clear.
    Written only by creators.payout_details.payout_details_save (which records the change)."""

    creator = models.OneToOneField(Creator, on_delete=models.CASCADE, related_name="payout_details")
    method = models.CharField(max_length=8, choices=PayoutMethod.choices)
    details_encrypted = models.TextField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"payout details of creator {self.creator_id} ({self.method})"


class PayoutDetailsChange(TenantModel):
    """One change of a creator's payout details: who, when, the method and which fields
    changed, with masked hints only (never the values in clear)."""

    creator = models.ForeignKey(
        Creator, on_delete=models.CASCADE, related_name="payout_details_changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=8, choices=PayoutMethod.choices)
    fields = ArrayField(models.CharField(max_length=32), default=list)
    # e.g. "PayPal e-mail j•••@example.com"; "IBAN ending 3000"
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"payout details change {self.pk} of creator {self.creator_id}"
