from django.apps import AppConfig


class CreatorsConfig(AppConfig):
    name = "creators"

    def ready(self) -> None:
        # the portal's sign-in hook (the session's creator profiles)
        from creators.portal import services  # noqa: F401
