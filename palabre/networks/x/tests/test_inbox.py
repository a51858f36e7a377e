"""The inbox on the X double: mentions and replies in the brand's conversations, threaded,
each handed over once; hiding and unhiding a reply; answering one."""

from __future__ import annotations

import pytest

from palabre.networks.base import InteractionKind, Rejected
from palabre.networks.x.tests.conftest import Brand
from tests.networks.x.double import XDouble
from tests.networks.x.state import User

pytestmark = [pytest.mark.network, pytest.mark.django_db]


def test_mentions_and_replies_arrive_threaded_and_once(
    x_double: XDouble, brand: Brand, fan: User
) -> None:
    root = x_double.post(brand.user, "Nouveau pain aux noix")
    reply = x_double.post(fan, "Il a l'air délicieux", reply_to=root.id)
    nested = x_double.post(brand.user, f"@{fan.username} merci !", reply_to=reply.id)
    deeper = x_double.post(fan, "Vous ouvrez dimanche ?", reply_to=nested.id)
    mention = x_double.post(fan, f"Rendez-vous chez @{brand.user.username}")
    quote = x_double.post(fan, f"@{brand.user.username} vu !", quote_of=root.id)
    connector = brand.connector()

    page = connector.fetch_interactions(cursor=None)

    by_id = {i.remote_id: i for i in page.items}
    assert set(by_id) == {reply.id, deeper.id, mention.id, quote.id}  # never the brand's own
    assert by_id[reply.id].kind == InteractionKind.COMMENT
    assert (by_id[reply.id].in_reply_to, by_id[reply.id].root) == (root.id, root.id)
    assert (by_id[deeper.id].in_reply_to, by_id[deeper.id].root) == (nested.id, root.id)
    assert by_id[mention.id].kind == InteractionKind.MENTION and by_id[mention.id].root is None
    assert by_id[quote.id].kind == InteractionKind.QUOTE
    assert by_id[reply.id].author.handle == fan.username
    assert page.next_cursor is not None
    assert page.next_cursor.partition("@")[0] == max(by_id, key=int)

    again = connector.fetch_interactions(cursor=page.next_cursor)
    assert again.items == () and again.next_cursor == page.next_cursor
    later = x_double.post(fan, "Et lundi ?", reply_to=root.id)
    assert [i.remote_id for i in connector.fetch_interactions(cursor=page.next_cursor).items] == [
        later.id
    ]


def test_a_poll_costs_few_requests(x_double: XDouble, brand: Brand, fan: User) -> None:
    for n in range(12):
        x_double.post(brand.user, f"post {n}")
    brand.connector().fetch_interactions(cursor=None)
    # mentions, the account's posts, two searches of up to ten conversations each
    assert brand.request_count() == 4
    # X bills each post read: the account's twelve posts, at least one a request
    assert brand.requests() == {"post_read": 12 + 3}


def test_a_reply_is_hidden_and_unhidden(x_double: XDouble, brand: Brand, fan: User) -> None:
    root = x_double.post(brand.user, "Nos horaires")
    reply = x_double.post(fan, "spam spam", reply_to=root.id)
    connector = brand.connector()
    connector.hide(remote_id=reply.id)
    assert x_double.get(reply.id).hidden is True
    connector.unhide(remote_id=reply.id)
    assert x_double.get(reply.id).hidden is False
    assert brand.requests() == {"reply_hide": 2}


def test_hiding_outside_the_brands_conversations_is_refused(
    x_double: XDouble, brand: Brand, fan: User
) -> None:
    elsewhere = x_double.post(fan, "my own thread")
    reply = x_double.post(fan, "me again", reply_to=elsewhere.id)
    with pytest.raises(Rejected, match="Not allowed by X"):
        brand.connector().hide(remote_id=reply.id)


def test_an_answer_answers_the_reply(x_double: XDouble, brand: Brand, fan: User) -> None:
    root = x_double.post(brand.user, "Nos horaires")
    question = x_double.post(fan, "Et le dimanche ?", reply_to=root.id)
    answer = brand.connector().reply(
        to_remote_id=question.id, text=f"@{fan.username} de 8 h à 13 h", idempotency_key="k"
    )
    posted = x_double.get(answer.remote_id)
    assert posted.in_reply_to == question.id and posted.conversation_id == root.id


def test_delete_removes_the_post_and_twice_is_harmless(x_double: XDouble, brand: Brand) -> None:
    post = x_double.post(brand.user, "oops")
    connector = brand.connector()
    connector.delete(remote_id=post.id)
    assert x_double.get(post.id).deleted
    connector.delete(remote_id=post.id)


def test_a_cursor_older_than_the_search_reaches_still_polls(
    x_double: XDouble, brand: Brand, fan: User
) -> None:
    """Polling paused for more than 7 days: the recent search refuses that since_id; the
    poll asks from 7 days back instead and hands over only what is after the cursor."""
    root = x_double.post(brand.user, "Nos horaires")
    old = x_double.post(fan, "il y a longtemps", reply_to=root.id)
    eight_days = 8 * 86400
    x_double.world.posts[old.id].created_at -= eight_days
    cursor = f"{old.id}@{int(x_double.world.posts[old.id].created_at)}"
    new = x_double.post(fan, "Et aujourd'hui ?", reply_to=root.id)

    page = brand.connector().fetch_interactions(cursor=cursor)

    assert [i.remote_id for i in page.items] == [new.id]
