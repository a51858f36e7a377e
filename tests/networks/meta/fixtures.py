"""pytest fixtures for the Graph API double (a plugin of the root conftest.py).

- `meta_double_server`: one MetaDouble for the whole run (session), started on a free
  127.0.0.1 port; the environment (os.environ) points PALABRE_META_* / PALABRE_THREADS_* at
  it and lists 127.0.0.1 in PALABRE_OUTBOUND_ALLOWED_HOSTS, for the processes tests start
  (`palabre worker`).
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
