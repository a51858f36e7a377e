"""Listening's job steps (the worker runs every app's JOBS)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from palabre.channels.models import ChannelStatus
from palabre.listening.models import ListeningSettings, SearchPoll
from palabre.listening.polling import search_poll_run
from palabre.listening.upkeep import listening_upkeep
from palabre.worker.jobs import Job

JOBS: list[Job] = []
JOBS.append(
    Job(
        name="listening-search",
        model=SearchPoll,
        handle=search_poll_run,
        due=Q(channel__status=ChannelStatus.ACTIVE),
        lease=timedelta(minutes=15),  # up to QUERIES_PER_RUN searches, a few pages each
        max_attempts=1_000_000,  # a network down for a day must not stop listening for good
        backoff_base=timedelta(seconds=30),
        backoff_max=timedelta(minutes=30),
    )
)
# Spikes every hour, the retention purge once a day; a mail server down must not end it.
JOBS.append(
    Job(
        name="listening-upkeep",
        model=ListeningSettings,
        handle=listening_upkeep,
        max_attempts=1_000_000,
        backoff_max=timedelta(hours=1),
    )
)
