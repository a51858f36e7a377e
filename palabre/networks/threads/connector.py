"""Threads through graph.threads.net (palabre/networks/meta/graph.py). Being built."""

from __future__ import annotations

from palabre.networks.base import Capability, Connector


class ThreadsConnector(Connector):
    key = "threads"
    label = "Threads"
    capabilities = Capability.NONE
    fetches_media_by_url = True
