"""Forms of the creators pages."""

from __future__ import annotations

from django import forms

from creators.models import Channel
from tenancy.emails import EmailFormField


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
