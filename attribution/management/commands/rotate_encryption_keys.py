from typing import cast

from django.core.management.base import BaseCommand

from attribution import crypto
from attribution.lock_objects import connections_lock
from attribution.models import AmazonConnection
from attribution.signals import secrets_rotating
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored Amazon refresh token with the first key of "
        "FIELD_ENCRYPTION_KEYS (and every other secret kept with these keys, such as "
        "creators' payout details), so older keys can then be removed."
    )

    def handle(self, *args: object, **opts: object) -> None:
        done = 0
        others: dict[str, int] = {}
        # Row-level security shows one tenant at a time: visit each organisation in its scope.
        for org in Organization.objects.order_by("pk"):
            with tenant_scope(org):
                for conn in connections_lock(
                    AmazonConnection.objects.exclude(refresh_token_encrypted="")
                ):
                    conn.refresh_token_encrypted = crypto.rotate(conn.refresh_token_encrypted)
                    conn.save(update_fields=["refresh_token_encrypted"])
                    done += 1
                for _, answer in secrets_rotating.send(sender=Organization):
                    what, count = cast(tuple[str, int], answer)
                    others[what] = others.get(what, 0) + count
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {done} refresh token(s)."))
        for what, count in sorted(others.items()):
            self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} {what}."))
