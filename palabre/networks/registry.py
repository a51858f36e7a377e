"""Connector key → class, imported on first use (a missing SDK breaks only its own network)."""

from __future__ import annotations

from functools import cache
from importlib import import_module

from palabre.networks.base import Connector

CONNECTORS: dict[str, str] = {
    "demo": "palabre.networks.demo.connector.DemoConnector",
    "demo_mastodon": "palabre.networks.demo.connector.DemoMastodonConnector",
    "demo_facebook": "palabre.networks.demo.meta.DemoFacebookConnector",
    "demo_instagram": "palabre.networks.demo.meta.DemoInstagramConnector",
    "demo_threads": "palabre.networks.demo.meta.DemoThreadsConnector",
    "demo_x": "palabre.networks.demo.x.DemoXConnector",
    "demo_linkedin": "palabre.networks.demo.connector.DemoLinkedInConnector",
    "bluesky": "palabre.networks.bluesky.connector.BlueskyConnector",
    "mastodon": "palabre.networks.mastodon.connector.MastodonConnector",
    "facebook": "palabre.networks.facebook.connector.FacebookConnector",
    "instagram": "palabre.networks.instagram.connector.InstagramConnector",
    "threads": "palabre.networks.threads.connector.ThreadsConnector",
    "x": "palabre.networks.x.connector.XConnector",
    "linkedin": "palabre.networks.linkedin.connector.LinkedInConnector",
}


@cache
def connector_class(key: str) -> type[Connector]:
    module_name, _, class_name = CONNECTORS[key].rpartition(".")
    cls: type[Connector] = getattr(import_module(module_name), class_name)
    return cls
