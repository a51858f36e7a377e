"""Acceptance, on a network that takes no idempotency key: real `palabre worker` processes
killed (SIGKILL) mid-send, then others taking over. 0 duplicates, 0 lost, 0 left for a person
(publishing/tests/crash.py; the forgetful network makes a new post at every send)."""

from __future__ import annotations

import pytest

from palabre.accounts.models import Workspace
from palabre.inbox.models import Interaction
from palabre.inbox.tests.helpers import poll
from palabre.networks.demo.models import DemoActivity, DemoPost
from palabre.networks.tests.forgetful import WORKER, forgetful_channel
from palabre.publishing.tests.crash import answer_through_a_kill, publish_through_a_kill

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def channel(monkeypatch):
    workspace = Workspace.objects.create(name="Crash", slug="crash")
    return forgetful_channel(workspace, monkeypatch)


def _counter(channel):
    def count(text: str) -> int:
        return DemoPost.objects.filter(channel=channel, text__contains=text).count()

    return count


def test_killed_after_the_network_accepted_the_post(channel) -> None:
    publish_through_a_kill(channel, _counter(channel), fault="publish.after_network", worker=WORKER)


def test_killed_before_the_post_reached_the_network(channel) -> None:
    # Nothing to find: trusted once the network had time to show it, then sent once.
    publish_through_a_kill(
        channel, _counter(channel), fault="publish.before_network", worker=WORKER
    )


def test_killed_after_a_thread_part(channel) -> None:
    publish_through_a_kill(
        channel,
        _counter(channel),
        fault="publish.after_part",
        parts=2,
        first_comment=True,
        worker=WORKER,
    )


def test_killed_after_the_first_comment(channel) -> None:
    publish_through_a_kill(
        channel, _counter(channel), fault="publish.after_comment", first_comment=True, worker=WORKER
    )


@pytest.fixture
def question(channel) -> Interaction:
    asked = DemoActivity.objects.create(
        channel=channel, kind="comment", author_handle="@claire", text="Vous livrez à Lyon ?"
    )
    poll(channel)
    return Interaction.objects.get(channel=channel, remote_id=asked.remote_id)


def test_killed_after_the_network_accepted_an_inbox_answer(channel, question) -> None:
    reply = answer_through_a_kill(question, _counter(channel), worker=WORKER)
    assert DemoPost.objects.get(in_reply_to=question.remote_id).remote_id == reply.remote_id


def test_killed_before_an_inbox_answer_reached_the_network(channel, question) -> None:
    answer_through_a_kill(question, _counter(channel), fault="reply.before_network", worker=WORKER)
