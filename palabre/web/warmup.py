"""What a web process loads before its first visitor: every page's code and the networks'
SDKs. Loaded on first use instead, the first visit of each of gunicorn's processes paid
for it (the listening page asks every connector what it can do: 1 to 5 seconds cold)."""

from __future__ import annotations

import logging

from django.urls import get_resolver

from palabre.networks.registry import CONNECTORS, connector_class

log = logging.getLogger("palabre.web")


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 (read for its import of every view module)
    for key in CONNECTORS:
        try:
            connector_class(key)
        except Exception:  # its SDK missing or broken: only that network is concerned
            log.exception("The %s connector cannot be loaded", key)
