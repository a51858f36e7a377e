"""Private replies: the one private message Facebook and Instagram let a brand send the author
of a public comment, as an inbox action beside "Answer"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone, translation

from palabre.channels import connectors
from palabre.inbox import services
from palabre.inbox.models import EventAction, Interaction, ModerationEvent, Reply, ReplyStatus
from palabre.inbox.tests.helpers import comment, ingested, poll, private_message, published
from palabre.networks.base import PublishedPost, RateLimited, Rejected
from palabre.networks.demo.meta import DemoFacebookConnector
from palabre.networks.demo.models import DemoPost
from palabre.networks.registry import CONNECTORS

pytestmark = pytest.mark.django_db


def _facebook_comment(cast, text: str = "Dommage, toujours en semaine…") -> Interaction:
    target = published(cast.workspace, cast.alice, network="facebook", connector="demo_facebook")
    activity = comment(target, text, handle="@sophie", name="Sophie Lefèvre")
    poll(target.channel)
    return ingested(activity)


def _messages_to(interaction: Interaction) -> list[DemoPost]:
    """The private messages the demo network holds for the comment."""
    return list(
        DemoPost.objects.filter(
            channel=interaction.channel, in_reply_to=interaction.remote_id, visibility="direct"
        )
    )


def _send(reply: Reply) -> None:
    services.reply_send(Reply.objects.get(pk=reply.pk))


def test_a_comment_is_answered_privately_once_and_logged(cast) -> None:
    interaction = _facebook_comment(cast)
    reply = services.interaction_private_reply(
        interaction=interaction, actor=cast.bob, text="On vous écrit en privé ?"
    )
    assert reply.private and reply.status == ReplyStatus.QUEUED
    _send(reply)
    reply.refresh_from_db()
    [message] = _messages_to(interaction)
    assert (reply.status, reply.remote_id) == (ReplyStatus.SENT, message.remote_id)
    assert message.text == "On vous écrit en privé ?"
    interaction.refresh_from_db()
    assert interaction.answered_at is not None and interaction.replies_sent == 1
    [event] = ModerationEvent.objects.filter(interaction=interaction)
    assert (event.action, event.actor) == (EventAction.PRIVATE_REPLY, cast.bob)
    assert event.network_status == "" and event.next_attempt_at is None  # nothing to carry
    # The log says who answered, not the model's version and score (no moderation here).
    client = Client()
    client.force_login(cast.bob)
    row = (
        client.get("/w/lumiere/inbox/log/").content.decode().split('data-action="private_reply"')[1]
    )
    row = row.split("</tr>")[0]
    assert event.model_version and "<code>" not in row and "Bob" in row
    with pytest.raises(services.InboxRefused):
        services.interaction_private_reply(interaction=interaction, actor=cast.bob, text="Encore")
    assert Reply.objects.filter(interaction=interaction).count() == 1


def test_the_database_keeps_one_private_reply_per_comment(cast) -> None:
    # Two people clicking at once: the constraint holds where the service's check raced.
    interaction = _facebook_comment(cast)
    Reply.objects.create(interaction=interaction, text="a", private=True)
    with pytest.raises(IntegrityError):
        Reply.objects.create(interaction=interaction, text="b", private=True)


def test_a_failed_private_reply_leaves_room_and_the_network_refuses_a_second(cast) -> None:
    interaction = _facebook_comment(cast)
    first = services.interaction_private_reply(interaction=interaction, actor=cast.bob, text="1")
    _send(first)
    # Palabre lost track of it (marked failed for a person), the person tries again: the
    # network, which takes one per comment, refuses the second; nothing is sent twice.
    Reply.objects.filter(pk=first.pk).update(status=ReplyStatus.FAILED)
    second = services.interaction_private_reply(interaction=interaction, actor=cast.bob, text="2")
    _send(second)
    second.refresh_from_db()
    assert second.status == ReplyStatus.FAILED and "already replied" in second.error
    assert len(_messages_to(interaction)) == 1


def test_no_private_reply_where_the_network_has_none_or_to_what_is_not_a_comment(cast) -> None:
    # The generic demo network declares no private reply; a mention and a private message
    # are no public comment to answer privately.
    target = published(cast.workspace, cast.alice, network="bluesky", connector="demo")
    plain = comment(target, "Bonjour")
    poll(target.channel)
    facebook = published(cast.workspace, cast.alice, network="facebook", connector="demo_facebook")
    mention = comment(facebook, "@lumiere bravo", kind="mention")
    message = private_message(facebook.channel, "En privé")
    poll(facebook.channel)
    for activity in (plain, mention, message):
        interaction = ingested(activity)
        assert not services.private_reply_offered(interaction)
        with pytest.raises(services.InboxRefused):
            services.interaction_private_reply(interaction=interaction, actor=cast.bob, text="x")
    assert not Reply.objects.exists()


def test_a_private_reply_needs_text_and_a_comment_of_the_last_7_days(cast) -> None:
    interaction = _facebook_comment(cast)
    with pytest.raises(services.InboxRefused):
        services.interaction_private_reply(interaction=interaction, actor=cast.bob, text="  ")
    Interaction.objects.filter(pk=interaction.pk).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    interaction.refresh_from_db()
    with translation.override("en"), pytest.raises(services.InboxRefused, match="7 days"):
        services.interaction_private_reply(interaction=interaction, actor=cast.bob, text="x")
    assert not Reply.objects.exists()


class Forgetful(DemoFacebookConnector):
    """Facebook as it is: no idempotency key, so a resent message is a second message."""

    key = "forgetful_fb"
    calls = 0
    refuse: Exception | None = None

    @property
    def idempotent(self) -> bool:
        return False

    def private_reply(self, *, to_remote_id: str, text: str, idempotency_key: str) -> PublishedPost:
        Forgetful.calls += 1
        if Forgetful.refuse is not None:
            raise Forgetful.refuse
        return super().private_reply(
            to_remote_id=to_remote_id, text=text, idempotency_key=idempotency_key
        )


@pytest.fixture
def forgetful(cast, monkeypatch):
    monkeypatch.setitem(CONNECTORS, Forgetful.key, f"{__name__}.Forgetful")
    Forgetful.calls, Forgetful.refuse = 0, None
    target = published(cast.workspace, cast.alice, network="facebook", connector="demo_facebook")
    activity = comment(target, "Une question", handle="@nadia")
    poll(target.channel)
    target.channel.connector = Forgetful.key
    target.channel.save(update_fields=["connector"])
    connectors.forget_all()  # the worker's connector was made for the other key
    return ingested(activity)


def test_an_interrupted_private_reply_goes_to_a_person_not_out_again(cast, forgetful) -> None:
    reply = services.interaction_private_reply(interaction=forgetful, actor=cast.bob, text="x")
    # The worker died after the request left: the message cannot be looked for.
    Reply.objects.filter(pk=reply.pk).update(attempted_at=timezone.now() - timedelta(minutes=5))
    with translation.override("en"):
        _send(reply)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.FAILED
    assert "check on the network" in reply.error and "cannot be looked for" in reply.error
    assert Forgetful.calls == 0 and not _messages_to(forgetful)


def test_a_rate_limited_private_reply_waits_then_goes_once(cast, forgetful) -> None:
    from palabre.worker.jobs import RetryAt

    reply = services.interaction_private_reply(interaction=forgetful, actor=cast.bob, text="x")
    Forgetful.refuse = RateLimited("slow down", retry_after=30)
    with pytest.raises(RetryAt):
        _send(reply)
    reply.refresh_from_db()
    # Refused, so nothing went out: no person is asked, the retry simply sends it.
    assert reply.attempted_at is None and reply.status == ReplyStatus.QUEUED
    Forgetful.refuse = None
    _send(reply)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT and Forgetful.calls == 2
    assert len(_messages_to(forgetful)) == 1


def test_a_refused_private_reply_fails_with_the_networks_words(cast, forgetful) -> None:
    reply = services.interaction_private_reply(interaction=forgetful, actor=cast.bob, text="x")
    Forgetful.refuse = Rejected("(#10903) This activity can't be replied to")
    _send(reply)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.FAILED and "#10903" in reply.error


def test_an_interrupted_send_is_resumed_where_the_network_takes_the_same_key(cast) -> None:
    interaction = _facebook_comment(cast)  # the demo network keeps each key once
    reply = services.interaction_private_reply(interaction=interaction, actor=cast.bob, text="x")
    _send(reply)
    Reply.objects.filter(pk=reply.pk).update(
        status=ReplyStatus.QUEUED, remote_id="", attempted_at=timezone.now()
    )
    _send(reply)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT and len(_messages_to(interaction)) == 1


# --- The page -------------------------------------------------------------------------------


def _page(client: Client, interaction: Interaction) -> str:
    return client.get(f"/w/lumiere/inbox/{interaction.pk}/").content.decode()


def _post(client: Client, interaction: Interaction, text: str = "Bonjour en privé") -> object:
    return client.post(
        f"/w/lumiere/inbox/{interaction.pk}/private-reply/", {"private-text": text}, follow=True
    )


def test_the_page_offers_reply_privately_beside_answer(cast, bob: Client) -> None:
    interaction = _facebook_comment(cast)
    page = _page(bob, interaction)
    assert f"/inbox/{interaction.pk}/private-reply/" in page and 'name="private-text"' in page
    assert f"/inbox/{interaction.pk}/reply/" in page  # "Answer" is still there
    response = _post(bob, interaction)
    assert response.status_code == 200
    reply = Reply.objects.get(interaction=interaction)
    assert reply.private and reply.author == cast.bob
    page = _page(bob, interaction)
    assert "data-private-reply-taken" in page and 'name="private-text"' not in page
    assert "Bonjour en privé" in page  # in the thread, as a private message


def test_a_second_private_reply_from_the_page_is_refused_and_the_text_kept(
    cast, bob: Client
) -> None:
    interaction = _facebook_comment(cast)
    _post(bob, interaction, "Premier")
    page = _post(bob, interaction, "Deuxième").content.decode()
    assert "Deuxième" in page  # what the person typed is shown again, with why
    assert 'class="errorlist nonfield"' in page
    assert Reply.objects.filter(interaction=interaction).count() == 1


def test_an_empty_or_overlong_private_reply_is_refused_without_a_500(cast, bob: Client) -> None:
    interaction = _facebook_comment(cast)
    for text in ("", "x" * 2001, "a\x00b"):
        response = _post(bob, interaction, text)
        assert response.status_code in (200, 400)
    assert not Reply.objects.exists()


def test_a_comment_older_than_7_days_says_so_instead_of_a_form(cast, bob: Client) -> None:
    interaction = _facebook_comment(cast)
    Interaction.objects.filter(pk=interaction.pk).update(
        created_at=timezone.now() - timedelta(days=7, minutes=1)
    )
    page = _page(bob, interaction)
    assert "data-private-reply-too-late" in page and 'name="private-text"' not in page
    page = _post(bob, interaction).content.decode()
    assert 'name="private-text"' in page  # refused with its reason, the text kept
    assert not Reply.objects.exists()


def test_no_private_reply_form_where_the_network_has_none(cast, bob: Client) -> None:
    target = published(cast.workspace, cast.alice, network="mastodon", connector="demo")
    activity = comment(target, "Bonjour")
    poll(target.channel)
    interaction = ingested(activity)
    assert "private-reply" not in _page(bob, interaction)
    _post(bob, interaction)
    assert not Reply.objects.exists()


def test_only_the_community_team_replies_privately_and_only_in_its_workspace(cast) -> None:
    interaction = _facebook_comment(cast)
    editor, outsider = Client(), Client()
    editor.force_login(cast.erin)  # sees the inbox, does not answer
    outsider.force_login(cast.charlie)  # another workspace's owner
    assert "private-reply" not in _page(editor, interaction)
    assert _post(editor, interaction).status_code == 403
    assert _post(outsider, interaction).status_code == 404
    assert Client().post(f"/w/lumiere/inbox/{interaction.pk}/private-reply/").url == "/login/"
    assert not Reply.objects.exists()


def test_the_address_answers_post_only(cast, bob: Client) -> None:
    interaction = _facebook_comment(cast)
    assert bob.get(f"/w/lumiere/inbox/{interaction.pk}/private-reply/").status_code == 405
