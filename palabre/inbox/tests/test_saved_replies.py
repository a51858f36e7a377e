"""Saved replies and Thank: what the brand says in its own voice, and who edits it."""

from __future__ import annotations

import threading

import pytest
from django.test import Client

from palabre.inbox.models import Interaction, ModerationRule, Reply, SavedReply
from palabre.inbox.tests.helpers import comment, ingested, poll, published
from palabre.worker import loop


@pytest.fixture
def target(cast):
    return published(cast.workspace, cast.bob)


def _thanked(cast, bob: Client, target, name: str, template: str = "Merci {first_name} !") -> str:
    SavedReply.objects.create(
        workspace=cast.workspace, title="Merci", lang="fr", text=template, for_thanks=True
    )
    praise = comment(target, "Merci, le meilleur pain du quartier !", name=name)
    poll(target.channel)
    bob.post(f"/w/lumiere/inbox/{ingested(praise).pk}/thank/")
    loop.run(stop=threading.Event(), until_idle=True)
    return Reply.objects.get().text


def test_observation_15_a_saved_reply_with_a_format_spec_is_refused_and_never_run(
    cast, bob, target
) -> None:
    """Observation 15 (saved replies): fields only; a stored format spec renders as text."""
    response = bob.post(
        "/w/lumiere/inbox/replies/",
        {"title": "Long", "lang": "fr", "text": "Bonjour {first_name:>30000000} !"},
    )
    assert response.status_code == 200
    assert "peuvent être remplis" in response.content.decode()  # what works, and why not
    assert not SavedReply.objects.exists()
    # A row stored before the rule: the conversation page stays small.
    SavedReply.objects.create(
        workspace=cast.workspace, title="Long", lang="fr", text="Bonjour {first_name:>2000000} !"
    )
    comment(target, "Vous livrez ?")
    poll(target.channel)
    item = Interaction.objects.get(kind="comment")
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/")
    assert page.status_code == 200
    assert len(page.content) < 200_000


@pytest.mark.parametrize(
    ("display_name", "template", "expected"),
    [
        ("Léa https://evil.example/promo", "Merci {name} !", "Merci Léa !"),
        ("www.evil.example Léa", "Merci {first_name} !", "Merci Léa !"),
        ("@spammer Léa", "Merci {first_name} !", "Merci Léa !"),
        ("<b>Léa</b> <script>x</script>", "Merci {name} !", "Merci Léa x !"),
        ("evil.example", "Merci {first_name} !", "Merci !"),
        ("ＥＶＩＬ．ＣＯＭ Léa #promo 0612345678 🍞", "Thanks {first_name}!", "Thanks Léa!"),
        ("Jean-Pierre O’Neil", "Merci {name}, {handle} !", "Merci Jean-Pierre O’Neil, @claire !"),
    ],
)
def test_observation_15_thank_never_writes_links_handles_or_markup_from_a_name(
    cast, bob, target, display_name: str, template: str, expected: str
) -> None:
    """Observation 15 (Thank): the commenter's display name is sanitised in the brand's voice."""
    assert _thanked(cast, bob, target, display_name, template) == expected


@pytest.mark.parametrize(
    "text",
    ["{first_name!r}", "{name.__class__}", "{handle[0]}", "{0}", "{}", "{prénom}", "{name:x}"],
)
def test_a_saved_reply_takes_the_three_fields_only(cast, bob, text: str) -> None:
    response = bob.post(
        "/w/lumiere/inbox/replies/", {"title": "T", "lang": "fr", "text": f"Bonjour {text}"}
    )
    assert response.status_code == 200 and not SavedReply.objects.exists()


def test_a_saved_reply_is_bounded_and_a_good_one_is_saved(cast, bob) -> None:
    form = {"title": "T", "lang": "fr"}
    assert bob.post("/w/lumiere/inbox/replies/", {**form, "text": "x" * 1001}).status_code == 200
    assert not SavedReply.objects.exists()
    good = "Bonjour {first_name} ({name}, {handle}) :-}"
    assert bob.post("/w/lumiere/inbox/replies/", {**form, "text": good}).status_code == 302
    assert SavedReply.objects.get().text == good


