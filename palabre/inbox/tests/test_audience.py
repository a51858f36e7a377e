"""Who can read what was written, who will read the answer, and private conversations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from palabre.inbox.audience import answer_choices, incoming_visibility
from palabre.inbox.models import Interaction, Reply
from palabre.inbox.services import InboxRefused, interaction_reply, reply_send
from palabre.inbox.tests.helpers import (
    comment,
    ingested,
    poll,
    private_message,
    published,
    run_worker,
)
from palabre.networks.base import Visibility
from palabre.networks.demo.connector import DemoConnector
from palabre.networks.demo.models import DemoActivity, DemoPost


@pytest.fixture
def bob(bob: Client, cast) -> Client:
    """The conftest's manager, reading English."""
    cast.bob.language = "en"
    cast.bob.save()
    return bob


@pytest.fixture
def target(cast):
    return published(cast.workspace, cast.bob, connector="demo_mastodon")


def _arrived(activity: DemoActivity) -> Interaction:
    """Polled into the inbox, as the worker would."""
    poll(activity.channel)
    return ingested(activity)


def _sent_post(reply: Reply) -> DemoPost:
    reply.refresh_from_db()
    assert reply.status == "sent", reply.error
    return DemoPost.objects.get(pk=int(reply.remote_id.removeprefix("post:")))


def test_ingest_keeps_who_can_read_each_item(target) -> None:
    quiet = comment(target, "Un avis discret", handle="@a")
    quiet.visibility = "unlisted"
    quiet.save()
    friends = comment(target, "Pour mes abonnés", handle="@b")
    friends.visibility = "followers"
    friends.save()
    public = comment(target, "Pour tout le monde", handle="@c")
    private = private_message(target.channel, "Rien que pour vous", handle="@d")
    poll(target.channel)
    stored = {a.text: ingested(a).visibility for a in (quiet, friends, public, private)}
    assert stored == {
        "Un avis discret": "unlisted",
        "Pour mes abonnés": "followers",
        "Pour tout le monde": "public",
        "Rien que pour vous": "direct",
    }


def test_a_message_is_private_whatever_its_network_says_and_an_unknown_audience_is_narrowest() -> (
    None
):
    assert incoming_visibility("message", "public") is Visibility.DIRECT
    assert incoming_visibility("comment", "public") is Visibility.PUBLIC
    assert incoming_visibility("comment", "circle") is Visibility.DIRECT
    assert incoming_visibility("comment", "followers") is Visibility.FOLLOWERS


def test_a_private_message_waits_for_an_answer_unless_it_is_spam(target) -> None:
    thanks = private_message(target.channel, "Merci beaucoup, votre pain est délicieux !")
    spam = private_message(
        target.channel,
        "Gagnez 500 € par jour !!! Cliquez sur le lien dans ma bio 💰💰💰 https://example.com/x",
        handle="@promo4u",
    )
    public_thanks = comment(target, "Merci beaucoup, votre pain est délicieux !", handle="@e")
    poll(target.channel)
    thanks_row, spam_row = ingested(thanks), ingested(spam)
    assert thanks_row.category == "praise" and thanks_row.needs_answer
    assert spam_row.category == "spam" and not spam_row.needs_answer
    assert not ingested(public_thanks).needs_answer  # praise in public is thanked, not queued


def test_private_messages_show_in_the_queues_and_the_filters(bob, target) -> None:
    private_message(target.channel, "Pouvez-vous me rappeler ?")
    poll(target.channel)
    channel = target.channel.pk
    for query in ["", "?q=all", f"?q=all&channel={channel}", "?q=answer&text=rappeler"]:
        page = bob.get(f"/w/lumiere/inbox/{query}").content.decode()
        assert "Pouvez-vous me rappeler ?" in page, query
        assert "Private message" in page, query


def test_the_reply_box_of_a_public_comment_offers_every_narrower_audience(bob, target) -> None:
    item = _arrived(comment(target, "Vous êtes ouverts lundi ?", handle="@claire"))
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    assert "Everyone can read it." in page
    assert "Who will see your answer" in page
    sentences = [
        "Everyone will see this answer.",
        "Everyone who opens the thread will see this answer; it stays off the public timelines.",
        "Only your followers and @claire will see this answer.",
        "Only @claire will see this answer.",
    ]
    positions = [page.index(s) for s in sentences]
    assert positions == sorted(positions)
    assert 'name="visibility" value="public" checked' in page


