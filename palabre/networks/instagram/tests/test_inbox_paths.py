"""The Instagram connector inside Palabre's own inbox paths, against the Graph API double:
the worker's poll stores comments threaded under the post Palabre published, a webhook
delivery of the same comments adds nothing, and a hide rule reaches Instagram."""

from __future__ import annotations

from typing import Any

from palabre.inbox.ingest import channel_sync_ensure, channel_sync_poll, interactions_ingest
from palabre.inbox.models import (
    ChannelSync,
    Interaction,
    ModerationEvent,
    ModerationRule,
    RuleAction,
)
from palabre.inbox.moderation import moderation_event_apply
from palabre.networks.base import OutgoingPost
from palabre.networks.instagram import webhook
from palabre.networks.instagram.connector import InstagramConnector
from tests.networks.meta.double import Fan, MetaDouble


def test_polled_then_delivered_once_and_an_insult_hidden_by_a_rule(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble, fan: Fan
) -> None:
    channel = connector.channel
    ModerationRule.objects.create(
        workspace=channel.workspace, name="No insults", keywords="idiots", action=RuleAction.HIDE
    )
    media_id = connector.publish(
        OutgoingPost("Tarte tatin", "k-tatin", media=(upload("image"),))
    ).remote_id
    question = fan.ig_comment(media_id, "Do you deliver on Sundays?")
    answer = fan.ig_reply(question.id, "They do, I asked")
    insult = fan.ig_comment(media_id, "You are all idiots")

    sync = channel_sync_ensure(channel)
    channel_sync_poll(sync)
    stored = {i.remote_id: i for i in Interaction.objects.filter(channel=channel)}
    assert set(stored) == {question.id, answer.id, insult.id}
    assert (stored[answer.id].in_reply_to, stored[answer.id].root) == (question.id, media_id)
    assert len(ChannelSync.objects.get(pk=sync.pk).cursor) <= 500

    delivered = [
        item.interaction
        for node in (question, answer, insult)
        for item in webhook.items(meta_double.webhook_for(node)["entry"][0])
    ]
    assert (
        interactions_ingest(
            channel=channel, items=delivered, cursor=ChannelSync.objects.get(pk=sync.pk).cursor
        )
        == 0
    )

    [event] = ModerationEvent.objects.filter(interaction=stored[insult.id])
    moderation_event_apply(event)
    assert insult.hidden is True and question.hidden is False