STALE = "Someone else saved this since you opened it"


def _english(cast, client: Client, who: str) -> Client:
    user = cast.users[who]
    user.language = "en"
    user.save()
    client.force_login(user)
    return client


def test_observation_8_a_stale_rule_save_is_refused_and_both_versions_shown(cast) -> None:
    """Observation 8 (rules): two people edit one rule; the second save is refused, kept."""
    rule = ModerationRule.objects.create(workspace=cast.workspace, name="Spam", action="review")
    alice, bob = _english(cast, Client(), "alice"), _english(cast, Client(), "bob")
    url = f"/w/lumiere/inbox/rules/{rule.pk}/"
    form = {"action": "review", "enabled": "on", "version": "0"}
    assert alice.post(url, {**form, "name": "Spam, by Alice"}).status_code == 302
    response = bob.post(url, {**form, "name": "Spam, by Bob", "keywords": "promo"})
    page = response.content.decode()
    assert response.status_code == 200 and STALE in page
    assert 'value="Spam, by Bob"' in page and 'value="promo"' in page  # Bob's input kept
    assert "Spam, by Alice" in page  # what Alice saved, shown
    rule.refresh_from_db()
    assert rule.name == "Spam, by Alice" and rule.keywords == ""
    # Bob saves again from the page he was shown: it is now based on Alice's version.
    again = bob.post(url, {**form, "name": "Spam, by Bob", "version": "1"})
    assert again.status_code == 302
    rule.refresh_from_db()
    assert rule.name == "Spam, by Bob"


def test_observation_8_a_stale_saved_reply_save_is_refused_and_both_versions_shown(cast) -> None:
    """Observation 8 (saved replies): the second of two saves on one version is refused."""
    saved = SavedReply.objects.create(
        workspace=cast.workspace, title="Horaires", lang="fr", text="De 7 h à 19 h."
    )
    alice, bob = _english(cast, Client(), "alice"), _english(cast, Client(), "bob")
    url = f"/w/lumiere/inbox/replies/{saved.pk}/"
    form = {"title": "Horaires", "lang": "fr", "version": "0"}
    assert alice.post(url, {**form, "text": "De 8 h à 19 h."}).status_code == 302
    response = bob.post(url, {**form, "text": "Fermé le lundi."})
    page = response.content.decode()
    assert response.status_code == 200 and STALE in page
    assert "Fermé le lundi." in page and "De 8 h à 19 h." in page
    saved.refresh_from_db()
    assert saved.text == "De 8 h à 19 h."


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999999999999999", "5"])
def test_an_edit_based_on_no_or_a_wrong_version_is_shown_again_not_saved(
    cast, version: str
) -> None:
    saved = SavedReply.objects.create(
        workspace=cast.workspace, title="Horaires", lang="fr", text="De 7 h à 19 h."
    )
    bob = _english(cast, Client(), "bob")
    form = {"title": "Horaires", "lang": "fr", "text": "Fermé le lundi.", "version": version}
    response = bob.post(f"/w/lumiere/inbox/replies/{saved.pk}/", form)
    assert response.status_code == 200 and STALE in response.content.decode()
    saved.refresh_from_db()
    assert saved.text == "De 7 h à 19 h." and saved.version == 0


def test_the_edit_form_carries_its_version_and_a_new_rule_starts_at_zero(cast, bob) -> None:
    rule = ModerationRule.objects.create(
        workspace=cast.workspace, name="Spam", action="review", version=3
    )
    page = bob.get(f"/w/lumiere/inbox/rules/{rule.pk}/").content.decode()
    assert 'name="version" value="3"' in page
    bob.post("/w/lumiere/inbox/rules/", {"name": "Neuf", "action": "review", "enabled": "on"})
    assert ModerationRule.objects.get(name="Neuf").version == 0
