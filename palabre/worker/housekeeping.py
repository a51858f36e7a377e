"""The housekeeping rows every channel and workspace get at creation (inbox polls, sweeps,
analytics readings, monthly reports). Benchmarks and worker tests that count the rows
they race on set these aside."""

from __future__ import annotations


def set_aside_housekeeping() -> None:
    from palabre.analytics.models import ChannelDaily, CommunityRefresh, MonthlyReport
    from palabre.inbox.models import ChannelSync, WorkspaceSweep

    for model in (ChannelSync, WorkspaceSweep, ChannelDaily, CommunityRefresh, MonthlyReport):
        model.objects.update(next_attempt_at=None)
