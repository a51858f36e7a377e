"""Time spent: the timer, manual entries, the week against the budgets, Monday's reminder."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from palabre.publishing.models import Notice
from palabre.strategy.models import NetworkPlan, Strategy, TimeEntry
from palabre.strategy.timesheet import (
    next_review_time,
    time_entry_add,
    timer_start,
    week_review,
    week_summary,
)

pytestmark = pytest.mark.django_db
PAGE = "/w/lumiere/time/"


def test_a_contributor_times_work_and_logs_time_afterwards(client: Client, cast) -> None:
    client.force_login(cast.carl)  # the photographer cannot see the strategy, but logs time
    client.post(PAGE, {"kind": "start", "timer-network": "instagram", "timer-activity": "visuals"})
    entry = TimeEntry.objects.get()
    assert entry.minutes is None and entry.user == cast.carl
    TimeEntry.objects.filter(pk=entry.pk).update(started_at=timezone.now() - timedelta(minutes=25))
    assert "timer-network" not in client.get(PAGE).content.decode()  # the stop button instead
    client.post(PAGE, {"kind": "stop"})
    entry.refresh_from_db()
    assert entry.minutes == 25
    client.post(
        PAGE,
        {
            "kind": "entry",
            "entry-day": f"{timezone.localdate():%Y-%m-%d}",
            "entry-network": "instagram",
            "entry-activity": "answering",
            "entry-minutes": "15",
            "entry-note": "commentaires",
        },
    )
    assert sorted(TimeEntry.objects.values_list("minutes", flat=True)) == [15, 25]
    page = client.get(PAGE).content.decode()
    assert "40 min" in page  # the week's total


def test_a_wrong_entry_is_deleted_by_whoever_logged_it_only(client: Client, cast) -> None:
    """450 minutes typed for 45: nothing corrected it."""
    typo, theirs = (
        time_entry_add(
            workspace=cast.workspace,
            user=user,
            day=timezone.localdate(),
            network="x",
            activity="answering",
            minutes=minutes,
        )
        for user, minutes in ((cast.carl, 450), (cast.bob, 30))
    )
    client.force_login(cast.carl)
    assert f'name="id" value="{theirs.pk}"' not in client.get(PAGE).content.decode()
    for refused in (theirs.pk, "abc", "", "9" * 30):
        assert client.post(PAGE, {"kind": "delete", "id": refused}).status_code == 302
    assert TimeEntry.objects.count() == 2
    client.post(PAGE, {"kind": "delete", "id": typo.pk})
    assert list(TimeEntry.objects.values_list("user", flat=True)) == [cast.bob.pk]


def test_those_who_set_the_budgets_see_who_spent_the_week(client: Client, cast) -> None:
    """The owner saw the team's total only: not that one person logged seven hours."""
    today = timezone.localdate()
    for user, network, minutes in (
        (cast.carl, "instagram", 300),
        (cast.carl, "x", 120),
        (cast.erin, "x", 45),
        (cast.erin, "x", 15),
    ):
        time_entry_add(
            workspace=cast.workspace,
            user=user,
            day=today,
            network=network,
            activity="answering",
            minutes=minutes,
        )
    time_entry_add(  # last week: not this one's
        workspace=cast.workspace,
        user=cast.bob,
        day=today - timedelta(days=7),
        network="x",
        activity="answering",
        minutes=99,
    )
    cast.alice.language = "en"
    cast.alice.save()
    client.force_login(cast.alice)
    page = client.get(PAGE).content.decode()
    people = page.split("Who spent it")[1]
    assert people.index("Carl") < people.index("Erin") and "Bob" not in people
    assert "Instagram 5 h · X 2 h" in people and "X 1 h" in people
    client.force_login(cast.carl)  # a contributor sees their own entries only
    assert "Erin" not in client.get(PAGE).content.decode()


def test_starting_a_timer_stops_the_one_running(cast) -> None:
    first = timer_start(workspace=cast.workspace, user=cast.erin, network="x", activity="writing")
    TimeEntry.objects.filter(pk=first.pk).update(started_at=timezone.now() - timedelta(hours=20))
    timer_start(workspace=cast.workspace, user=cast.erin, network="x", activity="answering")
    first.refresh_from_db()
    assert first.minutes == 600  # a timer forgotten overnight counts 10 hours at most
    assert TimeEntry.objects.filter(minutes__isnull=True).count() == 1


