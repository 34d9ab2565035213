from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "commissions"

    def ready(self) -> None:
        # After each sync, conversions settle in the sync's own transaction (design.md, step 5).
        from attribution.signals import sync_applied
        from commissions.services import conversions_settle_after_sync

        sync_applied.connect(conversions_settle_after_sync, dispatch_uid="commissions.settle")

        # Key rotation also re-encrypts the payout details that runs keep with their lines.
        from attribution.signals import secrets_rotating
        from commissions.payouts import payout_lines_rotate

        secrets_rotating.connect(payout_lines_rotate, dispatch_uid="commissions.payout_lines")
