from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from palabre.channels.models import ChannelStatus
from palabre.inbox.alerts import interaction_clock
from palabre.inbox.contacts import workspace_sweep_run
from palabre.inbox.ingest import channel_sync_poll
from palabre.inbox.models import (
    ChannelSync,
    Interaction,
    ModerationEvent,
    Reply,
    ReplyStatus,
    WorkspaceSweep,
)
from palabre.inbox.moderation import moderation_event_apply
from palabre.inbox.services import reply_send
from palabre.worker.jobs import Job

JOBS = [
    Job(
        name="inbox-poll",
        model=ChannelSync,
        handle=channel_sync_poll,
        due=Q(channel__status=ChannelStatus.ACTIVE),
        lease=timedelta(minutes=2),
        # A network down for a day must not stop its inbox for good: keep trying.
        max_attempts=1_000_000,
        backoff_base=timedelta(seconds=5),
        backoff_max=timedelta(minutes=10),
    ),
    Job(name="inbox-reply", model=Reply, handle=reply_send, due=Q(status=ReplyStatus.QUEUED)),
    Job(name="inbox-moderation", model=ModerationEvent, handle=moderation_event_apply),
    Job(name="inbox-clock", model=Interaction, handle=interaction_clock),
    Job(name="inbox-sweep", model=WorkspaceSweep, handle=workspace_sweep_run),
]
