"""The client's address, in one place: sign-in lockout (django-axes' `AXES_CLIENT_IP_CALLABLE`)
and password-reset limits read it from here, and so does the short-link redirect (with its own
depth, `CLICKS_FORWARDED_FOR_DEPTH`, which defaults to `TRUSTED_PROXY_COUNT`).

Behind `TRUSTED_PROXY_COUNT` reverse proxies, each of them appends the address it received the
request from to X-Forwarded-For, so the client is the entry that many places from the right.
Everything further left came from the client and can be anything; with the default 0 the
header is ignored altogether and the client is the connection's peer, REMOTE_ADDR."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest, *, trusted_proxies: int | None = None) -> str:
    remote_addr = str(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT if trusted_proxies is None else trusted_proxies
    if count <= 0:
        return remote_addr
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if len(hops) < count:
        # Fewer hops than trusted proxies: the request did not come through all of them.
        return remote_addr
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote_addr
