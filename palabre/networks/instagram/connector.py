"""Instagram professional accounts through the Graph API (Facebook Login). Being built."""

from __future__ import annotations

from palabre.networks.base import Capability, Connector


class InstagramConnector(Connector):
    key = "instagram"
    label = "Instagram"
    capabilities = Capability.NONE
    fetches_media_by_url = True
