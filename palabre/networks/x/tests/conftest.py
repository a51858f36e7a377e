from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from palabre.networks.x.tests.tokenserver import CLIENT_ID, CLIENT_SECRET, TokenServer


@pytest.fixture
def token_server(settings: Any) -> Iterator[TokenServer]:
    server = TokenServer()
    settings.PALABRE_X_CLIENT_ID, settings.PALABRE_X_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.PALABRE_X_API_URL = server.url
    settings.PALABRE_X_AUTHORIZE_URL = server.url
    listed = list(getattr(settings, "PALABRE_OUTBOUND_ALLOWED_HOSTS", []) or [])
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = [*listed, "127.0.0.1"]
    yield server
    server.close()