def test_time_in_the_future_or_out_of_range_is_refused(client: Client, cast) -> None:
    client.force_login(cast.erin)
    future = timezone.localdate() + timedelta(days=5)
    response = client.post(
        PAGE,
        {
            "kind": "entry",
            "entry-day": f"{future:%Y-%m-%d}",
            "entry-network": "x",
            "entry-activity": "ads",
            "entry-minutes": "5000",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "futur" in html and "1440" in html
    assert not TimeEntry.objects.exists()
    assert client.get(PAGE + "?week=9999-99-99").status_code == 200  # unreadable: this week


def test_the_approver_does_not_log_time(client: Client, cast) -> None:
    client.force_login(cast.anna)
    assert client.get(PAGE).status_code == 403


def _week(cast) -> date:
    ws = cast.workspace
    NetworkPlan.objects.create(
        workspace=ws, network="mastodon", reason="r", weekly_budget_minutes=60
    )
    NetworkPlan.objects.create(
        workspace=ws, network="bluesky", reason="r", weekly_budget_minutes=20
    )
    monday = date(2026, 11, 9)
    for day, network, minutes in [(9, "mastodon", 15), (15, "bluesky", 25), (16, "mastodon", 90)]:
        time_entry_add(
            workspace=ws,
            user=cast.erin,
            day=date(2026, 11, day),
            network=network,
            activity="writing",
            minutes=minutes,
        )
    return monday


def test_a_week_against_the_budgets_and_the_minimum(cast) -> None:
    monday = _week(cast)
    strategy = Strategy.objects.get(workspace=cast.workspace)
    week = week_summary(workspace=cast.workspace, strategy=strategy, monday=monday)
    rows = {row.network: row for row in week.rows}
    assert (rows["bluesky"].minutes, rows["bluesky"].under_budget) == (25, False)
    assert (rows["bluesky"].over_by, rows["mastodon"].over_by) == (5, 0)
    assert (rows["mastodon"].minutes, rows["mastodon"].under_budget) == (
        15,
        True,
    )  # 16th: next week
    assert (week.total, week.under_minimum) == (40, False)
    # Over budget, its bar is drawn as such (it was full green beside "5 min over budget").
    client = Client()
    client.force_login(cast.bob)
    page = client.get(f"{PAGE}?week={monday:%Y-%m-%d}").content.decode()
    bars = re.findall(r"<progress [^>]*>", page)
    assert [b for b in bars if "over-budget" in b] == [b for b in bars if 'max="20"' in b]


def test_this_week_says_what_is_still_to_come_the_weeks_before_what_fell_short(
    client: Client, cast
) -> None:
    """On Monday morning every network read "under budget" in orange."""
    NetworkPlan.objects.create(
        workspace=cast.workspace, network="mastodon", reason="r", weekly_budget_minutes=60
    )
    cast.bob.language = "en"
    cast.bob.save()
    client.force_login(cast.bob)
    now = client.get(PAGE).content.decode()
    assert "1 h to go" in now and "to go before the minimum" in now
    assert '<span class="under">' not in now
    before = client.get(PAGE + "?week=2026-01-05").content.decode()
    assert '<span class="under">under budget' in before
    assert '<span class="under">under the minimum' in before and "to go" not in before


def test_monday_tells_the_managers_once_when_a_week_fell_short(cast, monkeypatch) -> None:
    monday = _week(cast)
    strategy = Strategy.objects.get(workspace=cast.workspace)
    strategy.weekly_minimum_minutes = 60
    strategy.save()
    review = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)  # Monday 08:00 in Paris
    monkeypatch.setattr(timezone, "now", lambda: review)
    assert next_review_time(cast.workspace, review - timedelta(minutes=1)) == review
    assert week_review(strategy) == review + timedelta(days=7)
    notices = Notice.objects.filter(workspace=cast.workspace)
    assert sorted(n.user.email for n in notices) == ["alice@example.com", "bob@example.com"]
    text = notices.first().text
    assert "40 min" in text and "1 h" in text and "1 h 0" not in text and "Mastodon" in text
    assert f"week={monday:%Y-%m-%d}" in notices.first().url
    assert len(mail.outbox) == 2
    strategy.refresh_from_db()
    week_review(strategy)  # the worker runs again: nothing told twice
    assert Notice.objects.count() == 2


def test_a_week_that_kept_its_plan_tells_nobody(cast, monkeypatch) -> None:
    ws = cast.workspace
    NetworkPlan.objects.create(workspace=ws, network="x", reason="r", weekly_budget_minutes=30)
    time_entry_add(
        workspace=ws,
        user=cast.erin,
        day=date(2026, 11, 10),
        network="x",
        activity="ads",
        minutes=45,
    )
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 16, 7, 0, tzinfo=UTC))
    week_review(Strategy.objects.get(workspace=ws))
    assert not Notice.objects.exists()
