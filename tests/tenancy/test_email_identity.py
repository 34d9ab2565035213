# ruff: noqa: RUF001, RUF002, RUF003  (look-alike characters are what these tests are about)
"""One canonical form for e-mail addresses (tenancy.emails), compared by exact equality
everywhere: sign-in, invitations, password reset, member lookup, creators (form, import, API),
and the data migration that rewrites stored addresses. Look-alikes of an account's address
are refused where a manager types an address for someone else."""

from __future__ import annotations

import importlib
import io
import re
import types
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client

from creators.models import Creator, PortalInvitation
from tenancy.emails import (
    LOOKALIKE_MESSAGE,
    EmailInvalid,
    email_canonical,
    email_skeleton,
    email_skeleton_key,
    emails_looking_like_accounts,
)
from tenancy.models import Invitation, Role, User
from tenancy.scoping import tenant_scope
from tests.factories import PASSWORD, CreatorFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


# --- the canonical form ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("owner@alpha.test", "owner@alpha.test"),
        ("  OWNER@Alpha.TEST \n", "owner@alpha.test"),
        ("Jane.Doe+ig@Example.COM", "jane.doe+ig@example.com"),
        ("kim@BÜCHER.test", "kim@xn--bcher-kva.test"),
        ("kim@bücher.test", "kim@xn--bcher-kva.test"),
        ("kim@xn--bcher-kva.test", "kim@xn--bcher-kva.test"),
        ("kim@bu\u0308cher.test", "kim@xn--bcher-kva.test"),  # decomposed ü (NFD)
        ("owner@northwınd.test", "owner@xn--northwnd-ykb.test"),  # dotless ı: its own domain
        ("owner@northwind.teſt", "owner@northwind.test"),  # ſ is s in a domain name (IDNA)
        ("owner@ｎｏｒｔｈｗｉｎｄ.test", "owner@northwind.test"),  # full-width letters (IDNA)
    ],
)
def test_the_canonical_form(typed, canonical):
    assert email_canonical(typed) == canonical
    assert email_canonical(canonical) == canonical  # idempotent


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Enter an email address."),
        ("not-an-email", "must have an @-sign"),
        ("ſam@northwind.test", "Internationalized characters before the @-sign are not supported"),
        ("sıd@northwind.test", "Internationalized characters before the @-sign are not supported"),
        (
            "\u212aim@northwind.test",
            "Internationalized characters before the @-sign are not supported",
        ),
        ("root@localhost", "should have a period"),
        ("me@box.local", "special-use or reserved name"),
        ('"quoted"@alpha.test', "Quoting the part before the @-sign is not allowed"),
        ("a@[192.0.2.1]", "bracketed IP address"),
        ("x" * 250 + "@alpha.test", "too long"),
    ],
)
def test_what_has_no_canonical_form_is_refused_with_a_reason(typed, reason):
    with pytest.raises(EmailInvalid) as refused:
        email_canonical(typed)
    assert reason in refused.value.message


def test_lower_casing_the_local_part_cannot_fold_one_mailbox_onto_another():
    """Local parts are ASCII (SMTPUTF8 is refused), so str.lower() maps only A-Z to a-z: no
    non-ASCII letter can become an ASCII one (`ſ`.upper() is S, `ı`.upper() is I, `K` (the
    Kelvin sign).lower() is k; none of them gets in)."""
    for char in ("ſ", "ı", "\u212a", "İ", "ß", "ﬀ"):
        with pytest.raises(EmailInvalid):
            email_canonical(f"{char}x@alpha.test")
    ascii_letters = "".join(map(chr, range(33, 127)))
    assert all(c.lower() == c or "A" <= c <= "Z" for c in ascii_letters)