def test_a_followers_only_comment_cannot_be_answered_to_everyone(bob, target) -> None:
    activity = comment(target, "Pour mes abonnés seulement", handle="@claire")
    activity.visibility = "followers"
    activity.save()
    item = _arrived(activity)
    assert answer_choices(item) == [Visibility.FOLLOWERS, Visibility.DIRECT]
    response = bob.post(
        f"/w/lumiere/inbox/{item.pk}/reply/", {"text": "Bonjour", "visibility": "public"}
    )
    page = response.content.decode()
    assert "“Followers only” is the widest audience it can have." in page
    # Shown again with the widest allowed audience picked, never the refused one.
    assert 'name="visibility" value="followers" checked' in page
    assert 'value="public"' not in page
    assert not Reply.objects.exists()


def test_a_private_message_is_shown_as_a_conversation_and_answered_privately(
    cast, bob, target
) -> None:
    now = timezone.now()
    first = private_message(
        target.channel, "Bonjour, une question privée.", at=now - timedelta(hours=3)
    )
    poll(target.channel)
    answer = interaction_reply(
        interaction=ingested(first), actor=cast.bob, text="Bonjour Claire, bien sûr."
    )
    reply_send(answer)
    answer.refresh_from_db()
    Reply.objects.filter(pk=answer.pk).update(sent_at=now - timedelta(hours=2))
    again = private_message(
        target.channel,
        "Merci ! Et le dimanche ?",
        at=now - timedelta(hours=1),
        in_reply_to=answer.remote_id,
    )
    poll(target.channel)
    item = ingested(again)
    page = bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    assert "Private conversation with Claire Martin" in page
    order = [
        page.index("Bonjour, une question privée."),
        page.index("Bonjour Claire, bien sûr."),
        page.index("Merci ! Et le dimanche ?"),
    ]
    assert order == sorted(order)
    assert "Only @claire will see this answer." in page
    assert 'name="visibility"' not in page  # nothing narrower than private to choose
    assert "Answer privately" in page

    response = bob.post(f"/w/lumiere/inbox/{item.pk}/reply/", {"text": "Fermé le dimanche."})
    assert response.status_code == 302
    assert "Your private answer is on its way." in bob.get(response.url).content.decode()
    reply = Reply.objects.get(text="Fermé le dimanche.")
    assert reply.visibility == ""  # the same audience as what it answers
    run_worker()
    assert _sent_post(reply).visibility == "direct"
    assert _sent_post(answer).visibility == "direct"


def test_a_narrower_audience_chosen_by_the_person_reaches_the_network(bob, target) -> None:
    item = _arrived(comment(target, "Ma commande est perdue", handle="@claire"))
    bob.post(
        f"/w/lumiere/inbox/{item.pk}/reply/",
        {"text": "Écrivez-nous, on regarde.", "visibility": "direct"},
    )
    reply = Reply.objects.get()
    assert reply.visibility == "direct"
    run_worker()
    assert _sent_post(reply).visibility == "direct"


def test_choosing_the_same_audience_keeps_it_as_the_answered_ones(bob, target) -> None:
    item = _arrived(comment(target, "Ouvert ?", handle="@claire"))
    bob.post(f"/w/lumiere/inbox/{item.pk}/reply/", {"text": "Oui.", "visibility": "public"})
    assert Reply.objects.get().visibility == ""


