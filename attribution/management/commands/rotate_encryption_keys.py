from django.core.management.base import BaseCommand

from attribution import crypto
from attribution.lock_objects import connections_lock
from attribution.models import AmazonConnection
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored Amazon refresh token with the first key of "
        "FIELD_ENCRYPTION_KEYS, so older keys can then be removed."
    )

    def handle(self, *args: object, **opts: object) -> None:
        done = 0
        # Row-level security shows one tenant at a time: visit each organisation in its scope.
        for org in Organization.objects.order_by("pk"):
            with tenant_scope(org):
                for conn in connections_lock(
                    AmazonConnection.objects.exclude(refresh_token_encrypted="")
                ):
                    conn.refresh_token_encrypted = crypto.rotate(conn.refresh_token_encrypted)
                    conn.save(update_fields=["refresh_token_encrypted"])
                    done += 1
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {done} refresh token(s)."))
