from __future__ import annotations

from typing import Any

from django.core.validators import EmailValidator
from django.db.models import Model
from rest_framework import serializers

from tenancy.access import object_by_id
from tenancy.emails import MAX_LENGTH, EmailInvalid, email_canonical

MAX_ID = 2**63 - 1


def Id(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class Email(serializers.EmailField):
    """An e-mail address, cleaned to its canonical form (tenancy.emails decides what is valid,
    with its reasons)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_LENGTH)
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, EmailValidator)]

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not value:
            return value
        try:
            return email_canonical(value)
        except EmailInvalid as exc:
            raise serializers.ValidationError(exc.messages) from exc


def tenant_object(model: type[Model], pk: int | None, field: str) -> Any:
    """An object of the tenant in scope, or a field error (missing and foreign alike, as
    tenancy.access answers 404 for both)."""
    if pk is None:
        return None
    obj = object_by_id(model, pk)
    if obj is None:
        raise serializers.ValidationError({field: [f"No such {model._meta.verbose_name}."]})
    return obj
