"""The servers the contract suite runs against, each network's in turn.

A network adds its servers here (the fixture names its own fixtures module provides).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.networks.harness import NetworkServer

SERVERS = {"takahe": "takahe_server", "mastodon-mock": "mastodon_mock_server"}


@pytest.fixture(params=sorted(SERVERS))
def network_server(
    request: pytest.FixtureRequest, mastodon_network: Any
) -> Iterator[NetworkServer]:
    # The environment is asked for here, before the test's own settings overrides (see
    # mastodon/fixtures.py, mastodon_server); the servers below start only when their turn
    # comes.
    server: NetworkServer = request.getfixturevalue(SERVERS[request.param])
    yield server
    if server.faults:
        server.faults.clear()  # a test's injected faults end with it


@pytest.fixture
def channel(cast: Any, network_server: NetworkServer) -> Any:
    """The brand's account, connected to workspace "lumiere" through Palabre's own path."""
    return network_server.connect(cast.workspace)


@pytest.fixture
def connector(channel: Any) -> Any:
    return channel.get_connector()


@pytest.fixture
def peer(network_server: NetworkServer) -> Any:
    return network_server.peer
