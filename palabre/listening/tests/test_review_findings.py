"""What the reviews of Listening found, fixed: erasure leaves no copy, a Mastodon post is
read on its own server, a hostile link never reaches a page, a search cannot match every
post, a notice reaches only those who may open it, and the settings are the managers'."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.inbox.contacts import contact_erase
from palabre.inbox.models import LISTENED, Contact, Identity, Interaction
from palabre.listening import actions, services, spikes
from palabre.listening.definitions import DefinitionError, terms_read
from palabre.listening.models import Heard, ListeningSettings, Search, Spike
from palabre.listening.services import Found, author_erase, heard_purge, heard_store
from palabre.listening.upkeep import spikes_find
from palabre.networks.base import Author, PublicPost
from palabre.publishing.models import Notice

PASSWORD = "correct horse battery"  # noqa: S105 (the cast's, conftest.py)
BASE = "/w/lumiere/listening"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _in_english(request: pytest.FixtureRequest) -> Iterator[None]:
    """Messages are checked in English: the people's pages, the refusals and the notices."""
    if "cast" in request.fixturenames:
        for user in request.getfixturevalue("cast").users.values():
            user.language = "en"
            user.save(update_fields=["language"])
    with translation.override("en"):
        yield


def _as(name: str) -> Client:
    client = Client()
    assert client.login(email=f"{name}@example.com", password=PASSWORD)
    return client


def _heard(workspace, text: str, **fields) -> Heard:
    n = next(_ids)
    values = {
        "network": "bluesky",
        "remote_id": f"at://did:plc:claire/app.bsky.feed.post/{n}",
        "url": f"https://bsky.app/profile/claire.test/post/{n}",
        "author_id": "did:plc:claire",
        "author_handle": "claire.test",
        "text": text,
        "posted_at": timezone.now() - timedelta(hours=1),
        "via": "search",
    } | fields
    return Heard.objects.create(workspace=workspace, **values)


def _answered(cast, heard: Heard) -> Interaction:
    channel = channel_create_demo(workspace=cast.workspace, network=heard.network, name="L")
    actions.heard_reply(heard=heard, actor=cast.bob, channel=channel, text="Merci !")
    heard.refresh_from_db()
    assert heard.interaction is not None and heard.interaction.text == heard.text
    return heard.interaction


# --- Erasure and retention leave no copy --------------------------------------------------------


def test_an_authors_erasure_empties_the_answer_that_quoted_their_post(cast) -> None:
    carrier = _answered(cast, _heard(cast.workspace, "Mon secret à moi"))
    assert (
        author_erase(workspace=cast.workspace, handle="https://bsky.app/profile/claire.test") == 1
    )
    carrier.refresh_from_db()
    assert carrier.erased and "secret" not in carrier.text and carrier.kind == LISTENED


def test_the_retention_period_empties_the_answer_that_quoted_an_old_post(cast) -> None:
    old = _heard(cast.workspace, "Vieux texte", posted_at=timezone.now() - timedelta(days=100))
    carrier = _answered(cast, old)
    assert heard_purge(workspace=cast.workspace) == 1
    carrier.refresh_from_db()
    assert carrier.erased and "Vieux" not in carrier.text


def test_erasing_a_contact_deletes_what_listening_heard_from_them(cast) -> None:
    heard = _heard(cast.workspace, "Coucou")
    carrier = _answered(cast, heard)
    contact = Contact.objects.create(workspace=cast.workspace, name="Claire")
    Identity.objects.create(
        workspace=cast.workspace,
        contact=contact,
        network="bluesky",
        remote_id="did:plc:claire",
        handle="claire.test",
    )
    contact_erase(contact=contact)
    carrier.refresh_from_db()
    assert not Heard.objects.exists() and carrier.erased


@pytest.mark.parametrize(
    "typed",
    ["claire.test", "@Claire.Test", "https://bsky.app/profile/claire.test/post/3k"],
)
def test_an_erasure_request_reads_the_handles_people_give(cast, typed: str) -> None:
    _heard(cast.workspace, "Un")
    assert author_erase(workspace=cast.workspace, handle=typed) == 1


def test_a_mastodon_profile_link_names_its_server() -> None:
    assert services.handle_from("https://piaille.fr/@hugo") == "hugo@piaille.fr"
    assert services.handle_from("https://piaille.fr/@hugo@autre.example") == "hugo@autre.example"


# --- A Mastodon post belongs to its server ------------------------------------------------------


def _toot(n: int, text: str, author_id: str, handle: str) -> PublicPost:
    return PublicPost(
        remote_id=str(n),
        url=f"https://example/{n}",
        author=Author(remote_id=author_id, handle=handle),
        text=text,
        created_at=timezone.now() - timedelta(minutes=5),
    )


def _mastodon(cast, host: str) -> Channel:
    channel = Channel.objects.create(
        workspace=cast.workspace, network="mastodon", connector="mastodon", name=host
    )
    channel.save_credentials({"instance": f"https://{host}", "access_token": "t"})
    return channel


def test_the_same_status_id_on_two_servers_is_two_posts_answered_from_their_own(cast) -> None:
    search = Search.objects.create(workspace=cast.workspace, name="L", role="topic", terms="levain")
    a, b = _mastodon(cast, "a.example"), _mastodon(cast, "b.example")
    for channel, handle in ((a, "fan@a.example"), (b, "bob@b.example")):
        heard_store(
            workspace=cast.workspace,
            network="mastodon",
            source=services.heard_source(channel),
            found=[Found(_toot(110, "Du levain ?", "9", handle), (search.pk,))],
            via="search",
        )
    posts = Heard.objects.order_by("source")
    assert [(h.source, h.author_handle) for h in posts] == [
        ("a.example", "fan@a.example"),
        ("b.example", "bob@b.example"),
    ]
    assert [c.name for c in actions.reply_channels(posts[0])] == ["a.example"]
    # Erasing one person leaves the other, whose account has the same id on their server.
    assert author_erase(workspace=cast.workspace, handle="bob@b.example") == 1
    assert list(Heard.objects.values_list("author_handle", flat=True)) == ["fan@a.example"]


