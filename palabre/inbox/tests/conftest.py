from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def bob(client: Client, cast) -> Client:
    """The community manager, logged in."""
    client.login(email="bob@example.com", password="correct horse battery")
    return client
