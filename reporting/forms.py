"""Forms of the reporting pages: the export form and payables."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from attribution.models import Store
from core.months import month_parse
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


class ConversionFilterForm(forms.Form):
    """The conversions page's filter (GET, and carried by the decide form as hidden fields):
    store, campaign, creator, month and status. Unknown or foreign ids are form errors, never
    another tenant's rows (the choices are the tenant's own)."""

    store = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    campaign = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    creator = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    month = forms.CharField(
        required=False, widget=forms.DateInput(attrs={"type": "month"}), label="Month"
    )
    status = forms.ChoiceField(required=False)

    def __init__(
        self,
        data: Any,
        *,
        stores: list[tuple[int, str]],
        campaigns: list[tuple[int, str]],
        creators: list[tuple[int, str]],
        statuses: list[tuple[str, str]],
    ) -> None:
        super().__init__(data)
        for name, label, choices in (
            ("store", "All stores", stores),
            ("campaign", "All campaigns", campaigns),
            ("creator", "All creators", creators),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", label), *[(str(pk), text) for pk, text in choices]]
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [("", "Any status"), *statuses]

    def clean_month(self) -> date | None:
        value = self.cleaned_data.get("month") or ""
        if not value.strip():
            return None
        month = month_parse(value)
        if month is None:
            raise forms.ValidationError("Choose a month (YYYY-MM).")
        return month
