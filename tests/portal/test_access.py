"""Getting into the portal: a manager invites a creator from a campaign, the emailed magic link
signs them in once (and expires), they set a password, and later sign in with it. One account
can hold creator profiles in several brands."""

from __future__ import annotations

import html
import re

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import Client

from campaigns.clicks import flush
from campaigns.clicks.handoff import CREATOR_SESSION_KEY
from campaigns.models import ClickEvent, LinkClickDaily
from creators.invitations import PORTAL_SALT
from creators.models import Creator, PortalInvitation
from tenancy.models import Membership, Role, User
from tenancy.scoping import tenant_scope, user_scope
from tests.factories import PASSWORD, CampaignCreatorFactory, MembershipFactory
from tests.support.portal import BROWSER, Profile

NEW_PASSWORD = "a-long-creator-password-42"


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    def invite(tenant, profile, user=None) -> str:
        """A manager of `tenant` presses "Invite to portal" on the profile's campaign row;
        returns the sign-in path from the email."""
        mail.outbox.clear()
        client = tenant.client(user)
        url = (
            f"/o/{tenant.org.slug}/campaigns/{profile.cc.campaign_id}/creators/{profile.cc.pk}"
            "/portal-invite/"
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url)
        assert response.status_code == 302
        (message,) = mail.outbox
        assert message.to == [profile.creator.email]
        found = re.search(r"http://[^/]+(/portal/signin/[^/]+/)", message.body)
        assert found, message.body
        return found.group(1)

    return invite


@pytest.fixture
def newcomer(portal, tenant_a):
    """A creator in alpha's campaign without any account yet."""
    cc = CampaignCreatorFactory(
        campaign=portal.brands["alpha"].campaign,
        creator__name="Lee Newman",
        creator__email="lee@creators.test",
        status="active",
        amazon_adgroup_id="lee",
    )
    return Profile(tenant_a, cc.creator, cc)


