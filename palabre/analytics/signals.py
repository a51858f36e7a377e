"""Every channel gets its daily reading, every workspace its community refresh and report
settings, every published post its counts."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.channels.models import Channel
from palabre.publishing.models import PostTarget
from palabre.publishing.signals import target_published


@receiver(post_save, sender=Channel)
def channel_created(sender: type[Channel], instance: Channel, created: bool, **_: Any) -> None:
    if created:
        from palabre.analytics.collect import channel_daily_ensure

        channel_daily_ensure(instance)


@receiver(post_save, sender=Workspace)
def workspace_created(
    sender: type[Workspace], instance: Workspace, created: bool, **_: Any
) -> None:
    if created:
        from palabre.analytics.models import CommunityRefresh, MonthlyReport
        from palabre.analytics.report import first_report_time

        CommunityRefresh.objects.get_or_create(
            workspace=instance, defaults={"next_attempt_at": timezone.now()}
        )
        MonthlyReport.objects.get_or_create(
            workspace=instance, defaults={"next_attempt_at": first_report_time(instance)}
        )


@receiver(target_published, sender=PostTarget)
def post_published(sender: type[PostTarget], target: PostTarget, **_: Any) -> None:
    from palabre.analytics.collect import post_stat_ensure

    post_stat_ensure(target=target)
