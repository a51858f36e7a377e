from django.apps import AppConfig


class ListeningConfig(AppConfig):
    name = "palabre.listening"

    def ready(self) -> None:
        from palabre.listening import signals  # noqa: F401 (connects the receivers)
