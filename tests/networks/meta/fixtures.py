"""pytest fixtures for the Graph API double (a plugin of the root conftest.py).

- `meta_double_server`: one MetaDouble for the whole run (session), started on a free
  127.0.0.1 port; the environment (os.environ) points PALABRE_META_* / PALABRE_THREADS_* at
  it and lists 127.0.0.1 in PALABRE_OUTBOUND_ALLOWED_HOSTS, for the processes tests start
  (`palabre worker`).
- `instance_files`: this instance's files served on loopback, for Instagram and Threads to
  fetch as they fetch the publisher's signed URLs (tests/networks/files.py);
- `graph_double_facebook_server`, `_instagram_server`, `_threads_server`: the double as the
  three networks' `NetworkServer`s for the contract suite (contract.py; one brand and one
  fan for the run, like Mastodon's servers);
- `meta_double`: the same server for one test, with Django's settings pointed at it for that
  test (through pytest-django's `settings`, so they go back afterwards) and its behaviour
  (faults, container plans, usage, clock) reset when the test ends.

The server is shared: a test makes its own person, Page, accounts (`meta_double.person()`,
`.page()`, …) and never relies on another test's; ids are unique for the server's life.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.networks.files import InstanceFiles
from tests.networks.harness import NetworkServer
from tests.networks.meta import sdk
from tests.networks.meta.double import MetaDouble

HOSTS = ["127.0.0.1"]


@pytest.fixture(scope="session")
def meta_double_server() -> Iterator[MetaDouble]:
    sdk.adobjects_dir()  # the double checks requests against the SDK: without it, say so now
    double = MetaDouble().start()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in double.settings().items():
            patch.setenv(name, str(value))
        import os

        listed = [h for h in os.environ.get("PALABRE_OUTBOUND_ALLOWED_HOSTS", "").split(",") if h]
        patch.setenv("PALABRE_OUTBOUND_ALLOWED_HOSTS", ",".join(dict.fromkeys([*listed, *HOSTS])))
        yield double
    double.stop()


@pytest.fixture
def meta_double(meta_double_server: MetaDouble, settings: Any) -> Iterator[MetaDouble]:
    for name, value in meta_double_server.settings().items():
        setattr(settings, name, value)
    listed = list(getattr(settings, "PALABRE_OUTBOUND_ALLOWED_HOSTS", []) or [])
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = list(dict.fromkeys([*listed, *HOSTS]))
    yield meta_double_server
    meta_double_server.reset()


@pytest.fixture(scope="session")
def instance_files() -> Iterator[InstanceFiles]:
    files = InstanceFiles()
    yield files
    files.stop()


@pytest.fixture(scope="session")
def meta_contract_servers(meta_double_server: MetaDouble) -> dict[str, NetworkServer]:
    from tests.networks.meta import contract  # imports Palabre's code: once Django is set up

    return contract.servers(meta_double_server)


@pytest.fixture(scope="session")
def graph_double_facebook_server(meta_contract_servers: dict[str, NetworkServer]) -> NetworkServer:
    return meta_contract_servers["graph-double-facebook"]


@pytest.fixture(scope="session")
def graph_double_instagram_server(
    meta_contract_servers: dict[str, NetworkServer],
) -> NetworkServer:
    return meta_contract_servers["graph-double-instagram"]


@pytest.fixture(scope="session")
def graph_double_threads_server(meta_contract_servers: dict[str, NetworkServer]) -> NetworkServer:
    return meta_contract_servers["graph-double-threads"]
