"""X channels on the X double, stored as connecting stores them: for the tests that need a
connected account without going through the authorize page each time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from palabre.channels.models import ApiUsage, Channel
from palabre.networks.x.connector import XConnector
from tests.networks.x.double import XDouble
from tests.networks.x.state import User


@dataclass
class Brand:
    user: User
    token: str
    channel: Channel

    def connector(self) -> XConnector:
        connector = XConnector(self.channel)
        connector.media_pauses = (0.01,)
        return connector

    def requests(self) -> dict[str, int]:
        """What X bills this month, by kind (requests, and posts read)."""
        usage = ApiUsage.objects.filter(channel=self.channel).first()
        return dict(usage.by_kind) if usage else {}

    def request_count(self) -> int:
        usage = ApiUsage.objects.filter(channel=self.channel).first()
        return usage.requests if usage else 0


def connect(double: XDouble, workspace: Any, *, followers: int = 1200) -> Brand:
    user = double.user("lumiere", "Boulangerie Lumière", followers=followers)
    answer = double.token(user, refresh=True)
    channel = Channel.objects.create(
        workspace=workspace,
        network="x",
        connector="x",
        name="Lumière on X",
        handle=user.username,
        account_id=user.id,
    )
    channel.save_credentials(
        {
            "user_id": user.id,
            "access_token": answer["access_token"],
            "refresh_token": answer["refresh_token"],
        }
    )
    return Brand(user, answer["access_token"], channel)


def brand_texts(double: XDouble, brand: Brand) -> list[str]:
    """Everything the brand's account has on X (posts, thread parts, answers), read from
    the double's state, never through Palabre."""
    return [p.text for p in double.posts_by(brand.user)]
