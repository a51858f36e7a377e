"""The demo's Facebook, Instagram and Threads channels work with no account anywhere and
show what only those networks offer."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from palabre.analytics.models import PostStat
from palabre.analytics.seed import history_marked
from palabre.channels.models import Channel
from palabre.inbox.models import Interaction, Reply, ReplyStatus
from palabre.inbox.services import PRIVATE_REPLY_WINDOW, private_reply_offered
from palabre.publishing.limits import known_limit, used_now
from palabre.publishing.models import PostTarget, PostVariant, TargetStatus
from palabre.publishing.services import variant_check, variant_data
from palabre.web import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def bakery(settings, tmp_path) -> dict[str, Channel]:
    settings.MEDIA_ROOT = tmp_path
    call_command("demo", stdout=StringIO())
    channels = Channel.objects.filter(workspace__slug=demo.DEMO_SLUG)
    return {c.network: c for c in channels}


def test_meta_channels_are_played_by_the_demo_network_as_meta_behaves(bakery) -> None:
    assert {n: bakery[n].connector for n in ("facebook", "instagram", "threads")} == {
        "facebook": "demo_facebook",
        "instagram": "demo_instagram",
        "threads": "demo_threads",
    }
    # Published there without any account, as elsewhere.
    for network in ("facebook", "threads"):
        published = PostTarget.objects.exclude(history_marked()).filter(
            channel=bakery[network], status=TargetStatus.PUBLISHED
        )
        assert published.count() == 1
    # Threads' quota was read just before publishing, and is known to the calendar.
    threads = Channel.objects.get(pk=bakery["threads"].pk)
    limit = known_limit(threads)
    assert limit is not None and limit.total == 250 and used_now(threads, limit) == 1
    variant = (
        PostVariant.objects.filter(network="threads", targets__channel=bakery["threads"])
        .exclude(history_marked("targets__"))
        .get()
    )
    assert variant.reply_control == "accounts_you_follow"


def test_a_facebook_comment_was_answered_privately_and_instagram_offers_it(bakery) -> None:
    [reply] = Reply.objects.filter(private=True)
    assert reply.interaction.channel == bakery["facebook"]
    assert reply.status == ReplyStatus.SENT
    recent = timezone.now() - PRIVATE_REPLY_WINDOW  # the history's old comments are too late
    instagram = Interaction.objects.filter(
        channel=bakery["instagram"], kind="comment", created_at__gte=recent
    ).first()
    threads = Interaction.objects.filter(channel=bakery["threads"]).first()
    assert instagram is not None and private_reply_offered(instagram)
    assert threads is None or not private_reply_offered(threads)
    client = Client()
    assert client.login(email="lucas@lumiere.example", password=demo.DEMO_PASSWORD)
    page = client.get(f"/w/{demo.DEMO_SLUG}/inbox/{instagram.pk}/").content.decode()
    assert f"/inbox/{instagram.pk}/private-reply/" in page
    page = client.get(f"/w/{demo.DEMO_SLUG}/inbox/{reply.interaction_id}/").content.decode()
    assert "data-private-reply-taken" in page and reply.text in page


def test_each_channel_has_the_figures_its_network_tells_and_no_other(bakery) -> None:
    """Saves on Instagram and X, video views on Facebook and Instagram, reach on neither
    Bluesky nor Mastodon: what the real networks give (networks/kinds.py)."""
    from palabre.analytics.collect import post_stat_collect

    stats = PostStat.objects.filter(channel__workspace__slug=demo.DEMO_SLUG)
    history = stats.filter(history_marked("target__"))
    for network, told in (
        ("instagram", {"saves", "reach", "impressions"}),
        ("x", {"saves", "impressions"}),
        ("facebook", {"reach", "impressions"}),
        ("bluesky", set()),
        ("mastodon", set()),
    ):
        kept = history.filter(channel__network=network)
        assert kept.exists()
        for figure in ("saves", "reach", "impressions"):
            given = kept.filter(**{f"{figure}__isnull": False}).exists()
            assert given is (figure in told), (network, figure)
    # The post published today: its reach comes with its first reading, as on Facebook.
    fresh = stats.filter(channel__network="facebook").exclude(history_marked("target__")).get()
    post_stat_collect(fresh)
    fresh.refresh_from_db()
    assert fresh.reach is not None and fresh.saves is None
    video = stats.filter(media_format="video", video_views__gt=0)
    assert set(video.values_list("channel__network", flat=True)) == {"facebook", "instagram"}


def test_answers_on_meta_channels_are_public_as_on_those_networks(bakery) -> None:
    """No "followers only" or "only them" answer on Facebook, Instagram or Threads: those
    networks have none (a private reply is its own action); Mastodon's demo keeps them."""
    client = Client()
    assert client.login(email="lucas@lumiere.example", password=demo.DEMO_PASSWORD)
    for network in ("facebook", "instagram", "mastodon"):
        comment = Interaction.objects.filter(channel=bakery[network], kind="comment").first()
        assert comment is not None
        page = client.get(f"/w/{demo.DEMO_SLUG}/inbox/{comment.pk}/").content.decode()
        narrower = 'name="visibility" value="direct"' in page
        assert narrower is (network == "mastodon"), network


def test_the_demo_has_an_instagram_carousel_ready_to_check(bakery) -> None:
    carousel = PostVariant.objects.get(
        post__workspace__slug=demo.DEMO_SLUG, network="instagram", instagram_format="carousel"
    )
    assert [m.name for m in carousel.media.order_by("name")] == ["levain.jpg", "vitrine.jpg"]
    check = variant_check(network="instagram", data=variant_data(carousel))
    assert check.media_errors == []  # 2 JPEG photos, each within Instagram's ratios
