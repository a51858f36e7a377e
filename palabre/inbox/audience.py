"""Who reads what: who can read an interaction on its network, who an answer can reach,
and a private conversation shown as one.

An answer never reaches more people than what it answers (networks.base.narrowest): the
reply box offers the interaction's own audience and the narrower ones the channel's
connector can address, and says in words who will read the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palabre.inbox.models import Interaction, Reply
from palabre.networks.base import InteractionKind, Visibility, narrowest
from palabre.networks.registry import connector_class

CONVERSATION_LENGTH = 50  # the latest messages of a private conversation shown

LABELS = {
    Visibility.PUBLIC: gettext_lazy("Public"),
    Visibility.UNLISTED: gettext_lazy("Quiet public"),
    Visibility.FOLLOWERS: gettext_lazy("Followers only"),
    Visibility.DIRECT: gettext_lazy("Private message"),
}


def visibility_of(value: str) -> Visibility:
    """A stored audience; one Palabre does not know counts as the narrowest, so that an
    answer never reaches more people than it should."""
    try:
        return Visibility(value)
    except ValueError:
        return Visibility.DIRECT


def incoming_visibility(kind: str, visibility: str) -> Visibility:
    """What an ingested item's audience is: a private message is private whatever the
    network's field says."""
    private = Visibility.DIRECT if kind == InteractionKind.MESSAGE else None
    return narrowest(visibility_of(visibility), private) or Visibility.DIRECT


def audience_of(interaction: Interaction) -> Visibility:
    return incoming_visibility(interaction.kind, interaction.visibility)


def is_private(interaction: Interaction) -> bool:
    return audience_of(interaction) is Visibility.DIRECT


def _person(interaction: Interaction) -> str:
    return interaction.identity.at_handle if interaction.identity else _("the person")


def written_for(interaction: Interaction) -> str:
    """Who can read what this person wrote, on the network: hidden there, no longer those
    it was written for (a hidden insult read "Everyone can read it")."""
    if interaction.hidden and interaction.hides_on_network:
        return _("Hidden on the network: its author still sees it, the others no longer do.")
    readers = _readers(interaction)
    if interaction.hidden:
        return _("Hidden in Palabre only; on the network: %(readers)s") % {"readers": readers}
    return readers


def _readers(interaction: Interaction) -> str:
    person = _person(interaction)
    return {
        Visibility.PUBLIC: _("Everyone can read it."),
        Visibility.UNLISTED: _("Everyone can read it, but it stays off the public timelines."),
        Visibility.FOLLOWERS: _(
            "Only %(person)s's followers and the accounts it mentions can read it."
        )
        % {"person": person},
        Visibility.DIRECT: _("Only your account and the accounts it mentions can read it."),
    }[audience_of(interaction)]


def answer_reaches(interaction: Interaction, visibility: Visibility) -> str:
    """Who will read an answer given this audience, in the person's words."""
    person = _person(interaction)
    return {
        Visibility.PUBLIC: _("Everyone will see this answer."),
        Visibility.UNLISTED: _(
            "Everyone who opens the thread will see this answer; it stays off the public timelines."
        ),
        Visibility.FOLLOWERS: _("Only your followers and %(person)s will see this answer.")
        % {"person": person},
        Visibility.DIRECT: _("Only %(person)s will see this answer.") % {"person": person},
    }[visibility]


def answer_choices(interaction: Interaction) -> list[Visibility]:
    """The audiences an answer may have: the interaction's own first (the default), then
    the narrower ones the channel's connector can address."""
    own = audience_of(interaction)
    offered = connector_class(interaction.channel.connector).visibilities
    return [own, *(v for v in offered if v.rank > own.rank)]


def reply_visibility(reply: Reply) -> Visibility:
    """The audience an answer goes to: the narrower of the one chosen and that of what it
    answers, as Palabre stored it (never wider, whatever the network shows later)."""
    chosen = visibility_of(reply.visibility) if reply.visibility else None
    return narrowest(audience_of(reply.interaction), chosen) or Visibility.DIRECT


@dataclass(frozen=True)
class Message:
    """One line of a private conversation: what the person wrote, or the brand's answer."""

    at: datetime
    interaction: Interaction | None = None
    reply: Reply | None = None


def conversation(interaction: Interaction) -> list[Message]:
    """A private message with the rest of its conversation, in order: everything this
    person wrote privately to this channel, and the brand's answers."""
    private = Q(visibility=Visibility.DIRECT) | Q(kind=InteractionKind.MESSAGE)
    rows = Interaction.objects.filter(pk=interaction.pk)
    if interaction.identity_id is not None:
        rows = Interaction.objects.filter(
            private, channel_id=interaction.channel_id, identity_id=interaction.identity_id
        )
    latest = list(rows.select_related("identity").order_by("-created_at")[:CONVERSATION_LENGTH])
    replies = Reply.objects.filter(interaction__in=latest).select_related("author", "interaction")
    messages = [Message(at=i.created_at, interaction=i) for i in latest]
    messages += [Message(at=r.sent_at or r.created_at, reply=r) for r in replies]
    return sorted(messages, key=lambda m: (m.at, m.reply is not None))
