"""python manage.py export_aggregated <org-slug> --start YYYY-MM-DD --end YYYY-MM-DD
[--store ID ...] [--group-by day|campaign|creator|link] --output PATH|-

Writes the aggregated export (the same CSV as the browser's) to a file or stdout, streaming.
Bad dates, an end before the start, an unknown store or grouping: an error and exit code 1."""

from __future__ import annotations

import os
import sys
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting.exports.csv import csv_chunks
from reporting.exports.query import GROUPINGS, export_query_build
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


def _date(value: str, flag: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{flag} must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Export sales, clicks and commission per day, campaign, creator or link as CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_slug")
        parser.add_argument("--start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="last day, YYYY-MM-DD (inclusive)")
        parser.add_argument(
            "--store",
            action="extend",
            nargs="+",
            default=[],
            metavar="ID",
            help="store ids (default: every store of the organisation)",
        )
        parser.add_argument("--group-by", default="day", help="|".join(GROUPINGS))
        parser.add_argument("--output", required=True, help="a file path, or - for stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        start = _date(options["start"], "--start")
        end = _date(options["end"], "--end")
        store_ids = []
        for value in options["store"]:
            if not str(value).isdigit():
                raise CommandError(f"--store takes store ids (numbers), not {value!r}.")
            store_ids.append(int(value))
        organization = Organization.objects.filter(slug=options["org_slug"]).first()
        if organization is None:
            raise CommandError(f"No organisation with the slug {options['org_slug']!r}.")
        output = options["output"]
        with tenant_scope(organization):
            try:
                query = export_query_build(
                    start=start, end=end, store_ids=store_ids, group_by=options["group_by"]
                )
            except ValidationError as exc:
                flags = {"start": "--start", "end": "--end", "store": "--store"}
                raise CommandError(
                    " ".join(
                        f"{flags.get(field, '--' + field.replace('_', '-'))}: {' '.join(msgs)}"
                        for field, msgs in exc.message_dict.items()
                    )
                ) from exc
            if output == "-":
                stream = getattr(self.stdout, "_out", sys.stdout)
                binary = getattr(stream, "buffer", None)
                for chunk in csv_chunks(query):
                    if binary is not None:
                        binary.write(chunk)
                    else:
                        stream.write(chunk.decode())
                stream.flush()
                return
            partial = f"{output}.part"
            try:
                with open(partial, "wb") as out:
                    for chunk in csv_chunks(query):
                        out.write(chunk)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
            os.replace(partial, output)
        self.stderr.write(f"Wrote {output}.")
