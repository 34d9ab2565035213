from django.core.management.base import BaseCommand

from tenancy.demo import demo_organizations_ensure


class Command(BaseCommand):
    help = "Load the demo organisations, people and data (idempotent)."

    def handle(self, *args: object, **opts: object) -> None:
        orgs = demo_organizations_ensure()
        self.stdout.write(
            self.style.SUCCESS("Demo data ready: " + ", ".join(f"/o/{o.slug}/" for o in orgs))
        )
