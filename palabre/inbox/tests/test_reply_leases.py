"""A worker sends an answer only while it holds it, and writes its outcome only while it
still does (found by an audit: a send outlasting its lease let a second worker answer
again, and a late refusal wrote "failed" over the answer the other worker sent, which
offered to send it once more)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from palabre.inbox.jobs import JOBS
from palabre.inbox.models import Interaction, Reply, ReplyStatus
from palabre.inbox.services import interaction_reply
from palabre.inbox.tests.helpers import poll
from palabre.networks.base import Rejected
from palabre.networks.demo.models import DemoActivity, DemoPost
from palabre.networks.tests.forgetful import ForgetfulConnector, forgetful_channel
from palabre.worker.jobs import claim, run_claimed

REPLY = next(job for job in JOBS if job.name == "inbox-reply")
ANSWER = "Oui, nous livrons à Lyon le mardi."


@pytest.fixture
def question(cast, monkeypatch) -> Interaction:  # type: ignore[no-untyped-def]
    # A network that takes no idempotency key: only the lease keeps an answer single.
    channel = forgetful_channel(cast.workspace, monkeypatch)
    asked = DemoActivity.objects.create(
        channel=channel, kind="comment", author_handle="@claire", text="Vous livrez à Lyon ?"
    )
    poll(channel)
    return Interaction.objects.get(channel=channel, remote_id=asked.remote_id)


def _answers(question: Interaction) -> int:
    return DemoPost.objects.filter(in_reply_to=question.remote_id).count()


def _lease_runs_out() -> None:
    Reply.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))


def test_the_send_holds_the_answer_longer_than_a_request_may_last(cast, question, monkeypatch):  # type: ignore[no-untyped-def]
    """Claimed for the job's five minutes; a request may take the outbound guard's five
    minutes and more: renewed as the request begins, no other worker takes it meanwhile."""
    from palabre.lib import outbound

    interaction_reply(interaction=question, actor=cast.bob, text=ANSWER)
    [row] = claim(REPLY, worker_id="A", limit=20)
    held_until = []
    original = ForgetfulConnector.reply

    def watching(self, **kwargs):  # type: ignore[no-untyped-def]
        held_until.append(Reply.objects.values_list("claimed_until", flat=True).get())
        assert claim(REPLY, worker_id="B", limit=20) == []
        return original(self, **kwargs)

    monkeypatch.setattr(ForgetfulConnector, "reply", watching)
    before = timezone.now()
    run_claimed(REPLY, row)
    assert held_until[0] >= before + timedelta(seconds=outbound.ANSWER_SECONDS * 1.5)
    assert _answers(question) == 1 and Reply.objects.get().status == ReplyStatus.SENT


def test_an_answer_whose_lease_ran_out_before_the_send_is_not_sent(cast, question, monkeypatch):  # type: ignore[no-untyped-def]
    interaction_reply(interaction=question, actor=cast.bob, text=ANSWER)
    [stale] = claim(REPLY, worker_id="A", limit=20)
    original = ForgetfulConnector.recent_posts
    taken = []

    def slow_lookup(self, **kwargs):  # type: ignore[no-untyped-def]
        # Looking for what an earlier send left took the whole lease; B took the answer.
        _lease_runs_out()
        taken.extend(claim(REPLY, worker_id="B", limit=20))
        return original(self, **kwargs)

    Reply.objects.update(attempted_at=timezone.now() - timedelta(minutes=1))
    monkeypatch.setattr(ForgetfulConnector, "recent_posts", slow_lookup)
    run_claimed(REPLY, stale)
    assert _answers(question) == 0 and len(taken) == 1
    monkeypatch.setattr(ForgetfulConnector, "recent_posts", original)
    run_claimed(REPLY, taken[0])
    assert _answers(question) == 1 and Reply.objects.get().status == ReplyStatus.SENT


def test_a_late_refusal_does_not_write_over_the_answer_sent(cast, question, monkeypatch):  # type: ignore[no-untyped-def]
    interaction_reply(interaction=question, actor=cast.bob, text=ANSWER)
    [stale] = claim(REPLY, worker_id="A", limit=20)
    original = ForgetfulConnector.reply
    calls = []

    def hangs_then_refused(self, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs)
        if len(calls) == 1:  # A's request: longer than any real one, the test's way there
            _lease_runs_out()
            Reply.objects.update(attempted_at=F("attempted_at") - timedelta(minutes=5))
            [taken] = claim(REPLY, worker_id="B", limit=20)
            run_claimed(REPLY, taken)  # B finds nothing of A's on the network, answers
            raise Rejected("refused late")
        return original(self, **kwargs)

    monkeypatch.setattr(ForgetfulConnector, "reply", hangs_then_refused)
    run_claimed(REPLY, stale)
    reply = Reply.objects.get()
    assert (reply.status, reply.error, reply.claimed_by) == (ReplyStatus.SENT, "", "")
    assert _answers(question) == 1 and len(calls) == 2
    assert Interaction.objects.get(pk=question.pk).replies_sent == 1


def test_an_answer_sent_clears_only_the_draft_it_started_from(cast, question) -> None:  # type: ignore[no-untyped-def]
    """The page was opened with a draft; an API token wrote a new one meanwhile: sending
    the answer cleared the new draft too (an audit)."""
    from palabre.inbox.services import interaction_draft_reply

    interaction_draft_reply(interaction=question, actor=cast.bob, text="Oui, le mardi.")
    page = Interaction.objects.get(pk=question.pk)  # as the person's page read it
    interaction_draft_reply(
        interaction=Interaction.objects.get(pk=question.pk),
        actor=cast.bob,
        text="Oui, le mardi et le jeudi.",
        via="Assistant",
    )
    interaction_reply(interaction=page, actor=cast.bob, text="Oui, le mardi.")
    assert Interaction.objects.get(pk=question.pk).reply_draft == "Oui, le mardi et le jeudi."
    interaction_reply(
        interaction=Interaction.objects.get(pk=question.pk), actor=cast.bob, text="Et le jeudi."
    )
    assert Interaction.objects.get(pk=question.pk).reply_draft == ""
