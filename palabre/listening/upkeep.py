"""A workspace's listening upkeep, every hour: each search's complete hours judged for
spikes (spikes.py), a spike told once to the owners and managers, in the app and by
e-mail; and once a day, what is past the retention period deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from palabre.accounts.models import Workspace
from palabre.listening import spikes
from palabre.listening.models import Heard, ListeningSettings, Search, Spike
from palabre.listening.polling import search_polls_arrange
from palabre.listening.services import heard_purge, listening_settings
from palabre.publishing.notices import notice_send

MOST_HOURS = 48  # hours judged in one run: a worker down longer skips the older ones
# An hour is judged once the searches had time to hear it (a search poll comes later
# than the stream); a post found later still counts for the hours after.
SETTLE = timedelta(minutes=10)
HOUR = spikes.HOUR

SPIKE_TOLD = gettext_noop(
    "Listening: a spike for “%(search)s”: %(count)s posts on %(day)s from %(hour)s, where "
    "that hour usually brings %(expected)s (a spike from %(threshold)s)."
)


def hour_start(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def last_complete_hour(now: datetime) -> datetime:
    """The start of the last hour that is over and settled."""
    return hour_start(now - SETTLE) - HOUR


def spikes_find(*, workspace: Workspace, now: datetime | None = None) -> list[Spike]:
    """Judge every complete hour since the last one looked at (at most MOST_HOURS), for
    every search; record and tell each spike once. The new spikes."""
    now = now or timezone.now()
    settings = listening_settings(workspace)
    last = last_complete_hour(now)
    first = last - (MOST_HOURS - 1) * HOUR
    if settings.checked_hour is not None:
        first = max(first, hour_start(settings.checked_hour) + HOUR)
    else:
        first = last  # a new workspace: only from now on, never its history at once
    found: list[Spike] = []
    if first <= last:
        horizon = now - timedelta(days=settings.retention_days)
        for search in Search.objects.filter(workspace=workspace):
            found += _search_spikes(search, first, last, horizon)
        ListeningSettings.objects.filter(pk=settings.pk).update(checked_hour=last)
    return found


def _search_spikes(
    search: Search, first: datetime, last: datetime, horizon: datetime
) -> list[Spike]:
    since = _listening_since(search, horizon)
    counts = _hourly_counts(search, first - spikes.WEEKS * spikes.WEEK, last + HOUR)
    found = []
    hour = first
    while hour <= last:
        verdict = spikes.spike_check(counts, hour, since=since)
        if verdict is not None and verdict.spike:
            spike = _record(search, hour, verdict)
            if spike is not None:
                # One notice for a spike that lasts several hours: its first.
                if not Spike.objects.filter(search=search, hour=hour - HOUR).exists():
                    _tell(spike)
                found.append(spike)
        hour += HOUR
    return found


def _listening_since(search: Search, horizon: datetime) -> datetime:
    """Since when the search's hours are history: from when it was saved, or from its
    first post if a search of the network's history found older ones; never before the
    retention period (what was deleted is not silence)."""
    first_post = Heard.objects.filter(searches=search).aggregate(first=Min("posted_at"))["first"]
    since = min(search.created_at, first_post) if first_post else search.created_at
    return max(since, horizon)


def _hourly_counts(search: Search, start: datetime, end: datetime) -> dict[datetime, int]:
    rows = (
        Heard.searches.through.objects.filter(
            search=search, heard__posted_at__gte=start, heard__posted_at__lt=end
        )
        .values(at=TruncHour("heard__posted_at", tzinfo=UTC))
        .annotate(n=Count("heard_id"))
    )
    return {row["at"].astimezone(UTC): row["n"] for row in rows}


def _record(search: Search, hour: datetime, verdict: spikes.Verdict) -> Spike | None:
    """The spike's row, or None if it was recorded (and told) already."""
    try:
        with transaction.atomic():
            return Spike.objects.create(
                workspace=search.workspace,
                search=search,
                hour=hour,
                count=verdict.count,
                expected=verdict.expected,
                threshold=verdict.threshold,
            )
    except IntegrityError:
        return None


def _tell(spike: Spike) -> None:
    workspace = spike.workspace
    local = spike.hour.astimezone(workspace.tzinfo)
    link = reverse("listening_trends", args=[workspace.slug]) + f"?search={spike.search_id}&days=7"
    params = {
        "search": spike.search.name,
        "count": spike.count,
        "day": {"day": local.date().isoformat()},  # said in the reader's style
        "hour": f"{local:%H}:00",
        "expected": round(spike.expected),
        "threshold": round(spike.threshold),
    }
    for user in workspace.managers():
        notice_send(workspace=workspace, user=user, message=SPIKE_TOLD, params=params, url=link)


def listening_upkeep(settings: ListeningSettings, now: datetime | None = None) -> datetime:
    """The worker's step: spikes every hour, the retention purge when the hours looked at
    reach a new day (the workspace's day), the search polls matched to the channels (a
    safety net: connecting a channel arranges them at once). When the next hour will be
    complete."""
    now = now or timezone.now()
    workspace = settings.workspace
    search_polls_arrange(workspace=workspace, now_due=False)
    before = settings.checked_hour
    spikes_find(workspace=workspace, now=now)
    settings.refresh_from_db(fields=["checked_hour"])
    after = settings.checked_hour
    if (
        before is None
        or after is None
        or workspace.local_date(before) != workspace.local_date(after)
    ):
        heard_purge(workspace=workspace, now=now)
    return hour_start(now - SETTLE) + HOUR + SETTLE
