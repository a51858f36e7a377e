"""A `palabre worker` process reaches both servers: the CA bundle and the allowed hosts the
fixtures set travel in its environment (what the publisher's crash tests rely on)."""

from __future__ import annotations

import pytest

from palabre.inbox.ingest import channel_sync_ensure
from palabre.inbox.models import Interaction
from palabre.networks.base import InteractionKind
from palabre.worker.tests.processes import run_worker
from tests.networks.harness import NetworkServer, eventually

pytestmark = [pytest.mark.network, pytest.mark.django_db(transaction=True)]


def test_a_worker_process_collects_a_private_message(
    mastodon_channel, mastodon_server: NetworkServer
) -> None:
    connector = mastodon_channel.get_connector()
    sync = channel_sync_ensure(mastodon_channel)
    sync.cursor = connector.fetch_interactions(cursor=None).next_cursor or ""
    sync.save(update_fields=["cursor"])
    question = mastodon_server.peer.message("Une question en privé (worker)")
    # Takahē delivers it about a second later: the next poll is made due until it came.
    eventually(
        lambda: any(
            i.remote_id == question for i in connector.fetch_interactions(cursor=sync.cursor).items
        )
    )

    done = run_worker()
    assert done.returncode == 0, done.stderr[-3000:]
    stored = Interaction.objects.get(channel=mastodon_channel, remote_id=question)
    assert stored.kind == InteractionKind.MESSAGE
    assert stored.text.endswith("Une question en privé (worker)")
