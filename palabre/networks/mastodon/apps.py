from django.apps import AppConfig


class MastodonNetworkConfig(AppConfig):
    name = "palabre.networks.mastodon"
    label = "mastodon_network"
    verbose_name = "Mastodon"
