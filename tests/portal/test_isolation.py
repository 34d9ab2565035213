"""Isolation of the creator portal: every portal URL, for every creator and every object that is
not theirs (another creator's in the same brand, a brand they are not linked to, their own
object under their other brand's URL), answers 404; their own answers 200; brand staff URLs
answer 404 to a creator, and portal URLs answer 404 to brand staff.

Three creators in two brands (tests/support/portal.py): Omar (alpha), Kim (bravo) and Jane (both,
one account). Every portal URL is listed below; a new one fails the suite until it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from portal.views.base import PortalView
from tests.isolation import REGISTRY as STAFF_REGISTRY
from tests.isolation import tenant_url as staff_url
from tests.support.portal import BROWSER, Profile


@dataclass(frozen=True)
class PortalURL:
    name: str
    # URL kwargs (besides brand_slug) for objects of the given creator profile
    kwargs: Callable[[Profile], dict[str, Any]] = field(default=lambda p: {})
    methods: tuple[str, ...] = ("get",)


BRAND_URLS = [
    PortalURL("portal-brand"),
    PortalURL("portal-link", lambda p: {"link_id": p.links[0].pk}),
    PortalURL("portal-link", lambda p: {"link_id": p.links[2].pk}),  # the store page
    PortalURL("portal-link-qr", lambda p: {"link_id": p.links[0].pk, "fmt": "svg"}),
    PortalURL("portal-link-qr", lambda p: {"link_id": p.links[1].pk, "fmt": "png"}),
    PortalURL("portal-earnings"),
    PortalURL("portal-earnings-csv"),
    PortalURL("portal-payouts"),
    PortalURL("portal-payout-details"),
]
# Not about one brand: tested in test_access.py (the home lists only the account's brands).
ACCOUNT_URLS = {"portal-home", "portal-signin", "portal-password"}
PROFILES = ("jane@alpha", "jane@bravo", "omar@alpha", "kim@bravo")
VIEWERS = ("jane", "omar", "kim")


def portal_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, inside: bool) -> None:
        for p in patterns:
            here = inside or str(p.pattern).startswith("portal/")
            if isinstance(p, URLResolver):
                walk(p.url_patterns, here)
            elif isinstance(p, URLPattern) and here and p.name:
                names.add(p.name)

    walk(get_resolver().url_patterns, False)
    return names


def url(entry: PortalURL, brand_slug: str, owner: Profile) -> str:
    return reverse(entry.name, kwargs={"brand_slug": brand_slug, **entry.kwargs(owner)})


def test_every_portal_url_is_listed_and_served_by_a_portal_view(portal):
    assert portal_url_names() == {e.name for e in BRAND_URLS} | ACCOUNT_URLS, (
        "add new portal URLs to tests/portal/test_isolation.py"
    )
    for entry in BRAND_URLS:
        view = resolve(url(entry, "alpha", portal.profiles["omar@alpha"])).func
        cls = view.view_class  # type: ignore[attr-defined]
        assert issubclass(cls, PortalView), entry.name
        assert "dispatch" not in cls.__dict__ or cls is PortalView, (
            f"{entry.name} overrides dispatch"
        )


@pytest.mark.parametrize("entry", BRAND_URLS, ids=lambda e: e.name)
def test_a_creator_reaches_only_their_own(portal, entry):
    clients = {who: portal.client(who) for who in VIEWERS}
    for who, client in clients.items():
        for key in PROFILES:
            owner = portal.profiles[key]
            for brand_slug in ("alpha", "bravo"):
                target = url(entry, brand_slug, owner)
                # theirs: a brand they are linked to, and (if the URL names an object) their
                # own object in that brand
                linked = f"{who}@{brand_slug}" in PROFILES
                own = linked and (key == f"{who}@{brand_slug}" or not entry.kwargs(owner))
                for method in entry.methods:
                    response = getattr(client, method)(target)
                    if own:
                        assert response.status_code == 200, (who, method, target)
                    else:
                        assert response.status_code == 404, (who, method, target)


@pytest.mark.parametrize("entry", BRAND_URLS, ids=lambda e: e.name)
def test_anonymous_is_sent_to_sign_in_and_staff_get_404(portal, tenant_a, entry):
    target = url(entry, "alpha", portal.profiles["omar@alpha"])
    response = Client().get(target)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/portal/")
    # the brand's own staff are not its creators: the portal is not a back door to them
    for user in (tenant_a.owner, tenant_a.manager):
        assert tenant_a.client(user).get(target).status_code == 404


def test_an_unknown_brand_is_404_like_a_foreign_one(portal):
    client = portal.client("omar")
    assert client.get("/portal/b/does-not-exist/").status_code == 404
    assert client.get("/portal/b/bravo/").status_code == 404
    assert client.get("/portal/b/alpha/").status_code == 200


def test_the_home_lists_only_the_accounts_brands(portal):
    for who, expected in (("jane", None), ("omar", "alpha"), ("kim", "bravo")):
        response = portal.client(who).get("/portal/")
        if expected:  # one brand: straight to it
            assert response.url == f"/portal/b/{expected}/"
        else:
            slugs = [b.organization.slug for b, _ in response.context["cards"]]
            assert slugs == ["alpha", "bravo"]


@pytest.mark.parametrize("entry", STAFF_REGISTRY, ids=lambda e: e.name)
def test_brand_staff_urls_answer_404_to_a_creator(portal, tenants, entry):
    a, _ = tenants
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.force_login(portal.users["jane"])
    for method in entry.methods:
        response = getattr(client, method)(staff_url(entry, a))
        assert response.status_code == 404, (method, entry.name)
