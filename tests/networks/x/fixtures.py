"""pytest fixtures for the X API double (a plugin of the root conftest.py).

- `x_double_server`: one XDouble for the whole run (session), on a free 127.0.0.1 port; the
  environment points PALABRE_X_* at it and lists 127.0.0.1 in
  PALABRE_OUTBOUND_ALLOWED_HOSTS, for the processes tests start (`palabre worker`);
- `x_double_contract_server`: the double as the contract suite's `NetworkServer`;
- `x_double`: the same server for one test, Django's settings pointed at it for that test
  and its behaviour (faults, limits, media plans, clock) reset when the test ends.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.networks.x.double import XDouble

HOSTS = ["127.0.0.1"]


@pytest.fixture(scope="session")
def x_double_server() -> Iterator[XDouble]:
    double = XDouble().start()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in double.settings().items():
            patch.setenv(name, str(value))
        listed = [h for h in os.environ.get("PALABRE_OUTBOUND_ALLOWED_HOSTS", "").split(",") if h]
        patch.setenv("PALABRE_OUTBOUND_ALLOWED_HOSTS", ",".join(dict.fromkeys([*listed, *HOSTS])))
        yield double
    double.stop()


@pytest.fixture
def x_double(x_double_server: XDouble, settings: Any) -> Iterator[XDouble]:
    for name, value in x_double_server.settings().items():
        setattr(settings, name, value)
    listed = list(getattr(settings, "PALABRE_OUTBOUND_ALLOWED_HOSTS", []) or [])
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = list(dict.fromkeys([*listed, *HOSTS]))
    yield x_double_server
    x_double_server.reset()


@pytest.fixture(scope="session")
def x_double_contract_server(x_double_server: XDouble) -> Any:
    """The double as the contract suite's `NetworkServer` (contract.py), one brand and one
    fan for the run."""
    from tests.networks.x import contract  # imports Palabre's code: once Django is set up

    return contract.server(x_double_server)
