"""Demo data for `make run`. It lives here because reporting reads every other app."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from demo.services import demo_ensure


class Command(BaseCommand):
    help = (
        "Load the demo organisations, people, sandbox stores, campaigns and their shoppers "
        "(idempotent), and report what happened in each store."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--live-shoppers",
            action="store_true",
            help="from now on, let the sandbox's shoppers open the demo links (make run)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        for item in demo_ensure(live_shoppers=opts["live_shoppers"]):
            self.stdout.write(item if isinstance(item, str) else item.line())
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
