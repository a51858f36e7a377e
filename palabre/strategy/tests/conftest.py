"""The community manager who keeps the strategy, reading in English (test_plan reads French)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def manager(client: Client, cast) -> Client:
    cast.bob.language = "en"
    cast.bob.save()
    client.force_login(cast.bob)
    client.raise_request_exception = False  # a 500 is an answer to assert on, not a crash
    return client
