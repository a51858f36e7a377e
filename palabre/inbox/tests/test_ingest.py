"""Ingestion, classification and the rules, on the demo network (all in the database)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from palabre.inbox.alerts import interaction_clock
from palabre.inbox.ingest import (
    FULL_PAGE,
    channel_sync_ensure,
    channel_sync_poll,
    interactions_ingest,
    poll_interval,
)
from palabre.inbox.models import (
    ChannelSync,
    Contact,
    EventAction,
    Identity,
    Interaction,
    ModerationEvent,
    ModerationRule,
    NetworkStatus,
    RuleAction,
)
from palabre.inbox.tests.helpers import comment, ingested, poll, published
from palabre.networks.base import (
    Author,
    Capability,
    IncomingInteraction,
    InteractionKind,
    InteractionPage,
)
from palabre.publishing.models import Notice
from palabre.worker import loop


@pytest.fixture
def target(cast):
    return published(cast.workspace, cast.bob)


def test_a_poll_stores_each_item_once_threaded_under_its_post(target) -> None:
    question = comment(target, "Vous êtes ouverts dimanche ?")
    poll(target.channel)
    poll(target.channel)  # nothing new: nothing doubled
    answer = comment(target, "Oui, jusqu'à midi je crois", in_reply_to=question.remote_id)
    poll(target.channel)
    first, second = ingested(question), ingested(answer)
    assert Interaction.objects.filter(kind="comment").count() == 2
    assert first.target == target and second.target == target
    assert second.parent == first
    sync = ChannelSync.objects.get(channel=target.channel)
    assert sync.cursor == str(answer.pk)


def test_the_same_page_twice_adds_nothing(target) -> None:
    item = IncomingInteraction(
        "act:999", InteractionKind.COMMENT, Author("u1", "@u1"), timezone.now(), "Salut"
    )
    assert interactions_ingest(channel=target.channel, items=[item, item], cursor="1") == 1
    assert interactions_ingest(channel=target.channel, items=[item], cursor="1") == 0


def test_a_poll_comes_back_at_once_for_new_items_only_not_for_repeats(target) -> None:
    """Fifty new items may have more behind them; fifty given again (a poll rereads its last
    minutes) are no reason to poll a busy account again and again."""
    likes = tuple(
        IncomingInteraction(
            f"like:{n}", InteractionKind.LIKE, Author(f"u{n}", f"@u{n}"), timezone.now(), ""
        )
        for n in range(FULL_PAGE)
    )
    connector = mock.Mock(capabilities=Capability.FETCH_MENTIONS)
    connector.fetch_interactions.return_value = InteractionPage(items=likes, next_cursor="1")
    sync = channel_sync_ensure(target.channel)
    with mock.patch("palabre.inbox.ingest.connector_for", return_value=connector):
        assert channel_sync_poll(sync) <= timezone.now()
        assert Interaction.objects.filter(kind="like").count() == FULL_PAGE
        assert channel_sync_poll(sync) >= timezone.now() + poll_interval(
            target.channel
        ) - timedelta(seconds=5)


def test_classification_is_stored_with_its_model_and_queues_follow(target) -> None:
    question = comment(target, "Vous livrez à Villeurbanne ?")
    complaint = comment(target, "Très déçue, ma commande n'est jamais arrivée.", handle="@nadia")
    insult = comment(target, "Je vais te tuer, sale con", handle="@troll")  # a threat: hidden
    praise = comment(target, "Merci, le meilleur pain du quartier !", handle="@lea")
    poll(target.channel)
    q, c, i, p = (ingested(a) for a in (question, complaint, insult, praise))
    assert (q.category, q.needs_answer, q.hidden) == ("question", True, False)
    assert (c.category, c.needs_answer, c.hidden) == ("criticism", True, False)
    assert (i.category, i.hidden, i.needs_answer) == ("abuse", True, False)
    assert (p.category, p.needs_answer) == ("praise", False)
    assert q.model_version.startswith("base-") and "abuse" in q.scores
    hide = ModerationEvent.objects.get(interaction=i, action=EventAction.HIDE)
    assert hide.network_status == NetworkStatus.PENDING and hide.score == i.abuse
    assert hide.model_version == i.model_version and "lexicon" in hide.reason


def test_hiding_reaches_the_network_through_the_worker(target) -> None:
    insult = comment(target, "Je vais te tuer, pauvre type", handle="@troll")
    poll(target.channel)
    loop.run(stop=__import__("threading").Event(), until_idle=True)
    insult.refresh_from_db()
    assert insult.hidden  # on the (demo) network
    event = ModerationEvent.objects.get(action=EventAction.HIDE)
    assert event.network_status == NetworkStatus.DONE


def test_people_become_contacts_once_per_account(target) -> None:
    comment(target, "Bonjour !", handle="@claire")
    comment(target, "Encore moi", handle="@claire")
    comment(target, "Et moi", handle="@paul", name="Paul")
    poll(target.channel)
    assert Identity.objects.count() == 2 and Contact.objects.count() == 2
    claire = Identity.objects.get(remote_id="@claire")
    assert claire.interactions.count() == 2 and claire.contact.name == "Claire Martin"


def test_repeated_abuse_by_one_person_is_harassment(target) -> None:
    for text in ("T'es qu'un connard", "Espèce de connasse", "Ferme ta gueule sale con"):
        comment(target, text, handle="@stalker")
    poll(target.channel)
    kinds = list(
        Interaction.objects.filter(identity__handle="@stalker")
        .order_by("pk")
        .values_list("abuse_kind", flat=True)
    )
    assert kinds == ["insult", "insult", "harassment"]


def test_a_rule_may_not_hide_civil_criticism_and_says_so(cast, target) -> None:
    ModerationRule.objects.create(
        workspace=cast.workspace, name="Pas de retard", keywords="retard", action=RuleAction.HIDE
    )
    complaint = comment(target, "Encore un retard de livraison, je suis très déçu.")
    spam = comment(target, "retard ? gagnez 500 € ici https://x.example", handle="@spam")
    poll(target.channel)
    c, s = ingested(complaint), ingested(spam)
    assert c.category == "criticism" and not c.hidden and c.in_review and c.needs_answer
    refused = ModerationEvent.objects.get(interaction=c, action=EventAction.REFUSED)
    assert "Pas de retard" in refused.reason
    assert s.hidden  # a keyword of the workspace's own may hide what is not criticism
    assert ModerationEvent.objects.get(interaction=s, action=EventAction.HIDE).rule_name == (
        "Pas de retard"
    )


def test_label_assign_and_alert_rules(cast, target) -> None:
    ModerationRule.objects.create(
        workspace=cast.workspace,
        name="Commandes",
        keywords="commande",
        action=RuleAction.LABEL,
        label="commande",
    )
    ModerationRule.objects.create(
        workspace=cast.workspace,
        name="Questions à Bob",
        category="question",
        action=RuleAction.ASSIGN,
        assign_to=cast.bob,
    )
    ModerationRule.objects.create(
        workspace=cast.workspace, name="Critique", category="criticism", action=RuleAction.ALERT
    )
    question = comment(target, "Où en est ma commande ?")
    complaint = comment(target, "Inadmissible, ma commande est arrivée froide.", handle="@n")
    poll(target.channel)
    q, c = ingested(question), ingested(complaint)
    assert q.labels == ["commande"] and q.assigned_to == cast.bob
    assert (
        Notice.objects.filter(user__in=[cast.alice, cast.bob], url__contains=str(c.pk)).count() == 2
    )


def test_an_unanswered_question_alerts_the_assignee_then_the_managers(cast, target) -> None:
    cast.workspace.answer_alert_hours = 4
    cast.workspace.save()
    asked = comment(target, "Vous êtes ouverts lundi ?", at=timezone.now() - timedelta(hours=5))
    poll(target.channel)
    question = ingested(asked)
    question.assigned_to = cast.bob
    question.save()
    due = interaction_clock(question)
    assert Notice.objects.filter(user=cast.bob).count() == 1
    # The bar it crossed, not the wait (which grows after the notice): "over 4 h".
    assert Notice.objects.get(user=cast.bob).text.startswith("Sans réponse depuis plus de 4 h")
    assert due is not None and abs(due - (question.created_at + timedelta(hours=8))) < timedelta(
        seconds=1
    )
    question.refresh_from_db()
    question.created_at -= timedelta(hours=4)  # now 9 hours
    question.save()
    assert interaction_clock(question) is None
    told = list(Notice.objects.order_by("pk").values_list("user__email", flat=True))
    assert told == ["bob@example.com", "alice@example.com", "bob@example.com"]  # then managers
    assert len(mail.outbox) == 3


def test_an_answered_question_stops_the_clock(cast, target) -> None:
    asked = comment(target, "Une question ?", at=timezone.now() - timedelta(hours=5))
    poll(target.channel)
    question = ingested(asked)
    question.answered_at = timezone.now()
    question.save()
    assert interaction_clock(question) is None
    assert not Notice.objects.exists()


def test_a_time_rule_fires_once_when_its_hours_pass(cast, target) -> None:
    ModerationRule.objects.create(
        workspace=cast.workspace,
        name="Une heure",
        unanswered_hours=1,
        action=RuleAction.LABEL,
        label="en retard",
    )
    asked = comment(target, "Ouvert demain ?", at=timezone.now() - timedelta(minutes=90))
    poll(target.channel)
    question = ingested(asked)
    interaction_clock(question)
    interaction_clock(question)
    question.refresh_from_db()
    assert question.labels == ["en retard"]
    assert ModerationEvent.objects.filter(action=EventAction.LABEL).count() == 1


def test_likes_are_history_not_conversation(target) -> None:
    comment(target, "", kind="like")
    poll(target.channel)
    like = Interaction.objects.get(kind="like")
    assert not like.needs_answer and like.category == "" and like.model_version == ""


def test_long_and_strange_content_is_stored_whole(target) -> None:
    """A network may send what no database column takes: a NUL, an endless id."""
    text = ("Très long " * 5000) + "\x00 fin"
    strange = IncomingInteraction(
        "at://" + "x" * 900,
        InteractionKind.COMMENT,
        Author("did:plc:\x00odd", "odd\x00.handle", "N" * 500),
        timezone.now(),
        text,
    )
    assert interactions_ingest(channel=target.channel, items=[strange], cursor="\x00" * 600) == 1
    stored = Interaction.objects.get(kind="comment")
    assert stored.text.endswith("fin") and "\x00" not in stored.text
    assert len(stored.text) == len(text) - 1
    assert len(stored.remote_id) <= 500 and "\x00" not in stored.identity.handle
    # The same over-long id again is recognised: nothing doubled.
    assert interactions_ingest(channel=target.channel, items=[strange], cursor=None) == 0


def test_a_rule_can_name_the_kind_of_abuse(target) -> None:
    """Issue 18: the kinds a person acts on; a rule may send threats to a person by name."""
    ModerationRule.objects.create(
        workspace=target.post.workspace,
        name="Threats to the owner",
        category="abuse",
        abuse_kind="threat",
        action=RuleAction.LABEL,
        label="threat",
    )
    threat = comment(target, "Ce serait dommage que ta vitrine explose un soir, fais gaffe à toi.")
    praise = comment(target, "Merci pour l'accueil, c'était parfait !")
    poll(target.channel)
    threat, praise = (ingested(c) for c in (threat, praise))
    assert threat.category == "abuse" and threat.abuse_kind == "threat"
    assert threat.labels == ["threat"] and praise.labels == []
    assert set(threat.scores["kinds"]) >= {"threat", "criticism"}


def test_the_migration_gives_every_older_abuse_a_kind(target) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("palabre.inbox.migrations.0009_abuse_kinds")
    rows = [comment(target, text) for text in ("Bande de nuls.", "Sale race de voleurs")]
    poll(target.channel)
    old = [ingested(c) for c in rows]
    Interaction.objects.filter(pk=old[0].pk).update(
        category="abuse", abuse_kind="", scores={"hate": 0.2}
    )
    Interaction.objects.filter(pk=old[1].pk).update(
        category="abuse", abuse_kind="", scores={"hate": 0.9}
    )
    migration.give_every_abuse_a_kind(apps, None)
    assert [Interaction.objects.get(pk=i.pk).abuse_kind for i in old] == ["insult", "hate"]


def test_a_waiting_notice_stored_under_its_former_words_is_still_said_in_french(cast) -> None:
    from django.utils import translation

    from palabre.inbox.alerts import WAITING_BEFORE
    from palabre.publishing.notices import notice_text

    params = {"hours": 4, "channel": "Piaille", "text": "Ouvert lundi ?"}
    notice = Notice.objects.create(
        workspace=cast.workspace, user=cast.erin, message=WAITING_BEFORE, params=params, text="…"
    )
    with translation.override("fr"):
        assert notice_text(notice).startswith("En attente de réponse depuis 4 h sur Piaille")


def test_answering_a_question_settles_the_notices_that_it_was_waiting(cast, target) -> None:
    """ "Unanswered for over 4 h" stayed unread after it was answered (a walk through the
    demo): the badge counted what was already done."""
    from palabre.inbox.services import interaction_done, interaction_reply

    cast.workspace.answer_alert_hours = 4
    cast.workspace.save()
    asked = comment(target, "Vous êtes ouverts lundi ?", at=timezone.now() - timedelta(hours=5))
    other = comment(target, "Vous êtes ouverts dimanche ?", at=timezone.now() - timedelta(hours=6))
    poll(target.channel)
    question, second = ingested(asked), ingested(other)
    interaction_clock(question)
    interaction_clock(second)
    assert Notice.objects.filter(read_at__isnull=True).count() == 4  # two managers, twice
    interaction_reply(interaction=question, actor=cast.bob, text="Oui, dès 7 h !")
    unread = Notice.objects.filter(read_at__isnull=True)
    assert unread.count() == 2 and all("dimanche" in n.text for n in unread)
    interaction_done(interaction=second)
    assert not Notice.objects.filter(read_at__isnull=True).exists()


def test_an_assignee_who_cannot_answer_is_not_the_one_alerted(cast, target) -> None:
    """Assigned before the rule to an editor, who only reads: the managers are told."""
    cast.workspace.answer_alert_hours = 4
    cast.workspace.save()
    asked = comment(target, "Vous êtes ouverts lundi ?", at=timezone.now() - timedelta(hours=5))
    poll(target.channel)
    question = ingested(asked)
    Interaction.objects.filter(pk=question.pk).update(assigned_to=cast.erin)
    question.refresh_from_db()
    interaction_clock(question)
    told = set(Notice.objects.values_list("user__email", flat=True))
    assert told == {"alice@example.com", "bob@example.com"}
