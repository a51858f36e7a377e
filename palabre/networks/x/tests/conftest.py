"""A brand's X account on the X double, connected as a channel, and a fan.

Each test makes its own accounts (the double is shared by the whole run); the connector
waits only a hundredth of a second between looks at a video being processed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from tests.networks.x.channels import Brand, connect
from tests.networks.x.double import XDouble
from tests.networks.x.state import User

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x01" * (2 * 1024 * 1024 + 100)  # three chunks


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def brand(x_double: XDouble, cast: Any) -> Brand:
    return connect(x_double, cast.workspace)


@pytest.fixture
def fan(x_double: XDouble) -> User:
    return x_double.user("fanny", "Fanny Fan")
