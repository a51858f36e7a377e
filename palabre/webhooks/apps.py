from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "palabre.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        from palabre.webhooks import signals  # noqa: F401 (connects the receivers)
