"""A channel connected: the workspace's searches are sent to it too, from now on (a channel
removed takes its poll with it)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from palabre.channels.models import Channel
from palabre.listening.models import Search
from palabre.listening.polling import search_polls_arrange


@receiver(post_save, sender=Channel)
def channel_saved(sender: type[Channel], instance: Channel, created: bool, **kwargs: Any) -> None:
    # Every save (a refreshed session, a status) keeps the polls as they are; a new channel,
    # or one disabled or enabled again, changes which channels are polled.
    if Search.objects.filter(workspace_id=instance.workspace_id).exists():
        search_polls_arrange(workspace=instance.workspace, now_due=False)
