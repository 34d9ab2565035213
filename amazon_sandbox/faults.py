"""Fault switches driven by ``POST /sandbox/faults``."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from .edge_faults import EdgeConfigError, EdgeFaults
from .report_faults import ReportFaultError, ReportFaults

FAIL_STATUSES = (500, 502, 503, 504)
TOKEN_PATH = "/auth/o2/token"
MAX_DELAY_SECONDS = 120.0


class FaultConfigError(ValueError):
    """Invalid fault configuration."""


@dataclass
class CountedFault:
    """A fault that hits the next ``remaining`` matching requests, once ``after`` matching
    requests have gone through untouched (Amazon failing part way through a pull)."""

    kind: str
    remaining: int
    value: float | int | None
    paths: tuple[str, ...] | None
    after: int = 0

    def matches(self, path: str) -> bool:
        """Default scope: Ads API paths; the LWA token path only when listed explicitly."""
        if self.paths is None:
            return path.startswith(("/v2/", "/attribution/", "/product/"))
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.paths)

    def to_json(self) -> dict[str, Any]:
        """JSON view for ``/sandbox/state``."""
        key = {"throttle": "retry_after", "fail": "status", "delay": "seconds"}[self.kind]
        view = {"count": self.remaining, key: self.value, "paths": list(self.paths or []) or None}
        return {**view, "after": self.after} if self.after else view

    def hits(self, path: str) -> bool:
        """Whether this request gets the fault (counting it down); call under the lock."""
        if self.remaining <= 0 or not self.matches(path):
            return False
        if self.after > 0:
            self.after -= 1
            return False
        self.remaining -= 1
        return True


@dataclass
class BadMetric:
    """The next ``remaining`` report pages with ``metric`` in their rows carry ``value`` there
    (a string, as Amazon sends metrics: e.g. ``"NaN"`` or ``"Infinity"``)."""

    remaining: int
    metric: str
    value: str

    def to_json(self) -> dict[str, Any]:
        """JSON view for ``/sandbox/state``."""
        return {"count": self.remaining, "metric": self.metric, "value": self.value}


@dataclass(frozen=True)
class FaultAction:
    """What the dispatcher must do for one request."""

    delay: float = 0.0
    status: int | None = None
    retry_after: float | int | None = None


def _count(spec: dict[str, Any], key: str = "count", default: int = 1) -> int:
    count = spec.get(key, default)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise FaultConfigError(f"{key} must be a non-negative integer")
    return count


def _paths(spec: dict[str, Any]) -> tuple[str, ...] | None:
    paths = spec.get("paths")
    if paths is None:
        return None
    if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
        raise FaultConfigError("paths must be a list of path strings")
    return tuple(paths)


def _bad_metric(spec: Any) -> BadMetric:
    if not isinstance(spec, dict):
        raise FaultConfigError("bad_metric must be an object")
    metric = spec.get("metric", "attributedSales14d")
    value = spec.get("value", "NaN")
    if not isinstance(metric, str) or not metric:
        raise FaultConfigError("metric must be a metric name")
    if not isinstance(value, str):
        raise FaultConfigError("value must be a string (Amazon sends metrics as strings)")
    return BadMetric(_count(spec), metric, value)


def _number(value: Any, name: str) -> float | int:
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise FaultConfigError(f"{name} must be a non-negative number")
    return value


class Faults:
    """All fault switches; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counted: dict[str, CountedFault] = {}
        self.forbidden_profiles: set[str] = set()
        self.revoked_refresh_tokens: set[str] = set()
        self.omit_cursor = 0  # last report pages to send without a `cursorId` key
        self.bad_metric: BadMetric | None = None
        self.edges = EdgeFaults()  # Amazon's edges: revoked profiles, removed endpoints, ...
        self.report = ReportFaults()  # throttle_share, large_page_errors, empty/null reports

    def configure(self, body: dict[str, Any]) -> None:
        """Apply a ``POST /sandbox/faults`` body (``expire_tokens`` is handled by the caller)."""
        try:
            edges = self.edges.parse(body)
        except EdgeConfigError as exc:
            raise FaultConfigError(str(exc)) from exc
        parsed: dict[str, CountedFault] = {}
        for kind in ("throttle", "fail", "delay"):
            spec = body.get(kind)
            if spec is None:
                continue
            if not isinstance(spec, dict):
                raise FaultConfigError(f"{kind} must be an object")
            value: float | int | None
            if kind == "throttle":
                raw = spec.get("retry_after", 1)
                value = None if raw is None else _number(raw, "retry_after")
            elif kind == "fail":
                value = spec.get("status", 500)
                if value not in FAIL_STATUSES:
                    raise FaultConfigError(f"status must be one of {FAIL_STATUSES}")
            else:
                value = _number(spec.get("seconds", 1), "seconds")
                if value > MAX_DELAY_SECONDS:
                    raise FaultConfigError(f"seconds must be <= {MAX_DELAY_SECONDS}")
            parsed[kind] = CountedFault(
                kind, _count(spec), value, _paths(spec), _count(spec, "after", 0)
            )
        sets = {}
        for key in ("forbid_profiles", "revoke_refresh_tokens"):
            items = body.get(key)
            if items is None:
                continue
            if not isinstance(items, list) or not all(isinstance(i, str | int) for i in items):
                raise FaultConfigError(f"{key} must be a list of strings")
            sets[key] = {str(i) for i in items}
        omit = body.get("omit_cursor")
        if omit is not None and not isinstance(omit, dict):
            raise FaultConfigError("omit_cursor must be an object")
        bad = body.get("bad_metric")
        bad_metric = None if bad is None else _bad_metric(bad)
        try:
            report = self.report.parse(body)
        except ReportFaultError as exc:
            raise FaultConfigError(str(exc)) from None
        with self._lock:
            self.report.apply(report)
            if omit is not None:
                self.omit_cursor = _count(omit)
            if bad_metric is not None:
                self.bad_metric = bad_metric
            self.counted.update(parsed)
            self.forbidden_profiles |= sets.get("forbid_profiles", set())
            self.revoked_refresh_tokens |= sets.get("revoke_refresh_tokens", set())
        self.edges.apply(edges)

    def take(self, path: str) -> FaultAction:
        """Consume the faults that apply to one request to ``path``."""
        with self._lock:
            delay = 0.0
            fault = self.counted.get("delay")
            if fault and fault.hits(path):
                delay = float(fault.value or 0)
            for kind in ("throttle", "fail"):
                fault = self.counted.get(kind)
                if fault and fault.hits(path):
                    if kind == "throttle":
                        return FaultAction(delay, 429, fault.value)
                    return FaultAction(delay, int(fault.value or 500))
            shared = self.report.take_share(path)
            if shared is not None:
                return FaultAction(delay, *shared)
            return FaultAction(delay)

    def take_omit_cursor(self) -> bool:
        """True (and counted down) when the next last page should lack ``cursorId``."""
        with self._lock:
            if self.omit_cursor > 0:
                self.omit_cursor -= 1
                return True
            return False

    def take_bad_metric(self, rows: list[dict[str, str]]) -> None:
        """Put the bad value into every row of this page that has the metric (and count the
        page down), when the ``bad_metric`` fault is on and the page has such a row."""
        with self._lock:
            bad = self.bad_metric
            if bad is None or bad.remaining <= 0 or not any(bad.metric in r for r in rows):
                return
            bad.remaining -= 1
            for row in rows:
                if bad.metric in row:
                    row[bad.metric] = bad.value

    def report_failure(self, group_by: str, count: int) -> int | None:
        """The status a report request fails with under ``large_page_errors``, if it does."""
        with self._lock:
            return self.report.large_page_status_for(group_by, count)

    def reshape_report(self, page: dict[str, Any]) -> None:
        """``empty_report``, ``null_report`` and ``null_ids`` applied to one report answer."""
        with self._lock:
            self.report.reshape(page)

    def is_forbidden(self, profile_id: int | str) -> bool:
        """True if the profile was refused Attribution access."""
        with self._lock:
            return str(profile_id) in self.forbidden_profiles

    def is_revoked(self, refresh_token: str) -> bool:
        """True if the refresh token was revoked."""
        with self._lock:
            return refresh_token in self.revoked_refresh_tokens

    def unrevoke(self, refresh_token: str) -> None:
        """Make a refresh token valid again (the user consented anew)."""
        with self._lock:
            self.revoked_refresh_tokens.discard(refresh_token)

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self.counted.clear()
            self.omit_cursor = 0
            self.bad_metric = None
            self.report.clear()
            self.forbidden_profiles.clear()
            self.revoked_refresh_tokens.clear()
        self.edges.clear()

    def snapshot(self) -> dict[str, Any]:
        """JSON view of the remaining faults."""
        with self._lock:
            return {
                **{k: f.to_json() for k, f in sorted(self.counted.items()) if f.remaining > 0},
                "forbid_profiles": sorted(self.forbidden_profiles),
                "revoke_refresh_tokens": sorted(self.revoked_refresh_tokens),
                "omit_cursor": self.omit_cursor,
                **(
                    {"bad_metric": self.bad_metric.to_json()}
                    if self.bad_metric and self.bad_metric.remaining > 0
                    else {}
                ),
                **self.edges.snapshot(),
                **self.report.snapshot(),
            }
