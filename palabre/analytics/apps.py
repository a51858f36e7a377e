from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "palabre.analytics"

    def ready(self) -> None:
        from palabre.analytics import signals  # noqa: F401 (connects the receivers)