# --- look-alikes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lookalike",
    [
        "owner@northwınd.test",  # dotless ı (Latin)
        "owner@nоrthwind.test",  # Cyrillic о in the domain
        "оwner@northwind.test",  # Cyrillic о before the @ (not even valid: compared as typed)
        "owner@northwⅰnd.test",  # small roman numeral one
        "owner@n0rthwind.test",  # zero
        "0wner@northwind.test",
        "OWNER@NORTHWIND.TEST",
    ],
)
def test_look_alikes_share_a_skeleton(lookalike):
    assert email_skeleton(lookalike) == email_skeleton("owner@northwind.test")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("jl@alpha.test", "j1@alpha.test"),  # l and 1
        ("arnold@alpha.test", "amold@alpha.test"),  # rn and m
        ("pay@alpha.test", "pay@аlpha.test"),  # Cyrillic а in the domain
        ("OWNER@ALPHA.TEST", "owner@alpha.test"),
    ],
)
def test_more_look_alikes(one, other):
    assert email_skeleton(one) == email_skeleton(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("jane@alpha.test", "jake@alpha.test"),
        ("owner@alpha.test", "owner@bravo.test"),
        ("kim@bücher.test", "kim@bucher.test"),  # ü is no u
    ],
)
def test_different_addresses_do_not_look_alike(one, other):
    assert email_skeleton(one) != email_skeleton(other)


def test_accounts_keep_their_skeleton_and_look_alikes_are_found_in_one_query(
    tenant_a, tenant_b, django_assert_num_queries
):
    owner = User.objects.get(email="owner@alpha.test")
    assert owner.email_skeleton == email_skeleton_key("owner@alpha.test")
    with django_assert_num_queries(1):
        found = emails_looking_like_accounts(
            [
                "owner@alpha.test",  # the account itself: no look-alike
                "owner@xn--lpha-43d.test",  # owner@аlpha.test, with a Cyrillic а
                "manager@bravo.test",
                "0wner@alpha.test",
                "someone@else.test",
            ]
        )
    assert email_canonical("owner@аlpha.test") == "owner@xn--lpha-43d.test"
    assert found == {"owner@xn--lpha-43d.test", "0wner@alpha.test"}


def test_no_account_is_created_with_an_address_like_anothers(tenant_a, tenant_b):
    with pytest.raises(ValidationError) as refused:
        User.objects.create_user("0wner@alpha.test", PASSWORD)
    assert refused.value.messages == [LOOKALIKE_MESSAGE]
    assert User.objects.create_user("Newcomer@Alpha.test").email == "newcomer@alpha.test"


def test_every_write_is_canonical_and_every_exact_lookup_too(tenant_a, tenant_b):
    user = UserFactory(email="  Kim@BÜCHER.test ")
    user.refresh_from_db()
    assert user.email == "kim@xn--bcher-kva.test"
    assert User.objects.get(email="KIM@bücher.test") == user
    with tenant_scope(tenant_a.org):
        creator = Creator.objects.create(name="Kim", email="KIM@Bücher.test")
        Creator.objects.bulk_create([Creator(name="Lee", email="LEE@Bücher.test")])
        assert sorted(Creator.objects.values_list("email", flat=True)) == [
            "kim@xn--bcher-kva.test",
            "lee@xn--bcher-kva.test",
        ]
        assert creator.email == "kim@xn--bcher-kva.test"
        with pytest.raises(EmailInvalid), transaction.atomic():
            Creator.objects.create(name="Bad", email="not-an-email")


def test_no_case_insensitive_email_lookup_is_left():
    """Every comparison is exact on the canonical form; `iexact` (PostgreSQL UPPER(), which
    folds ı to I and ſ to S) and `.lower()` comparisons on addresses are gone."""
    pattern = re.compile(
        r"email\w*__iexact|field_name=\"email\"[^)]*iexact|email\w*\.lower\(\)|"
        r"email\w*\.casefold\(\)|\.lower\(\) *[!=]= *\w*\.email"
    )
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", "node_modules", ".data", "tests"}:
            continue
        for n, line in enumerate(path.read_text().splitlines(), start=1):
            if pattern.search(line) and "`" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []


