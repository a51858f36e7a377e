"""Polling a Page for comments, replies and visitor posts, against the double: threading,
and a cursor that delivers every item once across polls, bursts included."""

from __future__ import annotations

import time

import pytest

from palabre.networks.base import InteractionKind, OutgoingPost
from palabre.networks.facebook import inbox
from tests.networks.meta.state import Comment

COLUMN = 500  # ChannelSync.cursor


def own_post(brand, text: str = "Le pain du jour") -> str:
    return brand.connector.publish(OutgoingPost(text=text, idempotency_key="k")).remote_id


def polls(brand, cursor: str | None, *, most: int = 30) -> tuple[list[list], str | None]:
    """Poll until a poll brings nothing and moves its cursor no more: every page's items,
    and the last cursor."""
    pages = []
    for _ in range(most):
        page = brand.connector.fetch_interactions(cursor=cursor)
        assert page.next_cursor is not None and len(page.next_cursor) <= COLUMN
        moved, cursor = page.next_cursor != cursor, page.next_cursor
        if page.items:
            pages.append(list(page.items))
        elif not moved:
            return pages, cursor
    raise AssertionError("the polls never ran dry")


def ids(items) -> list[str]:
    return [i.remote_id for i in items]


def test_comments_and_replies_are_threaded_under_their_post(brand) -> None:
    post = own_post(brand)
    fan, other = brand.fan("Fanny Fan"), brand.fan("Olivier Autre")
    question = fan.comment(post, "Sans gluten ?")
    answer = other.reply(question.id, "Je me pose la même question")
    brand.connector.reply(to_remote_id=question.id, text="Oui, le mardi", idempotency_key="a")

    items = brand.connector.fetch_interactions(cursor=None).items
    assert [
        (
            i.remote_id,
            i.kind,
            i.in_reply_to,
            i.root,
            i.author.remote_id,
            i.author.display_name,
            i.text,
        )
        for i in items
    ] == [
        (
            question.id,
            InteractionKind.COMMENT,
            post,
            post,
            fan.person.id,
            "Fanny Fan",
            "Sans gluten ?",
        ),
        (
            answer.id,
            InteractionKind.COMMENT,
            question.id,
            post,
            other.person.id,
            "Olivier Autre",
            "Je me pose la même question",
        ),
    ]  # the Page's own answer is not its inbox
    assert int(items[0].created_at.timestamp()) == int(question.created)


def test_a_visitor_post_is_a_mention_and_its_comments_thread_under_it(brand) -> None:
    fan, other = brand.fan("Fanny Fan"), brand.fan("Olivier Autre")
    visit = fan.visitor_post(brand.page, "Ouvert le 25 ?")
    comment = other.comment(visit.id, "Moi aussi je veux savoir")
    own_post(brand, "Horaires des fêtes")

    items = {i.remote_id: i for i in brand.connector.fetch_interactions(cursor=None).items}
    assert set(items) == {visit.id, comment.id}
    assert (items[visit.id].kind, items[visit.id].in_reply_to, items[visit.id].text) == (
        InteractionKind.MENTION,
        None,
        "Ouvert le 25 ?",
    )
    assert (items[comment.id].in_reply_to, items[comment.id].root) == (visit.id, visit.id)


def test_each_item_is_delivered_once_across_polls(brand) -> None:
    post = own_post(brand)
    fan = brand.fan()
    first = fan.comment(post, "Premier !")
    page = brand.connector.fetch_interactions(cursor=None)
    assert ids(page.items) == [first.id]
    again = brand.connector.fetch_interactions(cursor=page.next_cursor)
    assert again.items == ()

    time.sleep(1.1)  # a later second, as Meta's times are whole seconds
    second = fan.comment(post, "Deuxième")
    reply = brand.fan("Autre").reply(first.id, "Bravo")
    later = brand.connector.fetch_interactions(cursor=again.next_cursor)
    assert sorted(ids(later.items)) == sorted([second.id, reply.id])
    assert brand.connector.fetch_interactions(cursor=later.next_cursor).items == ()


def test_items_sharing_the_cursors_second_are_each_delivered_once(brand) -> None:
    post = own_post(brand)
    fan = brand.fan()
    first = fan.comment(post, "Un")
    page = brand.connector.fetch_interactions(cursor=None)
    same_second = fan.comment(post, "Deux")
    same_second.created = first.created  # written within the same second, read after the poll
    later = brand.connector.fetch_interactions(cursor=page.next_cursor)
    assert ids(later.items) == [same_second.id]
    assert brand.connector.fetch_interactions(cursor=later.next_cursor).items == ()


def test_a_comment_facebook_shows_late_is_still_delivered_once(brand) -> None:
    post = own_post(brand)
    fan = brand.fan()
    fan.comment(post, "À l'heure")
    page = brand.connector.fetch_interactions(cursor=None)
    late = fan.comment(post, "En retard")
    late.created -= 5 * 60  # created five minutes ago, shown only now
    later = brand.connector.fetch_interactions(cursor=page.next_cursor)
    assert ids(later.items) == [late.id]
    assert brand.connector.fetch_interactions(cursor=later.next_cursor).items == ()


