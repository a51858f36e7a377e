"""Listening's search on the X double: recent search, one page a call, each request and each
post it returns billed; the polling job's daily budget stops X's requests when spent."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from palabre.listening.models import Heard, ListeningSettings, Role, Search, SearchPoll
from palabre.listening.polling import search_poll_run
from palabre.listening.services import listening_settings, search_save
from palabre.networks.base import Rejected
from palabre.networks.x.connector import SEARCH_PAGE
from palabre.networks.x.tests.conftest import Brand
from tests.networks.x.double import XDouble
from tests.networks.x.server import Record
from tests.networks.x.state import User

pytestmark = [pytest.mark.network, pytest.mark.django_db]

SEARCH = "/2/tweets/search/recent"


def _word() -> str:
    return f"fournil{uuid.uuid4().hex[:8]}"


def _searches(double: XDouble, brand: Brand, start: int) -> list[Record]:
    """The brand's search requests since `start` (the double serves the whole run)."""
    tokens = double.world.tokens
    return [
        r
        for r in list(double.records)[start:]
        if r.path == SEARCH and r.bearer in tokens and tokens[r.bearer].user_id == brand.user.id
    ]


def test_a_word_and_a_hashtag_find_posts_as_x_matches_them(
    x_double: XDouble, brand: Brand, fan: User
) -> None:
    word = _word()
    fan.followers = 321
    start = len(x_double.records)
    tagged = x_double.post(fan, f"Une fournée au #{word.upper()} https://lumiere.example/pain")
    worded = x_double.post(fan, f"Le {word.capitalize()}, rue des Lilas", lang="fr")
    x_double.post(fan, f"#{word}bio: another hashtag, not found by #{word[:-1]}")

    found = brand.connector().search_posts(query=f"#{word}")

    assert [p.remote_id for p in found] == [tagged.id]  # exact hashtag, whatever the case
    post = found[0]
    assert post.url == f"https://x.com/{fan.username}/status/{tagged.id}"
    assert (post.author.remote_id, post.author.handle, post.author.display_name) == (
        fan.id,
        fan.username,
        "Fanny Fan",
    )
    assert post.text.endswith("https://lumiere.example/pain")  # t.co put back
    assert post.langs == ()  # "und": X could not tell
    assert post.reach == 321
    assert abs(post.created_at.timestamp() - tagged.created_at) < 0.01

    found = brand.connector().search_posts(query=word)  # a word: the hashtag's too
    assert [p.remote_id for p in found] == [worded.id, tagged.id]  # newest first
    assert found[0].langs == ("fr",)

    (request, _) = _searches(x_double, brand, start)
    assert request.params["query"] == f"#{word} -is:retweet"
    assert request.params["max_results"] == str(SEARCH_PAGE)
    assert request.status == 200


def test_since_bounds_the_posts_and_a_week_bounds_the_request(
    x_double: XDouble, brand: Brand, fan: User
) -> None:
    word = _word()
    old = x_double.post(fan, f"Hier, le {word}")
    x_double.world.posts[old.id].created_at -= 3600
    new = x_double.post(fan, f"Aujourd’hui, le {word}")
    start = len(x_double.records)
    connector = brand.connector()

    since = datetime.now(UTC) - timedelta(minutes=30)
    assert [p.remote_id for p in connector.search_posts(query=word, since=since)] == [new.id]
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert connector.search_posts(query=word, since=later) == []  # nothing sent, nor billed
    # Older than recent search reaches (listening's first look): asked from a week ago.
    week = connector.search_posts(query=word, since=datetime.now(UTC) - timedelta(days=8))
    assert [p.remote_id for p in week] == [new.id, old.id]

    first, last = _searches(x_double, brand, start)
    assert first.params["start_time"] == since.strftime("%Y-%m-%dT%H:%M:%SZ")
    reach = datetime.fromisoformat(last.params["start_time"].replace("Z", "+00:00"))
    assert timedelta(days=6, hours=23) < datetime.now(UTC) - reach < timedelta(days=7)


def test_one_page_a_call_each_post_billed(x_double: XDouble, brand: Brand, fan: User) -> None:
    word = _word()
    for n in range(SEARCH_PAGE + 5):
        x_double.post(fan, f"{word} n°{n}")
    start = len(x_double.records)

    found = brand.connector().search_posts(query=word)

    assert len(found) == SEARCH_PAGE  # the newest: one request, never the next page
    assert len(_searches(x_double, brand, start)) == 1
    assert brand.request_count() == 1
    assert brand.requests() == {"post_read": SEARCH_PAGE}  # X bills each post read


def test_what_is_not_one_word_is_refused_unsent(x_double: XDouble, brand: Brand) -> None:
    start = len(x_double.records)
    for query in ("deux mots", "from:lumiere", "-levain", ""):
        with pytest.raises(Rejected):
            brand.connector().search_posts(query=query)
    assert _searches(x_double, brand, start) == []
    assert brand.request_count() == 0


def _search(cast: Any, name: str, terms: str) -> Search:
    search = Search(workspace=cast.workspace, name=name, role=Role.TOPIC, terms=terms)
    return search_save(search=search, seen=None)


def test_the_polling_job_stays_within_the_daily_budget_on_x(
    x_double: XDouble, brand: Brand, fan: User, cast: Any
) -> None:
    words = [_word() for _ in range(3)]
    posted = x_double.post(fan, f"Le pain du {words[0]}, du {words[1]} et du {words[2]}")
    listening_settings(cast.workspace)
    ListeningSettings.objects.filter(workspace=cast.workspace).update(x_requests_per_day=2)
    for n, word in enumerate(words):  # three terms: one would be the third request
        _search(cast, f"Fournil {n}", word)
    poll = SearchPoll.objects.get(channel=brand.channel)  # saving a search made it
    start = len(x_double.records)

    search_poll_run(poll)
    poll.refresh_from_db()
    assert poll.requests_made == 2
    assert len(_searches(x_double, brand, start)) == 2  # sent to X: two requests, no more
    assert brand.request_count() == 2
    heard = Heard.objects.get(workspace=cast.workspace, remote_id=posted.id)
    assert heard.url == f"https://x.com/{fan.username}/status/{posted.id}"

    due = search_poll_run(poll)  # the day's budget is spent: nothing sent until tomorrow
    assert len(_searches(x_double, brand, start)) == 2
    assert brand.request_count() == 2
    assert due is not None and due.date() == datetime.now(UTC).date() + timedelta(days=1)
