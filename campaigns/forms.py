"""Forms of the campaigns pages: they parse and show errors; services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from campaigns.models import PERCENT_VALIDATORS, Campaign, CampaignCreator, TrackingPlan

NEW_PLAN = "new"


class TrackingPlanCreateForm(forms.Form):
    publisher_id = forms.ChoiceField(
        label="Amazon Attribution publisher",
        help_text="Where the creators post. For influencer links, the social network or "
        "“Influencer / affiliate”.",
    )
    name = forms.CharField(
        max_length=120,
        required=False,
        help_text="Optional; the publisher's name when left empty.",
    )

    def __init__(self, *args: Any, publishers: list[dict], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["publisher_id"]).choices = [
            ("", "Choose a publisher")
        ] + [(p["id"], p["name"]) for p in publishers]


class TrackingPlanRenameForm(forms.Form):
    name = forms.CharField(max_length=120, label="Name")


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=120)
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label="Ends on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional.",
    )
    status = forms.ChoiceField(choices=Campaign.Status.choices)
    track_sales = forms.BooleanField(
        label="Track orders & sales performance",
        required=False,
        initial=True,
        help_text="Pull Amazon's purchases and sales for this campaign and compute commissions.",
    )
    tracking_plan = forms.ChoiceField(label="Tracking plan")
    new_plan_publisher = forms.ChoiceField(label="Publisher for the new plan", required=False)
    new_plan_name = forms.CharField(label="Name of the new plan", max_length=120, required=False)
    default_commission_rate = forms.DecimalField(
        label="Default commission (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    commission_basis = forms.ChoiceField(
        choices=Campaign.CommissionBasis.choices,
        widget=forms.RadioSelect,
        initial=Campaign.CommissionBasis.PROMOTED,
    )
    settlement_days = forms.IntegerField(
        label="Settlement days",
        initial=30,
        min_value=0,
        max_value=365,
        help_text="Commissions stay pending this long (returns and Amazon's restatements).",
    )
    auto_approve = forms.BooleanField(
        label="Approve automatically at settlement",
        required=False,
        help_text="Conversions that settle are approved without a manager, unless Amazon "
        "restated the day by more than the share below. Conversions with nothing owed never "
        "wait for approval.",
    )
    auto_approve_max_restated_percent = forms.DecimalField(
        label="Unless Amazon restated the day by more than (%)",
        max_digits=5,
        decimal_places=2,
        required=False,
        initial=Decimal("10"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text="All of Amazon's changes to the day's sales while it was pending, as a share "
        "of the sales first reported.",
    )
    terms_from = forms.DateField(
        label="New terms apply from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="A changed rate, basis or settlement days applies from this day (today or "
        "later). Past days keep the terms they were earned under; to apply a change to "
        "conversions still pending, use “Change terms” on the campaign.",
    )
    store_page = forms.CharField(
        label="Amazon Store page (optional)",
        required=False,
        max_length=500,
        help_text="Paste the brand's Amazon Store URL or its page id to also give every "
        "creator a store-page link.",
    )

    def __init__(
        self,
        *args: Any,
        plans: list[TrackingPlan],
        publishers: list[dict] | None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["terms_from"]
        self.plans = {str(p.pk): p for p in plans}
        choices = [(str(p.pk), f"{p.name} ({p.publisher_name})") for p in plans]
        if publishers is not None and not editing:
            choices.append((NEW_PLAN, "Create a new tracking plan…"))
            cast(forms.ChoiceField, self.fields["new_plan_publisher"]).choices = [
                ("", "Choose a publisher")
            ] + [(p["id"], p["name"]) for p in publishers]
        else:
            del self.fields["new_plan_publisher"]
            del self.fields["new_plan_name"]
        cast(forms.ChoiceField, self.fields["tracking_plan"]).choices = [
            ("", "Choose a tracking plan"),
            *choices,
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan = data.get("tracking_plan")
        if plan == NEW_PLAN and not data.get("new_plan_publisher"):
            self.add_error("new_plan_publisher", "Choose the publisher for the new plan.")
        elif plan and plan != NEW_PLAN and plan not in self.plans:
            self.add_error("tracking_plan", "Choose one of the store's tracking plans.")
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "The end date is before the start date.")
        if "auto_approve_max_restated_percent" in data and (
            data["auto_approve_max_restated_percent"] is None
        ):  # left empty: the model's default share
            data["auto_approve_max_restated_percent"] = Decimal("10.00")
        return data

    @property
    def chosen_plan(self) -> TrackingPlan | None:
        return self.plans.get(self.cleaned_data.get("tracking_plan") or "")


class ProductsForm(forms.Form):
    products = forms.CharField(
        label="Add products",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "B0C1XYZ234, Trail tent 2P"}),
        help_text="One per line: the ASIN, optionally a comma and a title. Amazon's title, "
        "picture and price show below as you type.",
    )

    def entries(self) -> list[tuple[str, str]]:
        out = []
        for line in self.cleaned_data["products"].splitlines():
            if not line.strip():
                continue
            sep = "\t" if "\t" in line else ","
            asin, _, title = line.partition(sep)
            out.append((asin.strip(), title.strip()))
        return out


class CreatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}{' · ' + obj.handle if obj.handle else ''}"


class CampaignCreatorsAddForm(forms.Form):
    creators = CreatorChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(
        choices=[
            (CampaignCreator.Status.INVITED, "Invited"),
            (CampaignCreator.Status.ACTIVE, "Active"),
        ]
    )
    commission_rate_override = forms.DecimalField(
        label="Commission override (%)",
        required=False,
        max_digits=5,
        decimal_places=2,
        validators=PERCENT_VALIDATORS,
        help_text="Leave empty to use the campaign's default.",
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )

    def __init__(self, *args: Any, available: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["creators"].queryset = available  # type: ignore[attr-defined]


class CampaignCreatorForm(forms.Form):
    status = forms.ChoiceField(choices=CampaignCreator.Status.choices)
    commission_rate_override = forms.DecimalField(
        label="Commission override (%)",
        required=False,
        max_digits=5,
        decimal_places=2,
        validators=PERCENT_VALIDATORS,
    )
    terms_from = forms.DateField(label="Override applies from", required=False)
