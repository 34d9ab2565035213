"""Self-serve sign-up: a verified address, then the organisation and its first owner; the
checklist on the new organisation's overview; SIGNUP_OPEN off makes it invite-only."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from tenancy.models import Membership, Organization, Role, User
from tenancy.scoping import tenant_scope
from tenancy.signup import signup_token

PASSWORD = "a-long-enough-pass-42"


def _ask(client: Client, email: str, capture) -> str:
    with capture(execute=True):
        r = client.post("/accounts/signup/", {"email": email})
    assert r.status_code == 200 and "Check your email" in r.content.decode()
    return r.content.decode()


def _link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/signup/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def _complete(client: Client, path: str, **data) -> object:
    form = {
        "organization_name": "Trail & Co",
        "slug": "",
        "name": "Tess Trail",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **data,
    }
    return client.post(path, form)


def test_a_brand_signs_up_verifies_its_address_and_lands_on_the_checklist(
    db, django_capture_on_commit_callbacks
):
    client = Client()
    assert "Create an account" in client.get("/accounts/login/").content.decode()
    _ask(client, "  Tess@Trail.TEST ", django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == ["tess@trail.test"]
    path = _link(message)
    page = client.get(path).content.decode()
    assert "tess@trail.test" in page and "Organisation name" in page

    r = _complete(client, path)
    assert r.status_code == 302 and r["Location"] == "/o/trail-co/"
    org = Organization.objects.get(slug="trail-co")
    user = User.objects.get(email="tess@trail.test")
    assert (org.name, user.name, user.check_password(PASSWORD)) == (
        "Trail & Co",
        "Tess Trail",
        True,
    )
    with tenant_scope(org):
        assert Membership.objects.get(user=user).role == Role.OWNER

    # signed in, on the overview with the checklist: each step's state and its page
    home = client.get("/o/trail-co/").content.decode()
    assert "Get started" in home and "0 of 6 done" in home
    for title, href in [
        ("Connect Amazon Ads", "/o/trail-co/settings/amazon/"),
        ("Create a tracking plan", "/o/trail-co/tracking-plans/new/"),
        ("Create a campaign", "/o/trail-co/campaigns/new/"),
        ("Add products and creators", "/o/trail-co/campaigns/"),
        ("Send creators their links", "/o/trail-co/campaigns/"),
        ("First sync with Amazon", "/o/trail-co/sync/"),
    ]:
        assert title in home and f'href="{href}"' in home, title

    # the link is spent: the address has an account now
    again = Client().get(path)
    assert again.status_code == 400 and "already has an account" in again.content.decode()


def test_the_checklist_follows_the_data_and_goes_away_when_done(worlds):
    """An organisation with a store, plan, campaign, products, creators and links: those
    steps are done; a click and a successful sync finish the list and it disappears."""
    from attribution.models import SyncRun
    from campaigns.models import LinkClickDaily

    world = worlds["alpha"]
    client = world.tenant.client()
    home = client.get("/o/alpha/").content.decode()
    assert "Get started" in home and "4 of 6 done" in home
    assert re.search(r'data-step="links">.*?no click yet', home, re.S)
    with tenant_scope(world.org):
        LinkClickDaily.objects.create(link=world.links[0], date=world.campaign.starts_on, clicks=1)
        SyncRun.objects.create(
            store=world.store,
            trigger=SyncRun.Trigger.SCHEDULE,
            status=SyncRun.Status.SUCCEEDED,
            window_start=world.campaign.starts_on,
            window_end=world.campaign.starts_on,
        )
    assert "Get started" not in client.get("/o/alpha/").content.decode()


def test_an_address_with_an_account_gets_a_sign_in_hint_and_no_link(
    tenant_a, django_capture_on_commit_callbacks
):
    page = _ask(Client(), "owner@alpha.test", django_capture_on_commit_callbacks)
    assert "owner@alpha.test" in page  # the same page as for a new address
    [message] = mail.outbox
    assert "already has one" in message.body and "/accounts/signup/" not in message.body
    # a link minted for it anyway cannot take the account over
    r = _complete(Client(), f"/accounts/signup/{signup_token(email='owner@alpha.test')}/")
    assert r.status_code == 400 and "already has an account" in r.content.decode()
    assert Organization.objects.filter(slug="trail-co").count() == 0


def test_bad_links_and_bad_input_get_clear_answers(db, django_capture_on_commit_callbacks):
    client = Client()
    r = client.get("/accounts/signup/not-a-token/")
    assert r.status_code == 400 and "not valid" in r.content.decode()
    r = client.post("/accounts/signup/", {"email": "not an address"})
    assert r.status_code == 400 and not mail.outbox
    Organization.objects.create(name="Taken", slug="taken")
    path = f"/accounts/signup/{signup_token(email='new@brand.test')}/"
    r = _complete(client, path, slug="taken", password2="different-pass-99")
    page = r.content.decode()
    assert r.status_code == 400 and "The two passwords differ." in page
    r = _complete(client, path, slug="taken")
    assert r.status_code == 400 and "The slug &#x27;taken&#x27; is taken." in r.content.decode()
    assert not User.objects.filter(email="new@brand.test").exists()
    # an empty slug takes a free one from the name
    Organization.objects.create(name="Trail", slug="trail-co")
    assert _complete(client, path)["Location"] == "/o/trail-co-2/"


def test_sign_up_mails_are_limited_per_address(db, django_capture_on_commit_callbacks):
    client = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(6):
        _ask(client, "flood@brand.test", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("path", ["/accounts/signup/", "/accounts/signup/abc/"])
def test_signup_open_off_makes_the_installation_invite_only(db, settings, path):
    settings.SIGNUP_OPEN = False
    assert Client().get(path).status_code == 404
    assert "Create an account" not in Client().get("/accounts/login/").content.decode()
