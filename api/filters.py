"""Query-string filters of the list endpoints (django-filter): ids, statuses, date ranges.
Filtering by another tenant's id finds nothing, like a missing one."""

from __future__ import annotations

import django_filters
from django import forms
from rest_framework import exceptions as drf_exceptions

from attribution.models import SyncRun
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, Product, TrackingPlan
from commissions.models import Conversion
from core.months import month_parse, month_range
from creators.models import Creator
from reporting.models import Export
from tenancy.emails import email_canonical_or_none


class IdField(forms.IntegerField):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    field_class = IdField


class TrackingPlanFilter(django_filters.FilterSet):
    store = IdFilter(field_name="store_id")
    archived = django_filters.BooleanFilter(
        field_name="archived_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = TrackingPlan
        fields: list[str] = []


class CampaignFilter(django_filters.FilterSet):
    store = IdFilter(field_name="store_id")
    tracking_plan = IdFilter(field_name="tracking_plan_id")
    status = django_filters.ChoiceFilter(choices=Campaign.Status.choices)

    class Meta:
        model = Campaign
        fields: list[str] = []


class ProductFilter(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id")
    asin = django_filters.CharFilter(field_name="asin", lookup_expr="iexact", max_length=10)
    removed = django_filters.BooleanFilter(
        field_name="removed_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Product
        fields: list[str] = []


class CreatorFilter(django_filters.FilterSet):
    email = django_filters.CharFilter(method="with_email", max_length=254)
    q = django_filters.CharFilter(method="search", max_length=120, label="Name, handle or email")

    class Meta:
        model = Creator
        fields: list[str] = []

    def with_email(self, queryset, name, value):  # type: ignore[no-untyped-def]
        """The canonical form, compared exactly (tenancy.emails); an invalid one finds none."""
        email = email_canonical_or_none(value)
        return queryset.filter(email=email) if email else queryset.none()

    def search(self, queryset, name, value):  # type: ignore[no-untyped-def]
        from django.db.models import Q

        return queryset.filter(
            Q(name__icontains=value) | Q(handle__icontains=value) | Q(email__icontains=value)
        )


class CampaignCreatorFilter(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id")
    creator = IdFilter(field_name="creator_id")
    status = django_filters.ChoiceFilter(choices=CampaignCreator.Status.choices)

    class Meta:
        model = CampaignCreator
        fields: list[str] = []


class LinkFilter(django_filters.FilterSet):
    campaign = IdFilter(field_name="campaign_id")
    campaign_creator = IdFilter(field_name="campaign_creator_id")
    creator = IdFilter(field_name="campaign_creator__creator_id")
    product = IdFilter(field_name="product_id")
    store = IdFilter(field_name="store_id")
    is_active = django_filters.BooleanFilter()
    code = django_filters.CharFilter(max_length=16)

    class Meta:
        model = AffiliateLink
        fields: list[str] = []


class ConversionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Conversion.Status.choices)
    store = IdFilter(field_name="store_id")
    campaign = IdFilter(field_name="campaign_id")
    creator = IdFilter(field_name="creator_id")
    start = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    end = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    month = django_filters.CharFilter(
        method="filter_month", help_text="A calendar month of the dates, YYYY-MM."
    )

    class Meta:
        model = Conversion
        fields: list[str] = []

    def filter_month(self, queryset, name, value):  # type: ignore[no-untyped-def]
        """The page's and the bulk decision's month (commissions ConversionFilter.month)."""
        month = month_parse(value)
        if month is None:
            raise drf_exceptions.ValidationError({"month": ["Not a month (YYYY-MM)."]})
        return queryset.filter(date__range=month_range(month))


class SyncRunFilter(django_filters.FilterSet):
    store = IdFilter(field_name="store_id")
    status = django_filters.ChoiceFilter(choices=SyncRun.Status.choices)

    class Meta:
        model = SyncRun
        fields: list[str] = []


class ExportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Export.Status.choices)

    class Meta:
        model = Export
        fields: list[str] = []
