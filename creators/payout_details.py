"""A creator's payout details in one brand: a PayPal e-mail, or bank details for a Wise
transfer. Encrypted at rest (attribution.crypto, FIELD_ENCRYPTION_KEYS); every change is
recorded (PayoutDetailsChange: who, when, which fields, masked hints) and mailed to the
creator, so a change they did not make does not go unnoticed.

What a Wise transfer needs depends on the currency it is paid in (Wise's "Send to bank
accounts" batch template, commissions/payout_files.py): an IBAN for EUR (and the other IBAN
currencies), a UK sort code and account number for GBP, an ABA routing number, account number,
account type and the recipient's address for USD. A creator enters what their bank account
has; a payout run rejects (and says so) a line whose currency the details cannot be paid in.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from attribution import crypto
from creators.lock_objects import creator_lock, payout_details_lock_all
from creators.models import Creator, PayoutDetails, PayoutDetailsChange, PayoutMethod
from tenancy.models import User

# PayPal Payouts: the receiver (an e-mail) is "up to 127 single-byte characters" (PayPal
# developer docs, Payouts API, payout_item.receiver; the bulk CSV's first column is the same).
PAYPAL_EMAIL_MAX = 127
NAME_MAX = 140
RECEIVER_TYPES = ("PERSON", "BUSINESS")
ACCOUNT_TYPES = ("CHECKING", "SAVINGS")

IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
SORT_CODE_RE = re.compile(r"^[0-9]{6}$")
UK_ACCOUNT_RE = re.compile(r"^[0-9]{8}$")
ABA_RE = re.compile(r"^[0-9]{9}$")
US_ACCOUNT_RE = re.compile(r"^[0-9]{4,17}$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")

LABELS = {
    "paypal_email": "PayPal e-mail",
    "account_holder": "Account holder",
    "receiver_type": "Recipient type",
    "iban": "IBAN",
    "sort_code": "Sort code",
    "account_number": "Account number",
    "abartn": "Routing number (ABA)",
    "account_type": "Account type",
    "address_country": "Country",
    "address_city": "City",
    "address_first_line": "Address",
    "address_state": "State",
    "address_post_code": "Postcode",
}
SECRET = {"paypal_email", "iban", "sort_code", "account_number", "abartn"}


@dataclass(frozen=True)
class PayoutDetailsData:
    """The decrypted details (the same shape for both methods; unused fields are empty)."""

    method: str
    paypal_email: str = ""
    account_holder: str = ""
    receiver_type: str = "PERSON"
    iban: str = ""
    sort_code: str = ""
    account_number: str = ""
    abartn: str = ""
    account_type: str = ""
    address_country: str = ""
    address_city: str = ""
    address_first_line: str = ""
    address_state: str = ""
    address_post_code: str = ""

    @property
    def method_label(self) -> str:
        return PayoutMethod(self.method).label

    @property
    def has_iban(self) -> bool:
        return bool(self.iban)

    @property
    def has_uk_account(self) -> bool:
        return bool(self.sort_code and self.account_number)

    @property
    def has_us_account(self) -> bool:
        return bool(self.abartn and self.account_number and self.account_type)

    @property
    def has_address(self) -> bool:
        return bool(self.address_country and self.address_city and self.address_first_line)

    def as_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PayoutDetailsData:
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def encrypt(self) -> str:
        return crypto.encrypt(self.as_json())

    @classmethod
    def decrypt(cls, token: str) -> PayoutDetailsData:
        return cls.from_json(crypto.decrypt(token))

    def hint(self) -> str:
        """What a person may see of the details: the method and masked identifiers."""
        if self.method == PayoutMethod.PAYPAL:
            return f"PayPal {mask_email(self.paypal_email)}"
        parts = [self.account_holder]
        if self.iban:
            parts.append(f"IBAN ending {self.iban[-4:]}")
        if self.has_uk_account:
            parts.append(f"UK account ending {self.account_number[-4:]}")
        if self.has_us_account:
            parts.append(f"US account ending {self.account_number[-4:]}")
        return "Wise: " + ", ".join(p for p in parts if p)


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def iban_is_valid(iban: str) -> bool:
    """ISO 13616 check digits: move the first four characters to the end, letters to numbers
    (A=10 ... Z=35), and the number mod 97 must be 1."""
    if not IBAN_RE.match(iban):
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def aba_is_valid(number: str) -> bool:
    """ABA routing number check digit: 3, 7, 1 weights over the nine digits, sum mod 10 = 0."""
    if not ABA_RE.match(number):
        return False
    weights = (3, 7, 1) * 3
    return sum(int(d) * w for d, w in zip(number, weights, strict=True)) % 10 == 0


def _compact(value: Any) -> str:
    return re.sub(r"[\s-]", "", str(value or "")).upper()


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def payout_details_clean(data: dict[str, Any]) -> PayoutDetailsData:
    """Validate what the creator typed; ValidationError keyed by field names otherwise."""
    method = str(data.get("method") or "")
    errors: dict[str, str] = {}
    if method == PayoutMethod.PAYPAL:
        email = str(data.get("paypal_email") or "").strip()
        try:
            validate_email(email)
        except ValidationError:
            errors["paypal_email"] = "Enter the e-mail address of your PayPal account."
        else:
            if len(email) > PAYPAL_EMAIL_MAX or not email.isascii():
                errors["paypal_email"] = (
                    f"PayPal accepts addresses of at most {PAYPAL_EMAIL_MAX} plain characters."
                )
        if errors:
            raise ValidationError(errors)
        return PayoutDetailsData(method=method, paypal_email=email)
    if method != PayoutMethod.WISE:
        raise ValidationError({"method": "Choose PayPal or a bank transfer."})
    values = {
        "account_holder": _text(data.get("account_holder")),
        "receiver_type": str(data.get("receiver_type") or "PERSON").upper(),
        "iban": _compact(data.get("iban")),
        "sort_code": _compact(data.get("sort_code")),
        "account_number": _compact(data.get("account_number")),
        "abartn": _compact(data.get("abartn")),
        "account_type": str(data.get("account_type") or "").upper(),
        "address_country": _compact(data.get("address_country")),
        "address_city": _text(data.get("address_city")),
        "address_first_line": _text(data.get("address_first_line")),
        "address_state": _text(data.get("address_state")),
        "address_post_code": _text(data.get("address_post_code")),
    }
    if not values["account_holder"]:
        errors["account_holder"] = "Enter the name on the bank account."
    elif len(values["account_holder"]) > NAME_MAX:
        errors["account_holder"] = f"At most {NAME_MAX} characters."
    if values["receiver_type"] not in RECEIVER_TYPES:
        errors["receiver_type"] = "Choose a person or a business."
    if values["iban"] and not iban_is_valid(values["iban"]):
        errors["iban"] = "This IBAN is not valid (check the letters and digits)."
    if values["sort_code"] and not SORT_CODE_RE.match(values["sort_code"]):
        errors["sort_code"] = "A UK sort code has 6 digits."
    if values["abartn"] and not aba_is_valid(values["abartn"]):
        errors["abartn"] = "A US routing number has 9 digits (check the number)."
    if values["account_type"] and values["account_type"] not in ACCOUNT_TYPES:
        errors["account_type"] = "Choose checking or savings."
    number = values["account_number"]
    if values["sort_code"] and not UK_ACCOUNT_RE.match(number):
        errors["account_number"] = "A UK account number has 8 digits."
    elif values["abartn"] and not US_ACCOUNT_RE.match(number):
        errors["account_number"] = "A US account number has 4 to 17 digits."
    elif number and not (values["sort_code"] or values["abartn"]):
        errors["account_number"] = "Add the sort code (UK) or routing number (US) to it."
    if values["abartn"] and not values["account_type"]:
        errors["account_type"] = "Choose checking or savings."
    if values["abartn"]:
        for name in ("address_country", "address_city", "address_first_line"):
            if not values[name]:
                errors[name] = "Wise needs your address for US transfers."
    if values["address_country"] and not COUNTRY_RE.match(values["address_country"]):
        errors["address_country"] = "The two-letter country code, e.g. US."
    if not errors and not (values["iban"] or values["sort_code"] or values["abartn"]):
        errors["iban"] = (
            "Enter an IBAN, a UK sort code and account number, or a US routing and account number."
        )
    if errors:
        raise ValidationError(errors)
    return PayoutDetailsData(method=method, **values)


def payout_details_get(*, creator: Creator) -> PayoutDetailsData | None:
    """The creator's decrypted details in the tenant in scope (None: none yet)."""
    row = PayoutDetails.objects.filter(creator=creator).first()
    return PayoutDetailsData.decrypt(row.details_encrypted) if row else None


