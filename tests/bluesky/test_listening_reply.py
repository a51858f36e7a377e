"""The issue's acceptance on the real local Bluesky network: an answer sent from the
Listening page appears in that thread on the network, exactly once.

Claire (the other account, through the official SDK) writes a post naming a saved term
without tagging the brand; the search job hears it; the owner answers it from its page
(the form the page shows, with its CSRF token); the worker's inbox-reply job sends it
through the brand's channel. The thread is read back from the AppView, and the brand's
repository from the PDS (which has no indexing delay, so a late second copy cannot hide).
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from palabre.channels.models import Channel
from palabre.inbox.models import LISTENED, Reply, ReplyStatus
from palabre.inbox.services import reply_send
from palabre.inbox.tests.helpers import run_worker
from palabre.lib import faults
from palabre.listening.models import Heard, Search, SearchPoll
from palabre.listening.polling import search_poll_run, search_polls_arrange
from palabre.listening.services import search_save
from tests.networks.harness import eventually

pytestmark = [pytest.mark.network]

PASSWORD = "correct horse battery"  # noqa: S105 (the cast's, conftest.py)
POST = "app.bsky.feed.post"


class Died(Exception):
    """Stands for the SIGKILL at a fault point (publishing/tests/test_crash.py has the real one)."""


@pytest.fixture
def search(cast: Any, bluesky_channel: Channel) -> Search:
    """A search of workspace "lumiere" on a word of its own: the network lives for the whole
    run, and other tests' posts stay on it."""
    for user in cast.users.values():
        user.language = "en"
        user.save(update_fields=["language"])
    word = f"brioche{time.time_ns() % 10**9}"
    saved = search_save(
        search=Search(workspace=cast.workspace, name="Brioche", role="topic", terms=word),
        seen=None,
    )
    search_polls_arrange(workspace=cast.workspace)
    return saved


@pytest.fixture
def alice(cast: Any) -> Client:
    """The owner, in a browser that sends the CSRF token the pages give it."""
    client = Client(enforce_csrf_checks=True)
    assert client.login(email="alice@example.com", password=PASSWORD)
    return client


def _heard(channel: Channel, uri: str) -> Heard:
    """The "listening-search" job's step, run until the AppView has indexed the post."""
    poll = SearchPoll.objects.get(channel=channel)

    def found() -> Heard | None:
        search_poll_run(poll)
        return Heard.objects.filter(workspace=channel.workspace, remote_id=uri).first()

    heard = eventually(found, timeout=30, every=0.5)
    assert heard is not None
    return heard


def _answer_from_the_page(client: Client, heard: Heard, text: str) -> None:
    """Fill in the answer form of the heard post's page and send it, as a browser would."""
    page = client.get(reverse("listening_heard", args=["lumiere", heard.pk])).content.decode()
    action = reverse("listening_reply", args=["lumiere", heard.pk])
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>', page, re.S)
    assert form is not None, "the page offers no answer form"
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.group(0)))
    assert set(fields) == {"csrfmiddlewaretoken", "channel", "once"}
    without_token = {"channel": fields["channel"], "text": text}
    assert client.post(action, without_token).status_code == 403  # CSRF is enforced
    answered = client.post(action, fields | {"text": text})
    assert answered.status_code == 302 and answered["Location"] == reverse(
        "listening_heard", args=["lumiere", heard.pk]
    )


def _in_the_thread(claire: Any, uri: str, did: str) -> list[Any]:
    """The brand's answers directly under the post, as the AppView shows its thread."""
    thread = claire.get_post_thread(uri, depth=1).thread
    assert thread.post.uri == uri
    return [r for r in thread.replies or [] if r.post.author.did == did]


def _in_the_repository(claire: Any, uri: str, did: str) -> list[Any]:
    """The brand's posts answering `uri`, read from its repository on the PDS."""
    params = {"repo": did, "collection": POST, "limit": 100}
    records = claire.com.atproto.repo.list_records(params=params).records
    return [r for r in records if r.value.reply is not None and r.value.reply.parent.uri == uri]


