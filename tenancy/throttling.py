"""Limits on the sign-in and password-reset pages, counted in Redis (Django's cache) so every
web process shares them.

Sign-in: django-axes counts failures per lockout parameter (`AXES_LOCKOUT_PARAMETERS`) but
compares every count with one limit. `SignInLockoutHandler` is axes' cache handler with a limit
per parameter: `AXES_FAILURE_LIMIT` for an account from one client address, and the higher
`SIGNIN_ADDRESS_FAILURE_LIMIT` for one client address across accounts, so one password tried
against many accounts is stopped without one person's typos locking out a whole office.
A lockout answers 429 with `Retry-After`.

Password reset: at most `PASSWORD_RESET_LIMIT_PER_EMAIL` mails to one address and
`PASSWORD_RESET_LIMIT_PER_CLIENT` requests from one client address per
`PASSWORD_RESET_LIMIT_WINDOW` seconds."""

from __future__ import annotations

import hashlib
import logging
import math
from typing import Any

from axes.handlers.cache import AxesCacheHandler
from axes.helpers import (
    get_cache_timeout,
    get_client_cache_keys,
    get_client_username,
    get_credentials,
    get_failure_limit,
    get_lockout_parameters,
)
from axes.signals import user_locked_out
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

log = logging.getLogger(__name__)


def rate_limit_exceeded(key: str, *, limit: int, window: int) -> bool:
    """Count one event under `key` in a window of `window` seconds that starts with the first
    event; True when this event is over `limit`."""
    key = f"rate:{key}"
    count = 1
    if not cache.add(key, 1, timeout=window):
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add and incr: this event opens a new one
            cache.add(key, 1, timeout=window)
    return count > limit


# --- sign-in ----------------------------------------------------------------------------------


class SignInLockoutHandler(AxesCacheHandler):
    """axes' cache handler, with a failure limit per lockout parameter. Every failed attempt
    counts, locked or not, and restarts the cool-off of its counters (as axes does by default),
    so a lockout always lasts the full cool-off from the last attempt: that is `Retry-After`.
    A successful sign-in clears the account's counter for that address only, never the
    address's count across accounts (or signing in to one's own account between guesses would
    reset it)."""

    def _limits(self, request: HttpRequest, credentials: dict | None) -> dict[str, int]:
        """{cache key: its failure limit}, one per lockout parameter."""
        account_limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        keys = get_client_cache_keys(request, credentials)
        limits: dict[str, int] = {}
        for parameter, key in zip(parameters, keys, strict=True):
            limit = (
                settings.SIGNIN_ADDRESS_FAILURE_LIMIT
                if parameter == "ip_address"
                else account_limit
            )
            # No username makes the pair's key the address's key: the lower limit applies.
            limits[key] = min(limit, limits.get(key, limit))
        return limits

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if not getattr(settings, "AXES_LOCK_OUT_AT_FAILURE", True):
            return False
        limits = self._limits(request, credentials)
        counts = self.cache.get_many(list(limits))
        return any(counts.get(key, 0) >= limit for key, limit in limits.items())

    def user_login_failed(
        self, sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        if request is None:
            log.error("Sign-in failure without a request: not counted.")
            return
        if self.is_whitelisted(request, credentials):
            return
        timeout = get_cache_timeout(request)
        over = False
        highest = 0
        for key, limit in self._limits(request, credentials).items():
            if self.cache.add(key, 1, timeout=timeout):
                count = 1
            else:
                try:
                    count = self.cache.incr(key)
                    self.cache.touch(key, timeout=timeout)
                except ValueError:  # expired between add and incr
                    self.cache.add(key, 1, timeout=timeout)
                    count = 1
            highest = max(highest, count)
            over = over or count >= limit
        request.axes_failures_since_start = highest  # type: ignore[attr-defined]
        if over and getattr(settings, "AXES_LOCK_OUT_AT_FAILURE", True):
            username = get_client_username(request, credentials)
            log.warning(
                "Sign-in locked out: %s failures, address %s.",
                highest,
                request.axes_ip_address,  # type: ignore[attr-defined]
            )
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = credentials  # type: ignore[attr-defined]
            user_locked_out.send(
                "axes",
                request=request,
                username=username,
                ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
            )

    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        if not settings.AXES_RESET_ON_SUCCESS:
            return
        credentials = get_credentials(user.get_username())
        parameters = get_lockout_parameters(request, credentials)
        keys = get_client_cache_keys(request, credentials)
        for parameter, key in zip(parameters, keys, strict=True):
            if parameter != "ip_address":
                self.cache.delete(key)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """axes' `AXES_LOCKOUT_CALLABLE`: the lockout page, 429, with Retry-After. The attempt that
    is being answered restarted the cool-off (SignInLockoutHandler), so the full cool-off is
    what remains."""
    retry_after = get_cache_timeout(request) or 0
    response = render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {"retry_after_minutes": max(1, math.ceil(retry_after / 60))},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


# --- password reset ---------------------------------------------------------------------------


def password_reset_allowed(*, email: str, client_address: str) -> bool:
    """Count one reset request against the address it is for and the client asking; False
    when either is spent (then no mail goes out, and the page says the same as always, so the
    limit reveals nothing about which addresses have accounts)."""
    window = settings.PASSWORD_RESET_LIMIT_WINDOW
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    per_email = rate_limit_exceeded(
        f"password-reset:email:{email_key}",
        limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
        window=window,
    )
    per_client = rate_limit_exceeded(
        f"password-reset:client:{client_address}",
        limit=settings.PASSWORD_RESET_LIMIT_PER_CLIENT,
        window=window,
    )
    if per_email or per_client:
        log.warning("Password reset not sent: limit reached (client %s).", client_address)
        return False
    return True


# --- self-serve sign-up ----------------------------------------------------------------------


def signup_allowed(*, email: str, client_address: str) -> bool:
    """Count one sign-up mail against its address and the client asking, like a password
    reset: False (and no mail) once either is spent; the page says the same."""
    window = settings.SIGNUP_LIMIT_WINDOW
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    per_email = rate_limit_exceeded(
        f"signup:email:{email_key}", limit=settings.SIGNUP_LIMIT_PER_EMAIL, window=window
    )
    per_client = rate_limit_exceeded(
        f"signup:client:{client_address}", limit=settings.SIGNUP_LIMIT_PER_CLIENT, window=window
    )
    if per_email or per_client:
        log.warning("Sign-up mail not sent: limit reached (client %s).", client_address)
        return False
    return True
