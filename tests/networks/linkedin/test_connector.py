"""The LinkedIn connector against the double: publishing every kind of post as the
organization, comments and replies threaded, answers as the organization, delete, metrics,
followers, reading back, and each refusal as one of the four errors."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import translation
from PIL import Image

from palabre.networks.base import (
    AuthExpired,
    Capability,
    InteractionKind,
    MediaUpload,
    OutgoingPost,
    RateLimited,
    Rejected,
    Unavailable,
)
from palabre.networks.linkedin import connector as linkedin_connector
from palabre.networks.linkedin.connector import LinkedInConnector
from tests.networks.linkedin import channels
from tests.networks.linkedin.double import LinkedInDouble
from tests.networks.linkedin.state import Post

pytestmark = [pytest.mark.network, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """The refusals are read in English here (the instance's language is French)."""
    with translation.override("en"):
        yield


@pytest.fixture
def connected(linkedin_double: LinkedInDouble, cast: Any) -> channels.Connected:
    return channels.linkedin(linkedin_double, cast.workspace)


@pytest.fixture
def connector(connected: channels.Connected) -> LinkedInConnector:
    found = connected.channel.get_connector()
    assert isinstance(found, LinkedInConnector)
    return found


def jpeg() -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 150, 90)).save(data, "JPEG")
    return data.getvalue()


def post(text: str, **kwargs: Any) -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key="k", **kwargs)


def stored(double: LinkedInDouble, urn: str) -> Post:
    found = double.get(urn)
    assert isinstance(found, Post)
    return found


def test_no_hide_and_not_idempotent(connector: LinkedInConnector) -> None:
    assert not connector.supports(Capability.HIDE)
    assert connector.supports(Capability.RECENT_POSTS) and not connector.idempotent


def test_text_is_escaped_and_mentions_and_hashtags_kept(
    linkedin_double: LinkedInDouble, connector: LinkedInConnector
) -> None:
    text = (
        "Nouveau (enfin) : le pain_complet *bio* ~ <3 {promo} | 50% #levain "
        "avec @[Moulin Dupont](urn:li:organization:424242) !"
    )
    published = connector.publish(post(text))
    assert published.remote_id.startswith("urn:li:share:")
    assert published.url == f"https://www.linkedin.com/feed/update/{published.remote_id}/"
    kept = stored(linkedin_double, published.remote_id).commentary
    # The double keeps a commentary only up to an unescaped reserved character: all there.
    assert kept.endswith("!")
    assert "@[Moulin Dupont](urn:li:organization:424242)" in kept
    assert "{hashtag|\\#|levain}" in kept and "\\(enfin\\)" in kept
    back = connector.recent_posts(since=datetime.now(UTC) - timedelta(minutes=1))
    assert [p.text for p in back] == [text]


def test_a_link_becomes_an_article(
    linkedin_double: LinkedInDouble, connector: LinkedInConnector
) -> None:
    published = connector.publish(post("Notre recette : https://lumiere.fr/levain"))
    content = stored(linkedin_double, published.remote_id).body["content"]
    assert content == {"article": {"source": "https://lumiere.fr/levain", "title": "lumiere.fr"}}


def test_images_with_alt_text(
    linkedin_double: LinkedInDouble, connector: LinkedInConnector
) -> None:
    one = connector.upload_media(MediaUpload("a.jpg", "image/jpeg", jpeg(), alt_text="Un pain"))
    assert one.remote_id.startswith("urn:li:image:")
    single = connector.publish(post("Une photo", media=(one,)))
    assert stored(linkedin_double, single.remote_id).body["content"] == {
        "media": {"id": one.remote_id, "altText": "Un pain"}
    }
    many = [
        connector.upload_media(MediaUpload(f"{n}.jpg", "image/jpeg", jpeg(), alt_text=f"Photo {n}"))
        for n in range(3)
    ]
    multi = connector.publish(post("Trois photos", media=tuple(many)))
    images = stored(linkedin_double, multi.remote_id).body["content"]["multiImage"]["images"]
    assert images == [{"id": m.remote_id, "altText": f"Photo {n}"} for n, m in enumerate(many)]
    assert multi.remote_id.startswith("urn:li:ugcPost:")
    back = {
        p.remote_id: p
        for p in connector.recent_posts(since=datetime.now(UTC) - timedelta(minutes=1))
    }
    assert back[multi.remote_id].media_count == 3 and back[single.remote_id].media_count == 1


