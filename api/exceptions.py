"""One error format for the whole API:

    {"error": {"code": "invalid", "message": "...", "fields": {"name": ["..."]}}}

`code` is stable and machine-readable; `message` is for people; `fields` maps an input field to
its messages (empty when the error is not about one field). Django's ValidationError (raised by
services), Http404 and PermissionDenied become the matching API errors, and its
RequestDataTooBig (a body over DATA_UPLOAD_MAX_MEMORY_SIZE) a 413 `request_too_large`; DRF adds
Retry-After to 429s and WWW-Authenticate to 401s."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    "invalid": "Some input is invalid; see fields.",
    "not_found": "Not found.",
}


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"
    default_detail = "The request body is too large."


def _django_validation(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        )
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def _flat(detail: Any) -> Any:
    """DRF's ErrorDetail tree as plain strings, lists and objects."""
    if isinstance(detail, dict):
        return {str(k): _flat(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flat(v) for v in detail]
    return str(detail)


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_message(value)
        return ""
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else ""
    return str(detail)


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = RequestTooLarge(f"The request body is larger than {limit} bytes.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = _flat(detail)
        message = _first_message(fields) or MESSAGES["invalid"]
        if len(fields) > 1 or "non_field_errors" not in fields:
            message = MESSAGES["invalid"] if len(fields) > 1 else message
        response.data = error_body("invalid", message, fields)
        return response
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
    message = _first_message(_flat(exc.detail)) or MESSAGES.get(code, "Error.")
    if isinstance(exc, exceptions.Throttled):
        code = getattr(exc, "api_code", "rate_limited")
    response.data = error_body(code, message)
    return response
