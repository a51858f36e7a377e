"""The home page's four figures against hand-counted values."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone, translation

from palabre.analytics.figures import home_figures, key_figures, sparkline
from palabre.analytics.metrics import Scope
from palabre.analytics.models import CommunityDay
from palabre.analytics.tests.handmade import published_post
from palabre.channels.services import channel_create_demo
from palabre.inbox.models import Interaction

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _message(channel, days_ago: float, answered_after: int | None) -> None:
    created = NOW - timedelta(days=days_ago)
    Interaction.objects.create(
        workspace=channel.workspace,
        channel=channel,
        remote_id=f"m{days_ago}-{answered_after}",
        kind="comment",
        created_at=created,
        category="question",
        needs_answer=True,
        answered_at=created + timedelta(seconds=answered_after) if answered_after else None,
        response_seconds=answered_after,
    )


def _post(channel, days_ago: float, reach: int | None) -> None:
    published_post(
        channel.workspace, channel, NOW - timedelta(days=days_ago), "helpful", reach=reach
    )


@pytest.fixture
def figures(cast) -> dict[str, object]:
    channel = channel_create_demo(workspace=cast.workspace, network="mastodon", name="A")
    # This period: 3 of 4 answered, in 10, 20 and 60 minutes (median 20 min).
    for days, after in ((2, 600), (5, 1200), (9, 3600), (12, None)):
        _message(channel, days, after)
    # The 30 days before: 1 of 2 answered, in 2 hours.
    for days, after in ((35, 7200), (45, None)):
        _message(channel, days, after)
    _post(channel, 3, 1000)
    _post(channel, 20, 500)
    _post(channel, 25, None)  # the network gave no reach
    _post(channel, 35, 2000)
    for day, engaged in (
        (date(2026, 10, 30), 40),
        (date(2026, 10, 31), 44),
        (date(2026, 11, 29), 50),
    ):
        CommunityDay.objects.create(workspace=cast.workspace, day=day, engaged=engaged)
    return {f.key: f for f in home_figures(cast.workspace, NOW)}


def test_response_rate_and_its_change_in_points(figures) -> None:
    rate = figures["response_rate"]
    assert rate.value == "75\xa0%"  # French, as the tests run: a no-break space
    assert rate.change == "+25 pts" and rate.better is True  # 75 % against 50 %
    assert "3" in rate.basis and "4" in rate.basis


def test_median_first_response_is_better_when_it_falls(figures) -> None:
    median = figures["response_time"]
    assert median.value == "20 min"
    assert median.change == "−1 h 40 min" and median.better is True


def test_engaged_people_against_the_funnel_recorded_30_days_before(figures) -> None:
    engaged = figures["engaged"]
    assert engaged.value == "50"
    # 50 on 29 November; 44 on 31 October, the last record 30 days before noon on the 30th.
    assert engaged.change == "+6" and engaged.better is True


def test_reach_counts_only_posts_whose_network_gives_it(figures) -> None:
    reach = figures["reach"]
    assert reach.value.replace("\u202f", " ").replace("\xa0", " ") == "1 500"
    assert reach.change == "−25\xa0%" and reach.better is False  # 1,500 against 2,000
    assert "2" in reach.basis


def test_each_figure_has_a_weekly_trend_of_eight_points(figures) -> None:
    for figure in figures.values():
        assert len(figure.points) == 8
    assert figures["reach"].points == (0, 0, 0, 2000, 0, 500, 0, 1000)  # weeks without a post: 0
    assert "<polyline" in figures["reach"].sparkline


def test_a_workspace_without_history_shows_dashes_not_errors(cast) -> None:
    for figure in home_figures(cast.workspace, NOW):
        assert figure.value == "–" or figure.value == "0 %" or figure.value == "0"
        assert figure.change == "" and figure.better is None
        assert str(figure.sparkline) == ""


def test_a_sparkline_breaks_where_a_week_has_nothing() -> None:
    drawn = str(sparkline((1.0, 2.0, None, 3.0, 4.0), "t"))
    assert drawn.count("<polyline") == 2


def test_engaged_people_say_when_they_were_last_counted_and_that_they_span_every_channel(
    cast,
) -> None:
    CommunityDay.objects.create(workspace=cast.workspace, day=date(2026, 11, 10), engaged=12)
    channel = channel_create_demo(workspace=cast.workspace, network="mastodon", name="A")
    stale = {f.key: f for f in home_figures(cast.workspace, NOW)}["engaged"]
    assert stale.value == "12"
    assert "10/11/2026" in stale.basis  # not today's count, and said so
    CommunityDay.objects.create(workspace=cast.workspace, day=date(2026, 11, 30), engaged=15)
    now = timezone.now()
    today = cast.workspace.local_date(now)
    CommunityDay.objects.create(workspace=cast.workspace, day=today, engaged=16)
    one_channel = Scope(cast.workspace, now - timedelta(days=28), now, (channel.pk,))
    past_month = Scope(cast.workspace, NOW - timedelta(days=29), NOW, (channel.pk,))
    with translation.override("en"):
        engaged = {f.key: f for f in key_figures(one_channel)}["engaged"]
        in_the_pdf = {f.key: f for f in key_figures(past_month)}["engaged"]
    assert engaged.basis == "people active in the last 90 days · all channels"
    # A past month (the monthly PDF, read later) says its own day, not "the last 90 days".
    assert in_the_pdf.value == "15"
    assert in_the_pdf.basis.startswith("people active in the 90 days to ")
    assert "2026" in in_the_pdf.basis


def test_a_month_is_compared_with_the_month_before_on_the_page_as_in_the_pdf(cast) -> None:
    """A new user's walk: November's page said reach +91 % (the 30 days before), its PDF
    +85 % (October, 31 days)."""
    from palabre.analytics.figures import period_before
    from palabre.analytics.forms import month_bounds

    start, end = month_bounds(date(2026, 11, 1), cast.workspace)
    before = period_before(Scope(cast.workspace, start, end))
    assert (before.start, before.end) == (month_bounds(date(2026, 10, 1), cast.workspace)[0], start)
    rolling = Scope(cast.workspace, NOW - timedelta(days=30), NOW, rolling_days=30)
    assert period_before(rolling).start == NOW - timedelta(days=60)


def test_a_months_engaged_people_are_its_last_days_as_in_its_funnel(cast) -> None:
    """A new user's walk: November's headline said 464 engaged (1 December's count), its
    funnel 461 (30 November's)."""
    from palabre.analytics.forms import month_bounds
    from palabre.analytics.tables import funnel_table

    CommunityDay.objects.create(workspace=cast.workspace, day=date(2026, 11, 30), engaged=461)
    CommunityDay.objects.create(workspace=cast.workspace, day=date(2026, 12, 1), engaged=464)
    november = Scope(cast.workspace, *month_bounds(date(2026, 11, 1), cast.workspace))
    engaged = {f.key: f for f in key_figures(november)}["engaged"]
    funnel = {row[0]: row[1] for row in funnel_table(november).rows}
    assert engaged.value == "461" and 461 in funnel.values()
