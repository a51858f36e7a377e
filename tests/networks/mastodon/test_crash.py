"""Acceptance: exactly once on both Mastodon-API servers, with real `palabre worker`
processes killed (SIGKILL) right after the server accepted a post, a thread part or an
inbox answer, and others taking over. 0 duplicates, 0 lost, 0 left for a person.

Takahē ignores Idempotency-Key, so there the retry reads the account's posts back and
finds what the dead worker sent (networks/reconcile.py). mastodon-mock reports itself as
Mastodon and honours the key; it is run both ways: trusting the key, and as an unknown
server, which must read back too. The posts are counted as the brand's own client sees
them (its home timeline and its own list), never through the connector under test.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from palabre.channels.models import Channel
from palabre.inbox.models import Interaction
from palabre.inbox.tests.helpers import poll
from palabre.networks.base import InteractionKind
from palabre.networks.mastodon.parse import plain_text
from palabre.publishing.tests.crash import Count, answer_through_a_kill, publish_through_a_kill
from tests.networks.harness import NetworkServer, eventually
from tests.networks.mastodon.servers import sdk_client

pytestmark = [pytest.mark.network, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["as reported", "as an unknown server"])
def channel(request, mastodon_network, mastodon_server: NetworkServer, cast) -> Channel:
    if request.param == "as an unknown server":
        if mastodon_server.honours_idempotency is False:
            pytest.skip(f"{mastodon_server} is not trusted with keys already")
        channel = mastodon_server.connect(cast.workspace)
        # Keys not trusted: the retry must find the post by reading back.
        channel.server = {**channel.server, "software": ""}
        channel.save(update_fields=["server"])
        return channel
    return mastodon_server.connect(cast.workspace)


def _counter(server: NetworkServer) -> Count:
    """How many of the brand's posts contain `text`, as the brand's own client reads them
    (Takahē's own list omits private ones; its home timeline has them a second later)."""
    brand = server.accounts["brand"]
    api = sdk_client(server.base_url, brand.token)

    def count(text: str) -> int:
        statuses = {
            str(s["id"]): plain_text(s["content"])
            for listing in (
                api.timeline_home(limit=40),
                api.account_statuses(brand.id, limit=40),
            )
            for s in listing
        }
        return sum(text in said for said in statuses.values())

    return count


def _settled_count(server: NetworkServer) -> Count:
    """The count once the server shows what it has (its worker fans posts out later)."""
    count = _counter(server)

    def settled(text: str) -> int:
        try:
            return eventually(lambda: count(text), timeout=10)
        except AssertionError:
            return 0

    return settled


def test_a_post_killed_after_the_server_accepted_it(channel, mastodon_server) -> None:
    target = publish_through_a_kill(
        channel, _settled_count(mastodon_server), fault="publish.after_network"
    )
    assert mastodon_server.peer.read(target.remote_id) is not None  # the id recorded is its


def test_a_thread_killed_after_a_part(channel, mastodon_server) -> None:
    target = publish_through_a_kill(
        channel,
        _settled_count(mastodon_server),
        fault="publish.after_part",
        parts=2,
        first_comment=True,
    )
    seen = [mastodon_server.peer.read(part) for part in target.part_ids]
    assert [s.in_reply_to if s else None for s in seen] == [target.remote_id, target.part_ids[0]]


def test_a_private_answer_killed_after_the_server_accepted_it(
    channel, mastodon_server, mastodon_peer
) -> None:
    order = uuid.uuid4().hex[:8]  # the servers are shared: earlier messages are there too
    mastodon_peer.message(f"Bonjour, ma commande {order} n'est pas arrivée.")

    def arrived() -> Interaction | None:
        poll(channel)
        said = Interaction.objects.filter(channel=channel, kind=InteractionKind.MESSAGE)
        return said.filter(text__contains=order).first()

    message: Any = eventually(arrived)
    reply = answer_through_a_kill(message, _settled_count(mastodon_server))
    seen = mastodon_peer.read(reply.remote_id)
    assert seen is not None and seen.visibility == "direct"
    assert mastodon_peer.account.username in seen.mentions
