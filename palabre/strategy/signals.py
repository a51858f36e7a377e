"""Every workspace gets its strategy row, with the weekly time review due next Monday."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from palabre.accounts.models import Workspace


@receiver(post_save, sender=Workspace)
def workspace_created(
    sender: type[Workspace], instance: Workspace, created: bool, **_: Any
) -> None:
    if created:
        from palabre.strategy.services import strategy_for

        strategy_for(instance)
