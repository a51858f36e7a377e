"""Each figure against the hand-computed values of handmade.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from palabre.analytics import metrics, tables
from palabre.analytics.community import community_refresh, followers_total, funnel_counts
from palabre.analytics.forms import month_bounds
from palabre.analytics.metrics import Scope
from palabre.analytics.rollup import month_stats_refresh
from palabre.analytics.tests.handmade import NOW, build
from palabre.inbox.models import Contact, Stage
from palabre.lib.businesshours import business_seconds

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(cast):
    return build(cast.workspace)


@pytest.fixture
def june(cast) -> Scope:
    start, end = month_bounds(date(2026, 6, 1), cast.workspace)
    return Scope(cast.workspace, start, end)


def test_channel_figures(history, june) -> None:
    a, b = metrics.channel_rows(june)
    assert (a.name, a.posts, a.followers, a.engagements) == ("A", 2, 1000, 42)
    assert a.rate_by_followers.value == pytest.approx(42 / 2000)
    assert a.rate_by_reach.value == pytest.approx(18 / 400)  # only A1 has a reach
    assert (a.reach, a.impressions) == (400, 600)
    assert a.conversation.value == 4
    assert metrics.per_thousand(a.conversation.value, a.followers) == pytest.approx(4.0)
    assert a.amplification.value == 2  # (2 reposts + 2 quotes) / 2 posts
    assert a.applause.value == 15
    assert (b.posts, b.engagements, b.followers) == (1, 5, 500)
    assert b.rate_by_followers.value == pytest.approx(0.01)
    assert b.rate_by_reach.value == pytest.approx(0.05)
    assert b.conversation.value == 0
    assert metrics.per_thousand(b.applause.value, b.followers) == pytest.approx(8.0)


def test_one_channel_scope(history, june) -> None:
    only_b = Scope(june.workspace, june.start, june.end, (history.b.pk,))
    [row] = metrics.channel_rows(only_b)
    assert row.name == "B"
    assert metrics.response(only_b).rate.value == 0  # Xavier's question on B waits


def test_post_rows(history, june) -> None:
    rows = metrics.post_rows(june)
    assert [r.engagements for r in rows] == [24, 18, 5]
    a1 = rows[1]
    assert a1.rate_by_followers == pytest.approx(0.018)
    assert a1.rate_by_reach == pytest.approx(0.045)
    assert rows[0].rate_by_reach is None  # the network gave no reach


def test_response_rate_and_times(history, june) -> None:
    answer = metrics.response(june)
    # Inbound: Wanda ×3, Xavier ×2 (the insult is left out, the like is not a message).
    assert (answer.rate.numerator, answer.rate.denominator) == (3, 5)
    assert answer.median_seconds == 3600
    assert answer.p90_seconds == pytest.approx(3600 + 0.8 * 7200)  # linear, over 600/3600/10800
    assert answer.answered_times == 3


def test_business_hours_are_used_when_the_workspace_says_so(history, june) -> None:
    from palabre.analytics.services import response_times_recount

    ws = june.workspace
    ws.business_hours, ws.business_start, ws.business_end = True, time(9), time(12)
    ws.save()
    response_times_recount(workspace=ws)
    answer = metrics.response(Scope(ws, june.start, june.end))
    # Paris is UTC+2: Wanda's 12:00–13:00 question is outside 9–12; the criticism
    # (12:00–15:00) too; Xavier's mention 12:00–12:10 too: all three count zero.
    assert answer.business_hours
    assert answer.median_seconds == 0


def test_dialogue_index(history, june) -> None:
    talk = metrics.dialogue(june)
    assert (talk.threads.numerator, talk.threads.denominator) == (1, 3)  # A1 of A1, A2, B1
    assert talk.replies_per_comment.value == pytest.approx(4 / 5)
    assert talk.unanswered_now == 1  # Xavier's question on B


def test_content_mix(history, june) -> None:
    mix = metrics.content_mix(june)
    assert mix.counts["helpful"] == 2 and mix.counts["promotional"] == 1
    assert mix.promotional.value == pytest.approx(1 / 3)
    assert mix.max_promotional_percent == 20 and mix.over_target


def test_stages_and_funnel(history, cast) -> None:
    community_refresh(workspace=cast.workspace, now=NOW)
    stage = {
        c.name: (c.stage, c.drifting) for c in Contact.objects.filter(workspace=cast.workspace)
    }
    assert stage["Paula"] == (Stage.ADVOCATE, False)  # 3 over 3 months, shared in June
    assert stage["Quentin"] == (Stage.MEMBER, False)  # 3 over 2 months
    assert stage["Rémi"] == (Stage.ENGAGED, False)
    assert stage["Sacha"] == (Stage.NONE, True)  # a regular, silent since March
    assert stage["Théo"] == (Stage.NONE, False)  # a follow is not an interaction
    assert stage["Vera"] == (Stage.ADVOCATE, False)  # a member marked "recommends us"
    assert stage["Yves"] == (Stage.NONE, False)  # abuse does not make anyone engaged
    counts = funnel_counts(cast.workspace)
    assert counts == {"engaged": 6, "members": 3, "advocates": 2, "customers": 1, "drifting": 1}
    assert followers_total(cast.workspace, date(2026, 6, 30)) == 1500


def test_people_to_thank_and_contributors(history, june) -> None:
    talkers = metrics.top_contributors(june)
    assert [(p.name, p.count) for p in talkers] == [("Wanda", 3), ("Xavier", 2)]
    supporters = metrics.top_supporters(june)
    assert [(p.name, p.count) for p in supporters] == [
        ("Quentin", 2),
        ("Paula", 1),
        ("Rémi", 1),
        ("Vera", 1),
        ("Wanda", 1),
    ]


def test_no_one_whose_words_were_hidden_is_named_to_thank(history, june) -> None:
    """The demo's report named first "to thank" a man whose insults the team had hidden."""
    from palabre.inbox.models import EventAction, Interaction, ModerationEvent

    quentin = history.people["Quentin"].identities.get()
    insult = Interaction.objects.create(
        workspace=june.workspace,
        channel=history.a,
        remote_id="insult",
        kind="comment",
        identity=quentin,
        text="Bande de nuls.",
        hidden=True,
        created_at=june.start + timedelta(days=3),
    )
    assert "Quentin" not in [p.name for p in metrics.top_supporters(june)]
    assert [p.name for p in metrics.top_supporters(june)][0] == "Paula"
    Interaction.objects.filter(pk=insult.pk).update(hidden=False, category="abuse")
    assert "Quentin" not in [p.name for p in metrics.top_supporters(june)]  # read as abuse
    ModerationEvent.objects.create(
        workspace=june.workspace, interaction=insult, action=EventAction.NOT_ABUSE
    )
    assert metrics.top_supporters(june)[0].name == "Quentin"  # a person cleared it
    Interaction.objects.filter(pk=insult.pk).update(category="criticism")
    ModerationEvent.objects.all().delete()
    assert metrics.top_supporters(june)[0].name == "Quentin"  # a complaint is no reason


