"""The new composer page saved twice (the browser's Back, then Save; a double click) saves
one post, and what was typed after Back is never lost."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from palabre.channels.services import channel_create_demo
from palabre.publishing import services
from palabre.publishing.models import Post


@pytest.fixture
def erin(client: Client, cast) -> Client:
    client.force_login(cast.erin)
    channel_create_demo(workspace=cast.workspace, network="mastodon", name="Mastodon")
    return client


def _key(client: Client) -> str:
    page = client.get("/w/lumiere/compose/").content.decode()
    return re.search(r'name="post-key" value="([^"]+)"', page).group(1)


def _save(client: Client, key: str, idea: str, **more: str):
    data = {
        "post-idea": idea,
        "post-category": "helpful",
        "post-networks": ["mastodon"],
        "post-version": "0",
        "post-key": key,
        "mastodon-text": "",
        "action": "save",
    }
    return client.post("/w/lumiere/compose/", data | more)


def test_each_new_page_has_a_key_of_its_own(erin: Client) -> None:
    assert _key(erin) != _key(erin)


def test_saved_again_after_back_the_same_post_takes_what_was_typed_since(erin: Client) -> None:
    key = _key(erin)
    first = _save(erin, key, "Pain aux figues samedi")
    post = Post.objects.get()
    again = _save(erin, key, "Pain aux figues samedi et dimanche")
    assert first.url == again.url == f"/w/lumiere/posts/{post.pk}/"
    post = Post.objects.get()  # still one
    assert post.idea == "Pain aux figues samedi et dimanche"
    assert post.variants.get().text == "Pain aux figues samedi et dimanche"
    assert "Enregistrée de nouveau" in erin.get(again.url).content.decode()


def test_a_post_changed_since_is_not_saved_over_and_the_text_is_kept(erin: Client) -> None:
    key = _key(erin)
    _save(erin, key, "Pain aux figues samedi")
    post = Post.objects.get()
    services.post_update(
        post=post,
        idea="Changé ailleurs",
        category="helpful",
        networks=["mastodon"],
        variants={},
        seen_version=post.version,
    )
    answer = _save(erin, key, "Typed after Back")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert Post.objects.get().idea == "Changé ailleurs"  # theirs kept, nothing new saved
    assert "Typed after Back" in page and "Changé ailleurs" in page
    assert f'href="/w/lumiere/posts/{post.pk}/"' in page
    assert "cette page a déjà enregistré une publication" in page
    # The page offers its own key now: saved again, the text is a post of its own.
    new_key = re.search(r'name="post-key" value="([^"]+)"', page).group(1)
    assert new_key != key
    _save(erin, new_key, "Typed after Back")
    assert sorted(Post.objects.values_list("idea", flat=True)) == [
        "Changé ailleurs",
        "Typed after Back",
    ]


def test_someone_elses_key_saves_nothing_over_their_post(erin: Client, cast) -> None:
    key = _key(erin)
    _save(erin, key, "Le post d’Erin")
    other = Client()
    other.force_login(cast.bob)
    answer = _save(other, key, "Bob's text")
    assert answer.status_code == 200 and "Bob&#x27;s text" in answer.content.decode()
    assert list(Post.objects.values_list("idea", flat=True)) == ["Le post d’Erin"]


@pytest.mark.parametrize("key", ["", "short", "x" * 200, "<script>aaaaaaaaaaaaaa>", "é" * 22])
def test_a_missing_or_mangled_key_makes_a_new_post_each_time(erin: Client, key: str) -> None:
    assert _save(erin, key, "Un").status_code == 302
    assert _save(erin, key, "Deux").status_code == 302
    assert Post.objects.count() == 2


def test_a_double_click_that_races_to_create_still_saves_one_post(
    erin: Client, cast, monkeypatch
) -> None:
    """The second save looked before the first one's post existed, then met its key."""
    key = _key(erin)
    _save(erin, key, "Premier clic")
    looked = services._post_of_key
    missed = []

    def first_look_misses(workspace, author, key):
        if not missed:
            missed.append(key)
            return None
        return looked(workspace, author, key)

    monkeypatch.setattr(services, "_post_of_key", first_look_misses)
    assert _save(erin, key, "Second clic").status_code == 302
    assert missed and list(Post.objects.values_list("idea", flat=True)) == ["Second clic"]
