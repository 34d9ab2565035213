"""Audit events as people read them (the Activity page, its CSV and the API): who acted, what
and which object, and each change from what to what, with names instead of ids, choices by
their labels, money in its currency, rates as percentages. One query per kind of object named
on the page, whatever its length."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from audit.selectors import ActivityEvent
from audit.tracking import CHANGED, CREATED, REMOVED, Tracked
from core.money import money_format, money_text
from tenancy.models import User

ACTIONS = {CREATED: "Created", CHANGED: "Changed", REMOVED: "Removed"}
EMPTY = "—"


@dataclass(frozen=True)
class Actor:
    kind: str  # user, api_key, task, command, system
    label: str
    user_id: int | None = None
    email: str = ""
    api_key: str = ""
    name: str = ""  # the API key's, task's or command's name

    @classmethod
    def of(cls, context: dict[str, Any]) -> Actor:
        if context.get("user") is not None:
            email = str(context.get("email") or "")
            return cls("user", email or f"User #{context['user']}", int(context["user"]), email)
        if context.get("api_key"):
            name = str(context.get("api_key_name") or "")
            return cls("api_key", f"API key “{name}”", api_key=str(context["api_key"]), name=name)
        if context.get("task"):
            return cls("task", f"Task {context['task']}", name=str(context["task"]))
        if context.get("command"):
            return cls("command", f"Command {context['command']}", name=str(context["command"]))
        return cls("system", "System")


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str | None  # machine text (money: the currency's decimals), None when empty
    after: str | None
    before_display: str
    after_display: str


@dataclass(frozen=True)
class ActivityRow:
    event: ActivityEvent
    actor: Actor
    what: str
    action: str
    object_label: str
    changes: list[Change]
    currency: str
    url: str

    @property
    def at(self) -> datetime:
        return self.event.at


class _Names:
    """Names of the objects a page of events refers to, loaded per model in one query each."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[int]] = {}
        self.names: dict[tuple[type[models.Model], int], str] = {}

    def want(self, model: type[models.Model], pk: Any) -> None:
        with contextlib.suppress(TypeError, ValueError):
            self.wanted.setdefault(model, set()).add(int(pk))

    def load(self) -> None:
        for model, ids in self.wanted.items():
            if model is User:
                rows = User.objects.filter(pk__in=ids).values_list("pk", "email")
                self.names.update({(model, pk): email for pk, email in rows})
            else:
                for obj in model._default_manager.filter(pk__in=ids):
                    self.names[(model, obj.pk)] = str(obj)

    def get(self, model: type[models.Model], pk: Any, fallback: str = "") -> str:
        try:
            key = (model, int(pk))
        except (TypeError, ValueError):
            return fallback or EMPTY
        title = str(model._meta.verbose_name).capitalize()
        return self.names.get(key) or fallback or f"{title} #{pk}"


def _fields_by_column(tracked: Tracked) -> dict[str, models.Field]:
    return {f.column: f for f in tracked.model._meta.concrete_fields if f.column}


def _currency(tracked: Tracked, field: models.Field, row: dict[str, Any]) -> str:
    source = tracked.money.get(field.name, "")
    return str(row.get(source) or source) if source in row else source


def _machine(tracked: Tracked, field: models.Field, text: str | None, row: dict) -> str | None:
    if text is None:
        return None
    if field.name in tracked.money:
        try:
            return money_text(Decimal(text), _currency(tracked, field, row))
        except InvalidOperation:
            return text
    return text


def _display(
    tracked: Tracked, field: models.Field, text: str | None, row: dict, names: _Names
) -> str:
    if text is None or text == "":
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(text, text))
    if field.is_relation and field.related_model is not None:
        return names.get(field.related_model, text)  # type: ignore[arg-type]
    if field.name in tracked.money:
        try:
            return money_format(Decimal(text), _currency(tracked, field, row))
        except InvalidOperation:
            return text
    if isinstance(field, models.DecimalField) and "rate" in field.name:
        return f"{Decimal(text):f} %"
    if isinstance(field, models.BooleanField):
        return "Yes" if text in ("true", "t", "True") else "No"
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(text.replace(" ", "T", 1))
        if moment is not None:
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")
    if isinstance(field, models.JSONField) and field.name == "totals":
        try:
            totals = json.loads(text)
            return ", ".join(money_format(Decimal(v), k) for k, v in sorted(totals.items()))
        except (ValueError, AttributeError, InvalidOperation):
            return text
    if field.name.endswith("_days"):
        return f"{text} days"
    return text