# --- sign-in, rate limits, password reset ---------------------------------------------------


def test_sign_in_is_case_insensitive_because_both_sides_are_canonical(tenant_a, tenant_b):
    for typed in ("OWNER@alpha.test", " Owner@Alpha.Test ", "owner@ALPHA.teſt"):
        client = Client()
        response = client.post("/accounts/login/", {"username": typed, "password": PASSWORD})
        assert response.status_code == 302, typed
        assert int(client.session["_auth_user_id"]) == tenant_a.owner.pk


def test_a_look_alike_does_not_sign_in_even_with_the_right_password(tenant_a, tenant_b):
    for typed in ("owner@аlpha.test", "0wner@alpha.test"):
        response = Client().post("/accounts/login/", {"username": typed, "password": PASSWORD})
        assert response.status_code == 200  # the form again
        assert "Please enter a correct email" in response.content.decode()


def test_failed_sign_ins_count_against_one_address_however_typed(tenant_a, tenant_b):
    client = Client()
    for typed in (
        "manager@alpha.test",
        "MANAGER@alpha.test",
        "Manager@Alpha.test",
        "manager@ALPHA.TEST",
    ):
        r = client.post("/accounts/login/", {"username": typed, "password": "nope"})
        assert r.status_code == 200
    r = client.post("/accounts/login/", {"username": " manager@alpha.TEST", "password": "nope"})
    assert r.status_code == 429
    r = client.post("/accounts/login/", {"username": "manager@alpha.test", "password": PASSWORD})
    assert r.status_code == 429


def test_password_reset_finds_the_account_by_its_canonical_address_only(tenant_a, tenant_b):
    for typed in ("MANAGER@Alpha.test", "manager@alpha.teſt"):
        mail.outbox.clear()
        assert Client().post("/accounts/password_reset/", {"email": typed}).status_code == 302
        assert [m.to for m in mail.outbox] == [["manager@alpha.test"]]
    mail.outbox.clear()
    for typed in ("manager@аlpha.test", "manager@alpha.test.invalid", "nope"):
        Client().post("/accounts/password_reset/", {"email": typed})
    assert mail.outbox == []


# --- invitations and members ----------------------------------------------------------------


