# ruff: noqa: RUF001, RUF002, RUF003  (look-alike characters are what these tests are about)
"""No creator sign-in link opens another person's account.

The reproduction: a manager of one brand (alpha) gives a creator an address that looks like the
owner of another brand (northwind) — `owner@northwınd.test` with a dotless ı, a different domain
the attacker can own, or `ſ` for `s` — sends the portal invitation, opens the link that arrives,
and sets a new password on /portal/password/. Before e-mail addresses had one canonical form,
PostgreSQL's UPPER() folded ı to I and ſ to S, the link signed the northwind owner in, and the
attacker owned northwind. Each of these tests failed on that code.
"""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail
from django.test import Client

from creators.models import Creator, PortalInvitation
from creators.selectors import portal_brands_for_user
from tenancy.models import Role, User
from tenancy.scoping import tenant_scope
from tenancy.selectors import memberships_for_user
from tests.factories import PASSWORD, CampaignCreatorFactory, MembershipFactory
from tests.support.tenants import make_tenant

ATTACKER_PASSWORD = "attacker-owns-this-now-42"
VICTIM = "owner@northwind.test"
LOOKALIKE = "This address looks like another account's address"


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def northwind(db):
    """The victim: another brand, whose owner signs in with owner@northwind.test."""
    return make_tenant("northwind")


@pytest.fixture
def lee(portal, tenant_a):
    """A creator in alpha's campaign, without an account yet."""
    return CampaignCreatorFactory(
        campaign=portal.brands["alpha"].campaign,
        creator__name="Lee Newman",
        creator__email="lee@creators.test",
        status="active",
        amazon_adgroup_id="lee",
    )


def _attack(tenant_a, cc, address, capture) -> tuple[Client, object]:
    """Alpha's manager sets the creator's email to `address`, sends the portal invitation, and
    then uses every sign-in link that was mailed (whatever the address) and tries to set a new
    password. Returns (the attacker's browser, the response to the e-mail change)."""
    manager = tenant_a.client()
    changed = manager.post(
        f"/o/alpha/creators/{cc.creator_id}/",
        {"name": "Lee Newman", "email": address, "handle": ""},
    )
    mail.outbox.clear()
    with capture(execute=True):
        manager.post(f"/o/alpha/campaigns/{cc.campaign_id}/creators/{cc.pk}/portal-invite/")
    attacker = Client()
    for message in mail.outbox:
        found = re.search(r"http://[^/]+(/portal/signin/[^/]+/)", message.body)
        if found:
            attacker.post(found.group(1))
    attacker.post(
        "/portal/password/",
        {"new_password1": ATTACKER_PASSWORD, "new_password2": ATTACKER_PASSWORD},
    )
    return attacker, changed


def _assert_victim_untouched(attacker: Client, northwind) -> None:
    victim = User.objects.get(email=VICTIM)
    # the attacker is signed out, or signed in as the creator whose link they used: not a
    # member of northwind either way (signed out: to the sign-in page; a stranger: 404)
    assert attacker.session.get("_auth_user_id") != str(victim.pk)
    assert attacker.get("/o/northwind/").status_code in (302, 404)
    assert attacker.get("/o/northwind/settings/api-keys/").status_code in (302, 404)
    assert victim.check_password(PASSWORD) and not victim.check_password(ATTACKER_PASSWORD)
    assert portal_brands_for_user(user=victim) == []
    again = Client()
    signed_in = again.post("/accounts/login/", {"username": VICTIM, "password": PASSWORD})
    assert signed_in["Location"] == "/"
    assert again.get("/o/northwind/").status_code == 200
    stolen = Client()
    refused = stolen.post("/accounts/login/", {"username": VICTIM, "password": ATTACKER_PASSWORD})
    assert refused.status_code == 200  # the form again: wrong password


@pytest.mark.parametrize(
    "lookalike",
    [
        "owner@northwınd.test",  # dotless ı: UPPER() gives I
        "owner@northwınd.teſt",  # and a long s: UPPER() gives S
        "OWNER@NORTHWIND.TEST",  # an upper-case copy of the address
        "owner@nоrthwind.test",  # Cyrillic о (never matched case-insensitively, still refused)
    ],
)
def test_a_look_alike_address_is_refused_and_opens_nothing(
    portal, tenant_a, northwind, lee, lookalike, django_capture_on_commit_callbacks
):
    attacker, changed = _attack(tenant_a, lee, lookalike, django_capture_on_commit_callbacks)

    _assert_victim_untouched(attacker, northwind)
    with tenant_scope(tenant_a.org):
        creator = Creator.objects.get(pk=lee.creator_id)
    if lookalike.lower() == VICTIM:
        # the same address in other letters: stored as the account's, and mailed there only
        assert changed.status_code == 302 and creator.email == VICTIM
        assert [m.to for m in mail.outbox] == [[VICTIM]]
    else:
        assert changed.status_code == 400
        assert LOOKALIKE in text(changed)
        assert creator.email == "lee@creators.test"  # unchanged: the link went to Lee
        assert [m.to for m in mail.outbox] == [["lee@creators.test"]]


