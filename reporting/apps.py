from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self) -> None:
        # After each sync has committed, the default views' rankings are memoized ahead.
        from attribution.signals import sync_applied
        from reporting.tasks import rankings_warm_after_sync

        sync_applied.connect(rankings_warm_after_sync, dispatch_uid="reporting.rankings_warm")
