"""The Activity page's filters (the API's query parameters read the same names)."""

from __future__ import annotations

from typing import Any

from django import forms

from audit.selectors import ACTOR_API, ACTOR_SYSTEM, ActivityFilter
from audit.tracking import REGISTRY
from tenancy.selectors import members_list


def actor_choices() -> list[tuple[str, str]]:
    members = [
        (f"user:{m.user_id}", m.user.email)
        for m in members_list().select_related("user").order_by("user__email")
    ]
    return [
        ("", "Anyone"),
        *members,
        (ACTOR_API, "API keys"),
        (ACTOR_SYSTEM, "System (scheduled jobs and commands)"),
    ]


class ActivityFilterForm(forms.Form):
    what = forms.ChoiceField(required=False, label="What")
    who = forms.ChoiceField(required=False, label="Who")
    object = forms.IntegerField(
        required=False, min_value=1, label="Object id", help_text="With one kind of object."
    )
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = [  # type: ignore[attr-defined]
            ("", "Everything"),
            *((kind, t.title) for kind, t in REGISTRY.items()),
        ]
        self.fields["who"].choices = actor_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("object") and not data.get("what"):
            self.add_error("object", "Choose what kind of object first.")
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The end is before the start.")
        return data

    def activity_filter(self) -> ActivityFilter:
        data = self.cleaned_data
        what = data.get("what") or ""
        return ActivityFilter(
            kinds=(what,) if what else (),
            actor=data.get("who") or "",
            object_id=data.get("object") if what else None,
            start=data.get("start"),
            end=data.get("end"),
        )
