"""Organisation API keys: named, with a role like a member's, stored as a public prefix and a
hash of the whole key (the key itself is shown once, at creation, and never stored)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tenancy.models import Role, TenantModel

# The roles a key may have: everything but owner (a key never manages members).
KEY_ROLES = [(r.value, r.label) for r in Role if r != Role.OWNER]


class ApiKey(TenantModel):
    name = models.CharField(max_length=100)
    role = models.CharField(max_length=16, choices=KEY_ROLES, default=Role.VIEWER)
    # Public, unique, indexed: how a key is found before its tenant is known. RLS lets a
    # transaction read the one row whose prefix is in `app.api_key_prefix`.
    prefix = models.CharField(max_length=16, unique=True)
    # SHA-256 of the whole key (keys are 256-bit random: a slow password hash adds nothing).
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def masked(self) -> str:
        return f"{settings.API_KEY_PREFIX}_{self.prefix}_…"