def test_drifting_list(history, cast) -> None:
    community_refresh(workspace=cast.workspace, now=NOW)
    assert [c.name for c in metrics.drifting(cast.workspace)] == ["Sacha"]


def test_drifting_people_are_last_seen_in_the_workspaces_time(history, cast) -> None:
    """A new user's walk: 27/09 22:37 on the page and in the PDF, 28/09 00:37 in Paris."""
    community_refresh(workspace=cast.workspace, now=NOW)
    late = datetime(2026, 9, 27, 22, 37, tzinfo=UTC)
    Contact.objects.filter(name="Sacha").update(last_seen_at=late)
    paris = ZoneInfo("Europe/Paris")
    table = tables.drifting_table(list(metrics.drifting(cast.workspace)), paris)
    [[_name, _count, _months, seen]] = table.rows
    assert seen == late and seen.utcoffset() == timedelta(hours=2)
    assert tables.display("date", seen).startswith("28/09/2026 00:37")


def test_monthly_trend(history, june) -> None:
    month_stats_refresh(workspace=june.workspace, since=date(2026, 1, 1))
    rows = {r.month: r for r in metrics.monthly_trend(june, months=3)}
    assert list(rows) == [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    assert (rows[date(2026, 6, 1)].inbound, rows[date(2026, 6, 1)].answered) == (5, 3)
    assert rows[date(2026, 5, 1)].inbound == 2  # Quentin's and Vera's comments
    assert (rows[date(2026, 5, 1)].posts, rows[date(2026, 5, 1)].engagements) == (1, 99)
    assert rows[date(2026, 6, 1)].followers == 1500
    assert rows[date(2026, 5, 1)].followers == 900


def test_business_seconds_by_hand() -> None:
    paris = ZoneInfo("Europe/Paris")
    friday_5pm = datetime(2026, 3, 27, 17, tzinfo=paris)
    monday_10am = datetime(2026, 3, 30, 10, tzinfo=paris)  # over the clock change
    hours = {"tz": paris, "opens": time(9), "closes": time(18), "days": "01234"}
    assert business_seconds(friday_5pm, monday_10am, **hours) == 2 * 3600
    assert business_seconds(monday_10am, friday_5pm, **hours) == 0
    saturday = datetime(2026, 3, 28, 10, tzinfo=paris)
    assert business_seconds(saturday, saturday.replace(hour=16), **hours) == 0
    utc_start = datetime(2026, 3, 30, 6, 30, tzinfo=UTC)  # 08:30 in Paris (summer time)
    assert business_seconds(utc_start, utc_start.replace(hour=8, minute=0), **hours) == 3600


def test_hourly_rankings_answer_the_rolling_periods(history, cast) -> None:
    from datetime import timedelta

    from palabre.analytics.metrics import people_ranks_refresh

    scope = Scope(cast.workspace, NOW - timedelta(days=30), NOW, rolling_days=30)
    live = metrics.top_supporters(scope)  # nothing ranked yet: counted on the spot
    assert people_ranks_refresh(workspace=cast.workspace, now=NOW) > 0
    assert metrics.top_supporters(scope) == live
    assert metrics.top_contributors(scope) == [
        metrics.PersonRow(history.people["Wanda"].pk, "Wanda", 3, "none"),
        metrics.PersonRow(history.people["Xavier"].pk, "Xavier", 2, "none"),
    ]
    # Wanda writes again; the ranking says so only at its next hourly refresh.
    from palabre.inbox.models import Interaction

    Interaction.objects.create(
        workspace=cast.workspace,
        channel=history.a,
        remote_id="late",
        kind="like",
        identity=history.people["Wanda"].identities.get(),
        created_at=NOW - timedelta(hours=1),
    )
    assert metrics.top_supporters(scope)[-1].count == 1
    stale = Scope(cast.workspace, NOW, NOW + timedelta(hours=3), rolling_days=30)
    assert metrics.top_supporters(stale) == []  # too old a ranking: counted, and empty here


def test_a_month_under_way_is_charted_only_as_a_level(history, june) -> None:
    """Three days of June would chart as a collapse: the sums and rates chart whole months,
    the table (and the followers' line, a level) keep it."""
    from datetime import timedelta

    from palabre.analytics.dashboard import trend

    month_stats_refresh(workspace=june.workspace, since=date(2026, 1, 1))
    early_june = Scope(
        june.workspace, june.start - timedelta(days=60), june.start + timedelta(days=3)
    )
    section = trend(early_june, full=False)
    charts = {chart.key: chart for chart in section.charts}
    assert len(section.table.rows) == len(charts["followers"].values)
    assert len(charts["engagements"].values) == len(charts["followers"].values) - 1
    assert len(charts["response"].labels) == len(charts["followers"].labels) - 1
    whole_june = trend(june, full=False)
    assert len({len(chart.values) for chart in whole_june.charts}) == 1


def test_a_length_band_says_its_unit() -> None:
    from django.utils import translation

    from palabre.analytics.insights import _label

    with translation.override("en"):
        assert _label("length", {"length": 120}) == "80–199 characters"
        assert _label("length", {"length": 500}) == "200+ characters"
