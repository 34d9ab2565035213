"""Amazon-side objects of a tenant: connections (Login-with-Amazon grants) and stores (one
Amazon Ads profile + its Attribution advertiser)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from attribution import crypto
from tenancy.models import TenantModel


class Region(models.TextChoices):
    NA = "NA", "North America"
    EU = "EU", "Europe"
    FE = "FE", "Far East"


# Which profiles a regional grant manages (Amazon serves them from the regional host).
REGION_COUNTRIES = {
    Region.NA: {"US", "CA", "MX", "BR"},
    Region.EU: {
        "UK",
        "GB",
        "DE",
        "FR",
        "IT",
        "ES",
        "NL",
        "SE",
        "PL",
        "BE",
        "IE",
        "TR",
        "EG",
        "SA",
        "AE",
        "IN",
    },
    Region.FE: {"JP", "AU", "SG"},
}


class AmazonConnection(TenantModel):
    class Status(models.TextChoices):
        PENDING = "pending", "Choose profiles"
        ACTIVE = "active", "Connected"
        NEEDS_REAUTH = "needs_reauth", "Reconnect needed"
        DISCONNECTED = "disconnected", "Disconnected"

    region = models.CharField(max_length=2, choices=Region.choices)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Amazon Ads {self.region} #{self.pk}"

    @property
    def refresh_token(self) -> str:
        return crypto.decrypt(self.refresh_token_encrypted) if self.refresh_token_encrypted else ""

    @refresh_token.setter
    def refresh_token(self, value: str) -> None:
        self.refresh_token_encrypted = crypto.encrypt(value) if value else ""

    @property
    def token_cache_key(self) -> str:
        return f"{self.organization_id}:{self.pk}"


class Store(TenantModel):
    """One Amazon Ads profile with its Attribution advertiser: marketplace, currency, zone."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INELIGIBLE = "ineligible", "Not eligible for Amazon Attribution"
        DISCONNECTED = "disconnected", "Disconnected"

    connection = models.ForeignKey(
        AmazonConnection, on_delete=models.PROTECT, related_name="stores"
    )
    profile_id = models.BigIntegerField()
    country_code = models.CharField(max_length=2)
    marketplace_id = models.CharField(max_length=20, blank=True)
    currency_code = models.CharField(max_length=3)
    timezone = models.CharField(max_length=64)
    account_name = models.CharField(max_length=200, blank=True)
    account_type = models.CharField(max_length=20, blank=True)
    advertiser_id = models.CharField(max_length=32, blank=True)
    advertiser_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country_code", "account_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "profile_id"], name="store_unique_profile"
            )
        ]

    def __str__(self) -> str:
        return f"{self.advertiser_name or self.account_name} ({self.country_code})"

    @property
    def name(self) -> str:
        return str(self)
