"""Tracking a model's money-relevant fields: `audit_track(Model, ...)` in `audit/models.py` is
the whole job (then `makemigrations`, and `EnableRowLevelSecurity` for the new event table in
that migration; tests/tenancy/test_rls.py fails until it is there).

Each tracked model gets an event model `audit.<Model>Event` (pghistory's
`create_event_model`), a tenant table of its own, and three statement-level triggers on the
tracked table (pgtrigger: its migration lands in the tracked model's app, the tracked model's
`models.py` is not touched):

- `created` (INSERT) and `removed` (DELETE), and
- `changed` (UPDATE) when one of the `watch` fields changes.

The trigger writes the event in the same statement as the change, so a change cannot happen
without its row: a form, the API, a task or a bulk `QuerySet.update()` (one event per row it
changed, written by one INSERT ... SELECT from the statement's transition tables) alike. The
row holds the snapshot (`watch` and `snapshot` fields, after the change; before it for
`removed`), `pgh_diff` = {column: [before, after]} as text for each field that changed
(on `created`/`removed`: the watched fields, the missing side null), and `pgh_context` = who
(audit.context).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pghistory
import pgtrigger
from django.db import models
from pghistory.trigger import Event as PghistoryEventTrigger

CONTEXT_SQL = (
    "COALESCE(NULLIF(CURRENT_SETTING('pghistory.context_metadata', TRUE), ''), NULL)::JSONB"
)
CONTEXT_ID_SQL = "COALESCE(NULLIF(CURRENT_SETTING('pghistory.context_id', TRUE), ''), NULL)::UUID"

CREATED, CHANGED, REMOVED = "created", "changed", "removed"
HIDDEN = "(hidden)"  # a secret field's before and after in `pgh_diff`
LABELS = (CREATED, CHANGED, REMOVED)


def _text(alias: str, column: str) -> str:
    return f'{alias}."{column}"::text'


class _AuditTrigger(PghistoryEventTrigger):
    """pghistory's event trigger, statement level, plus the before/after diff."""

    def __init__(
        self, *, diff_columns: Sequence[str], secret_columns: Sequence[str] = (), **kwargs: Any
    ) -> None:
        self.diff_columns = list(diff_columns)
        self.secret_columns = list(secret_columns)
        super().__init__(**kwargs)

    def _diff_sql(self) -> str:
        parts = []
        for col in self.diff_columns:
            if self.operation == pgtrigger.Update:
                value = (
                    f'CASE WHEN old_values."{col}" IS DISTINCT FROM new_values."{col}" THEN '
                    f"jsonb_build_array({_text('old_values', col)}, {_text('new_values', col)}) "
                    "END"
                )
            elif self.operation == pgtrigger.Insert:
                value = f"jsonb_build_array(NULL, {_text('new_values', col)})"
            else:
                value = f"jsonb_build_array({_text('old_values', col)}, NULL)"
            parts.append(f"'{col}', {value}")
        for col in self.secret_columns:  # that it changed, never the value
            if self.operation == pgtrigger.Update:
                value = (
                    f'CASE WHEN old_values."{col}" IS DISTINCT FROM new_values."{col}" THEN '
                    f"jsonb_build_array('{HIDDEN}', '{HIDDEN}') END"
                )
            elif self.operation == pgtrigger.Insert:
                value = f"jsonb_build_array(NULL, '{HIDDEN}')"
            else:
                value = f"jsonb_build_array('{HIDDEN}', NULL)"
            parts.append(f"'{col}', {value}")
        built = f"jsonb_build_object({', '.join(parts)})"
        return f"jsonb_strip_nulls({built})" if self.operation == pgtrigger.Update else built

    def get_func(self, model: Any) -> pgtrigger.Func:
        event_model: Any = self.event_model
        assert event_model is not None and self.operation is not None
        tracked_fields = {f.name for f in event_model.pgh_tracked_model._meta.fields}
        alias = "new_values" if self.row == "NEW" else "old_values"
        values = {
            f.column: f'{alias}."{f.column}"'
            for f in event_model._meta.fields
            if not isinstance(f, models.AutoField) and f.concrete and f.name in tracked_fields
        }
        pk_column = event_model.pgh_tracked_model._meta.pk.column
        values |= {
            "pgh_created_at": "NOW()",
            "pgh_label": f"'{self.label}'",
            "pgh_obj_id": f'{alias}."{pk_column}"',
            "pgh_context": "_pgh_ctx.metadata",
            "pgh_context_id": "_pgh_ctx.id",
            "pgh_diff": self._diff_sql(),
        }
        sources: dict[Any, str] = {
            pgtrigger.Update: "{cond_joined_values}",
            pgtrigger.Insert: "{cond_new_values}",
            pgtrigger.Delete: "{cond_old_values}",
        }
        source = sources[self.operation]
        cols = ", ".join(f'"{c}"' for c in sorted(values))
        vals = ", ".join(values[c] for c in sorted(values))
        # The context is read once per statement, not per row.
        return pgtrigger.Func(
            f'INSERT INTO "{event_model._meta.db_table}" ({cols}) '
            f"SELECT {vals} FROM (SELECT {CONTEXT_SQL} AS metadata, {CONTEXT_ID_SQL} AS id) "
            f"AS _pgh_ctx, {source}; RETURN NULL;"
        )


