"""Demo data for `make run`. It lives here because reporting reads every other app."""

from django.core.management.base import BaseCommand

from demo.services import demo_ensure


class Command(BaseCommand):
    help = "Load the demo organisations, people, sandbox stores, campaigns and data (idempotent)."

    def handle(self, *args: object, **opts: object) -> None:
        for line in demo_ensure():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
