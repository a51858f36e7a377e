"""The inbox in the reader's language: what someone did ("commentaire", never the stored
"comment"), and why the moderation log decided, Palabre's sentences and the classifier's
words alike, whichever language the worker was in when it logged them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from palabre.inbox.models import EventAction, Interaction, ModerationEvent
from palabre.inbox.templatetags.inbox import machine_words
from palabre.inbox.tests.helpers import comment, ingested, poll, published

THREAT = "Je vais te tuer."  # on the word list: hidden where the network can hide
RAW_REASONS = ("lexicon:", "word list", "default rules", "goes to review", "cannot hide")


@pytest.fixture
def threat(cast) -> Interaction:
    """Logged by a worker in French, on a network that cannot hide (as Mastodon)."""
    target = published(cast.workspace, cast.bob, connector="demo_mastodon")
    activity = comment(target, THREAT, handle="troll")
    with translation.override("fr"):
        poll(target.channel)
    return ingested(activity)


def _reader(client: Client, user, language: str) -> Client:
    user.language = language
    user.save()
    client.force_login(user)
    return client


def test_the_log_keeps_palabres_words_in_english_whatever_the_workers_language(threat) -> None:
    refused = ModerationEvent.objects.get(interaction=threat, action=EventAction.REFUSED)
    assert refused.rule_name == "default rules"
    assert refused.reason == (
        "lexicon: threat: Mastodon has no way to hide replies, so it goes to review"
    )


def test_a_french_log_shows_no_raw_reason(client: Client, cast, threat) -> None:
    page = _reader(client, cast.alice, "fr").get("/w/lumiere/inbox/log/").content.decode()
    assert not [raw for raw in RAW_REASONS if raw in page]
    assert "liste de mots : menace : Mastodon ne permet pas de masquer les réponses" in page
    assert "règles par défaut" in page


def test_an_english_log_shows_no_french_reason(client: Client, cast, threat) -> None:
    page = _reader(client, cast.bob, "en").get("/w/lumiere/inbox/log/").content.decode()
    assert "word list: threat: Mastodon has no way to hide replies, so it goes to review" in page
    assert "default rules" in page
    assert "règle" not in page and "masquer" not in page


@pytest.mark.parametrize("apostrophe", ["'", "’"])  # logged before 2026-12-06, and since
def test_reasons_logged_in_french_before_read_in_english(
    client: Client, cast, threat, apostrophe: str
) -> None:
    ModerationEvent.objects.filter(interaction=threat).update(
        rule_name="règles par défaut",
        reason="règle « Arnaques » : le masquage est impossible sur Page Facebook, "
        f"le message part donc à l{apostrophe}examen",
    )
    page = _reader(client, cast.bob, "en").get("/w/lumiere/inbox/log/").content.decode()
    assert "rule “Arnaques”: hiding is not possible on Facebook Page, so it goes to review" in page
    assert "règles par défaut" not in page and "default rules" in page


def test_a_conversations_history_says_it_in_the_readers_language(
    client: Client, cast, threat
) -> None:
    page = _reader(client, cast.alice, "fr").get(f"/w/lumiere/inbox/{threat.pk}/")
    text = page.content.decode()
    assert "liste de mots : menace" in text
    assert not [raw for raw in RAW_REASONS if raw in text]


def test_a_french_inbox_names_what_someone_did_in_french(client: Client, cast, threat) -> None:
    reader = _reader(client, cast.alice, "fr")
    for url in ("/w/lumiere/inbox/?q=all", f"/w/lumiere/inbox/{threat.pk}/"):
        page = reader.get(url).content.decode()
        assert "· commentaire" in page
        assert not re.search(r"· (comment|mention|quote)\b", page), url


def test_the_kinds_label_is_the_readers_word() -> None:
    item = Interaction(kind="quote")
    with translation.override("fr"):
        assert item.get_kind_display() == "citation"
    with translation.override("en"):
        assert item.get_kind_display() == "quote"


@pytest.mark.parametrize(
    "words",
    [
        "nobody asked you",  # "nobody" is a reason of its own only when it stands alone
        "I hid it: rule “mine” or not",
        "in Palabre only, as I said",
    ],
)
def test_a_persons_own_words_stay_as_written(words: str) -> None:
    for language in ("fr", "en"):
        with translation.override(language):
            assert machine_words(words) == words


def test_palabres_short_reasons_are_translated_when_they_stand_alone() -> None:
    with translation.override("fr"):
        assert machine_words("nobody") == "personne"
        assert machine_words("in Palabre only: Mastodon cannot hide replies · not abuse") == (
            "dans Palabre seulement : Mastodon ne permet pas de masquer les réponses · pas un abus"
        )


def test_an_empty_comments_reason_is_said_too() -> None:
    with translation.override("en"):
        assert machine_words("no text to read") == "no text to read"
    # Needs the catalogue merge of /work/round6/i18n_fr_sweep.py ("aucun texte à lire").
    with translation.override("fr"):
        assert machine_words("no text to read") == "aucun texte à lire"


@pytest.mark.parametrize("space", [" ", "\u00a0"])
def test_a_french_reason_is_recognised_whichever_space_it_was_logged_with(space: str) -> None:
    logged = f"dans Palabre seulement{space}: Mastodon ne permet pas de masquer les réponses"
    with translation.override("en"):
        assert machine_words(logged) == "in Palabre only: Mastodon cannot hide replies"
