from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"

    def ready(self) -> None:
        # The sync asks how far back a newly unmasked tag group's history goes: to its
        # campaign's first day (attribution knows no campaigns).
        from attribution.signals import campaign_starts as starts_asked
        from campaigns.selectors import campaign_starts

        starts_asked.connect(campaign_starts, dispatch_uid="campaigns.campaign_starts")