def test_a_pdf_document(linkedin_double: LinkedInDouble, connector: LinkedInConnector) -> None:
    pdf = b"%PDF-1.4\n" + b"0" * 2000
    media = connector.upload_media(
        MediaUpload("carte.pdf", "application/pdf", pdf, alt_text="Notre carte d'hiver")
    )
    assert media.remote_id.startswith("urn:li:document:")
    published = connector.publish(post("La carte", media=(media,)))
    assert stored(linkedin_double, published.remote_id).body["content"] == {
        "media": {"id": media.remote_id, "title": "Notre carte d'hiver"}
    }
    with pytest.raises(Rejected):
        connector.upload_media(MediaUpload("x.pdf", "application/pdf", b"not a pdf"))


def test_a_video_in_parts(
    linkedin_double: LinkedInDouble, connector: LinkedInConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linkedin_connector, "VIDEO_POLL", 0.01)
    linkedin_double.video_polls = 2  # LinkedIn processes it a little while
    data = bytes(range(256)) * (9 * 1024 * 1024 // 256 + 7)  # three parts of 4 MB at most
    media = connector.upload_media(MediaUpload("v.mp4", "video/mp4", data))
    assert media.remote_id.startswith("urn:li:video:")
    asset = linkedin_double.world.assets[media.remote_id]
    assert b"".join(p or b"" for p in asset.parts) == data and len(asset.parts) == 3
    published = connector.publish(post("La vidéo", media=(media,)))
    assert published.remote_id.startswith("urn:li:ugcPost:")


def test_media_failures_say_so(
    linkedin_double: LinkedInDouble, connector: LinkedInConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linkedin_connector, "VIDEO_POLL", 0.01)
    linkedin_double.video_fails = True
    with pytest.raises(Rejected) as failed:
        connector.upload_media(MediaUpload("v.mp4", "video/mp4", b"\0" * 5000))
    assert "could not process this video" in failed.value.reason
    linkedin_double.video_fails = False
    linkedin_double.fail("upload.put", 503)
    with pytest.raises(Unavailable):
        connector.upload_media(MediaUpload("a.jpg", "image/jpeg", jpeg()))
    linkedin_double.fail("images.initialize", 422, message="ERROR :: image too large")
    with pytest.raises(Rejected) as refused:
        connector.upload_media(MediaUpload("a.jpg", "image/jpeg", jpeg()))
    assert "image too large" in refused.value.reason
    with pytest.raises(Rejected):
        connector.upload_media(MediaUpload("a.txt", "text/plain", b"x"))


def test_comments_and_replies_threaded_and_answered_as_the_organization(
    linkedin_double: LinkedInDouble, connected: channels.Connected, connector: LinkedInConnector
) -> None:
    published = connector.publish(post("Vos pains préférés ?"))
    fan, other = linkedin_double.member("Fanny Fan"), linkedin_double.member("Olivier")
    comment = linkedin_double.comment(published.remote_id, fan, "Le levain !")
    reply = linkedin_double.comment(published.remote_id, other, "Pareil", parent=comment.urn)
    page = connector.fetch_interactions(cursor=None)
    by_id = {i.remote_id: i for i in page.items}
    assert set(by_id) == {comment.urn, reply.urn}
    assert by_id[comment.urn].in_reply_to == published.remote_id
    assert by_id[reply.urn].in_reply_to == comment.urn
    assert by_id[reply.urn].root == published.remote_id
    assert by_id[comment.urn].kind is InteractionKind.COMMENT
    assert by_id[comment.urn].author.remote_id == fan.urn
    # The next poll gives nothing twice.
    assert connector.fetch_interactions(cursor=page.next_cursor).items == ()
    answer = connector.reply(to_remote_id=reply.urn, text="Merci (vraiment) !", idempotency_key="r")
    made = linkedin_double.get(answer.remote_id)
    assert made is not None and made.actor == connected.organization.urn  # type: ignore[union-attr]
    assert made.parent == comment.urn  # type: ignore[union-attr]  (one level deep)
    assert made.text == "Merci (vraiment) !"  # type: ignore[union-attr]  (comments: plain)
    # The organization's own answer is not delivered to its inbox.
    later = connector.fetch_interactions(cursor=page.next_cursor)
    assert later.items == ()
    back = connector.recent_posts(
        since=datetime.now(UTC) - timedelta(minutes=1), in_reply_to=reply.urn
    )
    assert [p.remote_id for p in back] == [answer.remote_id]
    assert back[0].in_reply_to == reply.urn
    connector.delete(remote_id=reply.urn)  # the organization deletes a comment on its post
    assert linkedin_double.get(reply.urn) is None
    connector.delete(remote_id=published.remote_id)
    assert linkedin_double.get(published.remote_id) is None


def test_metrics_and_followers(
    linkedin_double: LinkedInDouble, connector: LinkedInConnector
) -> None:
    text_post = connector.publish(post("Des chiffres"))
    images = [
        connector.upload_media(MediaUpload(f"{n}.jpg", "image/jpeg", jpeg())) for n in range(2)
    ]
    media_post = connector.publish(post("Deux photos", media=tuple(images)))
    linkedin_double.stats(
        text_post.remote_id, impressions=120, unique=90, clicks=7, likes=9, shares=2
    )
    linkedin_double.stats(media_post.remote_id, impressions=40, likes=3)
    linkedin_double.comment(text_post.remote_id, linkedin_double.member("Fanny"), "Bravo")
    found = connector.post_metrics(remote_ids=[text_post.remote_id, media_post.remote_id])
    first = found[text_post.remote_id]
    assert (
        first.impressions,
        first.reach,
        first.clicks,
        first.likes,
        first.replies,
        first.reposts,
    ) == (120, 90, 7, 9, 1, 2)
    assert found[media_post.remote_id].impressions == 40
    assert connector.account_metrics().followers == 1250


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, AuthExpired), (403, Rejected), (422, Rejected), (429, RateLimited), (503, Unavailable)],
)
def test_refusals_are_the_four_errors(
    linkedin_double: LinkedInDouble, connector: LinkedInConnector, status: int, error: type
) -> None:
    linkedin_double.fail("posts.create", status)
    with pytest.raises(error) as raised:
        connector.publish(post(f"Refus {status}"))
    assert raised.value.reason


def test_a_day_limit_waits_until_midnight_utc(
    linkedin_double: LinkedInDouble, connector: LinkedInConnector
) -> None:
    linkedin_double.fail("posts.create", 429)
    with pytest.raises(RateLimited) as raised:
        connector.publish(post("Trop"))
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert raised.value.retry_after == pytest.approx((midnight - now).total_seconds(), abs=120)


def test_an_expired_token_and_a_duplicate_say_so(
    linkedin_double: LinkedInDouble, connected: channels.Connected, connector: LinkedInConnector
) -> None:
    connector.publish(post("Une seule fois"))
    with pytest.raises(Rejected) as duplicate:
        connector.publish(post("Une seule fois"))
    assert "same content" in duplicate.value.reason
    linkedin_double.expire(connected.token)
    with pytest.raises(AuthExpired) as expired:
        connector.publish(post("Plus de jeton"))
    assert "Connect the page again" in expired.value.reason


def test_an_identifier_from_elsewhere_is_sent_nowhere(connector: LinkedInConnector) -> None:
    with pytest.raises(Rejected):
        connector.delete(remote_id="urn:li:comment:nonsense")
