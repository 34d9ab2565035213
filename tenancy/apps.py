from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "tenancy"
    verbose_name = "Organisations and access"

    def ready(self) -> None:
        from tenancy import checks  # noqa: F401  (connects the database role guard)