def burst(brand, post: str, count: int, *, per_second: int) -> list[Comment]:
    fans = [brand.fan(f"Fan {n}") for n in range(3)]
    start = time.time() - 3600
    made = []
    for n in range(count):
        comment = fans[n % 3].comment(post, f"Commentaire {n}")
        comment.created = start + n // per_second
        made.append(comment)
    return made


def test_a_burst_bigger_than_a_graph_page_comes_in_one_poll(brand) -> None:
    post = own_post(brand)
    made = burst(brand, post, inbox.COMMENT_PAGE + 30, per_second=4)
    pages, _ = polls(brand, None)
    assert [ids(p) for p in pages] == [[c.id for c in made]]


def test_a_burst_bigger_than_a_poll_comes_over_several_polls_none_twice(brand, monkeypatch) -> None:
    monkeypatch.setattr(inbox, "COMMENT_PAGE", 10)
    monkeypatch.setattr(inbox, "COMMENT_PAGES", 2)
    post = own_post(brand)
    made = burst(brand, post, 75, per_second=3)
    pages, cursor = polls(brand, None)
    delivered = [i for p in pages for i in ids(p)]
    assert len(pages) > 1 and all(len(p) <= 20 for p in pages)
    assert delivered == [c.id for c in made]  # all of them, once, in order

    time.sleep(1.1)
    newer = brand.fan().comment(post, "Après la vague")
    assert ids(brand.connector.fetch_interactions(cursor=cursor).items) == [newer.id]


def test_a_burst_after_a_quiet_poll_comes_once_though_the_window_fills_a_read(
    brand, monkeypatch
) -> None:
    monkeypatch.setattr(inbox, "COMMENT_PAGE", 4)
    monkeypatch.setattr(inbox, "COMMENT_PAGES", 2)
    post = own_post(brand)
    early = burst(brand, post, 6, per_second=1)
    first, cursor = polls(brand, None)
    assert [i for p in first for i in ids(p)] == [c.id for c in early]

    start = early[-1].created + 1
    fan = brand.fan("Vague")
    wave = []
    for n in range(12):
        comment = fan.comment(post, f"Vague {n}")
        comment.created = start + n // 2
        wave.append(comment)
    pages, _ = polls(brand, cursor)
    assert [i for p in pages for i in ids(p)] == [c.id for c in wave]


def test_more_comments_within_one_second_than_a_poll_reads_do_not_stop_the_inbox(
    brand, monkeypatch
) -> None:
    """A flood beyond what the cursor can tell apart: the inbox moves on (the rest of that
    one second is left to webhooks) rather than asking for the same page for ever."""
    monkeypatch.setattr(inbox, "COMMENT_PAGE", 5)
    monkeypatch.setattr(inbox, "COMMENT_PAGES", 2)
    post = own_post(brand)
    visit = brand.fan().visitor_post(brand.page, "Un message d'avant")
    visit.created -= 2 * 3600  # the feed is read back past it at every poll
    flood = burst(brand, post, 14, per_second=100)  # all within one second
    time.sleep(1.1)
    after = brand.fan().comment(post, "Et moi ?")
    pages, _ = polls(brand, None)
    delivered = [i for p in pages for i in ids(p)]
    assert after.id in delivered
    assert len(delivered) == len(set(delivered))
    assert set(delivered) <= {c.id for c in flood} | {after.id, visit.id}


def test_a_busy_page_still_fits_its_cursor(brand) -> None:
    posts = [own_post(brand, f"Post {n}") for n in range(3)]
    fan = brand.fan()
    made = [fan.comment(posts[n % 3], f"C{n}") for n in range(inbox.MAX_SEEN + 20)]
    page = brand.connector.fetch_interactions(cursor=None)
    assert sorted(ids(page.items)) == sorted(c.id for c in made)
    assert page.next_cursor is not None and len(page.next_cursor) <= COLUMN
    assert brand.connector.fetch_interactions(cursor=page.next_cursor).items == ()


def test_an_unreadable_cursor_starts_again_without_failing(brand) -> None:
    post = own_post(brand)
    comment = brand.fan().comment(post, "Coucou")
    page = brand.connector.fetch_interactions(cursor="fb1:not-a-time:0:zz")
    assert ids(page.items) == [comment.id]


@pytest.mark.parametrize("hidden", [True])
def test_a_hidden_comment_is_still_read_by_the_page(brand, hidden) -> None:
    post = own_post(brand)
    insult = brand.fan().comment(post, "Nul")
    brand.connector.hide(remote_id=insult.id)
    assert ids(brand.connector.fetch_interactions(cursor=None).items) == [insult.id]
