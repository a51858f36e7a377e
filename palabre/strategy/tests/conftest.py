"""The community manager who keeps the strategy, reading in English (test_plan reads French)."""

from __future__ import annotations

import pytest
from django.test import Client

from palabre.strategy.links import links_cache_clear


@pytest.fixture(autouse=True)
def _no_remembered_links() -> None:
    """Each test starts with the redirect's memory empty: it counts the queries."""
    links_cache_clear()


@pytest.fixture
def manager(client: Client, cast) -> Client:
    cast.bob.language = "en"
    cast.bob.save()
    client.force_login(cast.bob)
    client.raise_request_exception = False  # a 500 is an answer to assert on, not a crash
    return client