def _object_label(event: ActivityEvent, names: _Names) -> str:
    describe = OBJECT_LABELS.get(event.kind)
    if describe is not None:
        return describe(event.row, names)
    name = event.row.get("name")
    return str(name) if name else f"{event.tracked.title} #{event.object_id}"


def _want(event: ActivityEvent, names: _Names) -> None:
    fields = _fields_by_column(event.tracked)
    for column, field in fields.items():
        related = field.related_model if field.is_relation else None
        row_value = event.row.get(column)
        if related is not None and field.name != "organization" and row_value:
            names.want(related, row_value)  # type: ignore[arg-type]
    for column, pair in event.diff.items():
        changed = fields.get(column)
        if changed is not None and changed.is_relation and changed.related_model is not None:
            for value in pair:
                if value is not None:
                    names.want(changed.related_model, value)  # type: ignore[arg-type]


def activity_rows(events: Iterable[ActivityEvent]) -> list[ActivityRow]:
    events = list(events)
    names = _Names()
    for event in events:
        _want(event, names)
    names.load()
    rows = []
    for event in events:
        fields = _fields_by_column(event.tracked)
        changes = []
        for column, pair in event.diff.items():
            field = fields.get(column)
            if field is None or len(pair) != 2 or pair == [None, None]:
                continue
            before, after = pair
            changes.append(
                Change(
                    field=field.name,
                    label=str(field.verbose_name or field.name).capitalize(),
                    before=_machine(event.tracked, field, before, event.row),
                    after=_machine(event.tracked, field, after, event.row),
                    before_display=_display(event.tracked, field, before, event.row, names),
                    after_display=_display(event.tracked, field, after, event.row, names),
                )
            )
        order = {name: i for i, name in enumerate((*event.tracked.watch, *event.tracked.snapshot))}
        changes.sort(key=lambda c: order.get(c.field, len(order)))
        currency = next(
            (
                str(event.row.get(src) or "")
                for src in event.tracked.money.values()
                if src in event.row
            ),
            "",
        )
        rows.append(
            ActivityRow(
                event=event,
                actor=Actor.of(event.context),
                what=event.tracked.title,
                action=ACTIONS.get(event.label, event.label.capitalize()),
                object_label=_object_label(event, names),
                changes=changes,
                currency=currency,
                url=str(event.context.get("url") or ""),
            )
        )
    return rows


# --- naming the object of each kind (a new kind without an entry shows "<title> #<id>") ------


def _related(model_label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(model_label)


def _campaign_creator(row: dict, names: _Names) -> str:
    creator = names.get(_related("creators.Creator"), row.get("creator_id"))
    campaign = names.get(_related("campaigns.Campaign"), row.get("campaign_id"))
    return f"{creator} on {campaign}"


def _conversion(row: dict, names: _Names) -> str:
    creator = names.get(_related("creators.Creator"), row.get("creator_id"))
    campaign = names.get(_related("campaigns.Campaign"), row.get("campaign_id"))
    return f"{creator} · {campaign} · {row.get('date')}"


def _payout(row: dict, names: _Names) -> str:
    reference = row.get("reference") or ""
    return f"Payout #{row['pgh_obj_id']}" + (f" ({reference})" if reference else "")


def _connection(row: dict, names: _Names) -> str:
    return f"Amazon Ads {row.get('region', '')} #{row['pgh_obj_id']}"


def _store(row: dict, names: _Names) -> str:
    name = row.get("advertiser_name") or row.get("account_name") or f"Store #{row['pgh_obj_id']}"
    return f"{name} ({row.get('country_code', '')})"


def _member(row: dict, names: _Names) -> str:
    return names.get(User, row.get("user_id"))


OBJECT_LABELS: dict[str, Callable[[dict, _Names], str]] = {
    "campaign_creator": _campaign_creator,
    "conversion": _conversion,
    "payout": _payout,
    "amazon_connection": _connection,
    "store": _store,
    "member": _member,
}
