# ruff: noqa: RUF002  (the look-alike characters in the examples are the point)
"""E-mail addresses: one canonical form, compared only in that form, by exact equality.

An address is stored, compared and mailed as `email_canonical(raw)`:

- trimmed, and checked by email-validator (no quoted local parts, no IP-literal domains, no
  display names, no special-use domains except `.test`, which the demo and tests use);
- the local part (before the @) is ASCII: internationalised mailbox names (SMTPUTF8) are
  refused, as Django's validator refused them before, so `ſ` (long s) or `ı` (dotless i) can
  never stand for `s` or `i` there. It is lower-cased (ASCII only, so nothing folds onto
  anything else): mailbox names are case-insensitive in practice, and this is what lets
  `OWNER@acme.test` sign in as `owner@acme.test`;
- the domain is IDNA-mapped (UTS 46) and stored in its lower-case ASCII form: `BÜCHER.de`,
  `bücher.de` and `xn--bcher-kva.de` are one domain, and a look-alike such as `northwınd.test`
  (dotless ı) is stored as what it is, `xn--northwnd-ykb.test`.

Because mail goes only to the stored canonical address and every comparison is exact, a
sign-in link can only ever reach the mailbox of the account it is compared with. (The old
`email__iexact` compared with PostgreSQL's UPPER(), which folds ı to I and ſ to S: a link
mailed to `owner@northwınd.test` signed in `owner@northwind.test`.)

Look-alikes: `email_skeleton()` is the UTS #39 confusables skeleton of an address (after NFKC
and case folding; the table is confusable-homoglyphs'), so `owner@northwınd.test` and
`оwner@northwind.test` (Cyrillic о) share `owner@northwind.test`'s. Two different canonical
addresses with one skeleton look alike. Users keep a digest of it (`User.email_skeleton`,
indexed): no new account and no address a manager types for someone else may look like an
existing account's.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from confusable_homoglyphs import confusables
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254
LOOKALIKE_MESSAGE = (
    "This address looks like another account's address (look-alike characters). Check it or "
    "use a different address."
)


class EmailInvalid(ValidationError):
    """Not an address we accept; the message says why, for a person."""


def _parts(raw: str) -> tuple[str, str, str]:
    """(local part lower-cased, ASCII domain, Unicode domain) of a valid address."""
    value = (raw or "").strip()
    if not value:
        raise EmailInvalid("Enter an email address.", code="required")
    try:
        parts = validate_email(
            value,
            check_deliverability=False,
            test_environment=True,  # allow the reserved `.test` domain (demo, tests)
            allow_smtputf8=False,  # ASCII local parts only
        )
    except EmailNotValidError as exc:
        raise EmailInvalid(f"Enter a valid email address. {exc}", code="invalid") from exc
    local = parts.local_part.lower()
    if len(local) + 1 + len(parts.ascii_domain) > MAX_LENGTH:
        raise EmailInvalid(f"An email address has at most {MAX_LENGTH} characters.", code="long")
    return local, parts.ascii_domain, parts.domain


def email_canonical(raw: str) -> str:
    """The one form in which an address is stored and compared; raises EmailInvalid."""
    local, ascii_domain, _ = _parts(raw)
    return f"{local}@{ascii_domain}"


def email_canonical_or_none(raw: str) -> str | None:
    try:
        return email_canonical(raw)
    except EmailInvalid:
        return None


# --- look-alikes -----------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _homoglyphs(char: str) -> tuple[str, ...]:
    found = confusables.is_confusable(char, greedy=True)
    if not found:
        return ()
    # right-to-left entries come wrapped in LEFT-TO-RIGHT MARKs
    return tuple(h["c"].replace("\u200e", "") for h in found[0]["homoglyphs"])


@lru_cache(maxsize=4096)
def _prototype(char: str) -> str:
    """The character's representative in the Unicode confusables table: every character in a
    group of look-alikes maps to the same one. The table pairs each prototype with all its
    look-alikes and each look-alike with its prototype alone."""
    glyphs = _homoglyphs(char)
    if len(glyphs) != 1:
        return char  # a prototype itself (or in no group)
    other = glyphs[0]
    if len(other) != 1 or len(_homoglyphs(other)) > 1:
        return other  # a sequence (`m` -> `rn`) or a character with several look-alikes
    return min(char, other)  # a group of two: either way, the same for both


def _skeleton(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(_prototype(c) for c in text).casefold()


def email_skeleton(email: str) -> str:
    """What the address looks like: equal for look-alikes (`northwınd`, `nоrthwind` and
    `northwind`; `1` and `l`; `rn` and `m`). An address that is not valid (old data) is
    compared as it is written."""
    try:
        local, _, domain = _parts(email)
    except EmailInvalid:
        local, _, domain = (email or "").strip().rpartition("@")
    return f"{_skeleton(local)}@{_skeleton(domain)}"


def email_skeleton_key(email: str) -> str:
    """A fixed-size digest of the skeleton, for an indexed column (skeletons can be long)."""
    return hashlib.sha256(email_skeleton(email).encode()).hexdigest()


def emails_looking_like_accounts(emails: Iterable[str]) -> set[str]:
    """Those of these canonical addresses that no account has but that look like an account's
    address (one indexed query)."""
    from tenancy.models import User

    by_key: dict[str, set[str]] = {}
    for email in emails:
        if email:
            by_key.setdefault(email_skeleton_key(email), set()).add(email)
    if not by_key:
        return set()
    accounts: dict[str, set[str]] = {}
    for key, email in User.objects.filter(email_skeleton__in=list(by_key)).values_list(
        "email_skeleton", "email"
    ):
        accounts.setdefault(key, set()).add(email)
    return {
        email
        for key, typed in by_key.items()
        for email in typed
        if key in accounts and email not in accounts[key]
    }


def email_refuse_lookalike(email: str, *, field: str | None = "email") -> None:
    """Raises ValidationError when `email` (canonical) looks like an existing account's
    address without being it. The message names no address: it would tell a stranger who has
    an account."""
    if email and emails_looking_like_accounts([email]):
        error = ValidationError(LOOKALIKE_MESSAGE, code="lookalike")
        raise ValidationError({field: error}) if field else error


# --- fields -----------------------------------------------------------------------------------


def validate_email_canonical(value: str) -> None:
    """A validator: the address has a canonical form."""
    if value:
        email_canonical(value)


class EmailFormField(forms.EmailField):
    """A form's e-mail field: cleans to the canonical form, with email-validator's reasons."""

    default_validators: list[Any] = []

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        return email_canonical(value)


class CanonicalEmailField(models.EmailField):
    """A column that holds canonical addresses only: every write is canonicalised (an invalid
    address is refused), and so is the value of every exact lookup, so `filter(email=typed)`
    compares canonical with canonical."""

    default_validators = [validate_email_canonical]

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if not value:
            return value
        # lenient: a lookup or an old row with an invalid address is left as it is
        return email_canonical_or_none(value) or value.strip()

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if value:
            value = email_canonical(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": EmailFormField, **kwargs})
