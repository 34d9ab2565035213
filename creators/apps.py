from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "creators"

    def ready(self) -> None:
        # Key rotation re-encrypts payout details with the Amazon tokens (same keys).
        from attribution.signals import secrets_rotating
        from creators.payout_details import payout_details_rotate

        secrets_rotating.connect(payout_details_rotate, dispatch_uid="creators.payout_details")
