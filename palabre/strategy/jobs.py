from __future__ import annotations

from datetime import timedelta

from palabre.strategy.models import Strategy
from palabre.strategy.timesheet import week_review
from palabre.worker.jobs import Job

JOBS = [
    Job(
        name="strategy-week",
        model=Strategy,
        handle=week_review,
        lease=timedelta(minutes=10),
        max_attempts=1_000,  # a mail server down on Monday must not end the reminders
        backoff_max=timedelta(hours=2),
    ),
]