def payout_details_for_creators(creator_ids: set[int]) -> dict[int, PayoutDetailsData]:
    """Decrypted details per creator id (those that have some). One query."""
    return {
        row.creator_id: PayoutDetailsData.decrypt(row.details_encrypted)
        for row in PayoutDetails.objects.filter(creator_id__in=creator_ids)
    }


def _changed(old: PayoutDetailsData | None, new: PayoutDetailsData) -> list[str]:
    if old is None or old.method != new.method:
        return ["method", *(n for n in LABELS if getattr(new, n) not in ("", "PERSON"))]
    return [n for n in LABELS if getattr(old, n) != getattr(new, n)]


def payout_details_save(
    *, creator: Creator, data: dict[str, Any], user: User | None
) -> PayoutDetailsChange | None:
    """Validate and store the creator's payout details (tenant in scope), record the change
    and mail the creator about it. Nothing is recorded or mailed when nothing changed."""
    details = payout_details_clean(data)
    with transaction.atomic():
        creator_lock(creator_id=creator.pk)  # two saves of one creator's details queue here
        row = PayoutDetails.objects.filter(creator=creator).first()
        old = PayoutDetailsData.decrypt(row.details_encrypted) if row else None
        changed = _changed(old, details)
        if not changed:
            return None
        if row is None:
            row = PayoutDetails(creator=creator)
        row.method = details.method
        row.details_encrypted = details.encrypt()
        row.updated_by = user
        row.save()
        change = PayoutDetailsChange.objects.create(
            creator=creator,
            changed_by=user,
            method=details.method,
            fields=changed,
            summary=details.hint()[:300],
        )
        _mail_change(creator=creator, change=change, first=old is None)
    return change


