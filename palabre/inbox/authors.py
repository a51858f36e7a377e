"""What the brand's account can do about an author where replies cannot be hidden
(Mastodon): mute them, block them, undo either, report what they wrote to the network's
moderators.

Each is a `ModerationEvent` the worker carries to the network (moderation_event_apply),
so the log says who did it, when and why, and every mute or block can be undone. Where an
author stands is read from that log (`author_standing`), never kept elsewhere: the latest
mute or unmute of this author on this channel that the network did not refuse says
whether they are muted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from palabre.accounts.models import User
from palabre.inbox.models import EventAction, Identity, Interaction, ModerationEvent, NetworkStatus
from palabre.inbox.moderation import NETWORK_STEPS, event_record
from palabre.inbox.services import InboxRefused
from palabre.networks.base import Capability
from palabre.networks.registry import connector_class

REASON_MAX = 500  # ModerationEvent.reason


@dataclass(frozen=True)
class Standing:
    """Where the brand's account stands with an author, from the log: the latest event the
    network did not refuse says it (a refused unblock leaves the author blocked there); the
    latest attempt, when refused, is kept apart to say why."""

    mute: ModerationEvent | None = None  # the latest mute or unmute not refused
    block: ModerationEvent | None = None  # the latest block or unblock not refused
    report: ModerationEvent | None = None  # the latest report of this interaction not refused
    mute_failed: ModerationEvent | None = None  # the latest mute or unmute, when refused
    block_failed: ModerationEvent | None = None
    report_failed: ModerationEvent | None = None

    @property
    def muted(self) -> bool:
        return self.mute is not None and self.mute.action == EventAction.MUTE

    @property
    def blocked(self) -> bool:
        return self.block is not None and self.block.action == EventAction.BLOCK

    @property
    def reported(self) -> bool:
        return self.report is not None


def author_actions(interaction: Interaction) -> Capability:
    """What the channel's network lets the brand do about an author (none: nothing)."""
    offered = Capability.MUTE_AUTHOR | Capability.BLOCK_AUTHOR | Capability.REPORT
    return connector_class(interaction.channel.connector).capabilities & offered


def author_standing(interaction: Interaction) -> Standing:
    if interaction.identity_id is None:
        return Standing()
    log = ModerationEvent.objects.select_related("actor").order_by("-created_at", "-pk")
    about = log.filter(
        interaction__channel_id=interaction.channel_id,
        interaction__identity_id=interaction.identity_id,
    )
    mute, mute_failed = _latest(about.filter(action__in=[EventAction.MUTE, EventAction.UNMUTE]))
    block, block_failed = _latest(about.filter(action__in=[EventAction.BLOCK, EventAction.UNBLOCK]))
    report, report_failed = _latest(log.filter(interaction=interaction, action=EventAction.REPORT))
    return Standing(mute, block, report, mute_failed, block_failed, report_failed)


def _latest(
    events: QuerySet[ModerationEvent],
) -> tuple[ModerationEvent | None, ModerationEvent | None]:
    """(the latest event the network did not refuse, the latest one if it was refused)."""
    latest = events.first()
    in_force = events.exclude(network_status=NetworkStatus.FAILED).first()
    refused = latest if latest and latest.network_status == NetworkStatus.FAILED else None
    return in_force, refused


# action → (the state it changes, the value that state must have before); what the network
# must allow for it is moderation.NETWORK_STEPS's.
_CHANGES: dict[str, tuple[str, bool]] = {
    EventAction.MUTE: ("muted", False),
    EventAction.UNMUTE: ("muted", True),
    EventAction.BLOCK: ("blocked", False),
    EventAction.UNBLOCK: ("blocked", True),
}


def _refusal(action: str) -> str:
    refusals: dict[str, str] = {
        EventAction.MUTE: _("This author is already muted."),
        EventAction.UNMUTE: _("This author is not muted."),
        EventAction.BLOCK: _("This author is already blocked."),
        EventAction.UNBLOCK: _("This author is not blocked."),
    }
    return refusals[action]


def _unsupported(interaction: Interaction) -> str:
    return _("%(network)s does not let Palabre do this.") % {
        "network": interaction.channel.network_label
    }


def _may_act(interaction: Interaction, action: str, reason: str) -> int:
    """The author's identity, once the network allows the action, there is an author to act
    on and the reason fits the log."""
    if NETWORK_STEPS[action] not in author_actions(interaction):
        raise InboxRefused(_unsupported(interaction))
    if interaction.identity_id is None:
        raise InboxRefused(_("This person's data was erased; there is nobody to act on."))
    if len(reason) > REASON_MAX:
        raise InboxRefused(_("The reason must be 500 characters at most."))
    return interaction.identity_id


def _author_change(
    interaction: Interaction, actor: User, action: str, reason: str
) -> ModerationEvent:
    state, needed = _CHANGES[action]
    identity = _may_act(interaction, action, reason)
    with transaction.atomic():
        # Two managers clicking at once: the second sees the first's event.
        Identity.objects.select_for_update().filter(pk=identity).first()
        if getattr(author_standing(interaction), state) != needed:
            raise InboxRefused(_refusal(action))
        return event_record(interaction, action, actor=actor, reason=reason, network=True)


def author_mute(*, interaction: Interaction, actor: User, reason: str = "") -> ModerationEvent:
    """The brand's account stops seeing the author; they are not told."""
    return _author_change(interaction, actor, EventAction.MUTE, reason)


def author_unmute(*, interaction: Interaction, actor: User, reason: str = "") -> ModerationEvent:
    return _author_change(interaction, actor, EventAction.UNMUTE, reason)


def author_block(*, interaction: Interaction, actor: User, reason: str = "") -> ModerationEvent:
    """The author can no longer see nor answer the brand's account."""
    return _author_change(interaction, actor, EventAction.BLOCK, reason)


def author_unblock(*, interaction: Interaction, actor: User, reason: str = "") -> ModerationEvent:
    return _author_change(interaction, actor, EventAction.UNBLOCK, reason)


def interaction_report(*, interaction: Interaction, actor: User, reason: str) -> ModerationEvent:
    """Report what the author wrote to the network's moderators, with the person's reason
    (the moderators read it: it is required)."""
    reason = reason.strip()
    identity = _may_act(interaction, EventAction.REPORT, reason)
    if not reason:
        raise InboxRefused(_("Say why you report it: the moderators read your reason."))
    with transaction.atomic():
        Identity.objects.select_for_update().filter(pk=identity).first()
        if author_standing(interaction).reported:
            raise InboxRefused(_("This message was already reported."))
        return event_record(
            interaction, EventAction.REPORT, actor=actor, reason=reason, network=True
        )
