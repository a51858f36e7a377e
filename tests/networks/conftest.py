"""The servers the contract suite runs against, each network's in turn.

A network adds its servers here: the fixture giving each as a `NetworkServer`, and the
fixture that points this test at it, if it needs one (its own fixtures module provides
both).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.networks.harness import NetworkServer

# Server → (its NetworkServer's fixture, the fixture pointing one test at it or "").
SERVERS = {
    "takahe": ("takahe_server", ""),
    "mastodon-mock": ("mastodon_mock_server", ""),
    # meta_double: Django's settings point at the double for this test (meta/fixtures.py).
    "graph-double-facebook": ("graph_double_facebook_server", "meta_double"),
    "graph-double-instagram": ("graph_double_instagram_server", "meta_double"),
    "graph-double-threads": ("graph_double_threads_server", "meta_double"),
    # x_double: Django's settings point at the X double for this test (x/fixtures.py).
    "x-double": ("x_double_contract_server", "x_double"),
}


@pytest.fixture(params=sorted(SERVERS))
def network_server(
    request: pytest.FixtureRequest, mastodon_network: Any
) -> Iterator[NetworkServer]:
    # Mastodon's environment is asked for by name: a session fixture, it is then made before
    # the test's own settings overrides (see mastodon/fixtures.py, mastodon_server); the
    # servers start only when their turn comes. It costs the other servers nothing.
    name, for_this_test = SERVERS[request.param]
    if for_this_test:
        request.getfixturevalue(for_this_test)
    server: NetworkServer = request.getfixturevalue(name)
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
