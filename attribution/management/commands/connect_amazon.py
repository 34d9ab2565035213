from django.core.management.base import BaseCommand, CommandError, CommandParser

from attribution.models import Region, Store
from attribution.services import ConnectError, connection_create_headless
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


class Command(BaseCommand):
    help = (
        "Connect an organisation to Amazon Ads with a Login-with-Amazon refresh token and create "
        "a store for every eligible profile (or the ones named). Client id and secret come from "
        "AMAZON_ADS_CLIENT_ID / AMAZON_ADS_CLIENT_SECRET."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_slug")
        parser.add_argument("--refresh-token", required=True)
        parser.add_argument("--region", default="NA", choices=Region.values)
        parser.add_argument(
            "--profile-id",
            type=int,
            action="append",
            dest="profile_ids",
            help="a profile to connect (repeatable); default: every eligible one",
        )

    def handle(self, *args: object, **opts: object) -> None:
        slug = str(opts["org_slug"])
        # Operator command: resolves the tenant itself, then works inside its scope.
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organisation with slug {slug!r}.")
        with tenant_scope(organization):
            try:
                connection, stores = connection_create_headless(
                    region=str(opts["region"]),
                    refresh_token=str(opts["refresh_token"]),
                    profile_ids=opts["profile_ids"],  # type: ignore[arg-type]
                )
            except ConnectError as exc:
                raise CommandError(f"Amazon Ads not connected: {exc.message}") from exc
        self.stdout.write(f"Connection #{connection.pk} ({connection.region}) for {slug}:")
        for store in stores:
            line = (
                f"  store #{store.pk}: {store} profile {store.profile_id}, "
                f"{store.currency_code}, {store.timezone}, advertiser {store.advertiser_id}"
            )
            if store.status == Store.Status.INELIGIBLE:
                self.stdout.write(
                    self.style.WARNING(line + f" — INELIGIBLE: {store.status_message}")
                )
            else:
                self.stdout.write(self.style.SUCCESS(line))
