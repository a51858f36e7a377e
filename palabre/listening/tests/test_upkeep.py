"""The hourly upkeep: spikes told once; retention; an author's erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from palabre.listening.jobs import JOBS
from palabre.listening.models import Heard, ListeningSettings, Role, Search, Spike
from palabre.listening.services import ListeningRefused, author_erase, listening_settings
from palabre.listening.upkeep import listening_upkeep, spikes_find
from palabre.publishing.models import Notice
from palabre.publishing.notices import notice_text
from palabre.worker.jobs import claim, run_claimed

pytestmark = pytest.mark.django_db

HOUR = datetime(2026, 6, 27, 16, tzinfo=UTC)  # the hour of the burst, 18:00 in Paris
NOW = HOUR + timedelta(hours=1, minutes=15)  # that hour is over and settled


def _heard(workspace, search, *, at, handle="", author_id=""):
    number = Heard.objects.count()
    handle = handle or f"u{number}.example"
    heard = Heard.objects.create(
        workspace=workspace,
        network="bluesky",
        remote_id=f"at://{number}",
        author_id=author_id or f"did:{handle}",
        author_handle=handle,
        text="Lumière",
        posted_at=at,
        heard_at=at,
        via="stream",
        kind="other",
    )
    if search is not None:
        heard.searches.add(search)
    return heard


@pytest.fixture
def brand(cast):
    """Saved five weeks ago, heard nothing since, then 8 posts between 18:00 and 19:00."""
    search = Search.objects.create(
        workspace=cast.workspace,
        name="Lumière",
        role=Role.BRAND,
        terms="lumiere",
        created_at=HOUR - timedelta(weeks=5),
    )
    for minute in range(8):
        _heard(cast.workspace, search, at=HOUR + timedelta(minutes=5 * minute))
    settings = listening_settings(cast.workspace)
    ListeningSettings.objects.filter(pk=settings.pk).update(checked_hour=HOUR - timedelta(hours=1))
    return search


def test_a_spike_is_told_once_to_the_owners_and_managers(cast, brand) -> None:
    [spike] = spikes_find(workspace=cast.workspace, now=NOW)
    # Five weeks of silence: usual 0, spread √0 + 1 = 1, 0 + 3 × 1 = 3 under the 5 posts a
    # spike takes at least: threshold 5; 8 posts.
    assert (spike.search, spike.hour, spike.count) == (brand, HOUR, 8)
    assert spike.expected == 0 and spike.threshold == 5
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    notices = Notice.objects.filter(workspace=cast.workspace)
    assert sorted(n.user.email for n in notices) == ["alice@example.com", "bob@example.com"]
    notice = notices.first()
    assert notice is not None
    assert notice.url == f"/w/lumiere/listening/trends/?search={brand.pk}&days=7"
    said = notice_text(notice)
    assert "Lumière" in said and "8" in said and "18:00" in said
    assert ListeningSettings.objects.get(workspace=cast.workspace).checked_hour == HOUR

    assert spikes_find(workspace=cast.workspace, now=NOW) == []  # that hour was looked at
    ListeningSettings.objects.filter(workspace=cast.workspace).update(
        checked_hour=HOUR - timedelta(hours=3)
    )
    assert spikes_find(workspace=cast.workspace, now=NOW) == []  # judged again: not told again
    assert len(mail.outbox) == 2 and Spike.objects.count() == 1


def test_a_new_workspace_is_not_told_about_its_history(cast, brand) -> None:
    ListeningSettings.objects.filter(workspace=cast.workspace).update(checked_hour=None)
    later = NOW + timedelta(hours=3)  # the burst is three hours old
    assert spikes_find(workspace=cast.workspace, now=later) == []
    assert ListeningSettings.objects.get(workspace=cast.workspace).checked_hour == HOUR + timedelta(
        hours=3
    )


def test_too_little_history_tells_nothing(cast, brand) -> None:
    Search.objects.filter(pk=brand.pk).update(created_at=HOUR - timedelta(days=2))
    assert spikes_find(workspace=cast.workspace, now=NOW) == []
    assert mail.outbox == []


def test_the_job_runs_every_hour_and_purges_once_a_day(cast) -> None:
    [job] = [j for j in JOBS if j.name == "listening-upkeep"]
    assert job.model is ListeningSettings and job.handle is listening_upkeep
    settings = listening_settings(cast.workspace)
    settings.retention_days = 30
    settings.save()
    old = _heard(cast.workspace, None, at=NOW - timedelta(days=31))
    kept = _heard(cast.workspace, None, at=NOW - timedelta(days=29))
    # The other workspace keeps 90 days: its month-old post stays.
    elsewhere = _heard(cast.other_workspace, None, at=NOW - timedelta(days=31))
    next_at = listening_upkeep(settings, now=NOW)
    assert next_at == datetime(2026, 6, 27, 18, 10, tzinfo=UTC)  # when 17:00 UTC is settled
    assert not Heard.objects.filter(pk=old.pk).exists()
    assert Heard.objects.filter(pk__in=[kept.pk, elsewhere.pk]).count() == 2

    # An hour later, the same day: no purge; the first run of the next day purges.
    stale = _heard(cast.workspace, None, at=NOW - timedelta(days=40))
    settings.refresh_from_db()
    listening_upkeep(settings, now=NOW + timedelta(hours=1))
    assert Heard.objects.filter(pk=stale.pk).exists()
    settings.refresh_from_db()
    listening_upkeep(settings, now=NOW + timedelta(hours=5))  # 00:15 in Paris
    assert Heard.objects.filter(pk=stale.pk).exists()  # the hour judged, 23:00, is yesterday's
    settings.refresh_from_db()
    listening_upkeep(settings, now=NOW + timedelta(hours=6))  # 01:15: midnight was judged
    assert not Heard.objects.filter(pk=stale.pk).exists()


def test_an_author_is_erased_by_handle_in_one_workspace_only(cast) -> None:
    ana = [
        _heard(cast.workspace, None, at=NOW, handle="ana.example", author_id="did:ana"),
        # The same account under its former handle: erased too (by its network id).
        _heard(cast.workspace, None, at=NOW, handle="ana-old.example", author_id="did:ana"),
    ]
    other = _heard(cast.workspace, None, at=NOW, handle="bea.example")
    elsewhere = _heard(cast.other_workspace, None, at=NOW, handle="ana.example")
    # Sent to a teammate before: the notice quotes the post and names its author.
    from palabre.listening.actions import heard_send

    heard_send(heard=ana[0], actor=cast.alice, assignee=cast.bob)
    heard_send(heard=other, actor=cast.alice, assignee=cast.bob)
    assert Notice.objects.count() == 2
    assert author_erase(workspace=cast.workspace, handle="  @Ana.Example ") == 2
    assert [n.params["author"] for n in Notice.objects.all()] == ["@bea.example"]
    assert not Heard.objects.filter(pk__in=[h.pk for h in ana]).exists()
    assert Heard.objects.filter(pk__in=[other.pk, elsewhere.pk]).count() == 2
    assert author_erase(workspace=cast.workspace, handle="ANA.example") == 0
    with pytest.raises(ListeningRefused):
        author_erase(workspace=cast.workspace, handle=" @ ")


def test_the_worker_runs_the_upkeep_and_sets_its_next_hour(cast) -> None:
    [job] = [j for j in JOBS if j.name == "listening-upkeep"]
    settings = listening_settings(cast.workspace)
    [row] = claim(job, worker_id="test", limit=10)
    run_claimed(job, row)
    settings.refresh_from_db()
    assert settings.last_error == "" and settings.checked_hour is not None
    assert settings.next_attempt_at is not None and settings.next_attempt_at > timezone.now()
