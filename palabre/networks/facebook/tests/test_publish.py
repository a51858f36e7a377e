"""Publishing on a Page, answering, deleting, and reading the Page's own posts back (how an
interrupted publish is reconciled), against the Graph API double."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from palabre.networks import reconcile
from palabre.networks.base import MediaUpload, OutgoingPost, Rejected, Unavailable
from tests.networks.meta.state import Comment, Photo, Post

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64


def post(text: str, *media) -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key="k", media=tuple(media))


def node(brand, remote_id: str):
    return brand.double.get(remote_id)


def test_it_publishes_a_text_post(brand) -> None:
    published = brand.connector.publish(post("Pain au levain tout chaud ce matin."))
    made = node(brand, published.remote_id)
    assert isinstance(made, Post)
    assert (made.by, made.message, made.link, made.published) == (
        brand.page.id,
        "Pain au levain tout chaud ce matin.",
        None,
        True,
    )
    assert published.url.endswith(published.remote_id)


def test_a_link_post_gives_its_first_link_for_the_preview_and_keeps_it_in_the_text(
    brand,
) -> None:
    text = "Notre carte de Noël : https://lumiere.fr/noel (et https://autre.fr)."
    made = node(brand, brand.connector.publish(post(text)).remote_id)
    assert (made.message, made.link) == (text, "https://lumiere.fr/noel")


def test_photos_are_uploaded_unpublished_then_attached_to_one_post(brand) -> None:
    before = len(brand.double.posts(brand.page))
    first = brand.connector.upload_media(
        MediaUpload("croissant.jpg", "image/jpeg", JPEG, "Un croissant doré")
    )
    second = brand.connector.upload_media(MediaUpload("pain.jpg", "image/jpeg", JPEG))
    photos = [node(brand, m.remote_id) for m in (first, second)]
    assert all(isinstance(p, Photo) and not p.published for p in photos)
    assert photos[0].alt_text == "Un croissant doré"
    assert len(brand.double.posts(brand.page)) == before  # no post for the uploads alone

    made = node(brand, brand.connector.publish(post("Deux classiques", first, second)).remote_id)
    assert (made.message, made.photos) == ("Deux classiques", [first.remote_id, second.remote_id])
    assert len(brand.double.posts(brand.page)) == before + 1


def test_a_video_is_published_with_its_text(brand) -> None:
    video = brand.connector.upload_media(MediaUpload("four.mp4", "video/mp4", MP4))
    assert video.content_type == "video/mp4"
    assert not any(p.video_id == video.remote_id for p in brand.double.posts(brand.page))

    published = brand.connector.publish(post("Le four à bois en action", video))
    made = node(brand, published.remote_id)
    assert isinstance(made, Post)
    assert (made.video_id, made.message, made.published) == (
        video.remote_id,
        "Le four à bois en action",
        True,
    )


def test_a_post_holds_photos_or_one_video_not_both(brand) -> None:
    video = brand.connector.upload_media(MediaUpload("four.mp4", "video/mp4", MP4))
    photo = brand.connector.upload_media(MediaUpload("pain.jpg", "image/jpeg", JPEG))
    with pytest.raises(Rejected) as refused:
        brand.connector.publish(post("Les deux", photo, video))
    assert refused.value.reason == "a Facebook post holds either photos or one video"


def test_it_answers_a_post_and_a_comment_in_their_thread(brand) -> None:
    own = brand.connector.publish(post("Ouvert dimanche ?")).remote_id
    question = brand.fan().comment(own, "Jusqu'à quelle heure ?")

    under_post = node(
        brand, brand.connector.reply(to_remote_id=own, text="Oui !", idempotency_key="a").remote_id
    )
    under_comment = node(
        brand,
        brand.connector.reply(
            to_remote_id=question.id, text="Jusqu'à 13 h.", idempotency_key="b"
        ).remote_id,
    )
    assert isinstance(under_post, Comment) and isinstance(under_comment, Comment)
    assert (under_post.post_id, under_post.parent_id, under_post.by) == (own, None, brand.page.id)
    assert (under_comment.post_id, under_comment.parent_id) == (own, question.id)
    assert under_comment.message == "Jusqu'à 13 h."


def test_it_deletes_a_post_and_a_comment(brand) -> None:
    own = brand.connector.publish(post("Une erreur")).remote_id
    answer = brand.connector.reply(to_remote_id=own, text="Oups", idempotency_key="c").remote_id
    brand.connector.delete(remote_id=answer)
    assert node(brand, answer) is None and node(brand, own) is not None
    brand.connector.delete(remote_id=own)
    assert node(brand, own) is None


def test_recent_posts_read_back_what_was_published(brand) -> None:
    since = datetime.now(UTC) - timedelta(minutes=1)
    link = "Notre carte https://lumiere.fr/carte"
    photos = [
        brand.connector.upload_media(MediaUpload(f"{n}.jpg", "image/jpeg", JPEG)) for n in range(3)
    ]
    video = brand.connector.upload_media(MediaUpload("four.mp4", "video/mp4", MP4))
    sent = {
        brand.connector.publish(post("Bonjour")).remote_id: ("Bonjour", 0),
        brand.connector.publish(post(link)).remote_id: (link, 0),
        brand.connector.publish(post("Trois pains", *photos)).remote_id: ("Trois pains", 3),
        brand.connector.publish(post("Le four", video)).remote_id: ("Le four", 1),
    }
    fan = brand.fan()
    fan.visitor_post(brand.page, "Un visiteur")  # not the Page's own

    found = brand.connector.recent_posts(since=since)
    assert {p.remote_id: (p.text, p.media_count) for p in found} == sent
    assert all(p.in_reply_to is None and p.created_at >= since for p in found)
    assert [p.created_at for p in found] == sorted(p.created_at for p in found)


def test_recent_posts_older_than_since_are_left_out(brand) -> None:
    old = brand.connector.publish(post("Hier")).remote_id
    brand.double.world.nodes[old].created -= 3600  # type: ignore[attr-defined]
    fresh = brand.connector.publish(post("Aujourd'hui")).remote_id
    found = brand.connector.recent_posts(since=datetime.now(UTC) - timedelta(minutes=5))
    assert [p.remote_id for p in found] == [fresh]


def test_recent_answers_are_read_where_facebook_files_them(brand) -> None:
    """An answer to a reply is filed under the comment that reply answers; it is still
    reported as answering the reply, as it was sent."""
    since = datetime.now(UTC) - timedelta(minutes=1)
    own = brand.connector.publish(post("Galette des rois")).remote_id
    fan = brand.fan()
    question = fan.comment(own, "Avec fève ?")
    follow_up = fan.reply(question.id, "Et en porcelaine ?")
    to_comment = brand.connector.reply(to_remote_id=question.id, text="Oui", idempotency_key="d")
    to_reply = brand.connector.reply(
        to_remote_id=follow_up.id, text="Bien sûr", idempotency_key="e"
    )
    to_post = brand.connector.reply(to_remote_id=own, text="Merci à tous", idempotency_key="f")

    answers = brand.connector.recent_posts(since=since, in_reply_to=follow_up.id)
    assert to_reply.remote_id in {a.remote_id for a in answers}
    assert all(a.in_reply_to == follow_up.id for a in answers)
    assert fan.person.id not in {a.remote_id for a in answers}
    under_post = brand.connector.recent_posts(since=since, in_reply_to=own)
    assert [(a.remote_id, a.text, a.in_reply_to) for a in under_post] == [
        (to_post.remote_id, "Merci à tous", own)
    ]
    assert to_comment.remote_id not in {a.remote_id for a in under_post}


def test_an_interrupted_publish_is_found_rather_than_sent_again(brand) -> None:
    attempted = datetime.now(UTC)
    photo = brand.connector.upload_media(MediaUpload("pain.jpg", "image/jpeg", JPEG))
    before = {p.id for p in brand.double.posts(brand.page)}
    brand.double.lose_answer(f"/v26.0/{brand.page.id}/feed")
    with pytest.raises(Unavailable):
        brand.connector.publish(post("Publié, réponse perdue", photo))
    (made,) = [p for p in brand.double.posts(brand.page) if p.id not in before]

    found = reconcile.left_behind(
        brand.connector,
        attempted_at=attempted,
        text="Publié, réponse perdue",
        media_count=1,
        recorded=lambda: [],
    )
    assert found is not None and found.remote_id == made.id


def test_an_interrupted_video_publish_is_found_rather_than_sent_again(brand) -> None:
    attempted = datetime.now(UTC)
    video = brand.connector.upload_media(MediaUpload("four.mp4", "video/mp4", MP4))
    brand.double.lose_answer(f"/v26.0/{video.remote_id}")
    with pytest.raises(Unavailable):
        brand.connector.publish(post("Le four, réponse perdue", video))
    outcome = reconcile.look_for(
        brand.connector,
        reconcile.Sent("Le four, réponse perdue", attempted, media_count=1),
        recorded=[],
    )
    assert isinstance(outcome, reconcile.Found)
    assert brand.double.get(outcome.post.remote_id).video_id == video.remote_id


def test_an_interrupted_answer_is_found_rather_than_sent_again(brand) -> None:
    own = brand.connector.publish(post("Bûche au praliné")).remote_id
    question = brand.fan().comment(own, "Il en reste ?")
    follow_up = brand.fan("Autre").reply(question.id, "Moi aussi j'en veux")
    attempted = datetime.now(UTC)
    brand.double.lose_answer(f"/v26.0/{follow_up.id}/comments")
    with pytest.raises(Unavailable):
        brand.connector.reply(to_remote_id=follow_up.id, text="Encore deux", idempotency_key="r")

    found = reconcile.left_behind(
        brand.connector,
        attempted_at=attempted,
        text="Encore deux",
        in_reply_to=follow_up.id,
        recorded=lambda: [],
    )
    assert found is not None
    made = brand.double.get(found.remote_id)
    assert isinstance(made, Comment) and made.by == brand.page.id
    assert made.message == "Encore deux"


def test_a_publish_that_never_left_is_sent_again_once_facebook_would_show_it(brand) -> None:
    attempted = datetime.now(UTC) - brand.connector.read_back_within - timedelta(seconds=1)
    brand.double.hang(f"/v26.0/{brand.page.id}/feed", seconds=0, drop=True)
    with pytest.raises(Unavailable):
        brand.connector.publish(post("Jamais parti"))
    assert (
        reconcile.left_behind(
            brand.connector, attempted_at=attempted, text="Jamais parti", recorded=lambda: []
        )
        is None
    )
