"""The new composer page saved twice (the browser's Back, then Save; a double click) saves
one post, and what was typed after Back is never lost."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from palabre.channels.services import channel_create_demo
from palabre.publishing import services
from palabre.publishing.models import Post, PostTarget


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
    page = erin.get("/w/lumiere/compose/").content.decode()
    key = re.search(r'name="post-key" value="([^"]+)"', page).group(1)
    assert f'data-served="{key}"' in page  # a fresh page: its script sets the key it keeps


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


def test_back_twice_and_saved_each_time_is_still_one_post(erin: Client) -> None:
    key = _key(erin)
    for idea in ("Premier jet", "Deuxième jet", "Troisième jet"):
        assert _save(erin, key, idea).status_code == 302, idea
    assert list(Post.objects.values_list("idea", flat=True)) == ["Troisième jet"]


def test_the_same_sending_twice_is_done_once(erin: Client) -> None:
    """A double click: the second sending finds the first one's post and does nothing."""
    key = _key(erin)
    first = _save(erin, key, "Pain aux figues", action="submit")
    post = Post.objects.get()
    assert post.status == "in_review"
    second = _save(erin, key, "Pain aux figues", action="submit")
    assert second.url == first.url
    assert Post.objects.get().version == post.version  # nothing saved the second time
    page = erin.get(second.url).content.decode()
    assert "envoyée deux fois" in page and "Impossible" not in page


def test_a_double_click_on_publish_now_publishes_once(client: Client, cast) -> None:
    client.force_login(cast.bob)  # a manager: may publish
    channel = channel_create_demo(workspace=cast.workspace, network="mastodon", name="M")
    key = _key(client)
    for _ in range(3):
        sent = _save(
            client, key, "Ouvert dimanche", action="publish", **{"mastodon-channels": channel.pk}
        )
        assert sent.status_code == 302
    post = Post.objects.get()
    assert PostTarget.objects.filter(variant__post=post).count() == 1


def test_a_post_sent_for_approval_since_is_not_changed_from_the_page(erin: Client) -> None:
    """Moved on (sent for approval, approved, scheduled, out): the page gone back to does
    not change it, keeps its key (sent again, still no second post) and the text typed."""
    key = _key(erin)
    _save(erin, key, "Pain aux figues", action="submit")
    answer = _save(erin, key, "Pain aux figues et aux noix")
    page = answer.content.decode()
    assert answer.status_code == 200 and "Pain aux figues et aux noix" in page
    assert "est maintenant « En validation »" in page.replace("\u00a0", " ")
    assert re.search(r'name="post-key" value="([^"]+)"', page).group(1) == key
    assert "data-served" not in page  # the page's script keeps the key it carries
    assert _save(erin, key, "Pain aux figues et aux noix").status_code == 200
    assert list(Post.objects.values_list("idea", flat=True)) == ["Pain aux figues"]


def test_a_key_with_a_nul_reads_as_none(erin: Client) -> None:
    assert _save(erin, "a" * 10 + "\x00" + "b" * 11, "Un").status_code == 302
    assert Post.objects.count() == 1


def test_a_page_refused_for_a_mistake_keeps_its_key(erin: Client) -> None:
    """Saved, Back, the idea emptied by mistake: refused, and the page keeps the key its
    first save used, so fixing it and saving does not make a second post."""
    key = _key(erin)
    _save(erin, key, "Pain aux figues")
    page = _save(erin, key, "").content.decode()
    assert re.search(r'name="post-key" value="([^"]+)"', page).group(1) == key
    assert "data-served" not in page
    _save(erin, key, "Pain aux figues, corrigé")
    assert list(Post.objects.values_list("idea", flat=True)) == ["Pain aux figues, corrigé"]
