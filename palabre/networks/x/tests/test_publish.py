"""Publishing on the X double: text, images with alt text, a video in chunks, a thread as
a chain of answers, a quote; each request counted for the channel."""

from __future__ import annotations

import pytest

from palabre.networks.base import MediaUpload, OutgoingPost, Rejected, Unavailable
from palabre.networks.x import publish
from palabre.networks.x.tests.conftest import JPEG, MP4, Brand
from tests.networks.x.double import XDouble

pytestmark = [pytest.mark.network, pytest.mark.django_db]


def _post(text: str, **fields: object) -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key="k", **fields)  # type: ignore[arg-type]


def test_a_text_post_goes_out_and_is_counted(x_double: XDouble, brand: Brand) -> None:
    published = brand.connector().publish(_post("Le pain sort du four"))
    post = x_double.get(published.remote_id)
    assert post is not None and post.text == "Le pain sort du four"
    assert post.author_id == brand.user.id
    assert published.url == f"https://x.com/{brand.user.username}/status/{post.id}"
    assert brand.requests() == {"post_create": 1}


def test_a_post_with_a_link_is_counted_at_xs_price_for_links(
    x_double: XDouble, brand: Brand
) -> None:
    brand.connector().publish(_post("Notre carte : lumiere.fr/carte"))  # a bare domain
    assert brand.requests() == {"post_create_url": 1}


def test_images_carry_their_alt_text(x_double: XDouble, brand: Brand) -> None:
    connector = brand.connector()
    media = [
        connector.upload_media(
            MediaUpload(f"p{n}.jpg", "image/jpeg", JPEG + bytes([n]), alt_text=f"Photo {n}")
        )
        for n in range(2)
    ]
    published = connector.publish(_post("Deux fournées", media=tuple(media)))
    post = x_double.get(published.remote_id)
    assert post is not None and len(post.media_keys) == 2
    alts = [x_double.media(m.remote_id).alt_text for m in media]
    assert alts == ["Photo 0", "Photo 1"]
    # One request per image, one per alt text, one for the post.
    assert brand.requests() == {"media_upload": 4, "post_create": 1}


def test_a_video_goes_up_in_chunks_and_waits_for_processing(
    x_double: XDouble, brand: Brand
) -> None:
    x_double.plan_media(polls=2, outcome="succeeded")
    connector = brand.connector()
    media = connector.upload_media(MediaUpload("film.mp4", "video/mp4", MP4))
    uploaded = x_double.media(media.remote_id)
    assert uploaded.size == len(MP4) and len(uploaded.chunks) == 3
    published = connector.publish(_post("Le film", media=(media,)))
    assert x_double.get(published.remote_id).media_keys == [uploaded.media_key]
    # initialize, 3 appends, finalize, 3 status looks (2 in progress, then succeeded)
    assert brand.requests()["media_upload"] == 8


def test_a_video_x_cannot_process_is_refused_clearly(x_double: XDouble, brand: Brand) -> None:
    x_double.plan_media(polls=1, outcome="failed")
    with pytest.raises(Rejected, match="could not process the video"):
        brand.connector().upload_media(MediaUpload("film.mp4", "video/mp4", MP4))


def test_a_file_x_does_not_take_is_refused_before_sending(brand: Brand) -> None:
    with pytest.raises(Rejected, match="does not accept"):
        brand.connector().upload_media(MediaUpload("a.pdf", "application/pdf", b"%PDF"))
    assert brand.requests() == {}


def test_a_media_upload_failure_is_passing(x_double: XDouble, brand: Brand) -> None:
    x_double.fail("/2/media/upload", status=503)
    with pytest.raises(Unavailable):
        brand.connector().upload_media(MediaUpload("p.jpg", "image/jpeg", JPEG))


def test_a_thread_is_a_chain_of_answers(x_double: XDouble, brand: Brand) -> None:
    connector = brand.connector()
    first = connector.publish(_post("1/3 Notre levain"))
    second = connector.publish(_post("2/3 nourri chaque matin", reply_to=first.remote_id))
    third = connector.publish(_post("3/3 depuis 1998", reply_to=second.remote_id))
    posts = [x_double.get(p.remote_id) for p in (first, second, third)]
    assert [p.in_reply_to for p in posts] == [None, first.remote_id, second.remote_id]
    assert {p.conversation_id for p in posts} == {first.remote_id}


def test_a_quote_names_the_post_it_quotes(x_double: XDouble, brand: Brand, fan: object) -> None:
    original = x_double.post(fan, "Best croissant in town")  # type: ignore[arg-type]
    published = brand.connector().publish(_post("Merci !", quote_of=original.id))
    assert x_double.get(published.remote_id).quote_of == original.id


def test_an_id_that_is_not_xs_is_sent_nowhere(brand: Brand) -> None:
    with pytest.raises(Rejected):
        brand.connector().publish(_post("x", reply_to="1/../../2"))
    assert brand.requests() == {}


def test_the_post_url_without_a_handle() -> None:
    assert publish.post_url("", "12") == "https://x.com/i/web/status/12"
