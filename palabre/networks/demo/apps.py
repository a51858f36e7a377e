from django.apps import AppConfig


class DemoNetworkConfig(AppConfig):
    name = "palabre.networks.demo"
    label = "demo_network"
    verbose_name = "Demo network"
