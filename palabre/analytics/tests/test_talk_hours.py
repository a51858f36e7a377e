"""The figures read from the hourly totals and the hourly rankings are those counted from
the interactions, on a generated history, after late changes too (on both databases)."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.analytics import metrics, talk
from palabre.analytics.forms import month_bounds
from palabre.analytics.metrics import Scope
from palabre.analytics.talk import talk_hours_refresh
from palabre.inbox.models import Contact, Interaction
from palabre.lib.months import month_before

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workspace() -> Workspace:
    call_command(
        "bench",
        "seed",
        "--slug",
        "heures",
        "--channels",
        "2",
        "--months",
        "3",
        "--interactions",
        "6000",
        stdout=StringIO(),
    )
    return Workspace.objects.get(slug="heures")


def _scopes(workspace: Workspace) -> list[Scope]:
    """The page's periods, and windows that start and end inside an hour."""
    now = timezone.now()
    this_month = workspace.local_date(now).replace(day=1)
    scopes = [
        Scope(workspace, now - timedelta(days=days), now, rolling_days=days) for days in (30, 90)
    ]
    for month in (this_month, month_before(this_month), month_before(month_before(this_month))):
        scopes.append(Scope(workspace, *month_bounds(month, workspace)))
    scopes.append(
        Scope(workspace, now - timedelta(days=41, minutes=17), now - timedelta(days=3, minutes=5))
    )
    return scopes


def _assert_as_counted(workspace: Workspace) -> None:
    scopes = _scopes(workspace)
    windows = [(s.start, s.end) for s in scopes]
    assert talk.tallies(workspace, windows, business=workspace.business_hours) is not None
    read = metrics._talk_counts(scopes)
    counted = [metrics._talk_counted(s) for s in scopes]
    assert read == counted
    assert read[0]["total"] > 100 and read[0]["threads"] > 5 and read[0]["percentiles"]
    for scope in scopes:
        assert metrics.talk_figures(scope) == (
            metrics.response(scope, metrics._talk_counted(scope)),
            metrics.dialogue(scope, metrics._talk_counted(scope)),
        )


def test_the_hourly_totals_give_the_counted_figures(workspace) -> None:
    _assert_as_counted(workspace)
    workspace.business_hours = True  # the other column of times
    workspace.save()
    _assert_as_counted(workspace)


def test_late_changes_are_counted_at_the_next_refresh(workspace) -> None:
    inbound = talk.inbound_rows(workspace).filter(
        created_at__lt=timezone.now() - timedelta(days=20)
    )
    waiting = inbound.filter(answered_at__isnull=True).order_by("pk")
    late = waiting.first()
    answered_at = timezone.now()
    Interaction.objects.filter(pk=late.pk).update(
        answered_at=answered_at,
        replies_sent=1,
        response_seconds=int((answered_at - late.created_at).total_seconds()),
        response_business_seconds=3600,
    )
    answered = inbound.filter(answered_at__isnull=False).exclude(pk=late.pk).order_by("pk")
    Interaction.objects.filter(pk=answered[0].pk).update(category="spam")  # reclassified
    Interaction.objects.filter(pk=answered[1].pk).update(erased=True)  # its author erased
    Interaction.objects.filter(pk=answered[2].pk).update(hidden=True)  # still a message
    Interaction.objects.filter(pk=answered[3].pk).delete()  # gone from the network
    before = metrics._talk_counts(_scopes(workspace))
    assert talk_hours_refresh(workspace=workspace, now=timezone.now()) > 0
    after = metrics._talk_counts(_scopes(workspace))
    assert after != before
    _assert_as_counted(workspace)
    assert talk_hours_refresh(workspace=workspace, now=timezone.now()) == 0  # nothing moved


def test_what_came_since_the_refresh_counts_at_once(workspace) -> None:
    refreshed = timezone.now()
    talk_hours_refresh(workspace=workspace, now=refreshed)
    channel = workspace.channels.first()
    # Not before the hour the refresh stopped at: at 13:00:02, five seconds ago is in an
    # hour already counted, which the next refresh counts (a message that arrives late).
    this_hour = refreshed.replace(minute=0, second=0, microsecond=0)
    Interaction.objects.create(
        workspace=workspace,
        channel=channel,
        remote_id="just-now",
        kind="comment",
        category="question",
        created_at=max(this_hour, timezone.now() - timedelta(seconds=5)),
    )
    _assert_as_counted(workspace)


def test_stale_totals_are_not_read(workspace) -> None:
    from palabre.analytics.models import CommunityRefresh

    old = timezone.now() - talk.FRESH - timedelta(minutes=1)
    CommunityRefresh.objects.filter(workspace=workspace).update(talk_until=old)
    assert talk.tallies(workspace, [(old - timedelta(days=3), old)], business=False) is None


def test_the_monthly_rankings_and_the_drifting_list_are_those_counted(workspace) -> None:
    now = timezone.now()
    contacts = Contact.objects.filter(workspace=workspace).order_by("pk")
    for contact in contacts[:12]:  # regulars gone quiet (a small history has few)
        contact.drifting, contact.interactions_12m = True, contact.pk % 5
        contact.save()
    contacts.filter(drifting=True).first().delete()
    live_drifting = list(metrics.drifting(workspace, limit=metrics.RANKED_LIMIT + 1))[:10]
    metrics.people_ranks_refresh(workspace=workspace, now=now)
    assert list(metrics.drifting(workspace)) == live_drifting
    this_month = workspace.local_date(now).replace(day=1)
    for month in (this_month, month_before(this_month)):
        scope = Scope(workspace, *month_bounds(month, workspace))
        assert metrics._calendar_month(scope) == month
        ranked = metrics._ranked(scope, "supporters", 10)
        assert ranked == metrics._people(scope, metrics.SUPPORT_KINDS, 10)
        # Some to compare, but the running month may be minutes old (the 1st after midnight).
        assert ranked or month == this_month
        assert metrics._ranked(scope, "contributors", 10) == metrics._people(
            scope, tuple(metrics.CONVERSATION_KINDS), 10
        )
    older = Scope(workspace, *month_bounds(month_before(month_before(this_month)), workspace))
    assert metrics._ranked(older, "supporters", 10) == []  # counted on the spot
    part = Scope(workspace, *month_bounds(date(2026, 6, 1), workspace))
    assert (
        metrics._calendar_month(Scope(workspace, part.start, part.end - timedelta(days=1))) is None
    )
