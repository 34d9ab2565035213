from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The creator portal (/portal/): the presentation of creators' campaigns, links, numbers
    and earnings. No models of its own."""

    name = "portal"

    def ready(self) -> None:
        # the portal's sign-in hook (the session's creator profiles)
        from portal import services  # noqa: F401
