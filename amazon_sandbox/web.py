"""Tiny request/response primitives shared by the sandbox handlers."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Request:
    """A parsed HTTP request (path already stripped of any region prefix)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes = b""
    region: str | None = None

    def header(self, name: str) -> str | None:
        """Return a header value (case-insensitive) or None when absent/blank."""
        value = self.headers.get(name)
        if value is None:
            return None
        value = value.strip()
        return value or None

    def arg(self, name: str) -> str | None:
        """First query-string value for ``name``."""
        values = self.query.get(name)
        return values[0] if values else None

    def json(self) -> Any:
        """Decode the body as JSON (400 on malformed input)."""
        if not self.body.strip():
            return {}
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise HttpError(maas_error(400, f"Malformed JSON body: {exc}")) from exc

    def form(self) -> dict[str, str]:
        """Decode a form-encoded (or JSON object) body into a flat dict."""
        ctype = (self.header("Content-Type") or "").lower()
        if "json" in ctype:
            data = self.json()
            if not isinstance(data, dict):
                return {}
            return {str(k): str(v) for k, v in data.items() if v is not None}
        parsed = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def basic_auth(self) -> tuple[str, str] | None:
        """Decode an ``Authorization: Basic`` header, if present."""
        value = self.header("Authorization") or ""
        if not value.lower().startswith("basic "):
            return None
        try:
            user, _, password = base64.b64decode(value[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        return user, password


@dataclass
class Response:
    """An HTTP response ready to be written."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class HttpError(Exception):
    """Raised by handlers to short-circuit with a ready response."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def json_response(status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
    """Serialize ``payload`` as a compact JSON response."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Response(status, body, "application/json", dict(headers or {}))


def maas_error(status: int, details: str, headers: dict[str, str] | None = None) -> Response:
    """Amazon Attribution ``MaaSError`` body: ``{"code": "400", "details": "..."}``."""
    return json_response(status, {"code": str(status), "details": details}, headers)


def lwa_error(status: int, error: str, description: str) -> Response:
    """Login with Amazon OAuth error body."""
    return json_response(status, {"error": error, "error_description": description})


def html_response(status: int, html: str) -> Response:
    """A ``text/html`` response."""
    return Response(status, html.encode("utf-8"), "text/html; charset=utf-8")


def redirect(location: str) -> Response:
    """A 302 redirect."""
    return Response(302, b"", "text/plain", {"Location": location})
