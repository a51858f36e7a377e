"""Publishing on the double: what Threads ends up holding, read from the double's state."""

from __future__ import annotations

import pytest

from palabre.networks.base import Media, MediaUpload, OutgoingPost, Rejected
from palabre.networks.threads.publish import EXPIRED
from palabre.networks.threads.tests.conftest import PNG, Brand
from tests.networks.meta.double import MetaDouble
from tests.networks.meta.state import ThreadsMedia


def _post(text: str, *media: Media, reply_control: str = "") -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key="k", media=media, reply_control=reply_control)


def _image(meta_double: MetaDouble, brand: Brand, alt: str = "") -> Media:
    url = meta_double.serve_media(PNG, "image/png")
    upload = MediaUpload("croissant.png", "image/png", PNG, alt_text=alt, public_url=url)
    return brand.connector().upload_media(upload)


def _published(meta_double: MetaDouble, remote_id: str) -> ThreadsMedia:
    found = meta_double.get(remote_id)
    assert isinstance(found, ThreadsMedia), remote_id
    return found


def test_it_publishes_a_text_post(meta_double: MetaDouble, brand: Brand) -> None:
    published = brand.connector().publish(_post("Fresh bread at 7 🥖"))

    media = _published(meta_double, published.remote_id)
    assert (media.user_id, media.media_type, media.text) == (
        brand.user.id,
        "TEXT_POST",
        "Fresh bread at 7 🥖",
    )
    assert published.url.endswith(f"/post/{media.shortcode}")


def test_upload_hands_over_the_public_url_without_sending_anything(
    meta_double: MetaDouble, brand: Brand
) -> None:
    before = len(meta_double.requests)
    upload = MediaUpload("a.png", "image/png", PNG, "A croissant", public_url="https://x/a.png")

    media = brand.connector().upload_media(upload)

    assert media == Media("https://x/a.png", "A croissant", "image/png")
    assert len(meta_double.requests) == before


def test_upload_without_a_public_url_is_refused_clearly(brand: Brand) -> None:
    with pytest.raises(Rejected, match="public address"):
        brand.connector().upload_media(MediaUpload("a.png", "image/png", PNG))


def test_it_publishes_an_image_with_its_alt_text(meta_double: MetaDouble, brand: Brand) -> None:
    image = _image(meta_double, brand, alt="A golden croissant")

    published = brand.connector().publish(_post("Our croissant", image))

    media = _published(meta_double, published.remote_id)
    assert (media.media_type, media.media_url, media.alt_text, media.text) == (
        "IMAGE",
        image.remote_id,
        "A golden croissant",
        "Our croissant",
    )


def test_it_waits_for_the_container_to_be_processed(meta_double: MetaDouble, brand: Brand) -> None:
    image = _image(meta_double, brand)
    meta_double.plan_containers(polls=3)
    before = len(meta_double.requests)

    published = brand.connector().publish(_post("Patience", image))

    assert _published(meta_double, published.remote_id).media_type == "IMAGE"
    sent = [
        "status" if params.get("fields") == "status,error_message" else path.rsplit("/", 1)[-1]
        for method, path, params in meta_double.requests[before:]
        if "/_media/" not in path  # the double fetching the image
    ]
    # Three reads while IN_PROGRESS, one FINISHED, then the publication, then the permalink.
    assert sent[:6] == ["threads", "status", "status", "status", "status", "threads_publish"]


def test_it_publishes_a_carousel_each_item_with_its_alt_text(
    meta_double: MetaDouble, brand: Brand
) -> None:
    images = [_image(meta_double, brand, alt=f"Loaf {n}") for n in range(1, 4)]

    published = brand.connector().publish(_post("Three loaves", *images))

    album = _published(meta_double, published.remote_id)
    assert (album.media_type, album.text) == ("CAROUSEL_ALBUM", "Three loaves")
    items = [_published(meta_double, child) for child in album.children]
    assert [(i.media_url, i.alt_text) for i in items] == [(m.remote_id, m.alt_text) for m in images]


def test_more_than_twenty_media_are_refused_before_anything_is_sent(
    meta_double: MetaDouble, brand: Brand
) -> None:
    before = len(meta_double.requests)
    media = tuple(Media(f"https://x/{n}.png", content_type="image/png") for n in range(21))

    with pytest.raises(Rejected, match="at most 20"):
        brand.connector().publish(_post("Too many", *media))
    assert len(meta_double.requests) == before


@pytest.mark.parametrize("control", ["accounts_you_follow", "mentioned_only", "followers_only"])
def test_reply_control_is_honoured(meta_double: MetaDouble, brand: Brand, control: str) -> None:
    published = brand.connector().publish(_post("Only some may answer", reply_control=control))

    assert _published(meta_double, published.remote_id).reply_audience == control.upper()


def test_no_reply_control_leaves_threads_default(meta_double: MetaDouble, brand: Brand) -> None:
    published = brand.connector().publish(_post("Anyone may answer"))

    assert _published(meta_double, published.remote_id).reply_audience == "EVERYONE"
    creations = [r for r in meta_double.requests if r[1].endswith(f"/{brand.user.id}/threads")]
    assert "reply_control" not in creations[-1][2]


def test_a_thread_of_three_parts_chains_each_part_to_the_previous(
    meta_double: MetaDouble, brand: Brand
) -> None:
    connector = brand.connector()
    first = connector.publish(_post("1/3 Our week"))
    second = connector.reply(to_remote_id=first.remote_id, text="2/3 Bread", idempotency_key="k-2")
    third = connector.reply(to_remote_id=second.remote_id, text="3/3 Cake", idempotency_key="k-3")

    parts = [_published(meta_double, p.remote_id) for p in (first, second, third)]
    assert [p.reply_to_id for p in parts] == [None, first.remote_id, second.remote_id]
    assert [p.root_id for p in parts] == [None, first.remote_id, first.remote_id]
    assert [p.text for p in parts] == ["1/3 Our week", "2/3 Bread", "3/3 Cake"]


def test_a_container_in_error_is_refused_with_the_reason(
    meta_double: MetaDouble, brand: Brand
) -> None:
    meta_double.plan_containers(polls=1, outcome="ERROR")

    with pytest.raises(Rejected, match=r"could not process the media \(UNKNOWN\)"):
        brand.connector().publish(_post("Broken", _image(meta_double, brand)))
    assert meta_double.threads_posts(brand.user) == []


def test_a_video_threads_cannot_download_says_so(meta_double: MetaDouble, brand: Brand) -> None:
    missing = f"{meta_double.url}/_media/nothing-here"
    video = Media(missing, content_type="video/mp4")

    with pytest.raises(Rejected) as refused:
        brand.connector().publish(_post("A film", video))
    assert refused.value.reason == "Threads could not download the video."


def test_an_expired_container_is_refused_with_the_reason(
    meta_double: MetaDouble, brand: Brand
) -> None:
    meta_double.plan_containers(outcome="EXPIRED")

    with pytest.raises(Rejected) as refused:
        brand.connector().publish(_post("Too late", _image(meta_double, brand)))
    assert refused.value.reason == EXPIRED
    assert meta_double.threads_posts(brand.user) == []
