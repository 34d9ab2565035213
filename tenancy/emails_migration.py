"""Data migrations: rewrite stored e-mail addresses in the canonical form (tenancy.emails).

Tenant-owned tables are under row-level security even for the migration (the app role owns
them and FORCE binds it), so their rows are rewritten one organisation at a time with
`app.tenant_id` set for the migration's transaction, as a request would.

A row whose canonical address is already taken by another (two users, two creators of one
brand, two open invitations of one brand that differed only in case or Unicode form) is left as
it is and reported (`on_clash` may handle it instead); so is an address that has no canonical
form. Nothing is merged or deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from tenancy.emails import email_canonical_or_none, email_skeleton_key


def _report(line: str) -> None:
    print(f"\n  {line}", end="")


def canonicalise_emails(
    apps: Any,
    schema_editor: Any,
    *,
    model: str,
    on_clash: Callable[[Any, Any, str], bool] | None = None,
) -> None:
    """Rewrite `model`'s `email` column (`app_label.ModelName`). `on_clash(model_class, pk,
    canonical)` may resolve a clash (and return True) instead of leaving the row."""
    Model = apps.get_model(model)
    Organization = apps.get_model("tenancy", "Organization")
    connection = schema_editor.connection
    tenant_scoped = any(f.name == "organization" for f in Model._meta.get_fields())
    tenants = list(Organization.objects.values_list("pk", flat=True)) if tenant_scoped else [None]
    for tenant_id in tenants:
        if tenant_id is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('app.tenant_id', %s, true)", [str(tenant_id)])
        rows = Model._base_manager.exclude(email="").values_list("pk", "email").order_by("pk")
        for pk, email in list(rows):
            canonical = email_canonical_or_none(email)
            if canonical is None:
                _report(f"{model} {pk}: {email!r} is not a valid address; left as it is.")
                continue
            if canonical == email:
                continue
            try:
                with transaction.atomic(using=connection.alias):
                    Model._base_manager.filter(pk=pk).update(email=canonical)
            except IntegrityError:
                if on_clash is not None and on_clash(Model, pk, canonical):
                    continue
                _report(
                    f"{model} {pk}: {email!r} is {canonical!r} in canonical form, which another "
                    "row has; left as it is."
                )
    if tenants != [None]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('app.tenant_id', '', true)")


def fill_user_email_skeletons(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("tenancy", "User")
    for pk, email in list(User._base_manager.values_list("pk", "email").order_by("pk")):
        User._base_manager.filter(pk=pk).update(email_skeleton=email_skeleton_key(email))
