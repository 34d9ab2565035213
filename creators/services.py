"""Creators and their place in campaigns. Tenant in scope, keyword-only, one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from creators.csv_import import CsvFileError, creators_csv_read
from creators.models import Channel, Creator
from tenancy.emails import (
    LOOKALIKE_MESSAGE,
    EmailInvalid,
    email_canonical,
    emails_looking_like_accounts,
)
from tenancy.scoping import current_tenant_id

MAX_IMPORT_ROWS = 5000


def _email_owner(email: str, exclude: int | None, known: dict[str, str] | None) -> str | None:
    if known is not None:
        return known.get(email)
    clash = Creator.objects.filter(email=email)
    if exclude:
        clash = clash.exclude(pk=exclude)
    other = clash.first()
    return other.name if other else None


def handle_key(handle: str) -> str:
    """What makes two handles the same: case and a leading @ aside (`@Jane` is `jane`)."""
    return handle.strip().lstrip("@").casefold()


def _handle_owner(handle: str, exclude: int | None, known: dict[str, str] | None) -> str | None:
    key = handle_key(handle)
    if not key:
        return None
    if known is not None:
        return known.get(key)
    others = Creator.objects.exclude(handle="")
    if exclude:
        others = others.exclude(pk=exclude)
    # Handles are few per organisation and compared by `handle_key`, which SQL cannot index
    # as written; an organisation's handles fit in memory.
    for name, other in others.values_list("name", "handle").iterator():
        if handle_key(other) == key:
            return name
    return None


def handles_known() -> dict[str, str]:
    """The organisation's creator handles by `handle_key`: the creator's name."""
    return {
        handle_key(handle): name
        for name, handle in Creator.objects.exclude(handle="").values_list("name", "handle")
    }


def _clean_fields(
    *,
    name: str,
    email: str,
    handle: str,
    channels: Iterable[str],
    exclude: int | None = None,
    known_emails: dict[str, str] | None = None,
    known_handles: dict[str, str] | None = None,
) -> dict:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    email = (email or "").strip()
    handle = (handle or "").strip()
    if not name:
        errors["name"] = "Enter the creator's name."
    elif len(name) > 120:
        errors["name"] = "At most 120 characters."
    if email:
        try:
            email = email_canonical(email)
        except EmailInvalid as exc:
            errors["email"] = " ".join(exc.messages)
        else:
            other_name = _email_owner(email, exclude, known_emails)
            if other_name:
                errors["email"] = f"{other_name} already uses this email."
            elif known_emails is None and emails_looking_like_accounts([email]):
                # (an import checks all its rows at once: creators_import_csv)
                errors["email"] = LOOKALIKE_MESSAGE
    if len(handle) > 80:
        errors["handle"] = "At most 80 characters."
    elif handle:
        other_name = _handle_owner(handle, exclude, known_handles)
        if other_name:
            errors["handle"] = f"{other_name} already has the handle {handle}."
    known = set(Channel.values)
    channels = [c for c in dict.fromkeys(channels or []) if c]
    if any(c not in known for c in channels):
        errors["channels"] = "Pick channels from the list."
    if errors:
        raise ValidationError(errors)
    return {"name": name, "email": email, "handle": handle, "channels": channels}


def creator_create(
    *, name: str, email: str = "", handle: str = "", channels: Iterable[str] = ()
) -> Creator:
    data = _clean_fields(name=name, email=email, handle=handle, channels=channels)
    with transaction.atomic():
        return Creator.objects.create(**data)


def creator_update(
    *, creator: Creator, name: str, email: str = "", handle: str = "", channels: Iterable[str] = ()
) -> Creator:
    data = _clean_fields(
        name=name, email=email, handle=handle, channels=channels, exclude=creator.pk
    )
    for key, value in data.items():
        setattr(creator, key, value)
    creator.save(update_fields=list(data))
    return creator


# --- CSV import --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    created: list[Creator] = field(default_factory=list)
    # (line number in the file, message)
    errors: list[tuple[int, str]] = field(default_factory=list)


def creators_import_csv(*, data: bytes) -> ImportResult:
    """Creators from a CSV with a header row naming `name`, `email`, `handle` (any order,
    other columns ignored). Every row is checked first; any error and nothing is imported."""
    result = ImportResult()
    try:
        records = creators_csv_read(data)
    except CsvFileError as exc:
        result.errors.append((exc.line, exc.message))
        return result
    rows: list[tuple[int, dict]] = []
    seen_emails: dict[str, int] = {}
    seen_handles: dict[str, int] = {}
    known = dict(Creator.objects.exclude(email="").values_list("email", "name"))
    known_handles = handles_known()
    for line, values in records:
        if len(rows) >= MAX_IMPORT_ROWS:
            result.errors.append((line, f"More than {MAX_IMPORT_ROWS} rows; split the file."))
            break
        try:
            clean = _clean_fields(
                name=values.get("name", ""),
                email=values.get("email", ""),
                handle=values.get("handle", ""),
                channels=[],
                known_emails=known,
                known_handles=known_handles,
            )
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                for message in messages:
                    result.errors.append((line, f"{column}: {message}"))
            continue
        if clean["email"]:
            first = seen_emails.setdefault(clean["email"], line)
            if first != line:
                result.errors.append((line, f"email: the same email is on line {first}."))
                continue
        if clean["handle"]:
            first = seen_handles.setdefault(handle_key(clean["handle"]), line)
            if first != line:
                result.errors.append((line, f"handle: the same handle is on line {first}."))
                continue
        rows.append((line, clean))
    lookalikes = emails_looking_like_accounts(clean["email"] for _, clean in rows)
    for line, clean in rows:
        if clean["email"] in lookalikes:
            result.errors.append((line, f"email: {LOOKALIKE_MESSAGE}"))
    result.errors.sort(key=lambda error: error[0])
    if not rows and not result.errors:
        result.errors.append((0, "The file has no creators in it."))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            organization_id = current_tenant_id()
            result.created = Creator.objects.bulk_create(
                [Creator(organization_id=organization_id, **clean) for _, clean in rows],
                batch_size=1000,
            )
    except IntegrityError:
        result.errors.append((0, "Some of these creators were added meanwhile; try again."))
    return result
