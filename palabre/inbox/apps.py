from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "palabre.inbox"

    def ready(self) -> None:
        from palabre.inbox import signals  # noqa: F401 (connects the receivers)