def _mail_change(*, creator: Creator, change: PayoutDetailsChange, first: bool) -> None:
    recipient = creator.user.email if creator.user_id and creator.user else creator.email
    if not recipient:
        return
    brand = creator.organization.name
    what = ", ".join(LABELS.get(f, "payout method") for f in change.fields if f != "method")
    when = timezone.localtime(change.changed_at).strftime("%-d %b %Y %H:%M %Z")
    verb = "were added" if first else "were changed"
    message = (
        f"Hi {creator.name},\n\n"
        f"Your payout details at {brand} {verb} on {when}.\n"
        f"Method: {PayoutMethod(change.method).label}"
        f"{f' ({what})' if what else ''}.\n"
        f"Now on file: {change.summary}\n\n"
        "If you did not make this change, sign in to the creator portal, correct your payout "
        f"details and change your password, and tell {brand}.\n"
    )
    transaction.on_commit(
        lambda: send_mail(
            subject=f"{brand}: your payout details {verb.split()[1]}",
            message=message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[recipient],
        )
    )


def payout_details_rotate(**kwargs: Any) -> tuple[str, int]:
    """Receiver of attribution.signals.secrets_rotating (connected in CreatorsConfig.ready):
    re-encrypt the tenant's payout details with the first key of FIELD_ENCRYPTION_KEYS."""
    done = 0
    for row in payout_details_lock_all():
        row.details_encrypted = crypto.rotate(row.details_encrypted)
        row.save(update_fields=["details_encrypted"])
        done += 1
    return "payout details", done