def test_an_invitation_is_stored_canonical_and_finds_the_existing_account(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    """Kim's account is kim@bücher.test; the owner types the ASCII form of that domain. Both
    are one address: the invitation asks Kim to sign in, and does not make a second account."""
    kim = UserFactory(email="kim@bücher.test")
    with django_capture_on_commit_callbacks(execute=True):
        r = tenant_a.client(tenant_a.owner).post(
            "/o/alpha/members/", {"email": "KIM@xn--bcher-kva.test", "role": "viewer"}
        )
    assert r.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["kim@xn--bcher-kva.test"]
    with tenant_scope(tenant_a.org):
        assert Invitation.objects.get().email == kim.email == "kim@xn--bcher-kva.test"
    path = re.search(r"http://[^/]+(/invitations/[^/]+/)", message.body).group(1)
    browser = Client()
    assert browser.get(path).url == f"/accounts/login/?next={path}"
    browser.post("/accounts/login/", {"username": "Kim@Bücher.test", "password": PASSWORD})
    assert browser.post(path).url == "/o/alpha/"
    assert User.objects.filter(email__endswith="bcher-kva.test").count() == 1


def test_member_lookup_and_invitation_refusals(tenant_a, tenant_b):
    owner = tenant_a.client(tenant_a.owner)
    r = owner.post("/o/alpha/members/", {"email": "MANAGER@Alpha.TEST", "role": "viewer"})
    assert r.status_code == 400 and "manager@alpha.test is already a member." in r.content.decode()
    r = owner.post("/o/alpha/members/", {"email": "manager@аlpha.test", "role": "viewer"})
    assert r.status_code == 400 and LOOKALIKE_MESSAGE.replace("'", "&#x27;") in r.content.decode()
    with tenant_scope(tenant_a.org):
        assert not Invitation.objects.exists()


# --- creators: form, import, API -------------------------------------------------------------


def test_a_manager_cannot_give_a_creator_an_address_like_an_accounts(tenant_a, tenant_b):
    client = tenant_a.client()
    r = client.post("/o/alpha/creators/", {"name": "Mallory", "email": "owner@bravο.test"})
    assert r.status_code == 400
    assert LOOKALIKE_MESSAGE.replace("'", "&#x27;") in r.content.decode()
    assert "owner@bravo.test" not in r.content.decode()  # names no one's address
    r = client.post("/o/alpha/creators/", {"name": "Bo", "email": "OWNER@Bravo.test"})
    assert r.status_code == 302  # the account's own address (the link goes there)
    with tenant_scope(tenant_a.org):
        assert list(Creator.objects.values_list("email", flat=True)) == ["owner@bravo.test"]


def test_a_creator_import_with_a_look_alike_imports_nothing(tenant_a, tenant_b):
    data = (
        "name,email,handle\n"
        "Ana,ANA@Example.com,@ana\n"
        "Mallory,owner@bravο.test,@m\n"
        "Max,ana@example.COM,\n"
        "Kim,kim@BÜCHER.test,\n"
    )
    r = tenant_a.client().post(
        "/o/alpha/creators/import/",
        {"file": SimpleUploadedFile("c.csv", data.encode(), content_type="text/csv")},
    )
    assert r.status_code == 400
    assert re.findall(r"<li>(Line \d+: [^<]+)</li>", r.content.decode()) == [
        "Line 3: email: " + LOOKALIKE_MESSAGE.replace("'", "&#x27;"),
        "Line 4: email: the same email is on line 2.",
    ]
    with tenant_scope(tenant_a.org):
        assert not Creator.objects.exists()
    good = data.replace("Mallory,owner@bravο.test,@m\n", "").replace("Max,ana@example.COM,\n", "")
    r = tenant_a.client().post(
        "/o/alpha/creators/import/",
        {"file": SimpleUploadedFile("c.csv", good.encode(), content_type="text/csv")},
    )
    assert r.status_code == 302
    with tenant_scope(tenant_a.org):
        assert sorted(Creator.objects.values_list("email", flat=True)) == [
            "ana@example.com",
            "kim@xn--bcher-kva.test",
        ]


def test_the_api_stores_canonical_addresses_refuses_look_alikes_and_filters_exactly(
    tenant_a, tenant_b
):
    from tests.support.api import client_for, key_for

    api = client_for(key_for(tenant_a))
    r = api.post("/api/v1/creators/", {"name": "Jane", "email": "JANE@Bücher.test"}, format="json")
    assert r.status_code == 201 and r.json()["email"] == "jane@xn--bcher-kva.test"
    r = api.post("/api/v1/creators/", {"name": "M", "email": "owner@bravο.test"}, format="json")
    assert r.status_code == 400 and LOOKALIKE_MESSAGE in str(r.json())
    r = api.post("/api/v1/creators/", {"name": "N", "email": "nope"}, format="json")
    assert r.status_code == 400 and "must have an @-sign" in str(r.json())
    found = api.get("/api/v1/creators/", {"email": "Jane@BÜCHER.test"}).json()["results"]
    assert [c["name"] for c in found] == ["Jane"]
    for other in ("jane@bucher.test", "jаne@bücher.test", "nope"):
        assert api.get("/api/v1/creators/", {"email": other}).json()["results"] == []


# --- the data migration ----------------------------------------------------------------------


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _set_tenant(org_id) -> None:
    _raw("SELECT set_config('app.tenant_id', %s, true)", [str(org_id) if org_id else ""])


def test_the_migration_rewrites_stored_addresses(tenant_a, tenant_b, capsys):
    """Rows as the old code could leave them (Unicode domains, capitals), written with SQL past
    the canonical field; the migration rewrites them tenant by tenant and reports what it
    leaves."""
    kim = UserFactory(email="kim@alpha.test")
    root = UserFactory(email="admin@alpha.test")
    _raw(
        "UPDATE tenancy_user SET email = %s, email_skeleton = '' WHERE id = %s",
        ["Kim@Bücher.test", kim.pk],
    )
    _raw("UPDATE tenancy_user SET email = %s WHERE id = %s", ["root@localhost", root.pk])
    with tenant_scope(tenant_a.org):
        jane_a = CreatorFactory(name="Jane", email="jane@alpha.test")
        twin = CreatorFactory(name="Jane twin", email="jane@xn--bcher-kva.test")
        older = Invitation.objects.create(email="x@alpha.test", role=Role.VIEWER)
        newer = Invitation.objects.create(email="x@xn--bcher-kva.test", role=Role.VIEWER)
        _set_tenant(tenant_a.org.pk)
        _raw(
            "UPDATE creators_creator SET email = %s WHERE id = %s", ["Jane@Bücher.test", jane_a.pk]
        )
        _raw("UPDATE tenancy_invitation SET email = %s WHERE id = %s", ["X@bücher.test", older.pk])
    with tenant_scope(tenant_b.org):
        jane_b = CreatorFactory(name="Jane", email="jane@bravo.test")
        invitation = PortalInvitation.objects.create(creator=jane_b, email="jane@bravo.test")
        _set_tenant(tenant_b.org.pk)
        _raw(
            "UPDATE creators_creator SET email = %s WHERE id = %s", ["JANE@Bücher.test", jane_b.pk]
        )
        _raw(
            "UPDATE creators_portalinvitation SET email = %s WHERE id = %s",
            ["JANE@Bücher.test", invitation.pk],
        )

    editor = types.SimpleNamespace(connection=connection)
    importlib.import_module("tenancy.migrations.0003_email_canonical").forwards(apps, editor)
    importlib.import_module("creators.migrations.0004_email_canonical").forwards(apps, editor)

    kim.refresh_from_db()
    assert (kim.email, kim.email_skeleton) == (
        "kim@xn--bcher-kva.test",
        email_skeleton_key("kim@xn--bcher-kva.test"),
    )
    root.refresh_from_db()
    assert root.email == "root@localhost"  # no canonical form: left, and reported
    with tenant_scope(tenant_a.org):
        jane_a.refresh_from_db()
        assert jane_a.email == "Jane@Bücher.test"  # its twin has the address: left, reported
        twin.refresh_from_db()
        assert twin.email == "jane@xn--bcher-kva.test"
        older.refresh_from_db()
        newer.refresh_from_db()
        assert (older.email, older.is_open) == ("x@xn--bcher-kva.test", False)
        assert (newer.email, newer.is_open) == ("x@xn--bcher-kva.test", True)
    with tenant_scope(tenant_b.org):
        jane_b.refresh_from_db()
        invitation.refresh_from_db()
        assert jane_b.email == invitation.email == "jane@xn--bcher-kva.test"
    out = capsys.readouterr().out
    assert f"tenancy.User {root.pk}: 'root@localhost' is not a valid address; left as it is." in out
    assert f"creators.Creator {jane_a.pk}: 'Jane@Bücher.test' is 'jane@xn--bcher-kva.test'" in out
    assert "JANE" not in out  # bravo's rows went through cleanly


def test_an_operator_cannot_make_a_tenant_owner_that_looks_like_an_account(tenant_a, tenant_b):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"owner_email: This address looks like another"):
        call_command("create_tenant", "gamma", "--name", "G", "--owner-email", "0wner@alpha.test")
    call_command(
        "create_tenant",
        "gamma",
        "--name",
        "G",
        "--owner-email",
        "OWNER@Alpha.test",
        stdout=io.StringIO(),
    )  # the account itself, however typed: it becomes the owner
    assert User.objects.filter(email__startswith="owner@alpha").count() == 1
