"""Publishing to Instagram through media containers, against the Graph API double: what
the network holds afterwards is read from the double's state (it fetched each file from this
instance's loopback server, as Instagram fetches signed URLs)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from palabre.networks import reconcile
from palabre.networks.base import MediaUpload, OutgoingPost, RateLimited, Rejected, Unavailable
from palabre.networks.instagram import containers
from palabre.networks.instagram.connector import InstagramConnector
from palabre.networks.instagram.tests.conftest import Brand
from tests.networks.meta.double import MetaDouble
from tests.networks.meta.state import Container, IGComment, IGMedia


def post(text: str, *media: Any, media_format: str = "", key: str = "") -> OutgoingPost:
    return OutgoingPost(
        text=text,
        idempotency_key=key or f"key-{text}",
        media=tuple(media),
        media_format=media_format,
    )


def made(double: MetaDouble, brand: Brand) -> list[Container]:
    """The containers the account has, oldest first."""
    return double.world.of(Container, user_id=brand.ig.id)


def published(double: MetaDouble, brand: Brand) -> list[IGMedia]:
    return double.ig_media(brand.ig)


@pytest.fixture(autouse=True)
def quick_polls(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same backoff, in hundredths: a test waits for the double, not for the clock."""
    monkeypatch.setattr(containers, "POLL_WAITS", tuple(w / 100 for w in containers.POLL_WAITS))


def test_a_single_image_with_its_alt_text(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble, brand: Brand
) -> None:
    image = upload("image", "A croissant on a blue plate")
    result = connector.publish(post("Fresh this morning", image))

    media = meta_double.get(result.remote_id)
    assert isinstance(media, IGMedia)
    assert (media.caption, media.media_type, media.product_type, media.alt_text) == (
        "Fresh this morning",
        "IMAGE",
        "FEED",
        "A croissant on a blue plate",
    )
    assert result.url == f"https://www.instagram.com/p/{media.shortcode}/"
    [container] = made(meta_double, brand)
    assert list(container.fetched) == [image.remote_id]  # Instagram fetched it from here


def test_upload_sends_nothing_and_needs_a_public_address(
    connector: InstagramConnector, meta_double: MetaDouble, brand: Brand
) -> None:
    found = connector.upload_media(
        MediaUpload("p.jpg", "image/jpeg", b"...", "alt", public_url="https://palabre.example/m/x")
    )
    assert (found.remote_id, found.alt_text, found.content_type) == (
        "https://palabre.example/m/x",
        "alt",
        "image/jpeg",
    )
    assert made(meta_double, brand) == []
    with pytest.raises(Rejected, match="reachable from the internet"):
        connector.upload_media(MediaUpload("p.jpg", "image/jpeg", b"...", "alt"))


def test_a_carousel_of_three_with_alt_texts_then_its_first_comment(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble, brand: Brand
) -> None:
    items = [upload("image", f"Loaf number {n}") for n in (1, 2, 3)]
    result = connector.publish(post("Our three loaves", *items, media_format="carousel"))
    comment = connector.reply(
        to_remote_id=result.remote_id, text="Recipe in bio", idempotency_key="k-comment"
    )

    album = meta_double.get(result.remote_id)
    assert isinstance(album, IGMedia)
    assert (album.media_type, album.caption) == ("CAROUSEL_ALBUM", "Our three loaves")
    children = [meta_double.get(c) for c in album.children]
    assert [(c.alt_text, c.media_url) for c in children] == [  # type: ignore[union-attr]
        (f"Loaf number {n}", item.remote_id) for n, item in zip((1, 2, 3), items, strict=True)
    ]
    first = meta_double.get(comment.remote_id)
    assert isinstance(first, IGComment)
    assert (first.media_id, first.by, first.text, first.parent_id) == (
        album.id,
        brand.ig.id,
        "Recipe in bio",
        None,
    )
    items_made = [c for c in made(meta_double, brand) if c.is_carousel_item]
    assert len(items_made) == 3 and all(c.media_type == "IMAGE" for c in items_made)


