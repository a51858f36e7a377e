from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "palabre.webhooks"
    label = "webhooks"
