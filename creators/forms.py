"""Forms of the creators pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from creators.models import CampaignCreator, Channel
from tenancy.emails import EmailFormField

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class CreatorForm(forms.Form):
    name = forms.CharField(max_length=120)
    email = EmailFormField(required=False)
    handle = forms.CharField(
        max_length=80, required=False, help_text="Their public handle, e.g. @janedoe."
    )
    channels = forms.MultipleChoiceField(
        choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class CreatorImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A header row with the columns name, email, handle (email and handle may be "
        "empty). UTF-8.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


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
        validators=PERCENT,
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
        validators=PERCENT,
    )