def test_a_link_mailed_to_a_team_members_own_address_does_not_sign_them_in(
    portal, tenant_a, northwind, lee, django_capture_on_commit_callbacks
):
    """Even the real address: a sign-in link never opens an account with staff memberships
    (whoever reads the mailbox signs in with the password instead)."""
    attacker, changed = _attack(
        tenant_a, lee, "owner@northwind.teſt", django_capture_on_commit_callbacks
    )
    assert changed.status_code == 302
    (message,) = mail.outbox
    assert message.to == [VICTIM]  # ſ is an s in a domain name (IDNA): the owner's own address
    path = re.search(r"http://[^/]+(/portal/signin/[^/]+/)", message.body).group(1)
    refused = Client().post(path)
    assert refused.status_code == 400
    assert "signs in with a password, not with links" in text(refused)
    _assert_victim_untouched(attacker, northwind)
    with tenant_scope(tenant_a.org):
        invitation = PortalInvitation.objects.get()
        assert invitation.used_at is None
        assert Creator.objects.get(pk=lee.creator_id).user is None


def test_a_look_alike_already_stored_still_opens_nothing(
    portal, tenant_a, northwind, lee, django_capture_on_commit_callbacks
):
    """A look-alike that got in before the check (old data): the link makes no account that
    looks like the owner's, and signs in nobody."""
    with tenant_scope(tenant_a.org):
        Creator.objects.filter(pk=lee.creator_id).update(email="owner@northwınd.test")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tenant_a.client().post(
            f"/o/alpha/campaigns/{lee.campaign_id}/creators/{lee.pk}/portal-invite/"
        )
    (message,) = mail.outbox
    assert message.to == ["owner@xn--northwnd-ykb.test"]
    path = re.search(r"http://[^/]+(/portal/signin/[^/]+/)", message.body).group(1)
    attacker = Client()
    refused = attacker.post(path)
    assert refused.status_code == 400 and LOOKALIKE in text(refused)
    assert not User.objects.exclude(email__in=_known_emails()).exists()
    _assert_victim_untouched(attacker, northwind)


def _known_emails() -> list[str]:
    return [
        f"{who}@{org}.test"
        for who in ("owner", "manager")
        for org in ("alpha", "bravo", "northwind")
    ] + [f"{c}@creators.test" for c in ("jane", "omar", "kim")]


def test_a_team_member_who_is_also_a_creator_links_the_profile_once_signed_in(
    portal, tenant_a, northwind, lee, django_capture_on_commit_callbacks
):
    """Northwind's owner creates content for alpha: the link works in the browser where they
    signed in with their password, and only there."""
    with tenant_scope(tenant_a.org):
        Creator.objects.filter(pk=lee.creator_id).update(email=VICTIM)
    with django_capture_on_commit_callbacks(execute=True):
        tenant_a.client().post(
            f"/o/alpha/campaigns/{lee.campaign_id}/creators/{lee.pk}/portal-invite/"
        )
    path = re.search(r"http://[^/]+(/portal/signin/[^/]+/)", mail.outbox[0].body).group(1)
    owner = Client()
    owner.post("/accounts/login/", {"username": VICTIM, "password": PASSWORD})
    assert Client().post(path).status_code == 400  # not signed in: refused
    response = owner.post(path)
    assert response.status_code == 302 and response["Location"] == "/portal/"
    victim = User.objects.get(email=VICTIM)
    with tenant_scope(tenant_a.org):
        assert Creator.objects.get(pk=lee.creator_id).user == victim
    # the link gave no power over the password: changing it needs the old one
    assert "Change your password" in text(owner.get("/portal/password/"))
    assert [m.organization.slug for m in memberships_for_user(user=victim)] == ["northwind"]


def test_a_former_creator_with_staff_rights_is_not_signed_in_by_link(
    portal, tenant_a, django_capture_on_commit_callbacks
):
    """Omar has a portal account and is now a viewer at alpha: a link (here from bravo) never
    signs him in any more."""
    omar = portal.users["omar"]
    MembershipFactory(organization=portal.brands["alpha"].tenant.org, role=Role.VIEWER, user=omar)
    bravo = portal.brands["bravo"]
    cc = CampaignCreatorFactory(
        campaign=bravo.campaign,
        creator__name="Omar H.",
        creator__email=omar.email,
        status="active",
        amazon_adgroup_id="omar-b",
    )
    with django_capture_on_commit_callbacks(execute=True):
        bravo.tenant.client().post(
            f"/o/bravo/campaigns/{cc.campaign_id}/creators/{cc.pk}/portal-invite/"
        )
    path = re.search(r"http://[^/]+(/portal/signin/[^/]+/)", mail.outbox[-1].body).group(1)
    browser = Client()
    refused = browser.post(path)
    assert refused.status_code == 400 and "signs in with a password, not with links" in text(
        refused
    )
    assert "_auth_user_id" not in browser.session