class _AuditTracker(pghistory.RowEvent):
    def __init__(
        self,
        label: str,
        *,
        operation: Any,
        row: str,
        condition: Any,
        diff: Callable[[], list],
        secret: Sequence[str] = (),
    ) -> None:
        super().__init__(
            label,
            operation=operation,
            row=row,
            condition=condition,
            trigger_name=f"audit_{label}",
            level=pgtrigger.Statement,
        )
        self._diff = diff
        self._secret = list(secret)

    def add_event_trigger(self, event_model: Any) -> None:
        pgtrigger.register(
            _AuditTrigger(
                event_model=event_model,
                label=self.label,
                name=self.trigger_name,
                row=self.row,
                operation=self.operation,
                condition=self.condition,
                level=self.level,
                diff_columns=self._diff(),
                secret_columns=self._secret,
            )
        )(event_model.pgh_tracked_model)


@dataclass(frozen=True)
class Tracked:
    """One tracked model, as the Activity page and the API know it."""

    kind: str  # the `what` filter value, e.g. "campaign"
    title: str  # "Campaign terms"
    model: type[models.Model]
    event_model: type[models.Model]
    watch: tuple[str, ...]
    snapshot: tuple[str, ...]
    # Field name -> the snapshot field holding its currency ("commission": "currency"), or a
    # fixed ISO code; money fields are shown formatted in that currency.
    money: dict[str, str] = field(default_factory=dict)
    labels: tuple[str, ...] = LABELS


REGISTRY: dict[str, Tracked] = {}


def audit_track(
    model: type[models.Model],
    *,
    kind: str,
    title: str,
    watch: Sequence[str],
    snapshot: Sequence[str] = (),
    money: dict[str, str] | None = None,
    labels: Sequence[str] = LABELS,
    secret: Sequence[str] = (),
) -> type[models.Model]:
    """Track `model`: an event whenever it is created or removed, or one of `watch` changes;
    each event keeps `watch` + `snapshot` as they are after the change (`removed`: before).
    Never snapshot secrets (tokens, bank details): what `watch` and `snapshot` name is copied as
    is. Name them in `secret` instead: a change to one is an event whose diff says only that it
    changed (`HIDDEN` before and after), the value is not copied."""
    if len(kind) > 18 or not kind.isidentifier():
        raise ValueError("kind: a short identifier (it names indexes)")
    if kind in REGISTRY:
        raise ValueError(f"{kind} is tracked already")
    from audit.models import AuditEvent

    kept = [f for f in (*watch, *snapshot) if f not in ("id", "organization")]
    columns = {f: model._meta.get_field(f).column for f in kept}  # type: ignore[union-attr]
    watch_columns = [columns[f] for f in watch]
    secret_columns: list[str] = [str(model._meta.get_field(f).column) for f in secret]  # type: ignore[union-attr]
    trackers: list[pghistory.RowEvent] = []
    if CREATED in labels:
        trackers.append(
            _AuditTracker(
                CREATED,
                operation=pgtrigger.Insert,
                row="NEW",
                condition=None,
                diff=lambda: watch_columns,
                secret=secret_columns,
            )
        )
    if CHANGED in labels:
        trackers.append(
            _AuditTracker(
                CHANGED,
                operation=pgtrigger.Update,
                row="NEW",
                condition=pgtrigger.AnyChange(*watch, *secret),
                diff=lambda: list(columns.values()),
                secret=secret_columns,
            )
        )
    if REMOVED in labels:
        trackers.append(
            _AuditTracker(
                REMOVED,
                operation=pgtrigger.Delete,
                row="OLD",
                condition=None,
                diff=lambda: watch_columns,
                secret=secret_columns,
            )
        )
    event_model = pghistory.create_event_model(
        model,
        *trackers,
        fields=kept,
        obj_field=pghistory.ObjForeignKey(related_name="audit_events", db_index=False),
        context_field=pghistory.ContextJSONField(),
        context_id_field=pghistory.ContextUUIDField(),
        append_only=True,
        model_name=f"{model.__name__}Event",
        app_label="audit",
        base_model=AuditEvent,
        abstract=False,
        meta={
            "base_manager_name": "unscoped",
            "indexes": [
                models.Index(
                    fields=["organization", "-pgh_created_at", "-pgh_id"],
                    name=f"audit_{kind}_time",
                ),
                models.Index(fields=["organization", "pgh_obj"], name=f"audit_{kind}_obj"),
            ],
        },
    )
    REGISTRY[kind] = Tracked(
        kind=kind,
        title=title,
        model=model,
        event_model=event_model,
        watch=tuple(watch),
        snapshot=tuple(snapshot),
        money=dict(money or {}),
        labels=tuple(labels),
    )
    return event_model
