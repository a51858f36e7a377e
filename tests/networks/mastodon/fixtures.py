"""pytest fixtures for Mastodon's two loopback servers (a plugin of the root conftest.py, so
any test may use them: the contract suite, the channels' connect views, the publisher's
crash tests, the browser).

- `takahe` / `mastodon_mock`: the raw servers, started once per run;
- `takahe_server` / `mastodon_mock_server`: the same as `NetworkServer`s (harness.py);
- `mastodon_server`: parametrised over both;
- `mastodon_channel`: the brand's account connected by OAuth to the cast's workspace, on
  `mastodon_server`; `mastodon_peer`: the fan, through Mastodon.py.

Both servers speak HTTPS with private authorities: one CA bundle holds them (and the
system's), named by REQUESTS_CA_BUNDLE; 127.0.0.1 is listed in
PALABRE_OUTBOUND_ALLOWED_HOSTS. Both are set in the environment too, so that a
`palabre worker` a test starts (it copies os.environ) reaches the same servers.

Takahē needs ../shared/servers/takahe next to the checkout and PostgreSQL: without them its
tests are skipped with the reason, except under CI=true, where they must run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.networks.harness import NetworkServer
from tests.networks.mastodon import mock_server, servers, tls

ROOT = Path(__file__).resolve().parents[3]
TAKAHE = ROOT.parent / "shared" / "servers" / "takahe"
TAKAHE_PG = os.environ.get("TAKAHE_LOOPBACK_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
HOSTS = ["127.0.0.1"]  # where both servers answer: the outbound guard refuses it otherwise


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _postgres_answers(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 (whatever the reason, Takahē cannot start)
        return False


class CaBundle:
    """The run's CA bundle: the system's authorities, then each server's as it starts."""

    def __init__(self, path: Path) -> None:
        self.path = tls.bundle(path)

    def add(self, authority: Path) -> None:
        with self.path.open("ab") as bundle:
            bundle.write(authority.read_bytes().rstrip() + b"\n")


@pytest.fixture(scope="session")
def mastodon_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaBundle]:
    """The environment both servers need: their CA bundle and 127.0.0.1 allowed, for this
    process (settings) and the processes it starts (os.environ)."""
    bundle = CaBundle(tmp_path_factory.mktemp("mastodon-tls") / "bundle.pem")
    with pytest.MonkeyPatch.context() as patch:
        listed = [*getattr(settings, "PALABRE_OUTBOUND_ALLOWED_HOSTS", []), *HOSTS]
        patch.setattr(settings, "PALABRE_OUTBOUND_ALLOWED_HOSTS", listed)
        patch.setenv("PALABRE_OUTBOUND_ALLOWED_HOSTS", ",".join(listed))
        # Not session.verify: requests lets REQUESTS_CA_BUNDLE, set on these machines,
        # override it (shared/servers/takahe/README.md, "TLS").
        patch.setenv("REQUESTS_CA_BUNDLE", str(bundle.path))
        yield bundle


@pytest.fixture(scope="session")
def takahe(mastodon_network: CaBundle) -> Iterator[dict[str, Any]]:
    """Takahē 0.11.0 on https://127.0.0.1:<free port>: start_takahe()'s dict (README.md)."""
    if not (TAKAHE / "takahe_loopback.py").exists():
        _missing(f"{TAKAHE} is absent (Takahē, the real Mastodon-API server)")
    if not _postgres_answers(TAKAHE_PG):
        _missing(f"Takahē needs PostgreSQL, which does not answer at {TAKAHE_PG}")
    sys.path.insert(0, str(TAKAHE))
    import takahe_loopback

    info = takahe_loopback.start_takahe(port=0, admin_url=TAKAHE_PG)  # a failure fails the run
    mastodon_network.add(Path(info["ca_bundle"]))
    yield info
    takahe_loopback.stop_takahe(info)


@pytest.fixture(scope="session")
def mastodon_mock(
    mastodon_network: CaBundle, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[mock_server.MockServer]:
    """mastodon-mock 0.6.1 (reporting Mastodon 4.6.0) on https://127.0.0.1:<free port>."""
    try:
        import mastodon_mock  # noqa: F401 (pyproject's dev extras install it)
    except ImportError:
        _missing("mastodon-mock is not installed (pip install -e '.[dev]')")
    folder = tmp_path_factory.mktemp("mastodon-mock")
    certificate = tls.make(folder / "tls")
    mastodon_network.add(certificate.ca)
    server = mock_server.start(folder, certificate)  # a failure fails the run
    yield server
    server.stop()


@pytest.fixture(scope="session")
def takahe_server(takahe: dict[str, Any]) -> NetworkServer:
    return servers.takahe(takahe)


@pytest.fixture(scope="session")
def mastodon_mock_server(mastodon_mock: mock_server.MockServer) -> NetworkServer:
    return servers.mastodon_mock(mastodon_mock)


MASTODON_SERVERS = ["takahe", "mastodon-mock"]
_FIXTURES = {"takahe": "takahe_server", "mastodon-mock": "mastodon_mock_server"}


@pytest.fixture(params=MASTODON_SERVERS)
def mastodon_server(
    request: pytest.FixtureRequest, mastodon_network: CaBundle
) -> Iterator[NetworkServer]:
    """Each Mastodon-API server in turn; a test's injected faults end with it.

    `mastodon_network` is asked for here, not only by the servers found below with
    getfixturevalue: a session fixture first made inside a test is made after the test's
    own `settings` overrides (pytest-django's, for the password hasher), which put back the
    settings they found when the test ends, and the allowed hosts would go with them."""
    server: NetworkServer = request.getfixturevalue(_FIXTURES[request.param])
    yield server
    if server.faults:
        server.faults.clear()


@pytest.fixture
def mastodon_channel(cast: Any, mastodon_server: NetworkServer) -> Any:
    """The brand's account on `mastodon_server`, connected by OAuth to workspace "lumiere"
    (each test its own token: revoking it harms no other test)."""
    return mastodon_server.connect(cast.workspace)


@pytest.fixture
def mastodon_peer(mastodon_server: NetworkServer) -> servers.MastodonPeer:
    """The fan on `mastodon_server`, through Mastodon.py with the fan's own token."""
    peer = mastodon_server.peer
    assert isinstance(peer, servers.MastodonPeer)
    return peer
