"""The community manager who keeps the strategy, reading in English (test_plan reads French)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from palabre.strategy import clicks
from palabre.strategy.links import link_create, links_cache_clear
from palabre.strategy.models import ShortLink

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0"


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


@pytest.fixture
def link(cast) -> ShortLink:
    return link_create(workspace=cast.workspace, actor=cast.erin, destination="https://a.example/")


@pytest.fixture
def batching(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Clicks kept as a web server keeps them, the background writer asleep: the test says
    when they are written (clicks_flush)."""
    monkeypatch.setattr(clicks, "_batching", True)
    monkeypatch.setattr(clicks, "FLUSH_SECONDS", 3600)
    yield
    clicks.clicks_stop()
