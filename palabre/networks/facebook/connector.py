"""Facebook Pages through the Graph API (palabre/networks/meta/graph.py). Being built."""

from __future__ import annotations

from palabre.networks.base import Capability, Connector


class FacebookConnector(Connector):
    key = "facebook"
    label = "Facebook"
    capabilities = Capability.NONE
