from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "palabre.channels"
    label = "palabre_channels"
