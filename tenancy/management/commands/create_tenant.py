from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenancy.services import organization_create


class Command(BaseCommand):
    help = "Create an organisation (tenant) and its owner."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="URL name of the organisation, e.g. acme-outdoor")
        parser.add_argument("--name", required=True, help="Display name")
        parser.add_argument("--owner-email", required=True)
        parser.add_argument(
            "--owner-password",
            help="Password for a new owner (without it the owner sets one by password reset)",
        )

    def handle(self, *args: object, **opts: str) -> None:
        try:
            org, owner, created = organization_create(
                name=opts["name"],
                slug=opts["slug"],
                owner_email=opts["owner_email"],
                owner_password=opts.get("owner_password"),
            )
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from exc
        who = "new user" if created else "existing user"
        self.stdout.write(
            self.style.SUCCESS(
                f"Created organisation {org.slug} ({org.name}) with owner "
                f"{owner.email} ({who}); open /o/{org.slug}/"
            )
        )
