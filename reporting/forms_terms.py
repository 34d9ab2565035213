"""Forms of the "Change terms" page: new terms, the day they apply from, and whether to apply
them to the conversions still pending (commissions.services.campaign_terms_change)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from campaigns.models import PERCENT_VALIDATORS, Campaign

RATE_WIDGET = forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"})


class TermsChangeForm(forms.Form):
    terms_from = forms.DateField(
        label="Applies from",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The first day (the store's days) the new terms apply to. Past days keep the "
        "terms they were earned under.",
    )
    apply_to_pending = forms.BooleanField(
        label="Also apply to conversions still pending from that day",
        required=False,
        help_text="Only for a day before today: conversions not yet approved from that day "
        "take the new terms (you see what it moves before confirming). Approved, payable and "
        "paid ones keep theirs.",
    )


class CampaignTermsForm(TermsChangeForm):
    default_commission_rate = forms.DecimalField(
        label="Default commission (%)",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        widget=RATE_WIDGET,
    )
    commission_basis = forms.ChoiceField(
        label="Commission basis", choices=Campaign.CommissionBasis.choices, widget=forms.RadioSelect
    )
    settlement_days = forms.IntegerField(label="Settlement days", min_value=0, max_value=365)

    field_order = [
        "default_commission_rate",
        "commission_basis",
        "settlement_days",
        "terms_from",
        "apply_to_pending",
    ]


class CreatorTermsForm(TermsChangeForm):
    commission_rate_override = forms.DecimalField(
        label="Commission override (%)",
        required=False,
        max_digits=5,
        decimal_places=2,
        validators=PERCENT_VALIDATORS,
        help_text="Leave empty to use the campaign's default rate.",
        widget=RATE_WIDGET,
    )

    field_order = ["commission_rate_override", "terms_from", "apply_to_pending"]
