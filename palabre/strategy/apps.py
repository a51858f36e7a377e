from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "palabre.strategy"
