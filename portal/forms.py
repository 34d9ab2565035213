"""Forms of the creator portal. The rules are the services': a form only carries the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from creators.models import PayoutMethod
from creators.payout_details import PayoutDetailsData, payout_details_clean


class PayoutDetailsForm(forms.Form):
    method = forms.ChoiceField(
        label="How do you want to be paid?",
        choices=PayoutMethod.choices,
        widget=forms.RadioSelect,
    )
    paypal_email = forms.CharField(
        label="PayPal e-mail",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    account_holder = forms.CharField(
        label="Name on the bank account", required=False, max_length=140
    )
    receiver_type = forms.ChoiceField(
        label="The account belongs to",
        choices=(("PERSON", "A person"), ("BUSINESS", "A business")),
        required=False,
    )
    iban = forms.CharField(
        label="IBAN",
        required=False,
        max_length=42,
        help_text="For payouts in euros (and accounts in Europe).",
    )
    sort_code = forms.CharField(
        label="UK sort code", required=False, max_length=8, help_text="For payouts in pounds."
    )
    account_number = forms.CharField(
        label="Account number",
        required=False,
        max_length=20,
        help_text="With the UK sort code or the US routing number.",
    )
    abartn = forms.CharField(
        label="US routing number (ABA)",
        required=False,
        max_length=9,
        help_text="For payouts in US dollars.",
    )
    account_type = forms.ChoiceField(
        label="US account type",
        choices=(("", "—"), ("CHECKING", "Checking"), ("SAVINGS", "Savings")),
        required=False,
    )
    address_first_line = forms.CharField(label="Address", required=False, max_length=140)
    address_city = forms.CharField(label="City", required=False, max_length=80)
    address_state = forms.CharField(label="State", required=False, max_length=40)
    address_post_code = forms.CharField(label="ZIP / postcode", required=False, max_length=20)
    address_country = forms.CharField(
        label="Country code", required=False, max_length=2, help_text="Two letters, e.g. US."
    )

    details: PayoutDetailsData

    @classmethod
    def initial_from(cls, details: PayoutDetailsData | None) -> dict[str, Any]:
        if details is None:
            return {"method": PayoutMethod.PAYPAL, "receiver_type": "PERSON"}
        return {f: getattr(details, f) for f in cls.base_fields}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            self.details = payout_details_clean(data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        return data
