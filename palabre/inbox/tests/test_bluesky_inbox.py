"""The issue's acceptance, end to end against the real local Bluesky network.

Claire (the other account, through the official SDK) replies under a post Palabre
published: a threat is hidden on the network and logged; a civil complaint lands first
in "answer first"; a question answered from the inbox shows up in the thread.
"""

from __future__ import annotations

import threading
import time

import pytest
from atproto import models
from django.test import Client

from palabre.inbox.ingest import channel_sync_poll
from palabre.inbox.models import ChannelSync, EventAction, Interaction, ModerationEvent
from palabre.networks.bluesky import connector as bluesky
from palabre.networks.bluesky.tests.test_local_network import _threadgate, eventually
from palabre.publishing import publisher
from palabre.publishing.models import PostTarget
from palabre.publishing.services import post_create
from palabre.worker import loop

pytestmark = [pytest.mark.network]


def _publish(cast, channel) -> PostTarget:
    post = post_create(
        workspace=cast.workspace,
        author=cast.bob,
        idea="Le levain sort du four à 7 h. Des questions ?",
        category="helpful",
        networks=["bluesky"],
    )
    post.variants.get().channels.set([channel])
    [target] = publisher.post_publish_now(post=post)
    publisher.post_target_publish(PostTarget.objects.get(pk=target.pk))
    target.refresh_from_db()
    return target


def _reply(claire, parent_uri: str, text: str):
    repo, collection, rkey = bluesky.split_uri(parent_uri)
    parent = claire.com.atproto.repo.get_record(
        params={"repo": repo, "collection": collection, "rkey": rkey}
    )
    ref = models.ComAtprotoRepoStrongRef.Main(uri=parent.uri, cid=parent.cid)
    return claire.send_post(text, reply_to=models.AppBskyFeedPost.ReplyRef(root=ref, parent=ref))


def _ingested(channel, uri: str, timeout: float = 5) -> Interaction | None:
    """Poll as the worker does until the reply is in the inbox, classified."""
    sync = ChannelSync.objects.get(channel=channel)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        channel_sync_poll(sync)
        sync.refresh_from_db()
        found = Interaction.objects.filter(channel=channel, remote_id=uri).first()
        if found is not None:
            return found
        time.sleep(0.5)
    return None


def test_the_inbox_on_the_real_network(cast, bluesky_channel, bluesky_peer) -> None:
    channel, claire = bluesky_channel, bluesky_peer
    target = _publish(cast, channel)
    eventually(lambda: claire.get_posts([target.remote_id]).posts, bool)

    complaint = _reply(
        claire, target.remote_id, "Très déçue : ma commande n'était pas prête ce matin."
    )
    question = _reply(claire, target.remote_id, "Vous êtes ouverts dimanche matin ?")
    posted = time.monotonic()
    insult = _reply(claire, target.remote_id, "Je vais te tuer, sale con.")  # a threat

    found = _ingested(channel, insult.uri, timeout=5)
    assert found is not None, "the reply was not in the inbox within 5 seconds"
    assert time.monotonic() - posted < 5
    assert found.category == "abuse" and found.hidden and found.target == target
    for uri in (complaint.uri, question.uri):
        assert _ingested(channel, uri) is not None

    # The hide reaches the network through the worker, and the log says who and why.
    loop.run(stop=threading.Event(), until_idle=True)
    assert insult.uri in (
        _threadgate(channel.get_connector(), target.remote_id).hidden_replies or []
    )
    hide = ModerationEvent.objects.get(interaction__remote_id=insult.uri, action=EventAction.HIDE)
    assert hide.network_status == "done" and hide.model_version and hide.score is not None

    # The civil complaint comes first in "answer first" (the oldest wait), never hidden.
    bob = Client()
    bob.force_login(cast.bob)
    queue = bob.get("/w/lumiere/inbox/").content.decode()
    assert queue.index("Très déçue") < queue.index("ouverts dimanche")
    assert "te tuer" not in queue
    criticism = Interaction.objects.get(remote_id=complaint.uri)
    assert criticism.category == "criticism" and not criticism.hidden

    # Answered from the inbox: the answer is in the thread on the network.
    asked = Interaction.objects.get(remote_id=question.uri)
    bob.post(f"/w/lumiere/inbox/{asked.pk}/reply/", {"text": "Oui, de 7 h à 13 h !"})
    loop.run(stop=threading.Event(), until_idle=True)
    asked.refresh_from_db()
    assert asked.answered_at is not None
    thread = eventually(
        lambda: claire.get_post_thread(question.uri).thread,
        lambda t: bool(getattr(t, "replies", None)),
    )
    assert thread.replies[0].post.record.text == "Oui, de 7 h à 13 h !"
    assert thread.replies[0].post.author.did == channel.credentials["did"]
