"""Stores, tracking plans, campaigns, products, creators, campaign creators, links."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.common import Email, Id
from attribution.models import Store
from campaigns.models import AffiliateLink, Campaign, CampaignCreator, Product, TrackingPlan
from campaigns.qr import short_url
from creators.models import Channel, Creator


class StoreSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    marketplace = serializers.CharField(source="country_code", read_only=True)
    currency = serializers.CharField(source="currency_code", read_only=True)

    class Meta:
        model = Store
        fields = [
            "id",
            "name",
            "marketplace",
            "marketplace_id",
            "currency",
            "timezone",
            "profile_id",
            "account_name",
            "advertiser_id",
            "advertiser_name",
            "status",
            "status_message",
            "sync_cadence_hours",
            "last_synced_at",
            "data_through",
        ]
        read_only_fields = fields


class PublisherSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class TrackingPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrackingPlan
        fields = [
            "id",
            "store",
            "name",
            "publisher_id",
            "publisher_name",
            "template_tag",
            "tag_fetched_at",
            "archived_at",
            "created_at",
        ]
        read_only_fields = fields


class TrackingPlanCreateSerializer(serializers.Serializer):
    store = Id()
    publisher_id = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class TrackingPlanUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "store",
            "tracking_plan",
            *Campaign.EDITABLE_FIELDS,
            "amazon_campaign_id",
            "store_page_id",
            "created_at",
        ]
        read_only_fields = fields


class CampaignWriteSerializer(serializers.Serializer):
    """Create: store, tracking_plan, name, starts_on and default_commission_rate are required.
    Update: any subset; the store and the Amazon id never change."""

    store = Id()
    tracking_plan = Id()
    name = serializers.CharField(max_length=120)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Campaign.Status.choices, required=False)
    track_sales = serializers.BooleanField(required=False)
    default_commission_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    commission_basis = serializers.ChoiceField(
        choices=Campaign.CommissionBasis.choices, required=False
    )
    settlement_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
    auto_approve = serializers.BooleanField(
        required=False,
        help_text="Approve conversions automatically at settlement unless Amazon restated "
        "the day by more than `auto_approve_max_restated_percent`.",
    )
    auto_approve_max_restated_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    store_page = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="The brand's Amazon Store page URL or page id; links to it are made too.",
    )


class CampaignUpdateSerializer(CampaignWriteSerializer):
    store = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class ProductSerializer(serializers.ModelSerializer):
    image_url = serializers.CharField(
        read_only=True, help_text="Amazon's product picture (a URL), or empty."
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "campaign",
            "asin",
            "title",
            "amazon_status",
            "amazon_title",
            "image_url",
            "price",
            "price_currency",
            "availability",
            "metadata_checked_at",
            "removed_at",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "amazon_status": {
                "help_text": "What Amazon's catalog says about the ASIN in the store's "
                "marketplace (product metadata, refreshed daily): found, not_found, unchecked."
            },
            "availability": {
                "help_text": "Amazon's availability: IN_STOCK, IN_STOCK_SCARCE, OUT_OF_STOCK, "
                "PREORDER, LEADTIME, AVAILABLE_DATE; empty when unknown."
            },
            "price": {"help_text": "Amazon's price to pay, in price_currency's decimals."},
        }


class ProductCreateSerializer(serializers.Serializer):
    campaign = Id()
    asin = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CreatorSerializer(serializers.ModelSerializer):
    email = serializers.CharField(help_text="An email address, or empty.")
    channels = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices))

    class Meta:
        model = Creator
        fields = ["id", "name", "email", "handle", "channels", "created_at"]
        read_only_fields = fields


class CreatorWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    email = Email(required=False, allow_blank=True, default="")
    handle = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), required=False, default=list
    )


class CreatorUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    email = Email(required=False, allow_blank=True)
    handle = serializers.CharField(max_length=80, required=False, allow_blank=True)
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=Channel.choices), required=False
    )


class CampaignCreatorSerializer(serializers.ModelSerializer):
    commission_rate = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)

    class Meta:
        model = CampaignCreator
        fields = [
            "id",
            "campaign",
            "creator",
            "status",
            "commission_rate_override",
            "commission_rate",
            "amazon_adgroup_id",
            "created_at",
        ]
        read_only_fields = fields


class CampaignCreatorCreateSerializer(serializers.Serializer):
    campaign = Id()
    creator = Id()
    commission_rate_override = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    status = serializers.ChoiceField(
        choices=[CampaignCreator.Status.INVITED, CampaignCreator.Status.ACTIVE],
        required=False,
        default=CampaignCreator.Status.INVITED,
    )


class CampaignCreatorUpdateSerializer(serializers.Serializer):
    commission_rate_override = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=CampaignCreator.Status.choices, required=False)


class LinkSerializer(serializers.ModelSerializer):
    creator = serializers.IntegerField(source="campaign_creator.creator_id", read_only=True)
    short_url = serializers.SerializerMethodField()

    class Meta:
        model = AffiliateLink
        fields = [
            "id",
            "campaign",
            "campaign_creator",
            "creator",
            "product",
            "store",
            "amazon_creative_id",
            "code",
            "short_url",
            "destination_url",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields

    def get_short_url(self, link: AffiliateLink) -> str:
        return short_url(link.code)


class LinkCreateSerializer(serializers.Serializer):
    campaign_creator = Id()
    product = Id(
        required=False, allow_null=True, help_text="null: the campaign's Amazon Store page."
    )


class LinkUpdateSerializer(serializers.Serializer):
    is_active = serializers.BooleanField()


class BulkProductSerializer(serializers.Serializer):
    asin = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LinkBulkSerializer(serializers.Serializer):
    campaign = Id()
    creators = serializers.ListField(
        child=Id(),
        required=False,
        default=list,
        max_length=5000,
        help_text="Creator ids to add to the campaign first (invited).",
    )
    products = serializers.ListField(
        child=BulkProductSerializer(),
        required=False,
        default=list,
        max_length=1000,
        help_text="Products (ASINs) to add to the campaign first.",
    )


class LinkJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()


class LinkBulkResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Links made now.")
    job = LinkJobSerializer(
        allow_null=True, help_text="A background job when there are many links to make."
    )
