from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from audit.context import connect_task_signals, patch_commands

        connect_task_signals()
        patch_commands()