def test_a_video_alone_is_a_reel_and_several_media_a_carousel(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble, brand: Brand
) -> None:
    reel = connector.publish(post("Kneading, in slow motion", upload("video")))
    media = meta_double.get(reel.remote_id)
    assert isinstance(media, IGMedia)
    assert (media.media_type, media.product_type) == ("VIDEO", "REELS")
    assert made(meta_double, brand)[-1].media_type == "REELS"

    mixed = connector.publish(post("A photo and a clip", upload("image"), upload("video")))
    album = meta_double.get(mixed.remote_id)
    assert isinstance(album, IGMedia) and album.media_type == "CAROUSEL_ALBUM"
    kinds = [(c.media_type, c.is_carousel_item) for c in made(meta_double, brand)[-3:-1]]
    assert kinds == [("IMAGE", True), ("VIDEO", True)]


@pytest.mark.parametrize(
    ("kinds", "media_format", "words"),
    [
        ((), "", "add one"),
        (("image",), "carousel", "2 to 10"),
        (("image",) * 11, "", "2 to 10"),
        (("image",), "reel", "a video"),
        (("video", "video"), "reel", "one video"),
    ],
)
def test_shapes_instagram_does_not_take_are_refused_before_any_container(
    connector: InstagramConnector,
    upload: Any,
    meta_double: MetaDouble,
    brand: Brand,
    kinds: tuple[str, ...],
    media_format: str,
    words: str,
) -> None:
    media = [upload(k) for k in kinds]
    with pytest.raises(Rejected, match=words):
        connector.publish(post("Not like this", *media, media_format=media_format))
    assert made(meta_double, brand) == []


def test_a_container_in_progress_is_polled_until_finished(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble, brand: Brand
) -> None:
    meta_double.plan_containers(polls=3, outcome="FINISHED")
    result = connector.publish(post("Processing takes a while", upload("video")))
    assert isinstance(meta_double.get(result.remote_id), IGMedia)
    [container] = made(meta_double, brand)
    assert container.polls_left == 0 and container.published_id == result.remote_id


