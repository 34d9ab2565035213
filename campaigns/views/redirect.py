"""GET/HEAD /l/<code>: the public short link. No tenant in the URL, no SQL when the route is
cached: one Redis round trip records the hit and returns the destination.

- a person on a known, active link: 302 to the destination fixed at the link's creation;
- HEAD, bots and link-preview fetchers: a 200 preview page that never links to the tagged URL
  (recorded as a bot hit, not a click);
- an unknown, disabled or malformed code: 404.
The destination is checked again against the Amazon marketplace hosts (or the sandbox) before
redirecting, so nothing can turn /l/ into an open redirect."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

import redis
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.template import loader
from django.views.decorators.http import require_http_methods

from campaigns.amazon_ids import destination_allowed
from campaigns.clicks.handoff import (
    CODE_RE,
    Outcome,
    handoff,
    hit_from_request,
    record_without_redis,
)

log = logging.getLogger(__name__)


def _not_found(request: HttpRequest) -> HttpResponse:
    body = loader.render_to_string("campaigns/link_not_found.html", request=None)
    response = HttpResponseNotFound(b"" if request.method == "HEAD" else body)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _preview(request: HttpRequest, outcome: Outcome) -> HttpResponse:
    """For crawlers and unfurlers: title and product, and the untagged product page at most."""
    product_url = ""
    if outcome.asin:
        parts = urlsplit(outcome.destination)
        product_url = f"{parts.scheme}://{parts.netloc}/dp/{outcome.asin}"
    body = loader.render_to_string(
        "campaigns/link_preview.html",
        {"title": outcome.title, "asin": outcome.asin, "product_url": product_url},
    )
    response = HttpResponse(b"" if request.method == "HEAD" else body)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def serve_short_link(request: HttpRequest, code: str) -> HttpResponse:
    """Answer GET/HEAD /l/<code> (see the module docstring). Needs no middleware: it reads
    the session itself, and only when the visitor sends a session cookie."""
    if not CODE_RE.match(code):
        return _not_found(request)
    hit = hit_from_request(request, code)
    try:
        outcome = handoff(hit)
    except redis.RedisError:
        log.warning("Redis unavailable; writing click %s to PostgreSQL directly", hit.click_id)
        outcome = record_without_redis(hit)
    if not outcome.found:
        return _not_found(request)
    if not destination_allowed(outcome.destination):
        log.error("refusing to redirect /l/%s to a non-Amazon destination", code)
        return _not_found(request)
    if hit.is_bot:
        return _preview(request, outcome)
    # A plain 302: the destination was checked by destination_allowed just above, which is
    # stricter than HttpResponseRedirect's scheme check and cheaper than its URL parsing.
    response = HttpResponse(status=302)
    response["Location"] = outcome.destination
    response["Cache-Control"] = "no-store"  # every click must reach us
    return response


@transaction.non_atomic_requests
@require_http_methods(["GET", "HEAD"])
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """The URL pattern's view (used when ShortLinkMiddleware is not installed)."""
    return serve_short_link(request, code)


class ShortLinkMiddleware:
    """First in MIDDLEWARE: answers GET/HEAD /l/<code> before the rest of the stack. A click
    needs no session, CSRF, authentication, messages or tenant middleware, and skipping them
    is most of what makes the redirect cheap. Every other request passes straight through."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith("/l/") and request.method in ("GET", "HEAD"):
            code = path[3:]
            if "/" not in code:
                return serve_short_link(request, code)
        return self.get_response(request)
