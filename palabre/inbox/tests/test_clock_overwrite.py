"""The answer clock's rules write only what they decide: its copy of the comment is read
when its step begins, and saving the whole of it undid a hide, or an answer sent, made
during the step (found by an audit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from palabre.inbox import alerts
from palabre.inbox.jobs import JOBS
from palabre.inbox.models import Interaction, ModerationRule, Reply, RuleAction
from palabre.inbox.moderation import interaction_hide
from palabre.inbox.services import interaction_reply, reply_send
from palabre.inbox.tests.helpers import comment, ingested, poll, published
from palabre.worker.jobs import claim, run_claimed

CLOCK = next(j for j in JOBS if j.name == "inbox-clock")


@pytest.fixture
def waiting_question(cast) -> Interaction:
    target = published(cast.workspace, cast.bob)
    activity = comment(target, "Vous livrez à Lyon le mardi ?")
    poll(target.channel)
    item = ingested(activity)
    assert item.needs_answer
    hours = cast.workspace.answer_alert_hours
    # Waiting for long enough that the first alert and a time rule are both due now.
    Interaction.objects.filter(pk=item.pk).update(
        created_at=timezone.now() - timedelta(hours=hours + 1), next_attempt_at=timezone.now()
    )
    ModerationRule.objects.create(
        workspace=cast.workspace, name="Slow", action=RuleAction.REVIEW, unanswered_hours=hours
    )
    return Interaction.objects.get(pk=item.pk)


def _clock_with(monkeypatch, meanwhile) -> None:  # type: ignore[no-untyped-def]
    original = alerts.notice_send
    done: list[bool] = []

    def sending(**kwargs):  # type: ignore[no-untyped-def]
        if not done:  # while the first alert e-mail is on its way
            done.append(True)
            meanwhile()
        return original(**kwargs)

    monkeypatch.setattr(alerts, "notice_send", sending)
    [row] = claim(CLOCK, worker_id="W", limit=20)
    run_claimed(CLOCK, row)


def test_a_hide_made_during_the_clock_step_is_undone_in_palabre(
    cast, waiting_question, monkeypatch
):
    item = waiting_question
    _clock_with(
        monkeypatch,
        lambda: interaction_hide(interaction=Interaction.objects.get(pk=item.pk), actor=cast.bob),
    )
    item.refresh_from_db()
    assert item.hidden and item.in_review  # the person's hide, and the rule's review


def test_an_answer_sent_during_the_clock_step_is_forgotten(cast, waiting_question, monkeypatch):
    item = waiting_question

    def answered() -> None:
        reply = interaction_reply(
            interaction=Interaction.objects.get(pk=item.pk), actor=cast.bob, text="Oui !"
        )
        reply_send(Reply.objects.get(pk=reply.pk))

    _clock_with(monkeypatch, answered)
    item.refresh_from_db()
    assert (item.answered_at is not None, item.replies_sent) == (True, 1), (
        item.answered_at,
        item.replies_sent,
        item.next_attempt_at,
    )
