"""The seeded history reads like a real one: the network's kind of id on each published post,
texts drawn apart from the figures, and a funnel for every past day that follows the
community's own definitions."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from palabre.accounts.models import User, Workspace
from palabre.accounts.services import workspace_create
from palabre.analytics import seed_texts
from palabre.analytics.community import activities, relationship
from palabre.analytics.models import CommunityDay, PostStat
from palabre.analytics.seed import HISTORY_KEY, Plan, history_marked, history_seed
from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.inbox.models import Interaction, Stage
from palabre.networks.kinds import NETWORKS
from palabre.publishing.models import PostTarget
from palabre.publishing.planning import local_moment

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
SMALL = Plan(months=6, interactions=4000, posts_per_week=2.0, seed=5)

# What each network's connector records as a post's id.
REMOTE_IDS = {
    "x": r"\d{18,19}",
    "mastodon": r"\d{17,18}",
    "bluesky": r"at://did:plc:[a-z2-7]{24}/app\.bsky\.feed\.post/[2-7a-z]{13}",
    "threads": r"18\d{15}",
    "linkedin": r"urn:li:share:\d{19}",
    "facebook": r"\d{15}_\d{15,16}",
    "instagram": r"17\d{15}",
}


def _workspace(name: str, networks: list[str]) -> tuple[Workspace, User, list[Channel]]:
    owner = User.objects.create_user(f"{name.lower()}@seed.example", "pw-seed-123", name=name)
    workspace = workspace_create(name=name, owner=owner)
    channels = [
        channel_create_demo(workspace=workspace, network=net, name=f"{name} {net}")
        for net in networks
    ]
    return workspace, owner, channels


def _seeded(name: str, networks: list[str], plan: Plan = SMALL) -> Workspace:
    workspace, owner, channels = _workspace(name, networks)
    history_seed(workspace=workspace, channels=channels, author=owner, plan=plan, now=NOW)
    return workspace


def test_each_history_post_carries_its_networks_kind_of_id_and_the_history_mark() -> None:
    workspace = _seeded("Ids", list(NETWORKS))
    targets = PostTarget.objects.filter(channel__workspace=workspace).select_related("channel")
    assert targets.count() > 100 and targets.count() == targets.filter(history_marked()).count()
    for target in targets:
        network = target.channel.network
        assert re.fullmatch(REMOTE_IDS[network], target.remote_id), (network, target.remote_id)
        assert target.remote_url.startswith(f"demo://{target.channel_id}/")
        assert target.idempotency_key.startswith(HISTORY_KEY)
    assert len({(t.channel_id, t.remote_id) for t in targets}) == targets.count()


def test_the_texts_have_their_own_draws_so_every_figure_stays(monkeypatch) -> None:
    """The same seed gives the same posts; other texts leave every figure as it was."""
    networks = ["instagram", "x"]

    def texts(workspace: Workspace) -> list[str]:
        rows = PostTarget.objects.filter(channel__workspace=workspace).order_by(
            "channel__network", "publish_at"
        )
        return [t.variant.text for t in rows.select_related("variant")]

    def figures(workspace: Workspace) -> list[tuple[object, ...]]:
        stats = PostStat.objects.filter(workspace=workspace).order_by(
            "channel__network", "published_at"
        )
        talk = Interaction.objects.filter(workspace=workspace).order_by("channel__network", "pk")
        return list(stats.values_list("published_at", "likes", "reach", "media_format")) + list(
            talk.values_list("created_at", "kind", "category", "response_seconds")
        )

    first, again = _seeded("Premier", networks), _seeded("Encore", networks)
    assert texts(first) == texts(again)
    monkeypatch.setattr(seed_texts, "TEXT_STREAM", 2)
    other = _seeded("Autre", networks)
    assert texts(other) != texts(first)
    assert figures(other) == figures(first)


def test_a_channel_says_everything_before_it_repeats_itself() -> None:
    workspace = _seeded("Variés", ["facebook"])
    ideas = Counter(
        PostTarget.objects.filter(channel__workspace=workspace).values_list("post__idea", flat=True)
    )
    assert len(ideas) > 30 and max(ideas.values()) == 1  # 6 months at two posts a week


@pytest.mark.parametrize("days_ago", [20, 75, 140])
def test_a_past_days_funnel_follows_the_community_definitions(days_ago: int) -> None:
    workspace = _seeded("Funnel", ["instagram", "mastodon", "x"])
    tz = workspace.tzinfo
    day = workspace.local_date(NOW) - timedelta(days=days_ago)
    recorded = CommunityDay.objects.get(workspace=workspace, day=day)
    # community_refresh at that moment, without touching anyone's stage.
    moment = local_moment(day, NOW.astimezone(tz).time(), tz)
    stages = [
        relationship(activity, recommends=False, now=moment)
        for activity in activities(workspace, now=moment).values()
    ]
    counted = {
        "engaged": sum(r.stage != Stage.NONE for r in stages),
        "members": sum(r.stage in (Stage.MEMBER, Stage.ADVOCATE) for r in stages),
        "advocates": sum(r.stage == Stage.ADVOCATE for r in stages),
        "drifting": sum(r.drifting for r in stages),
    }
    assert counted["engaged"] > 50
    for stage, expected in counted.items():
        # Interactions in the evening of a month's last day count in the next month here.
        assert abs(getattr(recorded, stage) - expected) <= max(2, expected // 50), stage


def test_the_funnel_is_recorded_every_day_up_to_todays_own() -> None:
    workspace = _seeded("Jours", ["facebook", "bluesky"])
    days = list(
        CommunityDay.objects.filter(workspace=workspace).values_list("day", "engaged", "followers")
    )
    first, today = days[0][0], workspace.local_date(NOW)
    assert [d for d, _e, _f in days] == [
        first + timedelta(days=n) for n in range((today - first).days + 1)
    ]
    assert (today - first).days >= 180
    (_d, yesterday, _f), (_t, now, followers) = days[-2:]
    assert 0 < now <= followers and abs(now - yesterday) <= max(3, now // 20)
