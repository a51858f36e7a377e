"""Events told by signals other apps already send: a publication went live."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from palabre.publishing.models import PostTarget
from palabre.publishing.signals import target_published
from palabre.webhooks.emit import post_published_emit


@receiver(target_published, sender=PostTarget)
def post_published(sender: type[PostTarget], target: PostTarget, **_: Any) -> None:
    post_published_emit(target=target)
