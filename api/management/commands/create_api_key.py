"""python manage.py create_api_key <org-slug> --name NAME --role ROLE: prints a new key."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.models import KEY_ROLES
from api.services import api_key_create
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


class Command(BaseCommand):
    help = "Create an API key for an organisation and print it (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--role", required=True, choices=[r for r, _ in KEY_ROLES])

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org_slug"]).first()
        if organization is None:
            raise CommandError(f"No organisation with the slug {options['org_slug']!r}.")
        try:
            with tenant_scope(organization):
                key, raw = api_key_create(
                    name=options["name"], role=options["role"], created_by=None
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"Created API key {key.name!r} ({key.role}) for {organization.slug}.")
        self.stdout.write(raw)
