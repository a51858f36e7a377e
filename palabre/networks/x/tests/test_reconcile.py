"""An interrupted publish on X is settled by reading the account's posts back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from palabre.networks import reconcile
from palabre.networks.base import OutgoingPost, Rejected
from palabre.networks.x import connector as x_connector
from palabre.networks.x.tests.conftest import Brand
from tests.networks.x.double import XDouble
from tests.networks.x.state import User

pytestmark = [pytest.mark.network, pytest.mark.django_db]


def test_recent_posts_give_posts_and_answers(x_double: XDouble, brand: Brand, fan: User) -> None:
    since = datetime.now(UTC) - timedelta(seconds=5)
    connector = brand.connector()
    text = "Bonjour  le\nmonde https://lumiere.example/horaires"
    first = connector.publish(OutgoingPost(text=text, idempotency_key="a"))
    question = x_double.post(fan, "?", reply_to=first.remote_id)
    answer = connector.reply(to_remote_id=question.id, text="Oui", idempotency_key="b")

    every = connector.recent_posts(since=since)
    assert [p.remote_id for p in every] == [first.remote_id, answer.remote_id]
    # X shortens links (t.co); read back, they are as they were sent.
    assert x_double.get(first.remote_id).text == text
    assert every[0].text == text and every[0].in_reply_to is None
    assert every[0].url.endswith(f"/status/{first.remote_id}")
    only = connector.recent_posts(since=since, in_reply_to=question.id)
    assert [p.remote_id for p in only] == [answer.remote_id]


def test_an_interrupted_send_is_found_and_not_sent_again(x_double: XDouble, brand: Brand) -> None:
    began = datetime.now(UTC)
    sent = brand.connector().publish(OutgoingPost(text="Levain du jour", idempotency_key="a"))
    found = reconcile.left_behind(
        brand.connector(),
        attempted_at=began,
        text="Levain du jour",
        recorded=lambda: set(),
    )
    assert found is not None and found.remote_id == sent.remote_id


def test_a_list_too_long_to_read_is_left_to_a_person(
    x_double: XDouble, brand: Brand, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(x_connector, "RECENT_PAGES", 1)
    for n in range(101):
        x_double.post(brand.user, f"post {n}")
    with pytest.raises(Rejected, match="cannot read them all back"):
        brand.connector().recent_posts(since=datetime.now(UTC) - timedelta(minutes=5))
