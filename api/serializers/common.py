from __future__ import annotations

from typing import Any

from django.db.models import Model
from rest_framework import serializers

MAX_ID = 2**63 - 1


def Id(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def tenant_object(model: type[Model], pk: int | None, field: str) -> Any:
    """An object of the tenant in scope, or a field error (missing and foreign alike)."""
    if pk is None:
        return None
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise serializers.ValidationError({field: [f"No such {model._meta.verbose_name}."]})
    return obj
