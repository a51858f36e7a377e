"""The Listening trends page: who may read it, with data and without."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from palabre.listening.models import Heard, Role, Search, Spike

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"
URL = "/w/lumiere/listening/trends/"


@pytest.fixture(autouse=True)
def _in_english(cast) -> None:
    for user in cast.users.values():
        user.language = "en"
        user.save(update_fields=["language"])


def _client(name: str) -> Client:
    client = Client()
    client.login(email=f"{name}@example.com", password=PASSWORD)
    return client


def _posts(workspace, search, count, *, kind):
    now = timezone.now()
    for _ in range(count):
        number = Heard.objects.count()
        heard = Heard.objects.create(
            workspace=workspace,
            network="bluesky",
            remote_id=f"at://{number}",
            author_id=f"did:{number}",
            author_handle=f"p{number}.example",
            text=f"{search.terms} et sa brioche",
            posted_at=now - timedelta(minutes=5),
            via="stream",
            kind=kind,
        )
        heard.searches.add(search)


@pytest.fixture
def searches(cast):
    brand = Search.objects.create(
        workspace=cast.workspace, name="Lumière", role=Role.BRAND, terms="lumiere"
    )
    rival = Search.objects.create(
        workspace=cast.workspace, name="Fournil", role=Role.COMPETITOR, terms="fournil"
    )
    return brand, rival


def test_a_contributor_is_refused_and_an_outsider_finds_nothing(cast) -> None:
    assert _client("carl").get(URL).status_code == 403
    assert _client("charlie").get(URL).status_code == 404
    assert Client().get(URL).status_code in (302, 404)  # not logged in


def test_the_page_without_anything_heard(cast) -> None:
    page = _client("nina").get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "No search yet" in text
    assert 'data-not-enough="tone"' in text
    assert "Mark one search as the brand" in text


def test_the_page_with_too_few_posts_says_not_enough_data(cast, searches) -> None:
    brand, rival = searches
    _posts(cast.workspace, brand, 10, kind="praise")
    _posts(cast.workspace, rival, 5, kind="criticism")
    text = _client("nina").get(URL).content.decode()
    assert 'data-not-enough="tone"' in text and 'data-not-enough="voice"' in text
    assert "15 posts with a tone" in text
    assert 'id="table-voice"' not in text


def test_the_page_with_data(cast, searches) -> None:
    brand, rival = searches
    _posts(cast.workspace, brand, 30, kind="praise")
    _posts(cast.workspace, rival, 10, kind="criticism")
    Spike.objects.create(
        workspace=cast.workspace,
        search=brand,
        hour=timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1),
        count=30,
        expected=2,
        threshold=9,
    )
    page = _client("alice").get(URL, {"days": "7"})
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("<svg") >= 2 + 2  # a chart a day per search, and the tone
    assert 'id="table-voice"' in text and "75" in text  # 30 of 40 posts
    assert 'data-not-enough="tone"' not in text
    assert "data-spike=" in text
    assert "brioche" in text  # the word found with them
    # One search, one network: the brand alone has 30 posts.
    text = _client("erin").get(URL, {"search": brand.pk, "network": "bluesky"}).content.decode()
    assert 'id="table-tone"' in text


def test_bad_choices_are_read_as_the_defaults_with_a_message(cast, searches) -> None:
    elsewhere = Search.objects.create(
        workspace=cast.other_workspace, name="X", role=Role.TOPIC, terms="x"
    )
    page = _client("nina").get(URL, {"days": "365", "search": elsewhere.pk, "network": "?"})
    assert page.status_code == 200
    assert "errorlist" in page.content.decode()