def test_an_answer_sent_from_the_listening_page_appears_once_in_that_thread(
    cast: Any, search: Search, bluesky_channel: Channel, bluesky_peer: Any, alice: Client
) -> None:
    brand = bluesky_channel.credentials["did"]
    asked = bluesky_peer.send_post(f"Où trouver une bonne {search.terms} à Lyon ?")
    uri = str(asked.uri)
    heard = _heard(bluesky_channel, uri)
    assert heard.via == "search" and heard.author_id == bluesky_peer.me.did
    assert heard.interaction is None

    text = f"Chez nous, rue Mercière, dès 7 h ! ({search.terms})"
    _answer_from_the_page(alice, heard, text)
    heard.refresh_from_db()
    assert heard.interaction is not None and heard.interaction.kind == LISTENED
    assert heard.interaction.channel == bluesky_channel
    assert heard.interaction.remote_id == uri
    [reply] = Reply.objects.filter(interaction=heard.interaction)
    assert reply.status == ReplyStatus.QUEUED and reply.author == cast.alice and reply.text == text

    run_worker()  # the inbox-reply job, among the worker's steps
    reply.refresh_from_db()
    assert (reply.status, reply.error) == (ReplyStatus.SENT, "")
    assert reply.remote_id.startswith(f"at://{brand}/{POST}/")

    answers = eventually(lambda: _in_the_thread(bluesky_peer, uri, brand), timeout=30)
    assert [(a.post.uri, a.post.record.text) for a in answers] == [(reply.remote_id, text)]
    assert answers[0].post.record.reply.parent.uri == uri
    assert answers[0].post.record.reply.root.uri == uri  # the heard post starts its thread

    run_worker()  # again: nothing is due, nothing goes out twice
    assert len(_in_the_repository(bluesky_peer, uri, brand)) == 1
    assert len(_in_the_thread(bluesky_peer, uri, brand)) == 1
    assert Reply.objects.get(pk=reply.pk).status == ReplyStatus.SENT

    page = alice.get(reverse("listening_heard", args=["lumiere", heard.pk])).content.decode()
    assert "Answer: Sent" in page and "Chez nous, rue Mercière" in page
    listed = alice.get(reverse("listening", args=["lumiere"])).content.decode()
    assert "Answer: Sent" in listed


def test_an_answer_the_network_took_before_the_worker_died_is_not_sent_again(
    search: Search, bluesky_channel: Channel, bluesky_peer: Any, alice: Client
) -> None:
    brand = bluesky_channel.credentials["did"]
    uri = str(bluesky_peer.send_post(f"Une {search.terms} pour dimanche ?").uri)
    heard = _heard(bluesky_channel, uri)
    text = "Oui, réservez-la la veille."
    _answer_from_the_page(alice, heard, text)
    reply = Reply.objects.get(interaction__remote_id=uri)

    def point(reached: str) -> None:
        if reached == "reply.after_network":
            raise Died(reached)

    with pytest.MonkeyPatch.context() as patch:  # the network has it, Palabre does not know
        patch.setattr(faults, "point", point)
        with pytest.raises(Died):
            reply_send(reply)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.QUEUED and reply.attempted_at is not None
    assert len(_in_the_repository(bluesky_peer, uri, brand)) == 1

    run_worker()  # the retry finds the answer by its record key: recorded, not sent again
    run_worker()
    reply.refresh_from_db()
    [on_network] = _in_the_repository(bluesky_peer, uri, brand)
    assert (reply.status, reply.remote_id) == (ReplyStatus.SENT, on_network.uri)
    answers = eventually(lambda: _in_the_thread(bluesky_peer, uri, brand), timeout=30)
    assert [a.post.record.text for a in answers] == [text]
