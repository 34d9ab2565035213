from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "commissions"

    def ready(self) -> None:
        # After each sync, conversions settle in the sync's own transaction (design.md, step 5).
        from attribution.signals import sync_applied
        from commissions.services import conversions_settle_after_sync

        sync_applied.connect(conversions_settle_after_sync, dispatch_uid="commissions.settle")
