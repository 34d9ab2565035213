"""Fault switches of the kind big accounts meet on ``POST /attribution/report``, driven by
``POST /sandbox/faults`` (see :class:`ReportFaults`):

- ``throttle_share``: a share of calls fails, for as long as the switch is on (not counted):
  429 with or without ``Retry-After``, and some 500s, drawn from a seeded generator so a run
  is repeatable;
- ``large_page_errors``: report requests of a level (``groupBy``) asking for more than a
  page size fail every time (Amazon has accounts where ADGROUP/CREATIVE calls keep failing
  at large ``count``);
- ``empty_report`` / ``null_report``: the next n report answers carry no rows (``[]``) or
  ``"reports": null``, and end the report there (empty cursor);
- ``null_ids``: the next n report pages with rows carry ``null`` in one id field.

Thread safety: :class:`amazon_sandbox.faults.Faults` calls these under its lock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

REPORT_PATH = "/attribution/report"
SHARE_STATUSES = (500, 502, 503, 504)
LEVELS = ("CAMPAIGN", "ADGROUP", "CREATIVE")
ID_FIELDS = ("campaignId", "adGroupId", "creativeId")


class ReportFaultError(ValueError):
    """Invalid configuration (the caller answers 400)."""


def _share(value: Any, name: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
        raise ReportFaultError(f"{name} must be a number between 0 and 1")
    return float(value)


def _count(spec: Any, name: str) -> int:
    if not isinstance(spec, dict):
        raise ReportFaultError(f"{name} must be an object")
    count = spec.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ReportFaultError("count must be a non-negative integer")
    return count


@dataclass
class ThrottleShare:
    """Each matching call fails with probability ``share``: a ``server_errors`` share of the
    failures answers ``status``, the rest 429; of the 429s a ``without_retry_after`` share
    comes without ``Retry-After``, the others with ``retry_after`` seconds."""

    share: float
    retry_after: float
    without_retry_after: float
    server_errors: float
    status: int
    paths: tuple[str, ...]
    rng: random.Random
    calls: int = 0
    failed: int = 0

    def matches(self, path: str) -> bool:
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.paths)

    def draw(self) -> tuple[int, float | None] | None:
        """(status, Retry-After or None) for a call that fails, None for one that passes."""
        self.calls += 1
        fails, kind, header = self.rng.random(), self.rng.random(), self.rng.random()
        if fails >= self.share:
            return None
        self.failed += 1
        if kind < self.server_errors:
            return self.status, None
        return 429, (None if header < self.without_retry_after else self.retry_after)

    def to_json(self) -> dict[str, Any]:
        return {
            "share": self.share,
            "retry_after": self.retry_after,
            "without_retry_after": self.without_retry_after,
            "server_errors": self.server_errors,
            "status": self.status,
            "paths": list(self.paths),
            "calls": self.calls,
            "failed": self.failed,
        }


def _throttle_share(spec: Any) -> ThrottleShare:
    if not isinstance(spec, dict):
        raise ReportFaultError("throttle_share must be an object")
    retry_after = spec.get("retry_after", 0)
    if not isinstance(retry_after, int | float) or isinstance(retry_after, bool) or retry_after < 0:
        raise ReportFaultError("retry_after must be a non-negative number")
    status = spec.get("status", 500)
    if status not in SHARE_STATUSES:
        raise ReportFaultError(f"status must be one of {SHARE_STATUSES}")
    paths = spec.get("paths", [REPORT_PATH])
    if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
        raise ReportFaultError("paths must be a list of path strings")
    rng_seed = spec.get("seed", 0)
    if not isinstance(rng_seed, int) or isinstance(rng_seed, bool):
        raise ReportFaultError("seed must be an integer")
    return ThrottleShare(
        share=_share(spec.get("share", 1 / 3), "share"),
        retry_after=float(retry_after),
        without_retry_after=_share(spec.get("without_retry_after", 0.5), "without_retry_after"),
        server_errors=_share(spec.get("server_errors", 0.2), "server_errors"),
        status=status,
        paths=tuple(paths),
        rng=random.Random(f"throttle_share|{rng_seed}"),
    )


def _large_page_errors(spec: Any) -> tuple[dict[str, int], int]:
    if not isinstance(spec, dict) or not isinstance(spec.get("above"), dict):
        raise ReportFaultError('large_page_errors must be {"above": {"ADGROUP": n, ...}}')
    above: dict[str, int] = {}
    for level, size in spec["above"].items():
        if level not in LEVELS:
            raise ReportFaultError(f"level must be one of {LEVELS}")
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            raise ReportFaultError("page sizes must be positive integers")
        above[level] = size
    status = spec.get("status", 500)
    if status not in SHARE_STATUSES:
        raise ReportFaultError(f"status must be one of {SHARE_STATUSES}")
    return above, status


class ReportFaults:
    """The switches above; ``parse`` validates a body, ``apply`` switches it on."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.share: ThrottleShare | None = None
        self.large_pages: dict[str, int] = {}
        self.large_page_status = 500
        self.empty = 0
        self.null = 0
        self.null_ids = 0
        self.null_id_field = "creativeId"

    def parse(self, body: dict[str, Any]) -> dict[str, Any]:
        """The report switches of a ``POST /sandbox/faults`` body, validated."""
        staged: dict[str, Any] = {}
        if body.get("throttle_share") is not None:
            staged["share"] = _throttle_share(body["throttle_share"])
        if body.get("large_page_errors") is not None:
            staged["large_pages"] = _large_page_errors(body["large_page_errors"])
        for key in ("empty_report", "null_report"):
            if body.get(key) is not None:
                staged[key] = _count(body[key], key)
        spec = body.get("null_ids")
        if spec is not None:
            field = spec.get("field", "creativeId") if isinstance(spec, dict) else None
            if field not in ID_FIELDS:
                raise ReportFaultError(f"field must be one of {ID_FIELDS}")
            staged["null_ids"] = (_count(spec, "null_ids"), field)
        return staged

    def apply(self, staged: dict[str, Any]) -> None:
        if "share" in staged:
            self.share = staged["share"]
        if "large_pages" in staged:
            self.large_pages, self.large_page_status = staged["large_pages"]
        self.empty = staged.get("empty_report", self.empty)
        self.null = staged.get("null_report", self.null)
        if "null_ids" in staged:
            self.null_ids, self.null_id_field = staged["null_ids"]

    def take_share(self, path: str) -> tuple[int, float | None] | None:
        """(status, Retry-After) when this call is one of the share that fails."""
        if self.share is None or not self.share.matches(path):
            return None
        return self.share.draw()

    def large_page_status_for(self, group_by: str, count: int) -> int | None:
        """The status a report request of this level and page size fails with, if it does."""
        limit = self.large_pages.get(group_by)
        return self.large_page_status if limit is not None and count > limit else None

    def reshape(self, page: dict[str, Any]) -> None:
        """Empty, null or null-id faults applied to one report answer (counted down)."""
        if self.null > 0:
            self.null -= 1
            page.update({"reports": None, "size": 0, "cursorId": ""})
            return
        if self.empty > 0:
            self.empty -= 1
            page.update({"reports": [], "size": 0, "cursorId": ""})
            return
        rows = page.get("reports") or []
        if self.null_ids > 0 and any(self.null_id_field in r for r in rows):
            self.null_ids -= 1
            for row in rows:
                if self.null_id_field in row:
                    row[self.null_id_field] = None

    def snapshot(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.share is not None:
            out["throttle_share"] = self.share.to_json()
        if self.large_pages:
            out["large_page_errors"] = {
                "above": dict(self.large_pages),
                "status": self.large_page_status,
            }
        if self.empty:
            out["empty_report"] = {"count": self.empty}
        if self.null:
            out["null_report"] = {"count": self.null}
        if self.null_ids:
            out["null_ids"] = {"count": self.null_ids, "field": self.null_id_field}
        return out