# --- Links, words, notices, settings ------------------------------------------------------------


def test_a_link_that_is_not_a_web_address_is_not_kept(cast) -> None:
    search = Search.objects.create(workspace=cast.workspace, name="L", role="topic", terms="levain")
    post = PublicPost(
        remote_id="at://x/1",
        url="javascript:alert(document.cookie)//",
        author=Author("did:plc:x", "x.test"),
        text="levain",
        created_at=timezone.now(),
    )
    heard_store(
        workspace=cast.workspace, network="bluesky", found=[Found(post, (search.pk,))], via="stream"
    )
    assert Heard.objects.get().url == ""
    assert services.web_address("HTTPS://bsky.app/x") == "HTTPS://bsky.app/x"


@pytest.mark.parametrize("typed", ["the", "de la", "a\nle\nI", "ok"])
def test_a_search_of_words_in_every_post_is_refused(typed: str) -> None:
    with pytest.raises(DefinitionError, match="almost every post"):
        terms_read(typed, required=True)
    assert terms_read(typed, required=False)  # an exclusion may be anything


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("-lyon", "without the minus sign"),
        ("levain -lyon", "without the minus sign"),
        ("levain OR brioche", "on its own line"),
    ],
)
def test_search_engine_habits_are_answered_in_words(typed: str, said: str) -> None:
    with pytest.raises(DefinitionError, match=said):
        terms_read(typed, required=True)


def test_a_post_is_sent_only_to_a_teammate_who_may_read_it(cast) -> None:
    heard = _heard(cast.workspace, "Lumière livre ?")
    response = _as("bob").post(f"{BASE}/{heard.pk}/send/", {"assignee": cast.carl.pk})
    assert response.status_code == 200  # the contributor is not offered
    assert not Notice.objects.exists()
    assert Heard.objects.get().assigned_to is None


def test_the_settings_are_the_managers(cast) -> None:
    data = {"retention_days": "365", "x_requests_per_day": "1000000"}
    assert _as("erin").post(BASE + "/settings/", data).status_code == 403
    assert ListeningSettings.objects.filter(retention_days=365).count() == 0
    assert _as("bob").post(BASE + "/settings/", data).status_code == 302


def test_the_trends_period_shown_is_the_one_read(cast) -> None:
    page = _as("bob").get(BASE + "/trends/").content.decode()
    assert '<option value="30" selected>' in page


def test_the_tag_filter_finds_the_tag_not_every_tagged_post(cast) -> None:
    _heard(cast.workspace, "Texte-un", tags=["Café"])
    _heard(cast.workspace, "Texte-deux", tags=["livraison"])
    bob = _as("bob")
    assert "Texte-un" in bob.get(BASE + "/?tag=café").content.decode()
    quoted = bob.get(BASE + '/?tag="').content.decode()
    assert "Texte-un" not in quoted and "Texte-deux" not in quoted


# --- A spike lasting hours is told once ---------------------------------------------------------


def test_a_spike_of_several_hours_is_told_once(cast) -> None:
    search = Search.objects.create(
        workspace=cast.workspace, name="L", role="brand", terms="lumiere"
    )
    Search.objects.filter(pk=search.pk).update(created_at=datetime(2026, 11, 1, tzinfo=UTC))
    morning = datetime(2026, 12, 3, 8, tzinfo=UTC)
    for day in range(1, 28):  # a quiet month: one post a day at 8:00
        at = morning - timedelta(days=day)
        _heard(cast.workspace, "lumiere", posted_at=at).searches.add(search)
    for hour in range(3):  # then 12 posts an hour for three hours
        for minute in range(12):
            at = morning + timedelta(hours=hour, minutes=minute)
            _heard(cast.workspace, "lumiere", posted_at=at).searches.add(search)
    settings = services.listening_settings(cast.workspace)
    settings.checked_hour = morning - timedelta(hours=1)
    settings.save(update_fields=["checked_hour"])
    spikes_find(workspace=cast.workspace, now=morning + timedelta(hours=4))
    assert Spike.objects.count() == 3
    assert all(s.threshold >= spikes.LEAST_COUNT for s in Spike.objects.all())
    told = Notice.objects.filter(user=cast.alice)
    assert told.count() == 1 and "a spike" in told.get().text


def test_each_post_shows_its_tone_as_the_trends_count_it(cast) -> None:
    _heard(cast.workspace, "Merci pour le levain", kind="praise")
    _heard(cast.workspace, "Trop cher", kind="criticism")
    _heard(cast.workspace, "Gagnez 500 €", kind="spam")
    page = _as("nina").get(BASE + "/").content.decode()
    assert page.count("positive tone") == 1 and page.count("negative tone") == 1
    assert "neutral tone" not in page  # spam is left out of the tone


def test_an_erasure_by_profile_link_is_counted_as_it_is_erased(cast) -> None:
    _heard(cast.workspace, "Un")
    asked = _as("bob").post(BASE + "/erase/", {"handle": "https://bsky.app/profile/claire.test"})
    assert "Delete the 1 post heard from" in asked.content.decode()
