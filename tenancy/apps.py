from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "tenancy"
    verbose_name = "Organisations and access"

    def ready(self) -> None:
        from celery.signals import task_prerun
        from django.db.backends.signals import connection_created

        from tenancy import checks  # noqa: F401  (connects the database role guard)
        from tenancy.replica import install_hooks, reset_context

        def hooks(sender: object, connection: object, **kwargs: object) -> None:
            install_hooks(connection)

        def task_starts(**kwargs: object) -> None:
            reset_context()

        # the replica's tenant setting and the primary's write watch (tenancy.replica)
        connection_created.connect(hooks, weak=False, dispatch_uid="tenancy.replica.hooks")
        task_prerun.connect(task_starts, weak=False, dispatch_uid="tenancy.replica.task")
