"""Security headers that every response carries, whichever middleware answered it.

django-csp's CSPMiddleware writes the Content-Security-Policy (with the request's nonce when a
template used one) on every response that passes through it. Two things it cannot do:

- Permissions-Policy: django-csp has no such header, Django no such setting. It comes from
  settings.PERMISSIONS_POLICY, serialised once at start-up.
- Responses that never reach CSPMiddleware: GET /l/<code> is answered by the first middleware
  (campaigns.views.redirect.ShortLinkMiddleware) before the rest of the stack runs. They get the
  same policy without a nonce, built once at start-up, so the redirect's hot path only sets two
  constant headers.

SecurityHeadersMiddleware sits first in MIDDLEWARE, outside everything else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from csp.constants import HEADER as CSP_HEADER
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest, HttpResponse

PERMISSIONS_POLICY_HEADER = "Permissions-Policy"
_KEYWORDS = {"self", "*", "src"}


def permissions_policy(features: Mapping[str, Sequence[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` -> `camera=(), fullscreen=(self)`. An allowlist
    entry is `self`, `*` or an origin (origins are quoted as the header's syntax wants)."""
    parts = []
    for feature, allowlist in features.items():
        tokens = [item if item in _KEYWORDS else f'"{item}"' for item in allowlist]
        parts.append(f"{feature}=({' '.join(tokens)})")
    return ", ".join(parts)


class SecurityHeadersMiddleware:
    """First in MIDDLEWARE: Permissions-Policy on every response, and the CSP (no nonce) on
    the responses that never reached CSPMiddleware. What CSPMiddleware decided (a view's
    `@csp_exempt()`, Django's debug pages when DEBUG) stands."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))
        self.csp = build_policy()  # the settings' policy; NONCE is dropped without a nonce

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.permissions_policy and PERMISSIONS_POLICY_HEADER not in response:
            response[PERMISSIONS_POLICY_HEADER] = self.permissions_policy
        # CSPMiddleware.process_request sets request.csp_nonce: without it, it never ran.
        if self.csp and not hasattr(request, "csp_nonce") and CSP_HEADER not in response:
            response[CSP_HEADER] = self.csp
        return response
