"""Answers on a network that takes no idempotency key: a crashed worker never answers a
customer twice (networks/reconcile.py). The forgetful test network makes a new post at
every send and names the person first in an answer, as Mastodon does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from palabre.channels.connectors import forget_all
from palabre.inbox.models import Interaction, Reply, ReplyStatus
from palabre.inbox.services import interaction_reply, reply_send
from palabre.inbox.tests.helpers import poll
from palabre.lib import faults
from palabre.networks.demo.connector import DemoConnector
from palabre.networks.demo.models import DemoActivity, DemoPost
from palabre.networks.tests.forgetful import ForgetfulConnector, forgetful_channel
from palabre.worker.jobs import RetryAt

ANSWER = "Oui, nous livrons à Lyon le mardi."


class Died(Exception):
    """Stands for the SIGKILL at a fault point (the real one: publishing/tests/test_crash.py)."""


@pytest.fixture
def question(cast, monkeypatch) -> Interaction:
    channel = forgetful_channel(cast.workspace, monkeypatch)
    asked = DemoActivity.objects.create(
        channel=channel, kind="comment", author_handle="@claire", text="Vous livrez à Lyon ?"
    )
    poll(channel)
    return Interaction.objects.get(channel=channel, remote_id=asked.remote_id)


def _interrupted(question: Interaction, cast, at: str) -> Reply:
    reply = interaction_reply(interaction=question, actor=cast.bob, text=ANSWER)

    def point(reached: str) -> None:
        if reached == at:
            raise Died(at)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(faults, "point", point)
        with pytest.raises(Died):
            reply_send(reply)
    return Reply.objects.get(pk=reply.pk)


def _answers(question: Interaction) -> list[str]:
    return list(
        DemoPost.objects.filter(in_reply_to=question.remote_id).values_list("text", flat=True)
    )


def test_an_answer_the_network_took_before_the_worker_died_is_recorded_not_sent_again(
    cast, question
) -> None:
    reply = _interrupted(question, cast, "reply.after_network")
    assert reply.status == ReplyStatus.QUEUED and reply.attempted_at is not None
    assert reply_send(reply) is None
    reply.refresh_from_db()
    [on_network] = DemoPost.objects.filter(in_reply_to=question.remote_id)
    assert on_network.text == f"@claire {ANSWER}"  # the network named her first
    assert (reply.status, reply.remote_id, reply.error) == (
        ReplyStatus.SENT,
        on_network.remote_id,
        "",
    )
    question.refresh_from_db()
    assert question.answered_at is not None and question.replies_sent == 1


def test_an_answer_found_nowhere_is_sent_once_the_network_had_time_to_show_it(
    cast, question
) -> None:
    reply = _interrupted(question, cast, "reply.before_network")
    with pytest.raises(RetryAt) as wait:
        reply_send(reply)
    assert wait.value.when == reply.attempted_at + ForgetfulConnector.read_back_within
    assert _answers(question) == []
    # A minute later, still nothing there: it did not go out; now it does, once.
    Reply.objects.filter(pk=reply.pk).update(attempted_at=reply.attempted_at - timedelta(minutes=1))
    reply_send(Reply.objects.get(pk=reply.pk))
    assert _answers(question) == [f"@claire {ANSWER}"]
    assert Reply.objects.get(pk=reply.pk).status == ReplyStatus.SENT


def test_an_answer_that_cannot_be_told_apart_fails_saying_it_may_have_gone_out(
    cast, question
) -> None:
    reply = _interrupted(question, cast, "reply.after_network")
    # The same answer, by hand, on the network meanwhile.
    DemoPost.objects.create(
        channel=question.channel,
        idempotency_key="by-hand",
        text=f"@claire {ANSWER}",
        in_reply_to=question.remote_id,
    )
    reply_send(reply)
    reply.refresh_from_db()
    assert (reply.status, reply.remote_id) == (ReplyStatus.FAILED, "")
    assert "a peut-être été envoyée" in reply.error
    assert "2 publications sur le réseau y correspondent" in reply.error
    assert len(_answers(question)) == 2  # nothing more
    question.refresh_from_db()
    assert question.answered_at is None


class Blind(ForgetfulConnector):
    """No idempotency key, and no way to read its posts back."""

    capabilities = DemoConnector.capabilities


def test_an_interrupted_answer_on_a_network_that_cannot_read_back_fails_for_a_person(
    cast, question, monkeypatch
) -> None:
    monkeypatch.setattr(type(question.channel), "get_connector", lambda c: Blind(c))
    forget_all()  # the poll made the plain forgetful one
    reply = _interrupted(question, cast, "reply.after_network")
    reply_send(reply)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.FAILED
    assert "ne peut pas montrer à Palabre ses publications récentes" in reply.error
    assert len(_answers(question)) == 1
