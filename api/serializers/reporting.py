"""Daily metrics, conversions, sync runs, exports."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import exceptions, serializers

from api.serializers.common import Id, tenant_object
from attribution.models import SyncRun
from campaigns.models import AffiliateLink, Campaign
from commissions.models import Conversion
from core.months import month_parse
from creators.models import Creator
from reporting.exports.query import GROUPINGS, ExportQuery, export_query_build
from reporting.models import Export

DECIMAL_STRING = r"^-?\d+(\.\d+)?$"


class MetricsQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text="First day (YYYY-MM-DD), the store's calendar.")
    end = serializers.DateField(help_text="Last day, inclusive.")
    group_by = serializers.ChoiceField(
        choices=GROUPINGS,
        default="day",
        help_text="day: per date and store; campaign/creator/link: per date, store and that. "
        "day and campaign come from Amazon's campaign level (the store's and campaigns' "
        "totals), creator (and any query filtered by creator) from the ad-group level, link "
        "from the creative level (each finer level masked more by Amazon).",
    )
    store = serializers.ListField(
        child=Id(), required=False, default=list, help_text="Store ids (default: all)."
    )
    campaign = Id(required=False, help_text="Only rows of this campaign.")
    creator = Id(required=False, help_text="Only rows of this creator.")
    link = Id(required=False, help_text="Only rows of this link (group_by=link).")
    cursor = serializers.CharField(required=False, help_text="`next` of the previous page.")
    page_size = serializers.IntegerField(min_value=1, max_value=1000, default=500)


class MetricRowSerializer(serializers.Serializer):
    """One row, like the CSV export's. Money as decimal strings with the currency's decimals."""

    date = serializers.DateField()
    store = serializers.IntegerField()
    marketplace = serializers.CharField()
    currency = serializers.CharField()
    campaign = serializers.IntegerField(allow_null=True)
    campaign_name = serializers.CharField(allow_null=True)
    creator = serializers.IntegerField(allow_null=True)
    creator_name = serializers.CharField(allow_null=True)
    link = serializers.IntegerField(allow_null=True)
    link_code = serializers.CharField(allow_null=True)
    link_clicks = serializers.IntegerField()
    clicks = serializers.IntegerField()
    detail_page_views = serializers.IntegerField()
    add_to_cart = serializers.IntegerField()
    purchases = serializers.IntegerField()
    units_sold = serializers.IntegerField()
    sales = serializers.RegexField(DECIMAL_STRING)
    total_purchases = serializers.IntegerField()
    total_units_sold = serializers.IntegerField()
    total_sales = serializers.RegexField(DECIMAL_STRING)
    conversion_rate = serializers.RegexField(DECIMAL_STRING, allow_null=True)
    brand_referral_bonus = serializers.RegexField(DECIMAL_STRING)
    commission = serializers.RegexField(
        DECIMAL_STRING, allow_null=True, help_text="null for link rows."
    )


@extend_schema_serializer(many=False)  # one page object, not a list of them
class MetricPageSerializer(serializers.Serializer):
    next = serializers.CharField(allow_null=True)
    results = MetricRowSerializer(many=True)


class ConversionSerializer(serializers.ModelSerializer):
    owed = serializers.SerializerMethodField()
    adjustments = serializers.IntegerField(source="adjustment_count", read_only=True)

    class Meta:
        model = Conversion
        fields = [
            "id",
            "store",
            "campaign",
            "campaign_creator",
            "creator",
            "date",
            "currency",
            "purchases",
            "units_sold",
            "sales",
            "commission_rate",
            "commission",
            "brand_referral_bonus",
            "owed",
            "adjustments",
            "status",
            "settles_on",
            "decided_at",
            "decision_reason",
            "paid_at",
        ]
        read_only_fields = fields

    def get_owed(self, conversion: Conversion) -> str:
        """Commission plus the adjustments owed on top (conversions_list: with_owed)."""
        return str(conversion.owed)


class DecideSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Required to deny: the creator sees it.",
    )


class ConversionFilterSerializer(serializers.Serializer):
    """The conversions page's filter, with the list endpoint's parameter names: every
    conversion matching all the given fields (empty: all the organisation's)."""

    store = Id(required=False, allow_null=True)
    campaign = Id(required=False, allow_null=True)
    creator = Id(required=False, allow_null=True)
    month = serializers.RegexField(
        r"^\d{4}-\d{2}$",
        required=False,
        allow_null=True,
        help_text="A calendar month of the conversions' dates, YYYY-MM.",
    )
    status = serializers.ChoiceField(
        choices=Conversion.Status.choices,
        required=False,
        allow_null=True,
        help_text="Deciding needs `awaiting` (the default when omitted).",
    )

    def validate_month(self, value: str | None) -> Any:
        if not value:
            return None
        month = month_parse(value)
        if month is None:
            raise serializers.ValidationError("Not a month (YYYY-MM).")
        return month


class BulkDecideSerializer(DecideSerializer):
    """Either `ids` (each decided or skipped with its reason), or `filter` (every conversion
    awaiting approval that matches, all or nothing)."""

    ids = serializers.ListField(child=Id(), min_length=1, max_length=1000, required=False)
    filter = ConversionFilterSerializer(required=False)
    expected_count = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="With `filter`: how many conversions the caller means to decide "
        "(from GET /conversions/selection/); refused with 409 when that changed.",
    )
    expected_version = serializers.CharField(
        required=False,
        max_length=64,
        help_text="With `filter`: the `version` of GET /conversions/selection/; refused with "
        "409 when any matching conversion changed (restated, decided) since.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("ids" in attrs) == ("filter" in attrs):
            raise serializers.ValidationError("Give either `ids` or `filter`.")
        if "expected_version" in attrs and "expected_count" not in attrs:
            raise serializers.ValidationError(
                {"expected_count": ["Give it with `expected_version`."]}
            )
        return attrs


class DecisionSerializer(serializers.Serializer):
    decided = serializers.IntegerField()
    skipped = serializers.DictField(
        child=serializers.CharField(), help_text="Conversion id -> why it was not changed."
    )
    totals = serializers.DictField(
        child=serializers.RegexField(DECIMAL_STRING),
        required=False,
        help_text="With `filter`: what the decided conversions owe, per currency.",
    )


class SelectionSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Conversions matching the filter.")
    totals = serializers.DictField(
        child=serializers.RegexField(DECIMAL_STRING),
        help_text="What they owe, per currency (never summed across currencies).",
    )
    version = serializers.CharField(
        help_text="Changes when any of them changes; send it back as `expected_version`."
    )


class SyncRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = SyncRun
        fields = [
            "id",
            "store",
            "trigger",
            "status",
            "window_start",
            "window_end",
            "pages",
            "rows_received",
            "rows_inserted",
            "rows_updated",
            "rows_removed",
            "retries",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class SyncRequestSerializer(serializers.Serializer):
    store = Id()


class SyncAcceptedSerializer(serializers.Serializer):
    store = serializers.IntegerField()
    detail = serializers.CharField()


class ExportCreateSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    stores = serializers.ListField(
        child=Id(), required=False, default=list, help_text="Store ids (default: all)."
    )
    group_by = serializers.ChoiceField(choices=GROUPINGS, default="day")
    campaign = Id(required=False, allow_null=True)
    creator = Id(required=False, allow_null=True)
    link = Id(required=False, allow_null=True)


class ExportSerializer(serializers.ModelSerializer):
    stores = serializers.ListField(source="store_ids", child=serializers.IntegerField())
    campaign = serializers.IntegerField(source="campaign_id", allow_null=True)
    creator = serializers.IntegerField(source="creator_id", allow_null=True)
    link = serializers.IntegerField(source="link_id", allow_null=True)
    rows_written = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Export
        fields = [
            "id",
            "status",
            "start",
            "end",
            "stores",
            "group_by",
            "campaign",
            "creator",
            "link",
            "rows_estimate",
            "rows_written",
            "file_size",
            "error",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_rows_written(self, export: Export) -> int:
        from reporting.exports.jobs import export_progress

        return export_progress(export)

    def get_download_url(self, export: Export) -> str | None:
        """Signed, works without a key, expires an hour after this response."""
        from reporting.exports.jobs import export_download_path

        if export.status != Export.Status.DONE:
            return None
        request = self.context.get("request")
        path = export_download_path(export)
        return request.build_absolute_uri(path) if request else path


def export_query_from(data: dict[str, Any], *, stores_field: str) -> ExportQuery:
    """An export query from validated input; ids of another tenant are unknown ids."""
    tenant_object(Campaign, data.get("campaign"), "campaign")
    tenant_object(Creator, data.get("creator"), "creator")
    tenant_object(AffiliateLink, data.get("link"), "link")
    try:
        return export_query_build(
            start=data["start"],
            end=data["end"],
            store_ids=data.get(stores_field) or None,
            group_by=data["group_by"],
            campaign_id=data.get("campaign"),
            creator_id=data.get("creator"),
            link_id=data.get("link"),
        )
    except Exception as exc:
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            rename = {"store": stores_field}
            raise exceptions.ValidationError(
                {rename.get(k, k): v for k, v in exc.message_dict.items()}
            ) from exc
        raise
