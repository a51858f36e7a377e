from __future__ import annotations

from datetime import timedelta

from palabre.webhooks.delivery import DUE, delivery_send
from palabre.webhooks.models import Delivery
from palabre.worker.jobs import Job

JOBS = [
    Job(
        name="webhooks-deliver",
        model=Delivery,
        handle=delivery_send,
        due=DUE,
        # An attempt lasts ATTEMPT_SECONDS at most (delivery.py): a worker that died frees
        # it soon.
        lease=timedelta(minutes=2),
        # A receiver's failures are retried by delivery_send itself (RetryAt), for 24 hours;
        # this backoff is for Palabre's own errors, which must not drop an event either.
        max_attempts=1_000_000,
        backoff_base=timedelta(seconds=30),
        backoff_max=timedelta(hours=1),
    )
]
