"""A brand's X account on the X double, connected as a channel, and a fan.

Each test makes its own accounts (the double is shared by the whole run); the connector
waits only a hundredth of a second between looks at a video being processed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from palabre.channels.models import ApiUsage, Channel
from palabre.networks.x.connector import XConnector
from tests.networks.x.double import XDouble
from tests.networks.x.state import User

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x01" * (2 * 1024 * 1024 + 100)  # three chunks


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


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
        usage = ApiUsage.objects.filter(channel=self.channel).first()
        return dict(usage.by_kind) if usage else {}


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


@pytest.fixture
def brand(x_double: XDouble, cast: Any) -> Brand:
    return connect(x_double, cast.workspace)


@pytest.fixture
def fan(x_double: XDouble) -> User:
    return x_double.user("fanny", "Fanny Fan")
