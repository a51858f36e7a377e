from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "palabre.api"
    label = "api"
