from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo brands, people and sandbox traffic (`seed_demo`). Installed only in the
    development and test settings: the production image leaves this folder out."""

    name = "demo"
