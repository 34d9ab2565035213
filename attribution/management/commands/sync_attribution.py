import uuid
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser

from attribution import amazon
from attribution.models import Store, SyncRun
from attribution.services import store_access_recheck
from attribution.sync.history import store_history_sync
from attribution.sync.lease import SyncBusy
from attribution.sync.service import store_sync
from attribution.sync.windows import Window, backfill_windows, default_window
from tenancy.models import Organization
from tenancy.scoping import tenant_scope


def _date(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{flag}: use YYYY-MM-DD, got {value!r}.") from exc


class Command(BaseCommand):
    help = (
        "Sync Amazon Attribution reports for an organisation's stores now (the same sync the "
        "scheduler runs). Without dates: the stores' usual window. With dates: a backfill of up "
        "to 13 months, in chunks of at most 90 days. Exits non-zero when any store fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_slug")
        parser.add_argument("--store", type=int, help="only this store id")
        parser.add_argument("--start", help="first day, YYYY-MM-DD (store time zone)")
        parser.add_argument(
            "--end",
            help="last day, YYYY-MM-DD (default: yesterday; today in the store's time zone is "
            "clamped to the store's yesterday)",
        )

    def handle(self, *args: object, **opts: object) -> None:
        start = _date(opts["start"], "--start")  # type: ignore[arg-type]
        end = _date(opts["end"], "--end")  # type: ignore[arg-type]
        slug = str(opts["org_slug"])
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organisation with slug {slug!r}.")
        with tenant_scope(organization):
            stores = list(Store.objects.select_related("connection").order_by("pk"))
            if opts["store"] is not None:
                stores = [s for s in stores if s.pk == opts["store"]]
                if not stores:
                    raise CommandError(f"No store {opts['store']} in {slug}.")
            plans = [(store, self._windows(store, start, end)) for store in stores]
        if not plans:
            raise CommandError(f"{slug} has no store: connect Amazon Ads first.")

        failed = 0
        for store, windows in plans:
            if not self._access(organization.pk, store):
                failed += 1
                continue
            ok = True
            for window in windows:
                ok = self._sync_one(organization.pk, store, window) and ok
            if ok:
                ok = self._history(organization.pk, store)
            failed += 0 if ok else 1
        if failed:
            raise CommandError(f"{failed} of {len(plans)} store(s) failed; see above.")

    def _windows(self, store: Store, start: date | None, end: date | None) -> list[Window]:
        if start is None and end is None:
            return [default_window(store)]
        usual = default_window(store)
        end = self._clamp_end(store, end) if end else usual.end
        start = start or end - timedelta(days=store.sync_window_days - 1)
        try:
            return backfill_windows(store, start, end)
        except ValueError as exc:
            raise CommandError(f"{store}: {exc}") from exc

    def _clamp_end(self, store: Store, end: date) -> date:
        """An end that is today where the store is has not ended there: Amazon has no complete
        numbers for it yet. Sync through the store's yesterday, and say so. (An operator's
        "yesterday" is a US store's today whenever UTC has passed midnight.)"""
        if end != store.today():
            return end
        last = store.latest_complete_day()
        self.stdout.write(
            self.style.WARNING(
                f"store #{store.pk} {store}: --end {end} is today in the store's time zone "
                f"({store.timezone}) and not over yet; syncing through {last}, the store's "
                "yesterday."
            )
        )
        return last

    def _access(self, organization_id: int, store: Store) -> bool:
        """A store whose profile access Amazon withdrew is asked again before it syncs."""
        if store.status != Store.Status.NO_ACCESS:
            return True
        try:
            with tenant_scope(organization_id):
                if store_access_recheck(store=store):
                    self.stdout.write(f"store #{store.pk} {store}: Amazon gives access again.")
                    return True
        except amazon.AmazonError as exc:
            self.stdout.write(self.style.ERROR(f"store #{store.pk} {store}: {exc.message}"))
            return False
        self.stdout.write(self.style.ERROR(f"store #{store.pk} {store}: {store.status_message}"))
        return False

    def _history(self, organization_id: int, store: Store) -> bool:
        """The days a tag group revealed by passing Amazon's 10-click threshold, as the
        scheduled sync pulls them after its window (attribution.sync.history)."""
        runs = store_history_sync(
            organization_id=organization_id, store_id=store.pk, owner=f"command-{uuid.uuid4()}"
        )
        return all([self._report(store, run, "history re-pull ") for run in runs])

    def _sync_one(self, organization_id: int, store: Store, window: Window) -> bool:
        label = f"store #{store.pk} {store} {window.start}..{window.end}"
        try:
            run = store_sync(
                organization_id=organization_id,
                store_id=store.pk,
                trigger=SyncRun.Trigger.COMMAND,
                owner=f"command-{uuid.uuid4()}",
                window=window,
            )
        except SyncBusy as exc:
            self.stdout.write(self.style.ERROR(f"{label}: busy — {exc}"))
            return False
        except amazon.AmazonRetryable as exc:
            self.stdout.write(self.style.ERROR(f"{label}: failed — {exc.message}"))
            return False
        assert run is not None
        return self._report(store, run)

    def _report(self, store: Store, run: SyncRun, what: str = "") -> bool:
        label = f"store #{store.pk} {store} {what}{run.window_start}..{run.window_end}"
        line = (
            f"{label}: {run.status}, {run.pages} page(s), {run.rows_received} row(s) "
            f"(+{run.rows_inserted} ~{run.rows_updated} -{run.rows_removed}), "
            f"{run.retries} retr{'y' if run.retries == 1 else 'ies'}, "
            f"{run.duration_seconds or 0:.1f}s"
        )
        if run.status == SyncRun.Status.SUCCEEDED:
            self.stdout.write(self.style.SUCCESS(line))
            return True
        self.stdout.write(self.style.ERROR(f"{line} — {run.error}"))
        return False
