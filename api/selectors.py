"""Reads about the organisation's API keys (tenant in scope). `api_key_get` answers 404 for a
bad id, a missing key and another tenant's alike (tenancy.access)."""

from __future__ import annotations

from django.db.models import QuerySet

from api.models import ApiKey
from tenancy.access import access_by_id


def api_keys_list() -> QuerySet[ApiKey]:
    """The organisation's keys, with who made and who revoked each."""
    return ApiKey.objects.select_related("created_by", "revoked_by")


def api_key_get(*, api_key_id: object) -> ApiKey:
    return access_by_id(ApiKey, api_key_id)
