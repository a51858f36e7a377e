"""The inbox's part of the demo: a thread under a published post, with everything the
inbox sorts (a question, civil criticism, praise, an insult, a threat, spam, and what only the second
stage reads: a veiled threat, hate without a slur, body-shaming, calm criticism), a private
conversation on Mastodon (a message, the brand's private answer, the next message still
waiting), saved replies, a rule and a public netiquette; then one poll, so the inbox is
full on the first visit; and a comment on Facebook answered with a private reply."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from palabre.accounts.models import Membership, Role, User, Workspace
from palabre.channels.models import Channel
from palabre.inbox.ingest import channel_sync_poll
from palabre.inbox.models import (
    ChannelSync,
    Interaction,
    ModerationRule,
    Reply,
    RuleAction,
    SavedReply,
)
from palabre.inbox.services import (
    interaction_note,
    interaction_private_reply,
    interaction_reply,
    reply_send,
    response_times,
)
from palabre.networks.base import InteractionKind, Visibility
from palabre.networks.demo.models import DemoActivity, DemoPost
from palabre.publishing.models import PostTarget, TargetStatus

# (minutes ago, kind, handle, name, text)
THREAD = [
    (
        400,
        "comment",
        "@marc.lebon",
        "Marc Lebon",
        "Vous faites encore des petits pains pour les cantines le samedi ?",
    ),
    (
        330,
        "comment",
        "@nadia.k",
        "Nadia Kaci",
        "Déçue : ma commande de 12 croissants n'était pas prête à 8 h comme convenu. "
        "J'ai attendu 20 minutes.",
    ),
    (
        250,
        "comment",
        "@jo_bake",
        "Joanna Baker",
        "Do you have gluten-free bread on Saturdays? Visiting Lyon next week.",
    ),
    (180, "comment", "@lea.v", "Léa Vasseur", "Bravo pour le levain, il est incroyable 👏"),
    (120, "comment", "@troll_du_69", "Kévin", "Ferme ta gueule, espèce de connard."),
    # A threat from the word list, which the meaning confirms: hidden on the network.
    (
        115,
        "comment",
        "@anon.lyon",
        "Anonyme",
        "Je vais te casser la gueule à la fermeture, compte là-dessus.",
    ),
    # What only the second stage sees: a threat and hate with none of the lexicon's words,
    # body-shaming of an employee, and criticism said calmly, with no negative word.
    (
        110,
        "comment",
        "@fab.rice",
        "Fabrice",
        "Ce serait bête qu'un soir votre jolie vitrine finisse en mille morceaux. Réfléchissez.",
    ),
    (
        100,
        "comment",
        "@jp_patriote",
        "Jean-Pierre",
        "Depuis que vous embauchez ces gens-là, ce quartier n'est plus chez nous.",
    ),
    (
        90,
        "comment",
        "@mimi.lyon",
        "Mimi",
        "La vendeuse du samedi devrait goûter un peu moins vos viennoiseries 🐷",
    ),
    (
        75,
        "comment",
        "@odile.f",
        "Odile Fournier",
        "Cliente depuis dix ans, et samedi je me suis sentie transparente dans votre boutique.",
    ),
    (
        60,
        "comment",
        "@promo4u",
        "Promo 4 U",
        "Gagnez 500 € par jour !!! Cliquez sur le lien dans ma bio 💰💰💰 https://example.com/x",
    ),
    (30, "mention", "@sam.rivers", "Sam Rivers", "Best sourdough in town, thanks @lumiere!"),
]

# A private conversation on the Mastodon channel: Claire's message, the brand's private
# answer, and her next message, still waiting. (minutes ago, text)
PRIVATE_AUTHOR = ("@claire.m@piaille.fr", "Claire Martin")
PRIVATE_FIRST = (
    190,
    "Bonjour ! Je suis allergique aux fruits à coque : est-ce que votre pain au levain en "
    "contient ? Je préfère vous le demander en privé.",
)
PRIVATE_ANSWER = (
    170,
    "Bonjour Claire, notre pain au levain n'en contient pas. Il est fait dans un fournil où "
    "nous travaillons aussi les noisettes : nous pouvons vous montrer la liste complète des "
    "allergènes en boutique.",
)
PRIVATE_AGAIN = (
    45,
    "Super, merci ! Est-ce que la fougasse aux olives en contient aussi ?",
)

SAVED = [
    (
        "Horaires",
        "fr",
        "Bonjour {first_name}, nous sommes ouverts du mardi au dimanche, de 7 h à 19 h30.",
        False,
    ),
    ("Merci", "fr", "Merci beaucoup {first_name}, ça nous fait très plaisir !", True),
    (
        "Désolés",
        "fr",
        "Bonjour {first_name}, nous sommes vraiment désolés. Pouvez-vous nous écrire en message privé pour que l'on trouve une solution ?",
        False,
    ),
    ("Opening hours", "en", "Hi {first_name}, we're open Tuesday to Sunday, 7am to 7:30pm.", False),
    ("Thank you note", "en", "Thank you so much {first_name}, that means a lot!", True),
]

NETIQUETTE = (
    "Ici, on parle pain, farine et quartier.\n\n"
    "Vos questions et vos critiques sont les bienvenues : nous répondons à toutes, "
    "en général dans la journée.\n\n"
    "Nous masquons les insultes, les propos haineux ou racistes, le harcèlement, les "
    "menaces et la publicité non sollicitée. Chaque masquage est noté avec sa raison, et "
    "peut être revu : écrivez-nous si vous pensez qu'il s'agit d'une erreur."
)


def demo_inbox(workspace: Workspace) -> None:
    published = PostTarget.objects.filter(
        post__workspace=workspace, status=TargetStatus.PUBLISHED
    ).select_related("channel")
    # The thread shows hiding at work: on a channel whose network can hide replies.
    target = next((t for t in published if t.channel.hides_replies), None)
    if target is not None:
        _thread(target)
    mastodon = Channel.objects.filter(workspace=workspace, connector="demo_mastodon").first()
    if mastodon is not None:
        _private_conversation(mastodon)
    for title, lang, text, thanks in SAVED:
        SavedReply.objects.create(
            workspace=workspace, title=title, lang=lang, text=text, for_thanks=thanks
        )
    ModerationRule.objects.create(
        workspace=workspace,
        name="Commandes",
        keywords="commande, livraison, order",
        action=RuleAction.LABEL,
        label="commande",
    )
    # Hides loan scams where the network can; on LinkedIn, which cannot, they wait for
    # review instead, and the log says why (the demo's LinkedIn post has one).
    ModerationRule.objects.create(
        workspace=workspace,
        name="Arnaques au crédit",
        keywords="crédit rapide, sans justificatif",
        action=RuleAction.HIDE,
    )
    workspace.netiquette, workspace.netiquette_public = NETIQUETTE, True
    workspace.save(update_fields=["netiquette", "netiquette_public"])
    for sync in ChannelSync.objects.filter(channel__workspace=workspace):
        channel_sync_poll(sync)
    _private_reply(workspace)
    _note(workspace)


# On Facebook, a comment answered with the one private reply the network allows: the
# comment's author would rather not discuss her week in public. (The comment starts so.)
PRIVATE_REPLY_TO = "Dommage que ce soit toujours en semaine"
PRIVATE_REPLY = (
    "Bonjour Sophie, nous préparons justement un atelier le samedi matin : voulez-vous que "
    "nous vous prévenions dès que la date est fixée ?"
)


def _private_reply(workspace: Workspace) -> None:
    comment = Interaction.objects.filter(
        workspace=workspace, channel__connector="demo_facebook", text__startswith=PRIVATE_REPLY_TO
    ).first()
    manager = Membership.objects.filter(workspace=workspace, role=Role.MANAGER).first()
    if comment is None or manager is None:
        return
    reply = interaction_private_reply(interaction=comment, actor=manager.user, text=PRIVATE_REPLY)
    reply_send(reply)


# An internal note, seen on the conversation and on the person's page: what the team found
# out before answering, and whom it asks.
NOTE_ON = "Déçue : ma commande de 12 croissants"
NOTE = (  # "@lucas": the manager is told, in his notices
    "Vu avec l'équipe du matin : la commande était notée pour 9 h, pas 8 h. "
    "@lucas, tu lui proposes les croissants offerts sur sa prochaine commande ?"
)


def _note(workspace: Workspace) -> None:
    comment = Interaction.objects.filter(workspace=workspace, text__startswith=NOTE_ON).first()
    editor = Membership.objects.filter(workspace=workspace, role=Role.EDITOR).first()
    if comment is not None and editor is not None:
        interaction_note(interaction=comment, actor=editor.user, text=NOTE)


def _thread(target: PostTarget) -> None:
    post = DemoPost.objects.get(pk=int(target.remote_id.removeprefix("post:")))
    now = timezone.now()
    for minutes, kind, handle, name, text in THREAD:
        DemoActivity.objects.create(
            channel=target.channel,
            kind=InteractionKind(kind),
            author_handle=handle,
            author_name=name,
            text=text,
            post=post,
            created_at=now - timedelta(minutes=minutes),
        )


def _private_conversation(channel: Channel) -> None:
    """Claire writes privately, the manager answers privately, Claire writes again."""
    manager = Membership.objects.filter(workspace_id=channel.workspace_id, role=Role.MANAGER)
    member = manager.select_related("user").first()
    if member is None:
        return
    now = timezone.now()
    first = _private_message(channel, *PRIVATE_FIRST, now=now)
    minutes, text = PRIVATE_ANSWER
    answer = _answer_privately(first, member.user, text, at=now - timedelta(minutes=minutes))
    _private_message(channel, *PRIVATE_AGAIN, now=now, in_reply_to=answer)


def _private_message(
    channel: Channel, minutes: int, text: str, *, now: datetime, in_reply_to: str = ""
) -> DemoActivity:
    handle, name = PRIVATE_AUTHOR
    return DemoActivity.objects.create(
        channel=channel,
        kind=InteractionKind.MESSAGE,
        author_handle=handle,
        author_name=name,
        text=text,
        in_reply_to=in_reply_to,
        visibility=Visibility.DIRECT,
        created_at=now - timedelta(minutes=minutes),
    )


def _answer_privately(message: DemoActivity, author: User, text: str, *, at: datetime) -> str:
    """The answer goes out as the worker sends it, dated `at`; returns its remote id."""
    channel = message.channel
    channel_sync_poll(ChannelSync.objects.get(channel=channel))
    asked = Interaction.objects.get(channel=channel, remote_id=message.remote_id)
    reply = interaction_reply(interaction=asked, actor=author, text=text)
    reply_send(reply)
    reply.refresh_from_db()
    wall, business = response_times(channel.workspace, asked.created_at, at)
    Reply.objects.filter(pk=reply.pk).update(created_at=at, sent_at=at)
    Interaction.objects.filter(pk=asked.pk).update(
        answered_at=at, response_seconds=wall, response_business_seconds=business
    )
    return reply.remote_id
