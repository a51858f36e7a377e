"""Publishing to networks that fetch media by URL and count a daily quota (Instagram,
Threads): the signed address given instead of the file, the format and the reply control
sent, the quota respected (the post waits) and read at most every few minutes."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone, translation

from palabre.analytics.collect import channel_daily_collect, channel_daily_ensure
from palabre.channels.connectors import connector_for
from palabre.channels.models import Channel
from palabre.networks.base import (
    Capability,
    Media,
    MediaUpload,
    OutgoingPost,
    PublishedPost,
    PublishingLimit,
    Unavailable,
)
from palabre.networks.demo.connector import DemoConnector
from palabre.networks.registry import CONNECTORS
from palabre.publishing import limits
from palabre.publishing.content import content_changes, post_content, post_digest
from palabre.publishing.media import media_store
from palabre.publishing.models import Post, PostTarget, TargetStatus
from palabre.publishing.publisher import post_publish_now, post_target_publish
from palabre.publishing.services import post_create
from palabre.publishing.tests.media_samples import image
from palabre.worker.jobs import RetryAt

pytestmark = pytest.mark.django_db


class Fetching(DemoConnector):
    """Instagram's and Threads' shape on the demo network: media fetched from a public URL,
    a daily quota; what it was given is kept for the test to read."""

    key = "fetching"
    capabilities = DemoConnector.capabilities | Capability.PUBLISHING_LIMIT
    fetches_media_by_url = True
    uploads: ClassVar[list[MediaUpload]] = []
    posts: ClassVar[list[OutgoingPost]] = []
    quota = PublishingLimit(total=100, used=0)
    quota_reads = 0
    quota_error: Exception | None = None
    url: str | None = None  # the post's address as the network answers it

    def upload_media(self, upload: MediaUpload) -> Media:
        Fetching.uploads.append(upload)
        return Media(upload.public_url, upload.alt_text, upload.content_type)

    def publish(self, post: OutgoingPost) -> PublishedPost:
        Fetching.posts.append(post)
        published = super().publish(post)
        return published if Fetching.url is None else replace(published, url=Fetching.url)

    def publishing_limit(self) -> PublishingLimit:
        Fetching.quota_reads += 1
        if Fetching.quota_error is not None:
            raise Fetching.quota_error
        return Fetching.quota


@pytest.fixture
def fetching(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://palabre.example"
    monkeypatch.setitem(CONNECTORS, Fetching.key, f"{__name__}.Fetching")
    Fetching.uploads, Fetching.posts = [], []
    Fetching.quota, Fetching.quota_reads, Fetching.quota_error = PublishingLimit(100, 0), 0, None
    Fetching.url = None


def _channel(cast, network: str, name: str = "") -> Channel:
    return Channel.objects.create(
        workspace=cast.workspace,
        network=network,
        connector=Fetching.key,
        name=name or f"Lumière {network}",
    )


def _photo(cast, name: str = "levain.jpg") -> object:
    return media_store(
        workspace=cast.workspace,
        uploaded_by=cast.bob,
        name=name,
        data=image(1080, 1080),
        alt_text=f"Alt {name}",
        tags=[],
    )


def _post(cast, networks: list[str], idea: str = "Le pain du jour est prêt.") -> Post:
    post = post_create(
        workspace=cast.workspace, author=cast.bob, idea=idea, category="helpful", networks=networks
    )
    for variant in post.variants.filter(network="instagram"):
        variant.media.set([_photo(cast)])  # Instagram publishes nothing without one
    return post


def _publish(post: Post) -> list[PostTarget]:
    targets = post_publish_now(post=post)
    for target in targets:
        post_target_publish(PostTarget.objects.get(pk=target.pk))
    return [PostTarget.objects.get(pk=t.pk) for t in targets]


# --- Media by URL, format, reply control ----------------------------------------------------


def test_a_fetching_network_gets_signed_addresses_and_never_the_bytes(
    cast, fetching, media_storage
) -> None:
    _channel(cast, "instagram")
    photos = [_photo(cast, "a.jpg"), _photo(cast, "b.jpg")]
    post = _post(cast, ["instagram"])
    variant = post.variants.get()
    variant.instagram_format = "carousel"
    variant.save()
    variant.media.set(photos)
    [target] = _publish(post)
    assert target.status == TargetStatus.PUBLISHED
    assert [u.data for u in Fetching.uploads] == [b"", b""]  # the files were not read
    assert {u.alt_text for u in Fetching.uploads} == {"Alt a.jpg", "Alt b.jpg"}
    [sent] = Fetching.posts
    assert sent.media_format == "carousel" and sent.reply_control == ""
    assert [m.remote_id for m in sent.media] == [u.public_url for u in Fetching.uploads]
    # What the network would fetch at those addresses: the very files.
    fetcher = Client(raise_request_exception=False)
    for upload, photo in zip(Fetching.uploads, photos, strict=True):
        assert upload.public_url.startswith("https://palabre.example/public/media/")
        response = fetcher.get(urlsplit(upload.public_url).path)
        assert b"".join(response.streaming_content) == photo.file.open("rb").read()


def test_a_network_taking_uploads_gets_the_bytes_and_no_address(
    cast, media_storage, monkeypatch
) -> None:
    uploads: list[MediaUpload] = []

    class Uploading(DemoConnector):
        def upload_media(self, upload: MediaUpload) -> Media:
            uploads.append(upload)
            return super().upload_media(upload)

    monkeypatch.setattr(Channel, "get_connector", lambda channel: Uploading(channel))
    Channel.objects.create(workspace=cast.workspace, network="bluesky", connector="demo", name="B")
    photo = _photo(cast)
    post = _post(cast, ["bluesky"])
    post.variants.get().media.set([photo])
    [target] = _publish(post)
    assert target.status == TargetStatus.PUBLISHED
    [upload] = uploads
    assert upload.data == photo.file.open("rb").read() and upload.public_url == ""


def test_threads_reply_control_goes_out_and_only_to_threads(cast, fetching) -> None:
    _channel(cast, "threads")
    _channel(cast, "instagram")
    post = _post(cast, ["threads", "instagram"])
    post.variants.update(reply_control="mentioned_only")  # Instagram's is never sent
    _publish(post)
    sent = sorted((p.reply_control, p.media_format) for p in Fetching.posts)
    # Threads: its reply control, no format; Instagram: its format, no reply control.
    assert sent == [("", "feed"), ("mentioned_only", "")]


def test_reply_control_is_part_of_what_is_approved(cast) -> None:
    post = _post(cast, ["threads", "mastodon"])
    before = post_content(post)
    digest = post_digest(post)
    # The network's default (everyone) adds nothing: content approved before this choice
    # existed keeps its digest.
    assert all("reply_control" not in v for v in before["variants"])
    post.variants.filter(network="threads").update(reply_control="followers_only")
    assert post_digest(post) != digest
    after = post_content(post)
    with translation.override("en"):
        assert content_changes(before, after) == ["Threads: who may answer"]
        post.variants.filter(network="threads").update(reply_control="everyone")
        assert content_changes(after, post_content(post)) == ["Threads: who may answer"]
    assert post_digest(post) == digest
    # Another network's reply_control is not content: it is never sent.
    post.variants.filter(network="mastodon").update(reply_control="followers_only")
    assert post_digest(post) == digest


def test_the_composer_offers_who_may_answer_for_threads_only(client: Client, cast) -> None:
    Channel.objects.create(workspace=cast.workspace, network="threads", connector="demo", name="T")
    post = _post(cast, ["threads", "instagram"])
    client.force_login(cast.erin)
    page = client.get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    assert 'name="threads-reply_control"' in page
    assert 'name="instagram-reply_control"' not in page
    assert 'value="mentioned_only"' in page
    data = {
        "post-idea": post.idea,
        "post-category": post.category,
        "post-networks": ["threads", "instagram"],
        "post-version": post.version,
        "threads-text": "Bonjour",
        "threads-reply_control": "accounts_you_follow",
        "instagram-text": "Bonjour",
        "action": "save",
    }
    assert client.post(f"/w/lumiere/posts/{post.pk}/", data).status_code == 302
    assert post.variants.get(network="threads").reply_control == "accounts_you_follow"
    data |= {"threads-reply_control": "<script>", "post-version": Post.objects.get().version}
    refused = client.post(f"/w/lumiere/posts/{post.pk}/", data)
    assert refused.status_code == 200  # the form says why; nothing saved
    assert post.variants.get(network="threads").reply_control == "accounts_you_follow"
    review = client.get(f"/w/lumiere/posts/{post.pk}/review/").content.decode()
    assert 'data-reply-control="accounts_you_follow"' in review


# --- The daily quota ------------------------------------------------------------------------


def test_a_used_up_quota_makes_the_post_wait_with_a_reason(cast, fetching) -> None:
    channel = _channel(cast, "instagram", "Insta Lumière")
    # Palabre's own post, nearly 24 hours ago: its place frees in 10 minutes.
    old = _post(cast, ["instagram"], idea="Hier")
    [earlier] = _publish(old)
    published_at = timezone.now() - timedelta(hours=23, minutes=50)
    PostTarget.objects.filter(pk=earlier.pk).update(published_at=published_at)
    Fetching.posts.clear()
    Channel.objects.filter(pk=channel.pk).update(server={})
    Fetching.quota = PublishingLimit(total=25, used=25)
    post = _post(cast, ["instagram"])
    [target] = post_publish_now(post=post)
    with translation.override("en"), pytest.raises(RetryAt) as wait:
        post_target_publish(PostTarget.objects.get(pk=target.pk))
    target.refresh_from_db()
    assert target.status == TargetStatus.SCHEDULED and not Fetching.posts
    assert "Insta Lumière" in target.error and "25 posts per 24 hours" in target.error
    assert wait.value.reason == target.error
    frees = published_at + timedelta(hours=24)
    assert abs((wait.value.when - frees).total_seconds()) < 5
    # Once the window frees, it goes out.
    Fetching.quota = PublishingLimit(total=25, used=24)
    Channel.objects.filter(pk=channel.pk).update(server={})
    post_target_publish(PostTarget.objects.get(pk=target.pk))
    target.refresh_from_db()
    assert (target.status, target.error) == (TargetStatus.PUBLISHED, "")


def test_a_quota_used_up_elsewhere_is_looked_at_again_within_the_hour(cast, fetching) -> None:
    _channel(cast, "threads")
    Fetching.quota = PublishingLimit(total=250, used=250)  # all made outside Palabre
    [target] = post_publish_now(post=_post(cast, ["threads"]))
    with pytest.raises(RetryAt) as wait:
        post_target_publish(PostTarget.objects.get(pk=target.pk))
    delay = wait.value.when - timezone.now()
    assert limits.CHECK_EVERY < delay <= limits.LOOK_AGAIN


def test_the_quota_is_read_at_most_every_few_minutes_and_palabres_posts_count(
    cast, fetching
) -> None:
    channel = _channel(cast, "instagram")
    Fetching.quota = PublishingLimit(total=2, used=1)
    [first] = _publish(_post(cast, ["instagram"], idea="Un"))
    assert first.status == TargetStatus.PUBLISHED and Fetching.quota_reads == 1
    # The network still says 1 (read a minute ago), but Palabre published one since.
    [target] = post_publish_now(post=_post(cast, ["instagram"], idea="Deux"))
    with pytest.raises(RetryAt):
        post_target_publish(PostTarget.objects.get(pk=target.pk))
    assert Fetching.quota_reads == 1
    stored = Channel.objects.get(pk=channel.pk).server["publishing_limit"]
    assert (stored["total"], stored["used"], stored["window_seconds"]) == (2, 1, 86400)
    # Minutes later, it is read again.
    checked = timezone.now() - limits.CHECK_EVERY - timedelta(seconds=1)
    Channel.objects.filter(pk=channel.pk).update(
        server={"publishing_limit": stored | {"checked_at": checked.isoformat()}}
    )
    Fetching.quota = PublishingLimit(total=2, used=1)
    post_target_publish(PostTarget.objects.get(pk=target.pk))
    assert Fetching.quota_reads == 2
    assert PostTarget.objects.get(pk=target.pk).status == TargetStatus.PUBLISHED


def test_a_quota_that_cannot_be_read_does_not_stop_publishing(cast, fetching) -> None:
    _channel(cast, "instagram")
    Fetching.quota_error = Unavailable("timeout")
    [target] = _publish(_post(cast, ["instagram"]))
    assert target.status == TargetStatus.PUBLISHED  # the network itself would refuse if over


def test_a_stored_quota_is_kept_when_reading_again_fails(cast, fetching) -> None:
    channel = _channel(cast, "instagram")
    checked = (timezone.now() - timedelta(hours=2)).isoformat()
    full = {"total": 1, "used": 1, "window_seconds": 86400, "checked_at": checked}
    Channel.objects.filter(pk=channel.pk).update(server={"publishing_limit": full})
    Fetching.quota_error = Unavailable("timeout")
    [target] = post_publish_now(post=_post(cast, ["instagram"]))
    with pytest.raises(RetryAt):
        post_target_publish(PostTarget.objects.get(pk=target.pk))


@pytest.mark.parametrize(
    "stored",
    [
        "full",
        {
            "total": "25",
            "used": 1,
            "window_seconds": 86400,
            "checked_at": "2026-01-01T00:00:00+00:00",
        },
        {
            "total": True,
            "used": 1,
            "window_seconds": 86400,
            "checked_at": "2026-01-01T00:00:00+00:00",
        },
        {
            "total": 25,
            "used": -1,
            "window_seconds": 86400,
            "checked_at": "2026-01-01T00:00:00+00:00",
        },
        {"total": 25, "used": 1, "window_seconds": 0, "checked_at": "2026-01-01T00:00:00+00:00"},
        {"total": 0, "used": 0, "window_seconds": 86400, "checked_at": "2026-01-01T00:00:00+00:00"},
        {"total": 25, "used": 1, "window_seconds": 86400, "checked_at": "yesterday"},
        {"total": 25, "used": 1, "window_seconds": 86400, "checked_at": "2026-01-01T00:00:00"},
    ],
)
def test_a_malformed_stored_quota_reads_as_unknown(cast, stored) -> None:
    channel = Channel(
        workspace=cast.workspace, network="instagram", server={"publishing_limit": stored}
    )
    assert limits.known_limit(channel) is None


def test_the_daily_step_reads_the_quota_and_keeps_the_connector(cast, fetching) -> None:
    channel = _channel(cast, "threads")
    connector = connector_for(channel)
    Fetching.quota = PublishingLimit(total=250, used=3)
    channel_daily_collect(channel_daily_ensure(channel))
    channel.refresh_from_db()
    assert channel.server["publishing_limit"]["used"] == 3
    # Read even though it was fresh: once a day, whatever happened.
    channel_daily_collect(channel_daily_ensure(channel))
    assert Fetching.quota_reads == 2
    # A quota read again is no reason to make a new connector (its connections stay open).
    channel.refresh_from_db()
    assert connector_for(channel) is connector


def test_the_daily_step_goes_on_when_the_quota_cannot_be_read(cast, fetching) -> None:
    from palabre.analytics.models import ChannelDay

    channel = _channel(cast, "instagram")
    Fetching.quota_error = Unavailable("timeout")
    channel_daily_collect(channel_daily_ensure(channel))
    assert ChannelDay.objects.filter(channel=channel).exists()


# --- Warnings when scheduling ---------------------------------------------------------------


def _limited_channel(cast, total: int) -> Channel:
    channel = Channel.objects.create(
        workspace=cast.workspace, network="instagram", connector="demo", name="Insta Lumière"
    )
    entry = {
        "total": total,
        "used": 0,
        "window_seconds": 86400,
        "checked_at": timezone.now().isoformat(),
    }
    Channel.objects.filter(pk=channel.pk).update(server={"publishing_limit": entry})
    channel.refresh_from_db()
    return channel


def _planned(cast, at, status: str = "scheduled") -> Post:
    post = _post(cast, ["instagram"])
    Post.objects.filter(pk=post.pk).update(publish_at=at, status=status)
    return post


def test_the_calendar_warns_of_a_day_over_a_channels_quota(client: Client, cast) -> None:
    _limited_channel(cast, total=2)
    tz = cast.workspace.tzinfo
    day = (timezone.now() + timedelta(days=3)).astimezone(tz).replace(hour=9, minute=0)
    for hours in (0, 2, 4):
        _planned(cast, day + timedelta(hours=hours))
    _planned(cast, day + timedelta(days=1))  # the next day: two, at the quota
    _planned(cast, day + timedelta(days=1, hours=3))
    _planned(cast, day + timedelta(days=1, hours=1), status="draft")  # drafts do not count
    _planned(cast, day + timedelta(days=1, hours=2), status="failed")  # nor failures
    cast.anna.language = "en"  # the words asserted below are the English ones
    cast.anna.save(update_fields=["language"])
    client.force_login(cast.anna)  # the approver reads the calendar
    page = client.get(f"/w/lumiere/calendar/?date={day:%Y-%m-%d}").content.decode()
    assert "data-over-limit" in page
    assert page.count("Insta Lumière: 3 posts planned on") == 1
    assert "more than the 2 per 24 hours Instagram allows" in page
    outsider = Client()
    outsider.force_login(cast.charlie)
    assert outsider.get("/w/lumiere/calendar/").status_code == 404


def test_no_calendar_warning_without_a_known_quota_or_under_it(client: Client, cast) -> None:
    _limited_channel(cast, total=3)
    day = timezone.now() + timedelta(days=3)
    for hours in (0, 1, 2):
        _planned(cast, day + timedelta(hours=hours))
    client.force_login(cast.anna)
    assert "data-over-limit" not in client.get("/w/lumiere/calendar/").content.decode()


def test_the_composer_warns_when_this_post_would_overfill_the_day(client: Client, cast) -> None:
    channel = _limited_channel(cast, total=1)
    tz = cast.workspace.tzinfo
    day = (timezone.now() + timedelta(days=5)).astimezone(tz).replace(hour=10, minute=0)
    _planned(cast, day)
    post = _post(cast, ["instagram"])
    Post.objects.filter(pk=post.pk).update(publish_at=day + timedelta(hours=3))
    client.force_login(cast.erin)
    page = client.get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    assert 'data-code="publishing.over_daily_limit"' in page and channel.name in page
    # As typed, live: another day is fine.
    data = {
        "post-idea": post.idea,
        "post-category": post.category,
        "post-networks": ["instagram"],
        "post-version": post.version,
        "post-publish_at": f"{day + timedelta(days=1):%Y-%m-%dT%H:%M}",
        "instagram-text": "Bonjour",
        "instagram-channels": [channel.pk],
    }
    checked = client.post(f"/w/lumiere/posts/{post.pk}/check/", data).content.decode()
    assert "over_daily_limit" not in checked
    data["post-publish_at"] = f"{day:%Y-%m-%dT%H:%M}"
    checked = client.post(f"/w/lumiere/posts/{post.pk}/check/", data).content.decode()
    assert 'data-code="publishing.over_daily_limit"' in checked
    for hostile in ("9999-12-31T23:59", "0001-01-01T00:00", "tomorrow", "2026-02-30T10:00"):
        data["post-publish_at"] = hostile
        assert client.post(f"/w/lumiere/posts/{post.pk}/check/", data).status_code == 200
    # The channel's own post is itself one of the day's: saving it does not double-count.
    Post.objects.filter(pk=post.pk).update(status="scheduled", publish_at=day + timedelta(days=2))
    assert "over_daily_limit" not in client.get(f"/w/lumiere/posts/{post.pk}/").content.decode()


def test_who_may_answer_a_published_threads_post_stays_as_it_went_out(cast, fetching) -> None:
    from palabre.publishing.services import ContentLocked, post_update, variant_data

    _channel(cast, "threads")
    post = _post(cast, ["threads"])
    post.variants.update(reply_control="followers_only")
    _publish(post)
    post = Post.objects.get(pk=post.pk)
    same = variant_data(post.variants.get())
    changed = {"threads": replace(same, reply_control="everyone")}
    arguments = {
        "idea": post.idea,
        "category": post.category,
        "networks": ["threads"],
        "publish_at": post.publish_at,
    }
    with pytest.raises(ContentLocked):
        post_update(post=Post.objects.get(pk=post.pk), variants=changed, **arguments)
    post_update(post=Post.objects.get(pk=post.pk), variants={"threads": same}, **arguments)
    assert post.variants.get().reply_control == "followers_only"


# --- What the network answers is not believed blindly ------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",  # a link on the post's page, run on a click
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://www.instagram.com/p/" + "x" * 600,  # longer than the column holds
    ],
)
def test_a_posts_address_is_kept_only_when_it_is_a_web_address_that_fits(
    client: Client, cast, fetching, url: str
) -> None:
    """The network gives the post's address (its permalink); the post's page links to it.
    A script there ran on a click; one too long for its column failed the recording of a
    post that had gone out (PostgreSQL), and every retry after it."""
    _channel(cast, "threads")
    Fetching.url = url
    post = _post(cast, ["threads"])
    [target] = _publish(post)
    assert target.status == TargetStatus.PUBLISHED and target.remote_id
    assert target.remote_url == ""
    client.force_login(cast.bob)
    page = client.get(f"/w/lumiere/posts/{post.pk}/review/").content.decode()
    assert "alert(" not in page and "x" * 600 not in page


def test_a_posts_web_address_is_kept(cast, fetching) -> None:
    _channel(cast, "threads")
    Fetching.url = "https://www.threads.net/@lumiere/post/C0ffee"
    [target] = _publish(_post(cast, ["threads"]))
    assert target.remote_url == "https://www.threads.net/@lumiere/post/C0ffee"


@pytest.mark.parametrize("total", [0, -3])
def test_a_quota_of_no_post_at_all_is_not_believed(cast, fetching, total: int) -> None:
    """A network answering a quota of 0 (or less) posts a day held every post of the channel
    for good, looked at again each hour: it is read as no quota known, and the network
    itself refuses a post if it really is over."""
    channel = _channel(cast, "instagram")
    Fetching.quota = PublishingLimit(total=total, used=0)
    [target] = _publish(_post(cast, ["instagram"]))
    assert target.status == TargetStatus.PUBLISHED
    assert limits.known_limit(Channel.objects.get(pk=channel.pk)) is None


def test_the_composer_warns_that_photos_cannot_reach_instagram_from_here(
    client: Client, cast, fetching, settings
) -> None:
    """Said where the post is written, not only in Settings → Channels: Instagram would fail
    to fetch the photo at publishing time."""
    _channel(cast, "instagram")
    post = _post(cast, ["instagram"])  # with a photo
    client.force_login(cast.erin)
    settings.SITE_URL = "http://127.0.0.1:8000"
    page = client.get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    assert 'data-code="publishing.media_unreachable"' in page
    settings.SITE_URL = "https://palabre.example.org"
    page = client.get(f"/w/lumiere/posts/{post.pk}/").content.decode()
    assert "media_unreachable" not in page
    # A network that takes uploads is not concerned.
    settings.SITE_URL = "http://127.0.0.1:8000"
    Channel.objects.update(connector="demo")
    assert "media_unreachable" not in client.get(f"/w/lumiere/posts/{post.pk}/").content.decode()
