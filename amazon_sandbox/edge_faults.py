"""Amazon's edges as fault switches (``POST /sandbox/faults``), kept apart from the counted
faults in ``faults.py``. Each switch stays on until ``POST /sandbox/reset``.

- ``revoke_profiles: [profileId, ...]``: access to those profiles was withdrawn. Every call
  scoped to one answers 401 ``Not authorized to access scope <profileId>`` (a fresh token does
  not cure it), and ``/v2/profiles`` no longer lists it. The grant and its other profiles work.
- ``advertisers_gone: 404 | 410``: ``GET /attribution/advertisers`` is removed (Amazon's how-to
  marks it for deprecation).
- ``invalid_metrics: [name, ...]``: a report request listing one of them answers
  400 ``Invalid metric <name>`` (one public client reports this for the ``attributedTotal*``
  metrics).
- ``message_bodies: true``: Ads API error bodies carry ``message`` instead of ``details``
  (``{"code": "400", "message": "..."}``), as Amazon's 429s and not-eligible 400s do.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from .web import Response

GONE_STATUSES = (404, 410)


class EdgeConfigError(ValueError):
    """Invalid edge switch configuration."""


def _names(body: dict[str, Any], key: str) -> set[str] | None:
    items = body.get(key)
    if items is None:
        return None
    if not isinstance(items, list) or not all(
        isinstance(i, str | int) and not isinstance(i, bool) and str(i) for i in items
    ):
        raise EdgeConfigError(f"{key} must be a list of strings")
    return {str(i) for i in items}


class EdgeFaults:
    """The edge switches; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.revoked_profiles: set[str] = set()
        self.advertisers_gone: int | None = None
        self.invalid_metrics: set[str] = set()
        self.message_bodies = False

    def parse(self, body: dict[str, Any]) -> dict[str, Any]:
        """Validate the edge keys of a faults body (raises ``EdgeConfigError``)."""
        parsed: dict[str, Any] = {}
        for key in ("revoke_profiles", "invalid_metrics"):
            names = _names(body, key)
            if names is not None:
                parsed[key] = names
        gone = body.get("advertisers_gone")
        if gone is not None:
            if gone not in GONE_STATUSES or isinstance(gone, bool):
                raise EdgeConfigError(f"advertisers_gone must be one of {GONE_STATUSES}")
            parsed["advertisers_gone"] = gone
        bodies = body.get("message_bodies")
        if bodies is not None:
            if not isinstance(bodies, bool):
                raise EdgeConfigError("message_bodies must be true or false")
            parsed["message_bodies"] = bodies
        return parsed

    def apply(self, parsed: dict[str, Any]) -> None:
        """Switch on what ``parse`` accepted."""
        with self._lock:
            self.revoked_profiles |= parsed.get("revoke_profiles", set())
            self.invalid_metrics |= parsed.get("invalid_metrics", set())
            if "advertisers_gone" in parsed:
                self.advertisers_gone = parsed["advertisers_gone"]
            if "message_bodies" in parsed:
                self.message_bodies = parsed["message_bodies"]

    def is_profile_revoked(self, profile_id: int | str) -> bool:
        """True if access to the profile was withdrawn."""
        with self._lock:
            return str(profile_id) in self.revoked_profiles

    def advertisers_status(self) -> int | None:
        """The status ``/attribution/advertisers`` answers with, when it is removed."""
        with self._lock:
            return self.advertisers_gone

    def first_invalid_metric(self, metrics: list[str]) -> str | None:
        """The first of ``metrics`` that Amazon refuses, if any."""
        with self._lock:
            return next((m for m in metrics if m in self.invalid_metrics), None)

    def restyle(self, path: str, response: Response) -> Response:
        """With ``message_bodies`` on, an Ads API error body's ``details`` becomes ``message``."""
        with self._lock:
            on = self.message_bodies
        if not on or response.status < 400 or not path.startswith(("/v2/", "/attribution/")):
            return response
        try:
            body = json.loads(response.body)
        except ValueError:
            return response
        if not isinstance(body, dict) or "details" not in body:
            return response
        body["message"] = body.pop("details")
        response.body = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        return response

    def clear(self) -> None:
        """Switch every edge off."""
        with self._lock:
            self.revoked_profiles.clear()
            self.advertisers_gone = None
            self.invalid_metrics.clear()
            self.message_bodies = False

    def snapshot(self) -> dict[str, Any]:
        """JSON view for ``/sandbox/state`` (only the switches that are on)."""
        with self._lock:
            view: dict[str, Any] = {}
            if self.revoked_profiles:
                view["revoke_profiles"] = sorted(self.revoked_profiles)
            if self.advertisers_gone:
                view["advertisers_gone"] = self.advertisers_gone
            if self.invalid_metrics:
                view["invalid_metrics"] = sorted(self.invalid_metrics)
            if self.message_bodies:
                view["message_bodies"] = True
            return view
