from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "palabre.publishing"
