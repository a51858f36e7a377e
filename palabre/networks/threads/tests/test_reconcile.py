"""An interrupted publish is found on Threads, not posted twice (networks/reconcile.py)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from palabre.networks import reconcile
from palabre.networks.base import MediaUpload, OutgoingPost, Unavailable
from palabre.networks.threads.tests.conftest import PNG, Brand
from tests.networks.meta.double import MetaDouble


def test_what_went_out_is_found_each_piece_once(meta_double: MetaDouble, brand: Brand) -> None:
    connector = brand.connector()
    began = timezone.now()
    images = tuple(
        connector.upload_media(
            MediaUpload("p.png", "image/png", PNG, public_url=meta_double.serve_media(PNG))
        )
        for _ in range(2)
    )
    album = connector.publish(OutgoingPost("Two loaves", "k", media=images))
    part = connector.reply(
        to_remote_id=album.remote_id, text="2/2 and a cake", idempotency_key="k2"
    )
    sent = {
        album.remote_id: reconcile.Sent("Two loaves", began, media_count=2),
        part.remote_id: reconcile.Sent("2/2 and a cake", began, in_reply_to=album.remote_id),
    }

    for remote_id, piece in sent.items():
        outcome = reconcile.look_for(connector, piece, recorded=set())
        assert isinstance(outcome, reconcile.Found)
        assert outcome.post.remote_id == remote_id
        recorded = reconcile.look_for(connector, piece, recorded={remote_id})
        assert isinstance(recorded, reconcile.LookAgain)  # already Palabre's: not this send


def test_what_did_not_go_out_is_looked_for_again_until_threads_would_show_it(
    brand: Brand,
) -> None:
    connector = brand.connector()
    began = timezone.now()
    connector.publish(OutgoingPost("Something else", "k"))

    outcome = reconcile.look_for(connector, reconcile.Sent("Never sent", began), recorded=set())

    assert outcome == reconcile.LookAgain(began + connector.read_back_within)


def test_a_publish_whose_answer_was_lost_is_found_not_sent_again(
    meta_double: MetaDouble, brand: Brand
) -> None:
    connector = brand.connector()
    meta_double.lose_answer("/threads/v1.0/*/threads_publish")
    began = timezone.now()

    with pytest.raises(Unavailable):
        connector.publish(OutgoingPost("Out, unanswered", "k"))

    [posted] = meta_double.threads_posts(brand.user)
    outcome = reconcile.look_for(
        connector, reconcile.Sent("Out, unanswered", began), recorded=set()
    )
    assert isinstance(outcome, reconcile.Found)
    assert outcome.post.remote_id == posted.id