def test_still_in_progress_after_the_wait_is_taken_up_again_by_the_retry(
    connector: InstagramConnector,
    upload: Any,
    meta_double: MetaDouble,
    brand: Brand,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(containers, "WAIT_BUDGET", 0.05)
    meta_double.plan_containers(polls=50, outcome="FINISHED")
    reel = post("A long reel", upload("video"), key="long-reel")
    with pytest.raises(Unavailable, match="still processing"):
        connector.publish(reel)
    [container] = made(meta_double, brand)
    container.polls_left = 0  # Instagram is done with it by the time the worker comes back

    result = InstagramConnector(connector.channel).publish(reel)
    assert made(meta_double, brand) == [container]  # the same container, not a new one
    assert container.published_id == result.remote_id


def test_a_container_in_error_is_refused_in_the_networks_words(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble, brand: Brand
) -> None:
    meta_double.plan_containers(polls=1, outcome="ERROR")
    with pytest.raises(Rejected, match="could not use the media: Error: The media could not be"):
        connector.publish(post("Broken", upload("image")))
    assert published(meta_double, brand) == []


def test_an_unreachable_media_address_is_said_so(
    connector: InstagramConnector,
    upload: Any,
    meta_double: MetaDouble,
    brand: Brand,
    instance_files: Any,
) -> None:
    image = upload("image", url=instance_files.unreachable)
    with pytest.raises(Rejected) as refused:
        connector.publish(post("From a closed instance", image))
    assert "could not download the media from this instance" in refused.value.reason
    assert "reachable from the internet" in refused.value.reason
    assert "Media download has failed" in refused.value.reason  # the network's own words
    assert published(meta_double, brand) == []


def test_an_expired_container_is_made_again_not_published(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble, brand: Brand
) -> None:
    """An expired container is not a post: making a new one cannot publish twice."""
    meta_double.plan_containers(polls=1, outcome="EXPIRED")
    result = connector.publish(post("Second try", upload("image")))
    first, second = made(meta_double, brand)
    assert first.published_id is None and second.published_id == result.remote_id
    assert len(published(meta_double, brand)) == 1


def test_containers_that_keep_expiring_are_refused(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble, brand: Brand
) -> None:
    meta_double.plan_containers(outcome="EXPIRED", count=2)
    with pytest.raises(Rejected, match="expire"):
        connector.publish(post("Never", upload("image")))
    assert len(made(meta_double, brand)) == 2 and published(meta_double, brand) == []


def test_the_publishing_limit_is_read_and_reaching_it_is_a_wait(
    connector: InstagramConnector, upload: Any, meta_double: MetaDouble, brand: Brand
) -> None:
    brand.ig.quota_total = 2
    connector.publish(post("One", upload("image")))
    limit = connector.publishing_limit()
    assert (limit.total, limit.used, limit.left, limit.window) == (2, 1, 1, timedelta(hours=24))

    connector.publish(post("Two", upload("image")))
    with translation.override("en"), pytest.raises(RateLimited) as waiting:
        connector.publish(post("Three", upload("image")))
    assert waiting.value.retry_after and waiting.value.retry_after > 0
    assert "as many posts as the network allows in 24 hours" in waiting.value.reason
    assert connector.publishing_limit().left == 0


def test_an_interrupted_publish_is_found_by_reconciliation(
    connector: InstagramConnector,
    upload: Any,
    meta_double: MetaDouble,
    brand: Brand,
) -> None:
    """The answer to media_publish is lost: the post is there, and the publisher's
    reconciliation finds it (same caption, same number of media) instead of posting again."""
    began = timezone.now()
    items = [upload("image", "a"), upload("image", "b")]
    meta_double.lose_answer("/v26.0/*/media_publish")  # carried out, the answer never comes
    with pytest.raises(Unavailable):
        connector.publish(post("Lost answer  \n twice", *items))
    [album] = published(meta_double, brand)  # it went out
    connector.publish(post("Another one", upload("image")))

    sent = reconcile.Sent(text="Lost answer twice", attempted_at=began, media_count=2)
    outcome = reconcile.look_for(connector, sent, recorded=[])
    assert isinstance(outcome, reconcile.Found)
    assert outcome.post.remote_id == album.id
    assert outcome.post.url == f"https://www.instagram.com/p/{album.shortcode}/"
    missing = reconcile.Sent(text="Never sent", attempted_at=began - timedelta(minutes=5))
    assert isinstance(reconcile.look_for(connector, missing, recorded=[]), reconcile.NotThere)


def test_an_interrupted_first_comment_is_found_under_its_post(
    connector: InstagramConnector,
    upload: Any,
    meta_double: MetaDouble,
    brand: Brand,
    fan: Any,
) -> None:
    began = timezone.now()
    result = connector.publish(post("With a comment", upload("image")))
    fan.ig_comment(result.remote_id, "Recipe in bio")  # someone else's, same words
    meta_double.lose_answer(f"/v26.0/{result.remote_id}/comments")
    with pytest.raises(Unavailable):
        connector.reply(to_remote_id=result.remote_id, text="Recipe in bio", idempotency_key="c")

    sent = reconcile.Sent(text="Recipe in bio", attempted_at=began, in_reply_to=result.remote_id)
    outcome = reconcile.look_for(connector, sent, recorded=[])
    assert isinstance(outcome, reconcile.Found)
    mine = meta_double.get(outcome.post.remote_id)
    assert isinstance(mine, IGComment) and mine.by == brand.ig.id


def test_a_failure_after_publishing_never_hides_the_new_posts_id(
    connector: InstagramConnector,
    upload: Any,
    meta_double: MetaDouble,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The post is out, then reading its permalink is rate-limited: the id still reaches the
    publisher (an error there would have it published again)."""
    publish_container = meta_double.publish_container

    def published_then_limited(container: Container) -> IGMedia:
        media = publish_container(container)
        meta_double.rate_limit(f"/v26.0/{media.id}", code=4)
        return media

    monkeypatch.setattr(meta_double, "publish_container", published_then_limited)
    result = connector.publish(post("Out, then limited", upload("image")))
    assert isinstance(meta_double.get(result.remote_id), IGMedia)
    assert result.url == ""
    assert meta_double.faults == []  # the permalink read did meet the limit
