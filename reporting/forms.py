"""Forms of the reporting pages: the export form and payables."""

from __future__ import annotations

from typing import Any

from django import forms

from attribution.models import Store
from reporting.exports.query import GROUPINGS

GROUP_LABELS = {
    "day": "Day: one row per date and store (Amazon's campaign level)",
    "campaign": "Campaign: per date, store and campaign (Amazon's campaign level)",
    "creator": "Creator: per date, store and creator (Amazon's ad-group level, masked more)",
    "link": "Link: per date, store and link (Amazon's creative level, masked most)",
}


class StoreChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {obj.currency_code}"


class ExportForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="From")
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="To")
    stores = StoreChoiceField(
        queryset=None,  # the tenant's stores, set per request
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every store.",
    )
    group_by = forms.ChoiceField(
        choices=[(g, GROUP_LABELS[g]) for g in GROUPINGS],
        initial="day",
        widget=forms.RadioSelect,
        label="Rows",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stores"].queryset = Store.objects.order_by("country_code", "pk")  # type: ignore[attr-defined]
