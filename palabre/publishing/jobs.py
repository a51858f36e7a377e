from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q

from palabre.publishing.models import PostTarget, TargetStatus
from palabre.publishing.publisher import post_target_publish
from palabre.worker.jobs import Job

JOBS = [
    Job(
        name="publish",
        model=PostTarget,
        handle=post_target_publish,
        due=Q(status__in=[TargetStatus.SCHEDULED, TargetStatus.PUBLISHING]),
        lease=timedelta(seconds=settings.WORKER_LEASE_SECONDS),
        backoff_base=timedelta(seconds=10),
    )
]