def test_a_wider_audience_than_what_it_answers_is_refused_plainly(bob, target) -> None:
    item = _arrived(private_message(target.channel, "Une question privée"))
    response = bob.post(
        f"/w/lumiere/inbox/{item.pk}/reply/", {"text": "À tout le monde !", "visibility": "public"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "An answer cannot reach more people than what it answers" in page
    assert "“Private message” is the widest audience it can have." in page
    assert "À tout le monde !" in page  # what the person wrote is kept
    assert not Reply.objects.exists()


def test_the_refusal_is_said_in_french_too(cast, client: Client, target) -> None:
    client.login(email="bob@example.com", password="correct horse battery")
    item = _arrived(private_message(target.channel, "Une question privée"))
    response = client.post(
        f"/w/lumiere/inbox/{item.pk}/reply/", {"text": "Bonjour", "visibility": "unlisted"}
    )
    assert "Une réponse ne peut pas toucher plus de monde" in response.content.decode()
    page = client.get(f"/w/lumiere/inbox/{item.pk}/").content.decode()
    assert "Seul·e @claire verra cette réponse." in page


@pytest.mark.parametrize("value", ["everyone", "x" * 300, "direct\x00"])
def test_an_unknown_audience_is_refused_without_an_error(bob, target, value: str) -> None:
    item = _arrived(comment(target, "Ouvert ?"))
    response = bob.post(f"/w/lumiere/inbox/{item.pk}/reply/", {"text": "Oui", "visibility": value})
    assert response.status_code == 200
    assert not Reply.objects.exists()


def test_an_audience_the_network_cannot_address_is_refused(monkeypatch, cast, target) -> None:
    monkeypatch.setattr(DemoConnector, "visibilities", (Visibility.PUBLIC, Visibility.DIRECT))
    item = _arrived(comment(target, "Ouvert ?"))
    item = Interaction.objects.select_related("channel").get(pk=item.pk)
    assert answer_choices(item) == [Visibility.PUBLIC, Visibility.DIRECT]
    with pytest.raises(InboxRefused, match="ne permet pas d’adresser"):
        interaction_reply(interaction=item, actor=cast.bob, text="Oui", visibility="followers")
    reply = interaction_reply(interaction=item, actor=cast.bob, text="Oui", visibility="direct")
    assert reply.visibility == "direct"


# --- Review of issue 15 (r1) ---------------------------------------------------------------


class _ServerOmittingVisibility:
    """A Mastodon-compatible server whose status view leaves `visibility` out (or a field
    renamed, or a proxy's cut answer): the only thing Palabre then knows of the answered
    message's audience is what it stored at ingest."""

    def __init__(self) -> None:
        self.posted: list[dict] = []

    def status(self, status_id: str) -> dict:
        claire = {"id": "7", "username": "claire", "acct": "claire@framapiaf.org"}
        return {"id": status_id, "account": claire, "mentions": []}

    def account_verify_credentials(self) -> dict:
        return {"id": "1"}

    def status_post(self, text: str, **options) -> dict:
        self.posted.append({"text": text, **options})
        return {"id": "99", "url": "https://piaille.fr/@lumiere/99"}


def test_a_private_message_is_answered_privately_whatever_the_network_shows_now(
    cast, target, monkeypatch
) -> None:
    from palabre.channels.models import Channel
    from palabre.networks.mastodon.connector import MastodonConnector

    item = _arrived(private_message(target.channel, "Mon numéro de commande est 4411."))
    assert item.visibility == "direct"
    Channel.objects.filter(pk=target.channel_id).update(connector="mastodon")
    target.channel.refresh_from_db()
    target.channel.save_credentials({"instance": "https://piaille.fr", "access_token": "t"})
    fake = _ServerOmittingVisibility()
    monkeypatch.setattr(MastodonConnector, "api", lambda self: fake)
    reply = interaction_reply(interaction=ingested(item), actor=cast.bob, text="Remboursé.")
    reply_send(reply)
    assert [p["visibility"] for p in fake.posted] == ["direct"]


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("disabled", "Le canal est déconnecté : reconnectez-le d’abord."),
        ("needs_reconnect", "Le canal doit être reconnecté."),
    ],
)
def test_an_answer_left_for_a_channel_not_connected_fails_with_a_reason(
    cast, target, status: str, reason: str
) -> None:
    from palabre.channels.connectors import forget_all
    from palabre.channels.models import Channel, ChannelStatus
    from palabre.channels.services import channel_disconnect

    item = _arrived(private_message(target.channel, "Ma commande ?"))
    reply = interaction_reply(interaction=item, actor=cast.bob, text="Elle arrive.")
    Channel.objects.filter(pk=target.channel_id).update(connector="mastodon")
    target.channel.refresh_from_db()
    if status == ChannelStatus.DISABLED:
        channel_disconnect(channel=target.channel)
    else:
        Channel.objects.filter(pk=target.channel_id).update(status=status)
    forget_all()  # a cached demo connector stood for this channel before
    with translation.override("fr"):
        reply_send(Reply.objects.get(pk=reply.pk))  # no KeyError on forgotten credentials
    reply.refresh_from_db()
    assert (reply.status, reply.error) == ("failed", reason)


def test_a_hidden_comment_no_longer_says_everyone_reads_it(bob, cast, target, monkeypatch) -> None:
    """A hidden insult read "Public — Everyone can read it." (a walk through the demo)."""
    import html

    from palabre.inbox import moderation

    item = _arrived(comment(target, "Quelle arnaque, bande de voleurs", handle="@troll"))
    moderation.interaction_hide(interaction=item, actor=cast.bob, reason="insulte")
    page = html.unescape(bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode())
    assert not item.hides_on_network  # Mastodon hides no reply: Palabre alone does
    assert "Hidden in Palabre only; on the network: Everyone can read it." in page
    # Where the network hides it (Facebook, Instagram, Threads, X, Bluesky):
    monkeypatch.setattr(Interaction, "hides_on_network", property(lambda self: True))
    page = html.unescape(bob.get(f"/w/lumiere/inbox/{item.pk}/").content.decode())
    assert "Hidden on the network: its author still sees it" in page
    assert "Everyone can read it." not in page
