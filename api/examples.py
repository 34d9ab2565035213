"""Example payloads for the OpenAPI document (every endpoint shows one)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample

STORE = {
    "id": 12,
    "name": "Acme Outdoor (US)",
    "marketplace": "US",
    "marketplace_id": "ATVPDKIKX0DER",
    "currency": "USD",
    "timezone": "America/Los_Angeles",
    "profile_id": 3700000000000001,
    "account_name": "Acme Outdoor",
    "advertiser_id": "1234567890",
    "advertiser_name": "Acme Outdoor",
    "status": "active",
    "status_message": "",
    "sync_cadence_hours": 24,
    "last_synced_at": "2026-11-05T03:17:00Z",
    "data_through": "2026-11-04",
}
PUBLISHER = {"id": "101", "name": "Instagram"}
PLAN = {
    "id": 4,
    "store": 12,
    "name": "Influencers",
    "publisher_id": "101",
    "publisher_name": "Instagram",
    "template_tag": "maas=maas_adg_api_1_static_9_101&ref_=aa_maas&tag=maas",
    "tag_fetched_at": "2026-10-01T09:00:00Z",
    "archived_at": None,
    "created_at": "2026-10-01T09:00:00Z",
}
CAMPAIGN = {
    "id": 7,
    "store": 12,
    "tracking_plan": 4,
    "name": "Spring launch",
    "starts_on": "2026-03-01",
    "ends_on": None,
    "status": "active",
    "track_sales": True,
    "default_commission_rate": "10.00",
    "commission_basis": "promoted",
    "settlement_days": 30,
    "auto_approve": False,
    "auto_approve_max_restated_percent": "10.00",
    "amazon_campaign_id": "spring-launch-2026",
    "store_page_id": "",
    "created_at": "2026-02-20T10:00:00Z",
}
PRODUCT = {
    "id": 31,
    "campaign": 7,
    "asin": "B0C1XYZ234",
    "title": "Trail bottle 750 ml",
    "amazon_status": "found",
    "amazon_title": "Summit Trail Bottle, 750 ml, Insulated Stainless Steel",
    "image_url": "https://images.example.com/I/B0C1XYZ234.jpg",
    "price": "24.99",
    "price_currency": "USD",
    "availability": "IN_STOCK",
    "metadata_checked_at": "2026-02-21T03:23:00Z",
    "removed_at": None,
    "created_at": "2026-02-20T10:05:00Z",
}
CREATOR = {
    "id": 55,
    "name": "Jane Doe",
    "email": "jane@example.com",
    "handle": "@janedoe",
    "channels": ["instagram", "tiktok"],
    "created_at": "2026-02-18T08:00:00Z",
}
CAMPAIGN_CREATOR = {
    "id": 90,
    "campaign": 7,
    "creator": 55,
    "status": "active",
    "commission_rate_override": "12.50",
    "commission_rate": "12.50",
    "amazon_adgroup_id": "janedoe",
    "created_at": "2026-02-20T10:06:00Z",
}
LINK = {
    "id": 301,
    "campaign": 7,
    "campaign_creator": 90,
    "creator": 55,
    "product": 31,
    "store": 12,
    "amazon_creative_id": "janedoe-b0c1xyz234",
    "code": "aB3dE5fG7h",
    "short_url": "https://go.example.com/l/aB3dE5fG7h",
    "destination_url": "https://www.amazon.com/dp/B0C1XYZ234?maas=maas_adg_api_1_static_9_101"
    "&ref_=aa_maas&tag=maas&aa_campaignid=spring-launch-2026&aa_adgroupid=janedoe"
    "&aa_creativeid=janedoe-b0c1xyz234",
    "is_active": True,
    "created_at": "2026-02-20T10:06:01Z",
}
METRIC_ROW = {
    "date": "2026-10-21",
    "store": 12,
    "marketplace": "US",
    "currency": "USD",
    "campaign": 7,
    "campaign_name": "Spring launch",
    "creator": None,
    "creator_name": None,
    "link": None,
    "link_code": None,
    "link_clicks": 41,
    "clicks": 37,
    "detail_page_views": 30,
    "add_to_cart": 9,
    "purchases": 4,
    "units_sold": 5,
    "sales": "119.96",
    "total_purchases": 6,
    "total_units_sold": 7,
    "total_sales": "171.40",
    "conversion_rate": "10.81",
    "brand_referral_bonus": "11.99",
    "commission": "12.00",
}
CONVERSION = {
    "id": 1201,
    "store": 12,
    "campaign": 7,
    "campaign_creator": 90,
    "creator": 55,
    "date": "2026-09-30",
    "currency": "USD",
    "purchases": 3,
    "units_sold": 3,
    "sales": "89.97",
    "commission_rate": "12.50",
    "commission": "11.25",
    "brand_referral_bonus": "8.99",
    "owed": "11.25",
    "adjustments": 0,
    "status": "awaiting",
    "settles_on": "2026-10-30",
    "decided_at": None,
    "decision_reason": "",
    "paid_at": None,
}
SYNC_RUN = {
    "id": 88,
    "store": 12,
    "trigger": "schedule",
    "status": "succeeded",
    "window_start": "2026-10-06",
    "window_end": "2026-11-04",
    "pages": 3,
    "rows_received": 2450,
    "rows_inserted": 80,
    "rows_updated": 12,
    "rows_removed": 0,
    "retries": 0,
    "error": "",
    "created_at": "2026-11-05T03:17:00Z",
    "started_at": "2026-11-05T03:17:01Z",
    "finished_at": "2026-11-05T03:17:09Z",
}
EXPORT = {
    "id": 17,
    "status": "done",
    "start": "2026-01-01",
    "end": "2026-10-31",
    "stores": [12],
    "group_by": "link",
    "campaign": None,
    "creator": None,
    "link": None,
    "rows_estimate": 240000,
    "rows_written": 231877,
    "file_size": 39123456,
    "error": "",
    "created_at": "2026-11-05T09:00:00Z",
    "finished_at": "2026-11-05T09:00:41Z",
    "expires_at": "2026-11-06T09:00:41Z",
    "download_url": "https://app.example.com/exports/eyJvIjoz.../download/",
}


def response(name: str, value: Any, status: str = "200") -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[status])


def request(name: str, value: Any) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True)
