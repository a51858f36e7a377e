from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "palabre.strategy"

    def ready(self) -> None:
        from palabre.strategy import signals  # noqa: F401
