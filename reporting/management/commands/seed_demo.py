"""Demo data for `make run`. It lives here because reporting reads every other app."""

from django.core.management.base import BaseCommand

from attribution.demo import demo_amazon_ensure
from tenancy.demo import demo_organizations_ensure


class Command(BaseCommand):
    help = "Load the demo organisations, people, Amazon sandbox stores and data (idempotent)."

    def handle(self, *args: object, **opts: object) -> None:
        for org in demo_organizations_ensure():
            stores = demo_amazon_ensure(org)
            self.stdout.write(f"/o/{org.slug}/: {len(stores)} store(s)")
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
