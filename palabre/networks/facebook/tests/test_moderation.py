"""Hiding and unhiding, private replies, and the Page's figures, against the double."""

from __future__ import annotations

import json

import pytest

from palabre.networks.base import OutgoingPost, PostMetrics, Rejected
from tests.networks.meta.state import Post


def own_post(brand, text: str = "Nouveau : la tarte au citron") -> str:
    return brand.connector.publish(OutgoingPost(text=text, idempotency_key="k")).remote_id


def test_hiding_and_unhiding_a_comment(brand) -> None:
    insult = brand.fan().comment(own_post(brand), "Vous êtes nuls")
    brand.connector.hide(remote_id=insult.id)
    assert insult.is_hidden is True
    brand.connector.unhide(remote_id=insult.id)
    assert insult.is_hidden is False


def test_hiding_a_visitor_post(brand) -> None:
    spam = brand.fan().visitor_post(brand.page, "Gagnez un iPhone !!!")
    brand.connector.hide(remote_id=spam.id)
    assert spam.is_hidden is True


def test_a_private_reply_goes_once_per_comment(brand) -> None:
    question = brand.fan().comment(own_post(brand), "Livrez-vous à Lyon ?")
    sent = brand.connector.private_reply(
        to_remote_id=question.id, text="Je vous écris en privé.", idempotency_key="p"
    )
    assert sent.remote_id.startswith("m_") and question.private_reply_sent
    sent_as = [p for m, path, p in brand.double.requests if path.endswith("/messages")][-1]
    assert json.loads(sent_as["recipient"]) == {"comment_id": question.id}
    assert json.loads(sent_as["message"]) == {"text": "Je vous écris en privé."}
    with pytest.raises(Rejected) as refused:
        brand.connector.private_reply(
            to_remote_id=question.id, text="Encore moi", idempotency_key="q"
        )
    assert refused.value.reason == (
        "Facebook allows one private reply per comment, and this one already has it."
    )


def test_a_private_reply_answers_a_visitors_post(brand) -> None:
    visit = brand.fan().visitor_post(brand.page, "Vous faites des gâteaux sur commande ?")
    sent = brand.connector.private_reply(
        to_remote_id=visit.id, text="Oui, écrivez-nous", idempotency_key="v"
    )
    assert sent.remote_id.startswith("m_")
    sent_as = [p for m, path, p in brand.double.requests if path.endswith("/messages")][-1]
    assert json.loads(sent_as["recipient"]) == {"post_id": visit.id}


def test_a_private_reply_to_an_old_comment_is_refused_in_plain_words(brand) -> None:
    question = brand.fan().comment(own_post(brand), "Et le pain de mie ?")
    question.created -= 8 * 86400
    with pytest.raises(Rejected) as refused:
        brand.connector.private_reply(to_remote_id=question.id, text="Oui", idempotency_key="r")
    assert refused.value.reason == (
        "Facebook allows a private reply only in the 7 days after the comment."
    )


def test_messaging_refused_by_permission_is_not_a_broken_connection(brand) -> None:
    """Code 10 (outside the messaging window) or a missing pages_messaging permission
    refuse the message, not the Page's token: publishing and the inbox go on."""
    question = brand.fan().comment(own_post(brand), "Une question")
    brand.double.fail(
        "/v26.0/*/messages",
        code=10,
        subcode=2018278,
        message="(#10) This message is sent outside of allowed window.",
    )
    with pytest.raises(Rejected) as window:
        brand.connector.private_reply(to_remote_id=question.id, text="…", idempotency_key="s")
    assert "7 days" in window.value.reason
    brand.double.fail(
        "/v26.0/*/messages", code=230, message="(#230) Requires pages_messaging permission"
    )
    with pytest.raises(Rejected) as permission:
        brand.connector.private_reply(to_remote_id=question.id, text="…", idempotency_key="t")
    assert "Requires pages_messaging permission" in permission.value.reason
    assert "Connect the Page again" in permission.value.reason


def test_post_metrics_read_insights_and_counts(brand) -> None:
    remote_id = own_post(brand)
    made = brand.double.get(remote_id)
    assert isinstance(made, Post)
    made.stats.update(
        post_impressions=940,
        post_impressions_unique=610,
        reactions={"like": 12, "love": 3},
        shares=4,
    )
    fan = brand.fan()
    first = fan.comment(remote_id, "Miam")
    fan.comment(remote_id, "Trop bon")
    brand.fan("Autre Fan").reply(first.id, "Oui !")

    found = brand.connector.post_metrics(remote_ids=[remote_id])
    assert found == {
        remote_id: PostMetrics(
            likes=15, reposts=4, replies=3, impressions=940, reach=610, video_views=None
        )
    }


def test_video_views_are_read_for_a_video_post(brand) -> None:
    from palabre.networks.base import MediaUpload

    video = brand.connector.upload_media(MediaUpload("four.mp4", "video/mp4", b"\x00" * 64))
    remote_id = brand.connector.publish(
        OutgoingPost(text="Le four", idempotency_key="v", media=(video,))
    ).remote_id
    made = brand.double.get(remote_id)
    assert isinstance(made, Post)
    made.stats.update(post_video_views=321)
    assert brand.connector.post_metrics(remote_ids=[remote_id])[remote_id].video_views == 321


def test_a_post_facebook_says_nothing_of_is_left_out(brand) -> None:
    kept = own_post(brand)
    gone = own_post(brand, "Supprimé depuis")
    brand.connector.delete(remote_id=gone)
    assert set(brand.connector.post_metrics(remote_ids=[kept, gone])) == {kept}


def test_account_metrics_give_the_followers(brand) -> None:
    assert brand.connector.account_metrics().followers == 1200
