"""Every channel gets its inbox sync, every workspace its housekeeping, from creation."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel


@receiver(post_save, sender=Channel)
def channel_created(sender: type[Channel], instance: Channel, created: bool, **_: Any) -> None:
    if created:
        from palabre.inbox.ingest import channel_sync_ensure

        channel_sync_ensure(instance)


@receiver(post_save, sender=Workspace)
def workspace_created(
    sender: type[Workspace], instance: Workspace, created: bool, **_: Any
) -> None:
    if created:
        from palabre.inbox.models import WorkspaceSweep

        WorkspaceSweep.objects.get_or_create(
            workspace=instance, defaults={"next_attempt_at": timezone.now()}
        )
