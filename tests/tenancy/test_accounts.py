"""Sign-in, rate limiting, password reset, invitations and members, through HTTP."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from tenancy.models import Invitation, Membership, Role, User
from tenancy.scoping import tenant_scope
from tests.factories import PASSWORD, MembershipFactory


def test_sign_in_lands_on_the_only_organisation(tenant_a, tenant_b):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "manager@alpha.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").url == "/o/alpha/"


def test_member_of_two_organisations_picks_and_switches(tenant_a, tenant_b):
    MembershipFactory(organization=tenant_b.org, user=tenant_a.manager, role=Role.VIEWER)
    client = tenant_a.client()
    page = client.get("/").content.decode()
    assert "/o/alpha/" in page and "/o/bravo/" in page
    # the switcher in the layout lists both, with the role in each
    home = client.get("/o/bravo/").content.decode()
    assert "Alpha" in home and "Viewer" in home


def test_wrong_password_is_refused_then_rate_limited(tenant_a, tenant_b):
    client = Client()
    for _ in range(4):
        r = client.post("/accounts/login/", {"username": "manager@alpha.test", "password": "nope"})
        assert r.status_code == 200
        assert "Please enter a correct email" in r.content.decode()
    r = client.post("/accounts/login/", {"username": "manager@alpha.test", "password": "nope"})
    assert r.status_code == 429
    assert "Too many failed sign-ins" in r.content.decode()
    # even the right password is refused during the cool-off
    r = client.post("/accounts/login/", {"username": "manager@alpha.test", "password": PASSWORD})
    assert r.status_code == 429
    # another account from the same address is not locked
    r = client.post("/accounts/login/", {"username": "owner@bravo.test", "password": PASSWORD})
    assert r.status_code == 302


def test_sign_out(tenant_a, tenant_b):
    client = tenant_a.client()
    assert client.post("/accounts/logout/").url == "/accounts/login/"
    assert client.get("/o/alpha/").url.startswith("/accounts/login/")


def test_password_reset_by_email(tenant_a, tenant_b):
    client = Client()
    r = client.post("/accounts/password_reset/", {"email": "manager@alpha.test"})
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    r = client.get(path, follow=True)
    form_path = r.redirect_chain[-1][0]
    r = client.post(
        form_path, {"new_password1": "a-new-long-pass-42", "new_password2": "a-new-long-pass-42"}
    )
    assert r.status_code == 302
    r = Client().post(
        "/accounts/login/", {"username": "manager@alpha.test", "password": "a-new-long-pass-42"}
    )
    assert r.status_code == 302


def _invitation_path() -> str:
    match = re.search(r"http://\S+/invitations/\S+/", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return "/" + match.group(0).split("/", 3)[3]


def test_invitation_for_a_new_person(tenant_a, tenant_b, django_capture_on_commit_callbacks):
    owner = tenant_a.client(tenant_a.owner)
    with django_capture_on_commit_callbacks(execute=True):
        r = owner.post("/o/alpha/members/", {"email": "New.Person@Example.test", "role": "finance"})
    assert r.status_code == 302
    assert mail.outbox[0].to == ["new.person@example.test"]
    path = _invitation_path()

    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200 and "Create your account" in page.content.decode()
    bad = visitor.post(path, {"name": "New", "password1": "x", "password2": "y"})
    assert bad.status_code == 200 and "The two passwords differ." in bad.content.decode()
    r = visitor.post(
        path,
        {"name": "New Person", "password1": "finance-pass-991", "password2": "finance-pass-991"},
    )
    assert r.status_code == 302 and r.url == "/o/alpha/"
    user = User.objects.get(email="new.person@example.test")
    with tenant_scope(tenant_a.org):
        assert Membership.objects.get(user=user).role == Role.FINANCE
        assert Invitation.objects.get(email=user.email).accepted_at is not None
    # single use
    assert visitor.get(path).status_code == 400
    # the invitee sees only alpha
    assert visitor.get("/o/bravo/").status_code == 404


def test_tampered_invitation_link_is_refused(db):
    r = Client().get("/invitations/not-a-real-token/")
    assert r.status_code == 400
    assert "not valid" in r.content.decode()


def test_invitation_for_an_existing_user_needs_their_sign_in(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    owner = tenant_a.client(tenant_a.owner)
    with django_capture_on_commit_callbacks(execute=True):
        owner.post("/o/alpha/members/", {"email": "manager@bravo.test", "role": "viewer"})
    path = _invitation_path()
    assert Client().get(path).url.startswith("/accounts/login/")
    # signed in as somebody else: refused with a clear reason
    wrong = tenant_a.client(tenant_a.manager)
    r = wrong.post(path)
    assert r.status_code == 400 and "for manager@bravo.test" in r.content.decode()
    right = tenant_b.client(tenant_b.manager)
    assert right.post(path).url == "/o/alpha/"


def test_members_page_rules(tenant_a, tenant_b):
    manager = tenant_a.client(tenant_a.manager)
    page = manager.get("/o/alpha/members/").content.decode()
    assert "owner@alpha.test" in page and "Invite someone" not in page
    # a manager cannot invite or change roles
    assert (
        manager.post("/o/alpha/members/", {"email": "x@y.test", "role": "viewer"}).status_code
        == 404
    )
    url = f"/o/alpha/members/{tenant_a.owner_membership.pk}/"
    assert manager.post(url, {"role": "viewer"}).status_code == 403

    owner = tenant_a.client(tenant_a.owner)
    # the last owner cannot step down or be removed
    r = owner.post(url, {"role": "viewer"}, follow=True)
    assert "at least one owner" in r.content.decode()
    owner.post(url, {"action": "remove"})
    with tenant_scope(tenant_a.org):
        assert Membership.objects.get(pk=tenant_a.owner_membership.pk).role == Role.OWNER
    # an owner promotes the manager to admin, then removes them
    m_url = f"/o/alpha/members/{tenant_a.manager_membership.pk}/"
    owner.post(m_url, {"role": "admin"})
    with tenant_scope(tenant_a.org):
        assert Membership.objects.get(pk=tenant_a.manager_membership.pk).role == Role.ADMIN
    owner.post(m_url, {"action": "remove"})
    with tenant_scope(tenant_a.org):
        assert not Membership.objects.filter(pk=tenant_a.manager_membership.pk).exists()
    with tenant_scope(tenant_b.org):
        assert Membership.objects.count() == 2


def test_admin_cannot_create_an_owner(tenant_a, tenant_b):
    admin = MembershipFactory(organization=tenant_a.org, role=Role.ADMIN)
    client = tenant_a.client(admin.user)
    r = client.post("/o/alpha/members/", {"email": "boss@x.test", "role": "owner"})
    assert r.status_code == 400 and "Only an owner can invite another owner." in r.content.decode()
    r = client.post("/o/alpha/members/", {"email": "not-an-email", "role": "viewer"})
    assert r.status_code == 400 and "Enter a valid email address." in r.content.decode()
