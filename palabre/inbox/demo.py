"""The inbox's part of the demo: a thread under a published post, with everything the
inbox sorts (a question, civil criticism, praise, an insult, spam), saved replies, a
rule and a public netiquette; then one poll, so the inbox is full on the first visit."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from palabre.accounts.models import Workspace
from palabre.inbox.ingest import channel_sync_poll
from palabre.inbox.models import ChannelSync, ModerationRule, RuleAction, SavedReply
from palabre.networks.base import InteractionKind
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
    (
        60,
        "comment",
        "@promo4u",
        "Promo 4 U",
        "Gagnez 500 € par jour !!! Cliquez sur le lien dans ma bio 💰💰💰 https://example.com/x",
    ),
    (30, "mention", "@sam.rivers", "Sam Rivers", "Best sourdough in town, thanks @lumiere!"),
]

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
    ("Thanks", "en", "Thank you so much {first_name}, that means a lot!", True),
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
    target = (
        PostTarget.objects.filter(post__workspace=workspace, status=TargetStatus.PUBLISHED)
        .select_related("channel")
        .first()
    )
    if target is not None:
        _thread(target)
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
    workspace.netiquette, workspace.netiquette_public = NETIQUETTE, True
    workspace.save(update_fields=["netiquette", "netiquette_public"])
    for sync in ChannelSync.objects.filter(channel__workspace=workspace):
        channel_sync_poll(sync)


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