def test_a_magic_link_signs_a_new_creator_in_once(portal, tenant_a, newcomer, invite):
    path = invite(tenant_a, newcomer)
    with tenant_scope(tenant_a.org):
        invitation = PortalInvitation.objects.get()
    assert (invitation.creator_id, invitation.email) == (newcomer.creator.pk, "lee@creators.test")
    assert mail.outbox[0].subject == "Alpha: your creator portal"
    assert "Alpha Autumn" in mail.outbox[0].body and "works once" in mail.outbox[0].body

    creator = Client()
    # Opening the link (as a mail scanner would) spends nothing
    page = creator.get(path)
    assert page.status_code == 200
    assert "Sign in as <strong>lee@creators.test</strong>" in text(page)
    assert creator.get(path).status_code == 200
    assert not User.objects.filter(email="lee@creators.test").exists()

    # Signing in creates the account (no password yet) and links the profile
    response = creator.post(path)
    assert response.status_code == 302 and response["Location"] == "/portal/password/"
    user = User.objects.get(email="lee@creators.test")
    assert not user.has_usable_password() and user.name == "Lee Newman"
    with tenant_scope(tenant_a.org):
        assert Creator.objects.get(pk=newcomer.creator.pk).user == user
        invitation.refresh_from_db()
    assert invitation.used_at is not None and invitation.used_by == user
    assert creator.session[CREATOR_SESSION_KEY] == [newcomer.creator.pk]
    assert not Membership.unscoped.filter(user=user).exists()  # a creator, not staff

    # The link is spent: a second use (even from another browser) is refused
    for again in (creator, Client()):
        refused = again.post(path)
        assert refused.status_code == 400
        assert "already used" in text(refused)
    assert Client().get(path).status_code == 400

    # Set a password right away (no old password asked), then sign in with it
    form = creator.get("/portal/password/")
    assert form.status_code == 200 and "Set a password" in text(form)
    saved = creator.post(
        "/portal/password/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert saved.status_code == 302 and saved["Location"] == "/portal/"
    later = Client()
    signed_in = later.post(
        "/accounts/login/", {"username": "lee@creators.test", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    assert later.get("/").url == "/portal/"  # no organisation: the portal
    assert later.get("/portal/").url == "/portal/b/alpha/"  # one brand: straight there
    assert later.session[CREATOR_SESSION_KEY] == [newcomer.creator.pk]


def test_a_link_that_expired_or_was_tampered_with_is_refused(
    portal, tenant_a, newcomer, settings, invite
):
    path = invite(tenant_a, newcomer)
    settings.PORTAL_INVITATION_MAX_AGE = -1
    response = Client().post(path)
    assert response.status_code == 400 and "expired" in text(response)
    settings.PORTAL_INVITATION_MAX_AGE = 3600
    token = path.split("/")[3]
    for bad in (token[:-2] + "xx", "nonsense", signing.dumps({"o": 1}, salt=PORTAL_SALT)):
        response = Client().post(f"/portal/signin/{bad}/")
        assert response.status_code == 400 and "not valid" in text(response)
    # an invitation token of another kind (a staff invitation) does not open the portal
    staff = signing.dumps({"i": 1, "o": tenant_a.org.pk}, salt="tenancy.invitation")
    assert Client().post(f"/portal/signin/{staff}/").status_code == 400
    assert not User.objects.filter(email="lee@creators.test").exists()
    assert Client().post(path).status_code == 302  # the real one still works


def test_a_newer_invitation_replaces_the_older_one(portal, tenant_a, newcomer, invite):
    first = invite(tenant_a, newcomer)
    second = invite(tenant_a, newcomer)
    response = Client().post(first)
    assert response.status_code == 400 and "replaced by a newer one" in text(response)
    assert Client().post(second).status_code == 302


def test_a_changed_creator_email_voids_the_link(portal, tenant_a, newcomer, invite):
    path = invite(tenant_a, newcomer)
    with tenant_scope(tenant_a.org):
        Creator.objects.filter(pk=newcomer.creator.pk).update(email="someone@else.test")
    response = Client().post(path)
    assert response.status_code == 400 and "changed this creator's email" in text(response)
    assert not User.objects.filter(email__in=["lee@creators.test", "someone@else.test"]).exists()


def test_an_existing_account_signs_in_and_gains_the_brand(portal, tenant_a, tenant_b, invite):
    """Kim (bravo) is also in alpha's campaign now: the alpha invitation signs her existing
    account in, and she sees both brands, each on its own."""
    cc = CampaignCreatorFactory(
        campaign=portal.brands["alpha"].campaign,
        creator__name="Kim P.",
        creator__email="kim@creators.test",
        status="active",
        amazon_adgroup_id="kim-alpha",
    )
    creator = cc.creator
    path = invite(tenant_a, Profile(tenant_a, creator, cc))
    kim = Client()
    response = kim.post(path)
    assert response.status_code == 302 and response["Location"] == "/portal/"
    kim_user = portal.users["kim"]
    assert int(kim.session["_auth_user_id"]) == kim_user.pk
    assert kim_user.check_password(PASSWORD)  # untouched
    assert sorted(kim.session[CREATOR_SESSION_KEY]) == sorted(
        [creator.pk, portal.profiles["kim@bravo"].creator.pk]
    )
    home = kim.get("/portal/")
    assert home.status_code == 200
    assert [c[0].organization.slug for c in home.context["cards"]] == ["alpha", "bravo"]
    # a magic link never replaces a password: changing it needs the old one
    page = kim.get("/portal/password/").content.decode()
    assert "Change your password" in page and "old_password" in page


def test_within_a_brand_an_account_is_one_profile(portal, tenant_a, invite):
    """The newest invitation wins: a second profile in the same brand with the same email
    (after an email change) takes the account over."""
    jane = portal.profiles["jane@alpha"]
    with tenant_scope(tenant_a.org):
        Creator.objects.filter(pk=jane.creator.pk).update(email="jane.old@creators.test")
    cc = CampaignCreatorFactory(
        campaign=portal.brands["alpha"].campaign,
        creator__name="Jane (new)",
        creator__email="jane@creators.test",
        status="active",
        amazon_adgroup_id="jane-new",
    )
    other = cc.creator
    path = invite(tenant_a, Profile(tenant_a, other, cc))
    assert Client().post(path).status_code == 302
    with tenant_scope(tenant_a.org):
        assert Creator.objects.get(pk=other.pk).user == portal.users["jane"]
        assert Creator.objects.get(pk=jane.creator.pk).user is None


def test_inviting_needs_an_email_a_live_campaign_row_and_a_manager(portal, tenant_a):
    from campaigns.models import CampaignCreator

    omar = portal.profiles["omar@alpha"]
    url = f"/o/alpha/campaigns/{omar.cc.campaign_id}/creators/{omar.cc.pk}/portal-invite/"
    with tenant_scope(tenant_a.org):
        Creator.objects.filter(pk=omar.creator.pk).update(email="")
    response = tenant_a.client().post(url, follow=True)
    assert "Add Omar Haddad's email address first" in text(response)
    with tenant_scope(tenant_a.org):
        Creator.objects.filter(pk=omar.creator.pk).update(email="omar@creators.test")
        CampaignCreator.objects.filter(pk=omar.cc.pk).update(status="removed")
    response = tenant_a.client().post(url, follow=True)
    assert "Omar Haddad is removed from this campaign" in text(response)
    assert mail.outbox == []

    finance = MembershipFactory(organization=tenant_a.org, role=Role.FINANCE).user
    assert tenant_a.client(finance).post(url).status_code == 403
    with tenant_scope(tenant_a.org):
        assert not PortalInvitation.objects.exists()


def test_the_campaign_page_offers_the_invitation(portal, tenant_a, newcomer, invite):
    page = tenant_a.client().get(f"/o/alpha/campaigns/{newcomer.cc.campaign_id}/")
    html = text(page)
    assert "Invite Lee Newman to the creator portal" in html
    assert "Signed up" in html  # Jane and Omar have accounts
    invite(tenant_a, newcomer)
    html = tenant_a.client().get(f"/o/alpha/campaigns/{newcomer.cc.campaign_id}/").content.decode()
    assert "Send portal link again" in html and "Invited" in html


def test_staff_land_on_their_organisation_and_creators_on_the_portal(portal, tenant_a):
    staff = Client()
    staff.post("/accounts/login/", {"username": "manager@alpha.test", "password": PASSWORD})
    assert staff.get("/").url == "/o/alpha/"
    jane = portal.client("jane")
    assert jane.get("/").url == "/portal/"
    home = jane.get("/portal/")
    assert home.status_code == 200  # two brands: a choice
    # staff who are also creators pick where to go
    MembershipFactory(organization=tenant_a.org, role=Role.VIEWER, user=portal.users["omar"])
    omar = portal.client("omar")
    page = omar.get("/")
    assert page.status_code == 200 and "/portal/" in text(page)


def test_changing_a_password_later_asks_for_the_old_one(portal):
    jane = portal.client("jane")
    page = jane.get("/portal/password/")
    assert "Change your password" in text(page)
    refused = jane.post(
        "/portal/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert refused.status_code == 400
    saved = jane.post(
        "/portal/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert saved.status_code == 302
    portal.users["jane"].refresh_from_db()
    assert portal.users["jane"].check_password(NEW_PASSWORD)
    assert jane.get("/portal/").status_code == 200  # still signed in


def test_row_level_security_lets_an_account_read_only_its_own_profiles(portal):
    """The one cross-tenant read: creators_creator rows whose user is app.user_id."""
    jane = portal.users["jane"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM creators_creator")
        assert cursor.fetchone()[0] == 0  # no scope: nothing
        with user_scope(jane.pk):
            cursor.execute("SELECT id, organization_id FROM creators_creator ORDER BY id")
            rows = cursor.fetchall()
            # and nothing else of those tenants
            cursor.execute("SELECT count(*) FROM creators_campaigncreator")
            assert cursor.fetchone()[0] == 0
    expected = sorted(
        (portal.profiles[k].creator.pk, portal.profiles[k].org.pk)
        for k in ("jane@alpha", "jane@bravo")
    )
    assert rows == expected


def test_the_creators_own_clicks_are_not_counted_in_any_brand(portal):
    jane = portal.client("jane")
    omar = portal.client("omar")
    visitor = Client(REMOTE_ADDR="198.51.100.9", HTTP_USER_AGENT=BROWSER)
    for profile_key in ("jane@alpha", "jane@bravo"):
        link = portal.profiles[profile_key].links[0]
        assert jane.get(f"/l/{link.code}").status_code == 302
        assert omar.get(f"/l/{link.code}").status_code == 302
        assert visitor.get(f"/l/{link.code}").status_code == 302
    flush.clicks_flush(stale_ms=0)
    for profile_key in ("jane@alpha", "jane@bravo"):
        profile = portal.profiles[profile_key]
        with tenant_scope(profile.org):
            events = list(ClickEvent.objects.filter(link=profile.links[0]).order_by("occurred_at"))
            assert [e.is_self for e in events] == [True, False, False]
            assert (
                LinkClickDaily.objects.filter(link=profile.links[0], sub_id="")
                .exclude(date__in=["2026-10-03", "2026-10-17", "2026-11-02"])
                .get()
                .clicks
                == 2
            )
