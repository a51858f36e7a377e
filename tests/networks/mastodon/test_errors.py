"""What a Mastodon-API server's refusal means, told by its words and not its status: the
words below are Mastodon's, Pleroma's and Akkoma's (moved from the contract suite, where
they read as every network's; Meta's errors are told by their code and subcode, checked in
tests/networks/meta/test_graph_client.py and each Meta connector's test_errors.py)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from palabre.networks.base import AuthExpired, OutgoingPost, Rejected
from tests.networks.harness import NetworkServer

pytestmark = pytest.mark.network


@pytest.mark.parametrize(
    ("status", "said", "error"),
    [
        (403, "This action is not allowed", Rejected),
        (403, "Your login is currently disabled", AuthExpired),
        (422, "This method requires an authenticated user", AuthExpired),
        (403, "Invalid credentials.", AuthExpired),  # Pleroma, Akkoma
        (422, "Validation failed: Text can't be blank", Rejected),
    ],
)
def test_a_token_problem_is_told_by_its_meaning_not_its_status(
    mastodon_channel: Any, mastodon_server: NetworkServer, status: int, said: str, error: type
) -> None:
    if mastodon_server.faults is None:
        pytest.skip(f"{mastodon_server} says only its own words (no fault injector)")
    mastodon_server.faults.status("/api/v1/statuses", status, error=said, method="POST")
    with pytest.raises(error) as raised:
        mastodon_channel.get_connector().publish(
            OutgoingPost(text="Bonjour", idempotency_key=uuid.uuid4().hex)
        )
    assert raised.value.reason == said
