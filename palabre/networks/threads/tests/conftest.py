"""A brand's Threads account on the Graph API double, connected as a channel, and a fan.

Each test makes its own accounts (the double is shared by the whole run); the connector
waits only a hundredth of a second between looks at a container being processed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from palabre.channels.models import Channel
from palabre.networks.threads.connector import ThreadsConnector
from tests.networks.meta.double import Fan, MetaDouble
from tests.networks.meta.state import ThreadsUser

# A 1×1 PNG: the double checks that what it fetches is an image.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
    b"5\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Reasons are compared with the English text, whatever the instance's language."""
    with translation.override("en"):
        yield


@dataclass
class Brand:
    user: ThreadsUser
    token: str
    channel: Channel

    def connector(self) -> ThreadsConnector:
        connector = ThreadsConnector(self.channel)
        connector.container_pauses = (0.01,)
        return connector


@pytest.fixture
def brand(meta_double: MetaDouble, cast: Any) -> Brand:
    user = meta_double.threads_user(f"lumiere.{meta_double.world.new_id()}", followers=321)
    token = meta_double.threads_token(user)
    channel = Channel.objects.create(
        workspace=cast.workspace,
        network="threads",
        connector="threads",
        name="Lumière on Threads",
        handle=user.username,
        account_id=user.id,
    )
    channel.save_credentials({"threads_user_id": user.id, "access_token": token})
    return Brand(user, token, channel)


@pytest.fixture
def fan(meta_double: MetaDouble) -> Fan:
    return meta_double.fan("Fanny")
