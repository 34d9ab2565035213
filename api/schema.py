"""OpenAPI: every operation documents the error responses it can give (one error format), the
429's Retry-After, the API-key security scheme and the X-Organization header of sessions."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, machine-readable: invalid, not_found, ...")
    message = serializers.CharField(help_text="For people.")
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.JSONField(),
        help_text="Input field -> its messages; empty when not about a field.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERRORS = {
    "400": "Invalid input (code `invalid`); `fields` says which.",
    "401": "No or an invalid/revoked API key (`not_authenticated`, `authentication_failed`).",
    "403": "The key's or member's role does not allow this (`permission_denied`).",
    "404": "No such object in this organisation (`not_found`): missing and foreign alike.",
    "429": "Rate limited (`rate_limited`, `sync_too_soon`): retry after `Retry-After` seconds.",
}
ORG_PARAMETER = OpenApiParameter(
    "X-Organization",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="Session users only: the slug of the organisation to act in (or `?org=`). "
    "Ignored for API keys, which belong to one organisation.",
)


class AutoSchema(openapi.AutoSchema):
    def get_override_parameters(self) -> list[Any]:
        return [*super().get_override_parameters(), ORG_PARAMETER]

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in ERRORS.items():
            if code in responses:
                continue
            response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            response["description"] = description
            if code == "429":
                response["headers"] = {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before the next request.",
                    }
                }
            responses[code] = response
        return responses


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organisation API key (Settings > API keys, or `manage.py "
            "create_api_key`): `Authorization: Bearer amzattr_...`.",
        }
