from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "palabre.api"
    label = "api"

    def ready(self) -> None:
        from palabre.api import signals  # noqa: F401
