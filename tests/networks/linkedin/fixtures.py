"""pytest fixtures for the LinkedIn double (a plugin of the root conftest.py).

- `linkedin_double_server`: one LinkedInDouble for the whole run (session) on a free
  127.0.0.1 port; the environment points PALABRE_LINKEDIN_* at it and lists 127.0.0.1 in
  PALABRE_OUTBOUND_ALLOWED_HOSTS, for the processes tests start (`palabre worker`);
- `linkedin_double`: the same server for one test, with Django's settings pointed at it (through
  pytest-django's `settings`) and its behaviour reset when the test ends.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.networks.linkedin.double import LinkedInDouble

HOSTS = ["127.0.0.1"]


@pytest.fixture(scope="session")
def linkedin_double_server() -> Iterator[LinkedInDouble]:
    double = LinkedInDouble().start()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in double.settings().items():
            patch.setenv(name, str(value))
        listed = [h for h in os.environ.get("PALABRE_OUTBOUND_ALLOWED_HOSTS", "").split(",") if h]
        patch.setenv("PALABRE_OUTBOUND_ALLOWED_HOSTS", ",".join(dict.fromkeys([*listed, *HOSTS])))
        yield double
    double.stop()


@pytest.fixture
def linkedin_double(
    linkedin_double_server: LinkedInDouble, settings: Any
) -> Iterator[LinkedInDouble]:
    for name, value in linkedin_double_server.settings().items():
        setattr(settings, name, value)
    listed = list(getattr(settings, "PALABRE_OUTBOUND_ALLOWED_HOSTS", []) or [])
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = list(dict.fromkeys([*listed, *HOSTS]))
    yield linkedin_double_server
    linkedin_double_server.reset()


@pytest.fixture
def linkedin_contract(linkedin_double: LinkedInDouble) -> LinkedInDouble:
    """The double for one contract test: the suite's retry test sends the same post twice
    to see two posts where keys are not honoured; LinkedIn refuses a duplicate instead (a
    refusal test_connector.py checks), so that refusal is off here."""
    linkedin_double.refuse_duplicates = False
    return linkedin_double


@pytest.fixture(scope="session")
def linkedin_double_contract_server(linkedin_double_server: LinkedInDouble) -> Any:
    from tests.networks.linkedin import contract  # imports Palabre's code: once Django is set up

    return contract.servers(linkedin_double_server)["linkedin-double"]
