"""The demo's year of history looks like the bakery's real year: varied posts in French that
fit each network, found by every calendar filter and counted in the cadence, a moderation
log that matches what is hidden, and the community funnel day by day."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.analytics.figures import home_figures
from palabre.analytics.models import CommunityDay
from palabre.analytics.seed import history_marked
from palabre.channels.models import Channel
from palabre.inbox.ml import language
from palabre.inbox.models import EventAction, Interaction, ModerationEvent
from palabre.networks.kinds import NETWORKS
from palabre.publishing import planning
from palabre.publishing.models import Category, PostTarget, PostVariant
from palabre.publishing.services import variant_check, variant_data
from palabre.web import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def bakery(settings, tmp_path) -> Workspace:
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=StringIO())
    return Workspace.objects.get(slug=demo.DEMO_SLUG)


def _manager() -> Client:
    client = Client()
    assert client.login(email="lucas@lumiere.example", password=demo.DEMO_PASSWORD)
    return client


def test_history_posts_are_varied_french_texts_that_fit_each_network(bakery) -> None:
    variants = PostVariant.objects.filter(
        history_marked("targets__"), post__workspace=bakery
    ).select_related("post")
    assert variants.count() > 500
    for category in Category.values:
        ideas = {v.post.idea for v in variants if v.post.category == category}
        assert len(ideas) >= 40, category
    texts = {v.text for v in variants}
    assert len(texts) > 300
    assert not [t for t in texts if len(set(t) - set(" x")) < 5]  # no "xxxx" placeholder
    assert [t for t in texts if language.detect(t) != "fr"] == []
    for variant in variants:  # as the composer counts each network (its media aside)
        check = variant_check(network=variant.network, data=variant_data(variant))
        assert check.text.valid, (variant.network, variant.text, check.text.errors)


def test_history_posts_show_under_every_calendar_filter_and_in_the_cadence(bakery) -> None:
    channel = Channel.objects.get(workspace=bakery, network="instagram")
    history = PostTarget.objects.filter(history_marked(), channel=channel).order_by("-publish_at")
    post = history[10].post  # some weeks back: only the history is there
    tz = bakery.tzinfo
    day = post.publish_at.astimezone(tz).date()
    client, week = _manager(), f"/w/{demo.DEMO_SLUG}/calendar/?view=week&date={day}"
    for query in (
        f"&channel={channel.pk}",
        f"&channel={channel.pk}&status=published&category={post.category}",
        "&status=published",
        f"&category={post.category}",
        "",
    ):
        assert f'data-post="{post.pk}"' in client.get(week + query).content.decode(), query
    other = Channel.objects.get(workspace=bakery, network="x")
    assert f'data-post="{post.pk}"' not in client.get(f"{week}&channel={other.pk}").content.decode()
    monday = day - timedelta(days=day.weekday())
    start, end = planning.day_bounds(monday, monday + timedelta(days=6), tz)
    published = history.filter(publish_at__gte=start, publish_at__lt=end).count()
    table = planning.cadence_table(bakery, [monday], tz)
    [row] = [r["weeks"][0] for r in table if r["channel"] == channel]
    assert row["planned"] == published >= 1
    page = client.get(week).content.decode()
    cells = page.split(f'<tr data-cadence="{channel.pk}">')[1].split("</tr>")[0]
    assert re.search(rf"<td[^>]*>{published}\b", cells)


def test_the_moderation_log_matches_what_is_hidden(bakery) -> None:
    interactions = Interaction.objects.filter(workspace=bakery).select_related("channel")
    hidden = {i.pk for i in interactions.filter(hidden=True)}
    events = ModerationEvent.objects.filter(
        workspace=bakery, action__in=[EventAction.HIDE, EventAction.UNHIDE]
    ).order_by("created_at", "pk")
    last = {e.interaction_id: e for e in events}  # each interaction's latest hide or unhide
    assert hidden == {pk for pk, e in last.items() if e.action == EventAction.HIDE}
    assert len(hidden) > 50  # the year's spam and insults, not only today's thread
    assert all(last[pk].reason for pk in hidden)
    # Hidden only where the network hides that kind: never on Mastodon or LinkedIn.
    assert all(i.hides_on_network for i in interactions.filter(hidden=True))
    # Each can be shown again from its conversation.
    item = interactions.filter(hidden=True).exclude(remote_id__startswith="act:").first()
    assert item is not None
    page = _manager().get(f"/w/{demo.DEMO_SLUG}/inbox/{item.pk}/").content.decode()
    assert f"/inbox/{item.pk}/unhide/" in page


def test_quotes_come_only_where_the_network_has_them(bakery) -> None:
    """Facebook, Instagram and LinkedIn have no quote posts: the history's quotes there were
    shares (as the demo network counts them)."""
    quoted = Interaction.objects.filter(workspace=bakery, kind="quote")
    networks = set(quoted.values_list("channel__network", flat=True))
    assert networks and networks <= {n for n, net in NETWORKS.items() if net.counts_quotes}


def test_the_community_funnel_is_recorded_for_every_day_of_the_year(bakery) -> None:
    today = bakery.local_date()
    days = {d.day: d for d in CommunityDay.objects.filter(workspace=bakery)}
    assert [n for n in range(366) if today - timedelta(days=n) not in days] == []
    for row in days.values():
        assert row.advocates <= row.members <= row.engaged <= row.followers, row.day
    engaged = [days[today - timedelta(days=n)].engaged for n in (0, 1, 28)]
    assert engaged[2] > 0 and abs(engaged[0] - engaged[1]) <= engaged[0] // 10
    # The home page's "Engaged people": its change over 28 days and a trend with no hole.
    [figure] = [f for f in home_figures(bakery, timezone.now()) if f.key == "engaged"]
    assert figure.change and None not in figure.points
