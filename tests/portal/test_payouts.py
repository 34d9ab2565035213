"""The creator's payout details (encrypted at rest, every change recorded and mailed) and their
payouts in the portal (each payout with its lines and reference)."""

from __future__ import annotations

from django.core import mail
from django.db import connection

from commissions.models import Conversion
from commissions.payouts import payout_run_create, payout_run_pay
from creators.models import PayoutDetails, PayoutDetailsChange
from creators.payout_details import payout_details_get
from tenancy.scoping import tenant_scope

IBAN = "GB82WEST12345698765432"


def _raw_details(creator_id: int) -> tuple[str, str]:
    """The row as PostgreSQL stores it (RLS: inside the creator's tenant)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT method, details_encrypted FROM creators_payoutdetails WHERE creator_id = %s",
            [creator_id],
        )
        row = cursor.fetchone()
    assert row is not None
    return row


def test_payout_details_are_encrypted_recorded_and_mailed(
    portal, django_capture_on_commit_callbacks
):
    omar = portal.profiles["omar@alpha"]
    client = portal.client("omar")
    page = client.get("/portal/b/alpha/payouts/")
    assert page.status_code == 200 and "Add payout details" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/portal/b/alpha/payouts/details/",
            {"method": "paypal", "paypal_email": "omar.paid@paypal.test"},
        )
    assert response.status_code == 302
    with tenant_scope(omar.org):
        method, encrypted = _raw_details(omar.creator.pk)
        assert method == "paypal"
        assert "omar.paid" not in encrypted and "paypal.test" not in encrypted
        assert payout_details_get(creator=omar.creator).paypal_email == "omar.paid@paypal.test"
    (message,) = mail.outbox
    assert message.to == [portal.users["omar"].email]
    assert "payout details at" in message.body and "PayPal" in message.body
    assert "omar.paid@paypal.test" not in message.body  # masked: o•••@paypal.test
    assert "o•••@paypal.test" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/portal/b/alpha/payouts/details/",
            {
                "method": "wise",
                "account_holder": "Omar Ali",
                "receiver_type": "PERSON",
                "iban": IBAN,
            },
        )
    assert response.status_code == 302
    with tenant_scope(omar.org):
        method, encrypted = _raw_details(omar.creator.pk)
        assert method == "wise" and IBAN not in encrypted and "Omar Ali" not in encrypted
        changes = list(PayoutDetailsChange.objects.filter(creator=omar.creator))
        assert [c.method for c in changes] == ["wise", "paypal"]
        assert changes[0].changed_by == portal.users["omar"]
        assert "iban" in changes[0].fields and IBAN not in changes[0].summary
        assert changes[0].summary == "Wise: Omar Ali, IBAN ending 5432"
    assert len(mail.outbox) == 2 and IBAN not in mail.outbox[1].body
    page = client.get("/portal/b/alpha/payouts/details/").content.decode()
    assert "IBAN ending 5432" in page

    # the same details again: nothing recorded, nothing mailed
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/portal/b/alpha/payouts/details/",
            {
                "method": "wise",
                "account_holder": "Omar Ali",
                "receiver_type": "PERSON",
                "iban": IBAN,
            },
        )
    assert len(mail.outbox) == 2


def test_bad_payout_details_are_explained_and_nothing_is_kept(portal):
    omar = portal.profiles["omar@alpha"]
    client = portal.client("omar")
    response = client.post(
        "/portal/b/alpha/payouts/details/",
        {"method": "wise", "account_holder": "", "iban": "GB00WEST12345698765432"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This IBAN is not valid" in page and "Enter the name on the bank account" in page
    assert 'value="GB00WEST12345698765432"' in page  # nothing typed is lost
    response = client.post("/portal/b/alpha/payouts/details/", {"method": "paypal"})
    assert "Enter the e-mail address of your PayPal account" in response.content.decode()
    with tenant_scope(omar.org):
        assert not PayoutDetails.objects.exists()
    assert not mail.outbox


def test_creators_see_each_payout_with_its_lines_and_reference(portal):
    omar, jane = portal.profiles["omar@alpha"], portal.profiles["jane@alpha"]
    client = portal.client("omar")
    client.post(
        "/portal/b/alpha/payouts/details/",
        {"method": "paypal", "paypal_email": "omar@paypal.test"},
    )
    with tenant_scope(omar.org):
        Conversion.objects.filter(status__in=("approved", "awaiting")).update(status="payable")
        owed = sum(
            c.commission for c in Conversion.objects.filter(creator=omar.creator, status="payable")
        )
        assert owed > 0
        run = payout_run_create(organization=omar.org, user=omar.tenant.owner)
        payout_run_pay(run_id=run.pk, user=omar.tenant.owner, reference="PAYPAL-B-77")
        line = run.lines.get(creator=omar.creator)
        jane_line = run.lines.get(creator=jane.creator)
        assert jane_line.outcome == "rejected"  # Jane has no payout details in alpha
    page = client.get("/portal/b/alpha/payouts/").content.decode()
    assert line.reference in page and "PAYPAL-B-77" in page
    assert line.outcome == "pay" and f"${line.amount:,.2f} paid" in page
    assert page.count('class="adjustment adjustment-conversion"') == line.conversions_count
    # Jane's portal at alpha: no payout (hers was rejected) and never Omar's
    jane_page = portal.client("jane").get("/portal/b/alpha/payouts/").content.decode()
    assert "No payouts yet" in jane_page and line.reference not in jane_page
