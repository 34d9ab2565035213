"""The isolation pattern: every URL under /o/<org_slug>/ is listed here with a way to build it
for a tenant's own objects. tests/test_isolation.py requests each one as a member of another
tenant (404), anonymously (sign-in redirect) and as a member (not 404), and fails when a URL
exists that this registry does not list. Later apps add their URLs to REGISTRY."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class TenantURL:
    name: str
    # Builds the URL kwargs (besides org_slug) for objects of the given tenant fixture.
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda t: {})
    methods: tuple[str, ...] = ("get",)


REGISTRY: list[TenantURL] = [
    TenantURL("org-home"),
    TenantURL("members", methods=("get", "post")),
    TenantURL("member", lambda t: {"membership_id": t.manager_membership.pk}, ("post",)),
    TenantURL("invitation-revoke", lambda t: {"invitation_id": t.invitation.pk}, ("post",)),
    TenantURL("amazon-settings"),
    TenantURL("amazon-connect", methods=("post",)),
    TenantURL("amazon-profiles", lambda t: {"connection_id": t.connection.pk}, ("get", "post")),
    TenantURL("amazon-disconnect", lambda t: {"connection_id": t.connection.pk}, ("post",)),
    TenantURL("sync-status"),
    TenantURL("sync-now", lambda t: {"store_id": t.campaign.store_id}, ("post",)),
    TenantURL("sync-apply-held", lambda t: {"run_id": t.sync_run.pk}, ("get", "post")),
    TenantURL("conversions", methods=("get", "post")),
    TenantURL("campaign-performance", lambda t: {"campaign_id": t.campaign.pk}),
    # campaigns
    TenantURL("tracking-plans"),
    TenantURL("tracking-plan-create", methods=("get", "post")),
    TenantURL("tracking-plan", lambda t: {"plan_id": t.plan.pk}, ("get", "post")),
    TenantURL("campaigns"),
    TenantURL("campaign-create", methods=("get", "post")),
    TenantURL("campaign", lambda t: {"campaign_id": t.campaign.pk}),
    TenantURL("campaign-edit", lambda t: {"campaign_id": t.campaign.pk}, ("get", "post")),
    TenantURL("campaign-products", lambda t: {"campaign_id": t.campaign.pk}, ("post",)),
    TenantURL(
        "campaign-product-remove",
        lambda t: {"campaign_id": t.campaign.pk, "product_id": t.product.pk},
        ("post",),
    ),
    TenantURL("campaign-creators", lambda t: {"campaign_id": t.campaign.pk}, ("post",)),
    TenantURL(
        "campaign-creator",
        lambda t: {"campaign_id": t.campaign.pk, "campaign_creator_id": t.campaign_creator.pk},
        ("post",),
    ),
    TenantURL("campaign-links", lambda t: {"campaign_id": t.campaign.pk}, ("get", "post")),
    TenantURL("campaign-link-check", lambda t: {"campaign_id": t.campaign.pk}),
    TenantURL(
        "campaign-creator-portal-invite",
        lambda t: {"campaign_id": t.campaign.pk, "campaign_creator_id": t.campaign_creator.pk},
        ("post",),
    ),
    TenantURL("link", lambda t: {"link_id": t.link.pk}, ("get", "post")),
    TenantURL("link-qr", lambda t: {"link_id": t.link.pk, "fmt": "svg"}),
    # creators
    TenantURL("creators", methods=("get", "post")),
    TenantURL("creators-import", methods=("get", "post")),
    TenantURL("creator", lambda t: {"creator_id": t.creator.pk}, ("get", "post")),
    # exports, payables, API keys
    TenantURL("exports", methods=("get", "post")),
    TenantURL("export", lambda t: {"export_id": t.export.pk}),
    TenantURL("payables", methods=("get", "post")),
    TenantURL("payables-csv"),
    TenantURL("api-keys", methods=("get", "post")),
    TenantURL("api-key-revoke", lambda t: {"key_id": t.api_key.pk}, ("post",)),
]


def tenant_url_names() -> set[str]:
    """Every named URL pattern that takes org_slug."""
    names: set[str] = set()

    def walk(patterns: list, prefix_has_org: bool) -> None:
        for p in patterns:
            has_org = prefix_has_org or "org_slug" in str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, has_org)
            elif isinstance(p, URLPattern) and has_org and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns, False)
    return names
