"""A member who leaves a workspace takes their tokens along, for good."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from palabre.accounts.models import Membership
from palabre.api.models import ApiToken


@receiver(post_delete, sender=Membership, dispatch_uid="api-tokens-leave-with-their-member")
def tokens_revoke_on_leaving(sender: Any, instance: Membership, **kwargs: Any) -> None:
    # Without this, the same tokens would work again if the person were invited back.
    ApiToken.objects.filter(
        workspace_id=instance.workspace_id, created_by_id=instance.user_id, revoked_at=None
    ).update(revoked_at=timezone.now())
