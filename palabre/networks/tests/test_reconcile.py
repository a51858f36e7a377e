"""The matcher that settles an interrupted send on a network without idempotency keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from palabre.networks.base import Capability, RecentPost, Rejected
from palabre.networks.demo.connector import DemoConnector
from palabre.networks.reconcile import (
    CLOCK_SKEW,
    LONGEST_SEND,
    Found,
    LookAgain,
    NotThere,
    PersonDecides,
    Sent,
    Undecidable,
    already_sent,
    decide,
    look_for,
)
from palabre.worker.jobs import RetryAt

BEGAN = datetime(2031, 3, 14, 9, 0, tzinfo=UTC)
LATER = BEGAN + timedelta(hours=1)  # the network has long had time to show the post
WITHIN = timedelta(seconds=30)
TEXT = "Le levain du jour est prêt. Venez tôt !"


def _post(remote_id: str = "1", text: str = TEXT, **fields: object) -> RecentPost:
    defaults: dict[str, object] = {"created_at": BEGAN + timedelta(seconds=1)}
    return RecentPost(remote_id=remote_id, text=text, **(defaults | fields))  # type: ignore[arg-type]


def _decide(posts: list[RecentPost], sent: Sent | None = None, *, recorded=(), now=LATER):
    sent = sent or Sent(TEXT, BEGAN)
    return decide(sent, posts, recorded=set(recorded), now=now, read_back_within=WITHIN)


def test_the_one_post_sent_is_found() -> None:
    post = _post(url="https://example.social/@pain/1")
    assert _decide([_post("0", "Autre chose"), post]) == Found(post)


def test_whitespace_unicode_form_and_html_entities_do_not_count() -> None:
    sent = Sent("Pain  au levain\n\n— été, 5 € &  plus", BEGAN)
    decomposed = "Pain au levain &mdash; e\u0301te\u0301, 5&nbsp;&euro; &amp; plus"
    post = _post(text=decomposed)
    assert _decide([post], sent) == Found(post)


def test_line_breaks_the_network_dropped_do_not_count() -> None:
    sent = Sent("Ligne un.\n\nLigne deux.", BEGAN)
    post = _post(text="Ligne un.Ligne deux.")  # <p>…</p><p>…</p> with its tags taken off
    assert _decide([post], sent) == Found(post)


@pytest.mark.parametrize(
    "shown",
    [
        "@claire Merci pour votre message !",
        "@claire@pain.social @bob Merci pour votre message !",
        "@claire.m Merci pour votre message !",
    ],
)
def test_an_answer_is_found_after_the_mentions_the_network_put_in_front(shown: str) -> None:
    sent = Sent("Merci pour votre message !", BEGAN, in_reply_to="42")
    post = _post(text=shown, in_reply_to="42")
    assert _decide([post], sent) == Found(post)


def test_an_answer_that_began_with_a_mention_is_found_with_more_mentions() -> None:
    sent = Sent("@claire merci !", BEGAN, in_reply_to="42")
    post = _post(text="@bob @claire merci !", in_reply_to="42")
    assert _decide([post], sent) == Found(post)


@pytest.mark.parametrize(
    "shown",
    [
        "@bob merci",  # "ci" is not "merci": a mention ends at a space
        "Merci pour votre message ! @claire",  # a mention after the text is more text
        "Re: Merci pour votre message !",  # anything but mentions in front is more text
    ],
)
def test_only_whole_leading_mentions_are_set_aside(shown: str) -> None:
    sent = Sent("ci" if shown == "@bob merci" else "Merci pour votre message !", BEGAN)
    assert _decide([_post(text=shown)], sent) == NotThere()


def test_a_text_edited_since_is_not_the_text_sent() -> None:
    # An edit on the network changes what can be recognised: nothing else tells the posts apart.
    edited = _post(text=TEXT + " (modifié)")
    assert _decide([edited]) == NotThere()


def test_the_same_text_twice_is_for_a_person() -> None:
    outcome = _decide([_post("1"), _post("2", created_at=BEGAN + timedelta(seconds=3))])
    assert isinstance(outcome, Undecidable)
    assert "2" in outcome.reason


def test_posts_palabre_already_recorded_are_never_taken_for_it() -> None:
    mine_before, sent = _post("1"), _post("2")
    assert _decide([mine_before, sent], recorded={"1", "99"}) == Found(sent)
    assert _decide([mine_before], recorded={"1"}) == NotThere()


def test_the_same_post_read_twice_is_one_candidate() -> None:
    # Pages of a timeline can overlap.
    post = _post("7")
    assert _decide([post, post]) == Found(post)


def test_the_media_count_must_be_the_one_sent() -> None:
    sent = Sent(TEXT, BEGAN, media_count=2)
    with_two = _post("2", media_count=2)
    assert _decide([_post("1", media_count=1), with_two], sent) == Found(with_two)
    assert _decide([_post("1", media_count=0)], sent) == NotThere()


def test_what_it_answers_must_be_what_was_answered() -> None:
    part = Sent(TEXT, BEGAN, in_reply_to="10")
    answer = _post("2", in_reply_to="10")
    assert _decide([_post("1", in_reply_to="11"), _post("3"), answer], part) == Found(answer)
    # A post of its own is not an answer, and a network's "" means "answers nothing".
    own = _post("4", in_reply_to="")
    assert _decide([answer, own]) == Found(own)


@pytest.mark.parametrize(
    ("offset", "inside"),
    [
        (-CLOCK_SKEW - timedelta(seconds=1), False),  # before the send began, skew aside
        (-CLOCK_SKEW + timedelta(seconds=1), True),  # the network's clock a little behind
        (LONGEST_SEND + CLOCK_SKEW - timedelta(seconds=1), True),
        (LONGEST_SEND + CLOCK_SKEW + timedelta(seconds=1), False),  # made later, by a person
    ],
)
def test_the_time_window_around_the_attempt(offset: timedelta, inside: bool) -> None:
    post = _post(created_at=BEGAN + offset)
    assert _decide([post]) == (Found(post) if inside else NotThere())


def test_nothing_found_is_trusted_only_once_the_network_had_time_to_show_it() -> None:
    assert _decide([], now=BEGAN + timedelta(seconds=5)) == LookAgain(BEGAN + WITHIN)
    assert _decide([], now=BEGAN + WITHIN) == NotThere()
    # What is found is found at once; two found are two whenever.
    post = _post()
    assert _decide([post], now=BEGAN + timedelta(seconds=2)) == Found(post)


class Shows(DemoConnector):
    """A connector that reads back the posts it is given, and records what it was asked."""

    capabilities = DemoConnector.capabilities | Capability.RECENT_POSTS
    read_back_within = WITHIN
    posts: list[RecentPost] = []
    refusal: Rejected | None = None
    asked: list[tuple[datetime, str | None]] = []

    def recent_posts(self, *, since: datetime, in_reply_to: str | None = None) -> list[RecentPost]:
        self.asked.append((since, in_reply_to))
        if self.refusal:
            raise self.refusal
        return self.posts


@pytest.fixture
def shows():
    Shows.posts, Shows.refusal, Shows.asked = [], None, []
    return Shows(channel=None)  # type: ignore[arg-type]


def test_look_for_reads_back_from_before_the_attempt_what_answers_the_same_post(shows) -> None:
    began = datetime.now(UTC) - timedelta(minutes=5)
    post = _post(created_at=began + timedelta(seconds=1), in_reply_to="10")
    shows.posts = [post]
    assert look_for(shows, Sent(TEXT, began, in_reply_to="10"), recorded=set()) == Found(post)
    assert shows.asked == [(began - CLOCK_SKEW, "10")]


def test_a_network_that_cannot_read_back_or_refuses_to_is_for_a_person(shows) -> None:
    sent = Sent(TEXT, datetime.now(UTC))
    assert isinstance(look_for(DemoConnector(channel=None), sent, recorded=()), Undecidable)  # type: ignore[arg-type]
    shows.refusal = Rejected("scope read:statuses missing")
    outcome = look_for(shows, sent, recorded=())
    assert isinstance(outcome, Undecidable) and "scope read:statuses missing" in outcome.reason


def test_already_sent_answers_the_worker(shows) -> None:
    began = datetime.now(UTC) - timedelta(minutes=5)
    post = _post(created_at=began)
    shows.posts = [post]
    assert already_sent(shows, Sent(TEXT, began), recorded=()) == post
    assert already_sent(shows, Sent(TEXT, began), recorded={post.remote_id}) is None
    just_now = datetime.now(UTC)
    with pytest.raises(RetryAt) as wait:  # too soon to trust that it is not there
        already_sent(shows, Sent("Autre", just_now), recorded=())
    assert wait.value.when == just_now + WITHIN
    shows.posts = [post, _post("2", created_at=began)]
    with pytest.raises(PersonDecides):
        already_sent(shows, Sent(TEXT, began), recorded=())


class _Remembering(DemoConnector):
    """A network that takes idempotency keys and forgets them after an hour (Mastodon)."""

    idempotency_lasts = timedelta(hours=1)
    capabilities = DemoConnector.capabilities | Capability.RECENT_POSTS

    def __init__(self, posts: list[RecentPost]) -> None:
        self.posts = posts
        self.asked = 0

    @property
    def idempotent(self) -> bool:
        return True

    def recent_posts(self, *, since: datetime, in_reply_to: str | None = None) -> list[RecentPost]:
        self.asked += 1
        return self.posts


@pytest.mark.parametrize(
    ("ago", "looked"), [(timedelta(minutes=30), False), (timedelta(hours=2), True)]
)
def test_a_resend_past_the_keys_memory_is_looked_for_first(ago: timedelta, looked: bool) -> None:
    """Mastodon keeps an Idempotency-Key an hour: a resend two hours after an interrupted
    send (a long rate limit, a person's retry) made a second post (an attacker's review)."""
    from django.utils import timezone

    from palabre.networks.reconcile import left_behind

    began = timezone.now() - ago
    connector = _Remembering([_post(created_at=began + timedelta(seconds=1))])
    found = left_behind(connector, attempted_at=began, text=TEXT, recorded=lambda: set())
    assert connector.asked == int(looked)
    assert (found is not None) == looked
