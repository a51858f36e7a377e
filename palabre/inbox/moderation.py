"""Classification, the workspace's rules and the moderation log.

Every decision, a person's or a rule's, is a `ModerationEvent`: who, what, why, when,
with the model version and score. Hiding and unhiding also reach the network, through
the worker, so a passing network failure only delays them; so do the mutes, blocks and
reports of inbox/authors.py.

Where the network cannot hide replies (Mastodon, LinkedIn), nothing pretends it did: a
rule's or the default policy's hide becomes a review, logged with that reason, and a
person's hide is a hide in Palabre only, which says the reply stays visible on the network.
Where the brand may delete a comment instead (LinkedIn, on the organization's own posts), a
person can: a deletion is for everyone and cannot be undone, so no machine ever does it.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.accounts.models import User, Workspace
from palabre.channels.connectors import connector_for, wait_out
from palabre.channels.services import channel_inactive_reason, channel_mark_needs_reconnect
from palabre.inbox import reasons
from palabre.inbox.ml.lexicon import fold
from palabre.inbox.models import (
    Category,
    EventAction,
    Interaction,
    ModerationEvent,
    ModerationRule,
    NetworkStatus,
    RuleAction,
    WorkspaceModel,
)
from palabre.networks.base import (
    AuthExpired,
    Capability,
    Connector,
    InteractionKind,
    RateLimited,
    Rejected,
)
from palabre.webhooks.emit import interaction_hidden_emit
from palabre.worker.jobs import held_for_send, held_write

# The models (numpy, SciPy, scikit-learn, the sentence encoder) are imported by the functions
# that classify: a web process that only shows the inbox never loads them (docs/scaling.md).
if TYPE_CHECKING:
    from palabre.inbox.ml.classifier import Prediction
    from palabre.inbox.ml.meaning import MeaningModel
    from palabre.inbox.ml.model import AbuseModel

log = logging.getLogger("palabre.moderation")
HARASSMENT_WINDOW = timedelta(days=7)
HARASSMENT_REPEATS = 2  # earlier abusive messages by the same person in the window


def workspace_model_dir(workspace: Workspace) -> Path | None:
    """Where this process reads the workspace's retrained model (None: it has none, the base
    serves). The database holds the model (WorkspaceModel); var/moderation/ is this
    machine's copy, unpacked once per version: another machine's retraining reaches it."""
    from palabre.inbox.ml import bundle

    stored = WorkspaceModel.objects.filter(workspace=workspace).values_list("version", flat=True)
    version = stored.first()
    if version is None:
        return None
    name = hashlib.sha256(version.encode()).hexdigest()[:16]
    directory = Path(settings.VAR_DIR) / "moderation" / f"workspace-{workspace.pk}" / name
    if not directory.exists():
        row = WorkspaceModel.objects.filter(workspace=workspace, version=version).first()
        if row is None:  # retrained again meanwhile: the next batch reads the newer one
            return workspace_model_dir(workspace)
        bundle.unpack(bytes(row.files), directory)
    return directory


def workspace_model_store(*, workspace: Workspace, directory: Path, version: str) -> None:
    """Keep a retrained model (the files `train-moderation` wrote in `directory`) for every
    process of every machine."""
    from palabre.inbox.ml import bundle

    WorkspaceModel.objects.update_or_create(
        workspace=workspace, defaults={"version": version, "files": bundle.pack(directory)}
    )


def workspace_model(workspace: Workspace) -> AbuseModel:
    """The workspace's own model once `train-moderation --workspace` made one, else the base."""
    from palabre.inbox.ml.classifier import base_model, model_at
    from palabre.inbox.ml.model import META

    directory = workspace_model_dir(workspace)
    return model_at(directory) if directory and (directory / META).exists() else base_model()


def workspace_meaning(workspace: Workspace) -> MeaningModel:
    """The second stage, moved by the workspace's decisions once it was retrained."""
    from palabre.inbox.ml import meaning
    from palabre.inbox.ml.classifier import base_meaning, meaning_at

    # A model retrained before the second stage existed has no meaning.json, one retrained
    # before the embedding's layout changed cannot read today's: the base's, until the
    # workspace is retrained.
    directory = workspace_model_dir(workspace)
    if directory and (directory / meaning.META).exists():
        stage2 = meaning_at(directory)
        if stage2.fits:
            return stage2
        _warn_stale_once(workspace.slug, stage2.version)
    return base_meaning()


@functools.cache
def _warn_stale_once(slug: str, version: str) -> None:
    log.warning(
        "Workspace %s: its retrained second stage (%s) reads an older embedding layout; the "
        "base model serves until `palabre train-moderation --workspace %s` is run again.",
        slug,
        version,
        slug,
    )


def workspace_usual_language(workspace: Workspace) -> str:
    """The language most of the workspace's recent comments are in ("other" at first)."""
    recent = Interaction.objects.filter(workspace=workspace).exclude(lang="")
    langs = list(recent.order_by("-created_at").values_list("lang", flat=True)[:200])
    usual = max(("fr", "en"), key=langs.count) if langs else "other"
    return usual if langs.count(usual) else "other"


def texts_classify(*, workspace: Workspace, texts: list[str]) -> list[Prediction]:
    """The workspace's models' reading of some comments, in one batch. Slow (the second
    stage costs ~30 ms a comment): call it outside any transaction."""
    from palabre.inbox.ml.classifier import classify

    # A comment with nothing to tell its language by (emoji, a tag) is in the workspace's
    # usual language.
    return classify(
        texts,
        model=workspace_model(workspace),
        meaning_model=workspace_meaning(workspace),
        default_lang=workspace_usual_language(workspace),
    )


def interaction_take_reading(interaction: Interaction, prediction: Prediction) -> None:
    """Fill in the classifier's view of one (unsaved) interaction."""
    interaction.lang = prediction.lang
    interaction.category = prediction.category
    interaction.abuse_kind = prediction.abuse_kind
    interaction.abuse = prediction.abuse
    interaction.scores = prediction.scores() | {"reason": prediction.reason}
    interaction.model_version = prediction.model_version
    interaction.suggested_action = prediction.action


def interactions_classify(*, workspace: Workspace, interactions: list[Interaction]) -> None:
    """Fill in the classifier's view of each (unsaved) interaction, in one batch."""
    texts = [i.text for i in interactions]
    predictions = texts_classify(workspace=workspace, texts=texts)
    for interaction, prediction in zip(interactions, predictions, strict=True):
        interaction_take_reading(interaction, prediction)


def is_harassment(interaction: Interaction) -> bool:
    if interaction.identity_id is None:
        return False
    since = interaction.created_at - HARASSMENT_WINDOW
    earlier = Interaction.objects.filter(
        identity_id=interaction.identity_id, category=Category.ABUSE, created_at__gte=since
    ).exclude(pk=interaction.pk)
    return earlier.count() >= HARASSMENT_REPEATS


@dataclass
class Decision:
    """What the default policy and the workspace's rules want done with one interaction."""

    hide: str = ""  # the reason, when it is to be hidden
    hide_by: str = ""  # the rule's name
    review: str = ""
    review_by: str = ""
    labels: list[tuple[str, str]] = field(default_factory=list)  # (label, rule)
    assign: tuple[User, str] | None = None
    alerts: list[str] = field(default_factory=list)  # rule names
    refused: list[str] = field(default_factory=list)  # hides the invariants turned down
    cannot_hide: str = ""  # a hide the network cannot do, sent to review instead


def rule_matches(rule: ModerationRule, interaction: Interaction) -> bool:
    """Every condition that is set must hold. Time conditions are checked by the clock."""
    folded = fold(interaction.text)
    handle = interaction.identity.handle if interaction.identity else ""
    checks = [
        not rule.category or interaction.category == rule.category,
        not rule.abuse_kind or interaction.abuse_kind == rule.abuse_kind,
        rule.min_abuse is None or (interaction.abuse or 0) >= rule.min_abuse,
        not rule.channel_id or interaction.channel_id == rule.channel_id,
        not rule.lang or interaction.lang == rule.lang,
        not rule.author or _found(rule_author(rule.author), fold(handle)),
        not rule.keywords or any(k in folded for k in rule_keywords(rule.keywords)),
    ]
    return all(checks)


def _found(needle: str, text: str) -> bool:
    return bool(needle) and needle in text  # a condition that reads as nothing matches nothing


def _readable(folded: str) -> bool:
    """Holds a letter or a digit: an accent typed alone ("´"), "@" or "＠" folds to nothing
    that says whom or what, and "" is in every text."""
    return any(char.isalnum() for char in folded)


def rule_keywords(typed: str) -> list[str]:
    """A rule's keywords as the matcher reads them (accents and case folded), those that
    say nothing left out."""
    return [k for k in (fold(part).strip() for part in typed.split(",")) if _readable(k)]


def rule_author(typed: str) -> str:
    """A rule's author as the matcher reads it; "" when it names no one."""
    author = fold(typed).strip().lstrip("@＠")
    return author if _readable(author) else ""


def may_hide_automatically(interaction: Interaction, rule: ModerationRule | None) -> bool:
    """The built-in invariants (product rule 3); `rule` is one that matched, if any.

    Civil criticism is never hidden by a machine. Otherwise a machine hides only on
    strong grounds: the default policy's own hide (a threat or identity hate both stages
    agree on, a slur the meaning confirms), strong spam evidence, or one of the
    workspace's own keywords.
    """
    from palabre.inbox.ml.classifier import SPAM_HIDE

    if interaction.category in (Category.CRITICISM, Category.QUESTION, Category.PRAISE):
        return False
    scores = interaction.scores or {}
    grounds = [
        interaction.suggested_action == "hide",
        float(scores.get("spam", 0)) >= SPAM_HIDE,
        bool(rule and rule_keywords(rule.keywords)),  # a rule is only applied once it matched
    ]
    return any(grounds)


def decide(interaction: Interaction, rules: list[ModerationRule]) -> Decision:
    decision = Decision()
    reason = (interaction.scores or {}).get("reason", "")
    if interaction.suggested_action == "hide":
        decision.hide = reason
    elif interaction.suggested_action == "review":
        decision.review = reason
    for rule in rules:
        if not rule.enabled or rule.unanswered_hours or not rule_matches(rule, interaction):
            continue
        rule_apply(decision, rule, interaction)
    if decision.hide and not may_hide_automatically(interaction, None) and not decision.hide_by:
        decision.refused.append(decision.hide)
        decision.review, decision.hide = decision.hide, ""
    return decision


def _review_what_cannot_be_hidden(decision: Decision, interaction: Interaction) -> None:
    """Where the network cannot hide replies, a hide decided by a machine becomes a review:
    never a silent no-op, never a hide in Palabre that the network does not do."""
    if decision.hide and not interaction.hides_on_network:
        decision.cannot_hide = decision.hide
        decision.review, decision.review_by = decision.hide, decision.hide_by
        decision.hide = decision.hide_by = ""


def rule_apply(decision: Decision, rule: ModerationRule, interaction: Interaction) -> None:
    """Add what one matching rule asks for; the invariants may turn a hide into a review."""
    why = reasons.RULE % {"name": rule.name}
    if rule.action == RuleAction.HIDE and rule.unanswered_hours:
        # Waiting is no abuse: a time rule never hides, at most asks for a review.
        decision.review, decision.review_by = decision.review or why, rule.name
    elif rule.action == RuleAction.HIDE:
        if may_hide_automatically(interaction, rule):
            decision.hide, decision.hide_by = decision.hide or why, rule.name
        else:
            decision.refused.append(why)
            decision.review, decision.review_by = why, rule.name
    elif rule.action == RuleAction.REVIEW:
        decision.review, decision.review_by = decision.review or why, rule.name
    elif rule.action == RuleAction.LABEL and rule.label:
        decision.labels.append((rule.label, rule.name))
    elif rule.action == RuleAction.ASSIGN and rule.assign_to_id:
        decision.assign = (rule.assign_to, rule.name)  # type: ignore[assignment]
    elif rule.action == RuleAction.ALERT:
        decision.alerts.append(rule.name)


def event_record(
    interaction: Interaction,
    action: str,
    *,
    actor: User | None = None,
    rule: str = "",
    reason: str = "",
    network: bool = False,
) -> ModerationEvent:
    if action == EventAction.HIDE:  # by a person, a rule or the default policy
        interaction_hidden_emit(
            interaction=interaction, actor=actor, rule=rule, reason=reason, on_network=network
        )
    return ModerationEvent.objects.create(
        workspace_id=interaction.workspace_id,
        interaction=interaction,
        action=action,
        actor=actor,
        rule_name=rule if actor is None else "",
        reason=reason[: ModerationEvent._meta.get_field("reason").max_length],
        model_version=interaction.model_version,
        score=interaction.abuse,
        network_status=NetworkStatus.PENDING if network else NetworkStatus.NOT_NEEDED,
        next_attempt_at=timezone.now() if network else None,
    )


def decision_apply(*, interaction: Interaction, decision: Decision) -> None:
    """Record what was decided on a freshly ingested interaction, and log each part."""
    from palabre.inbox.alerts import interaction_alert  # the clock's own notices

    auto = reasons.DEFAULT_RULES
    _review_what_cannot_be_hidden(decision, interaction)
    for refused in decision.refused:
        event_record(
            interaction,
            EventAction.REFUSED,
            rule=auto,
            reason=reasons.REFUSED % {"why": refused},
        )
    if decision.cannot_hide:
        event_record(
            interaction,
            EventAction.REFUSED,
            rule=decision.review_by or auto,
            reason=_cannot_hide_reason(interaction, decision.cannot_hide),
        )
    changed: list[str] = []
    if decision.hide:
        interaction.hidden = True
        interaction.needs_answer = False
        changed += ["hidden", "needs_answer"]
        event_record(
            interaction,
            EventAction.HIDE,
            rule=decision.hide_by or auto,
            reason=decision.hide,
            network=True,
        )
    elif decision.review:
        interaction.in_review = True
        changed.append("in_review")
        event_record(
            interaction,
            EventAction.REVIEW,
            rule=decision.review_by or auto,
            reason=decision.review,
        )
    if decision.labels and interaction.pk:  # as they are now: a person may have added one
        stored = Interaction.objects.filter(pk=interaction.pk).values_list("labels", flat=True)
        interaction.labels = stored.first() or []
    for label, rule in decision.labels:
        if label not in interaction.labels:
            interaction.labels = [*interaction.labels, label]
            changed.append("labels")
        event_record(interaction, EventAction.LABEL, rule=rule, reason=label)
    if decision.assign:
        user, rule = decision.assign
        interaction.assigned_to = user
        changed.append("assigned_to")
        event_record(interaction, EventAction.ASSIGN, rule=rule, reason=str(user))
    if changed:
        # Only what was decided: the answer clock's copy is minutes old, and its whole
        # save undid a hide, an answer or a note made meanwhile.
        interaction.save(update_fields=sorted(set(changed)))
    for rule in decision.alerts:
        interaction_alert(interaction=interaction, reason=rule)


# A person's decisions. Each is also a label for the workspace's model.


REACTIONS = {InteractionKind.LIKE, InteractionKind.REPOST, InteractionKind.FOLLOW}


def moderation_refusal(interaction: Interaction, *, hidden: bool | None = None) -> str:
    """Why a person cannot hide (`hidden` True), show again (False) or judge (None) this,
    or "": a like has nothing to hide; a comment deleted on the network is gone; what is
    already hidden (or shown) stays so, without a second request to the network."""
    if interaction.kind in REACTIONS:
        return _("A like, a repost or a follow has nothing to hide or show.")
    if comment_deleted(interaction):
        return _("Deleted on the network: there is nothing more to do with it here.")
    if hidden is True and interaction.hidden:
        return _("Already hidden.")
    if hidden is False and not interaction.hidden:
        return _("Already shown.")
    return ""


def _refuse(interaction: Interaction, *, hidden: bool | None) -> None:
    from palabre.inbox.services import InboxRefused

    if refusal := moderation_refusal(interaction, hidden=hidden):
        raise InboxRefused(refusal)


def interaction_lock(interaction: Interaction) -> None:
    """In a transaction: its row locked, its moderation state read again. Two moderators
    (or a double click) hiding or thanking at once do it once, with one request to the
    network."""
    # no_key: replies, events and answers that point at the row are not held up.
    fresh = Interaction.objects.select_for_update(no_key=True).values(
        "hidden", "in_review", "needs_answer"
    )
    state = fresh.get(pk=interaction.pk)
    interaction.hidden, interaction.in_review = state["hidden"], state["in_review"]
    interaction.needs_answer = state["needs_answer"]


UNHIDDEN_TO_REVIEW = (Category.ABUSE, Category.SPAM)


def interaction_hide(*, interaction: Interaction, actor: User, reason: str = "") -> bool:
    """Hides it in Palabre and on the network, or in Palabre only where the network cannot
    hide replies (the log says so). Returns whether the network hides it too. InboxRefused
    when there is nothing to hide (moderation_refusal)."""
    on_network = interaction.hides_on_network
    if not on_network:
        reason = _palabre_only(interaction, reason)
    with transaction.atomic():
        interaction_lock(interaction)
        _refuse(interaction, hidden=True)
        interaction.hidden, interaction.in_review = True, False
        interaction.save(update_fields=["hidden", "in_review"])
        event_record(interaction, EventAction.HIDE, actor=actor, reason=reason, network=on_network)
    return on_network


def interaction_unhide(
    *, interaction: Interaction, actor: User, reason: str = "", judged: bool = False
) -> bool:
    """Reverses a hide, on the network too: the reply shows again in the thread. Returns
    whether the network is told (not where it cannot hide). InboxRefused when there is
    nothing to show again (moderation_refusal).

    Shown again without a verdict ("Show again", not `judged` "not abuse"), what the
    machine read as abuse or spam waits in review for one: it left every queue, and an
    insult shown again by a slip stayed public with nobody to look at it again."""
    on_network = interaction.hides_on_network
    if not on_network:
        reason = _palabre_only(interaction, reason)
    with transaction.atomic():
        interaction_lock(interaction)
        _refuse(interaction, hidden=False)
        interaction.hidden = False
        interaction.in_review = not judged and interaction.category in UNHIDDEN_TO_REVIEW
        interaction.save(update_fields=["hidden", "in_review"])
        event_record(
            interaction, EventAction.UNHIDE, actor=actor, reason=reason, network=on_network
        )
    return on_network


def _palabre_only(interaction: Interaction, reason: str) -> str:
    network = {"network": reasons.network_as_stored(interaction.channel)}
    if interaction.channel.deletes_comments:
        where = reasons.PALABRE_ONLY_DELETES % network
    elif interaction.channel.hides_replies:
        where = reasons.PALABRE_ONLY_OWN_POSTS % network
    else:
        where = reasons.PALABRE_ONLY % network
    return f"{where} · {reason}" if reason else where


def _cannot_hide_reason(interaction: Interaction, why: str) -> str:
    said = {"why": why, "network": reasons.network_as_stored(interaction.channel)}
    if interaction.channel.deletes_comments:
        return reasons.CANNOT_HIDE_DELETES % said
    if interaction.channel.hides_replies:
        return reasons.CANNOT_HIDE_OWN_POSTS % said
    return reasons.CANNOT_HIDE % said


def comment_deletable(interaction: Interaction) -> bool:
    """Whether the brand may delete this comment on the network: where replies cannot be
    hidden and the network lets the account delete comments on its own posts (LinkedIn)."""
    if interaction.kind != InteractionKind.COMMENT or interaction.erased:
        return False
    return not interaction.channel.hides_replies and interaction.channel.deletes_comments


def comment_deleted(interaction: Interaction) -> bool:
    """A deletion is done or on its way (a failed one may be tried again)."""
    return ModerationEvent.objects.filter(
        interaction=interaction,
        action=EventAction.DELETE,
        network_status__in=[NetworkStatus.PENDING, NetworkStatus.DONE],
    ).exists()


def interaction_delete(*, interaction: Interaction, actor: User, reason: str = "") -> None:
    """A person deletes a comment on the network (the worker carries it there); it leaves
    every queue here. Refused where the network does not allow it."""
    from palabre.inbox.services import InboxRefused

    if not comment_deletable(interaction):
        raise InboxRefused(
            _("Not done: %(network)s does not let your account delete this.")
            % {"network": interaction.channel.network_label}
        )
    with transaction.atomic():
        interaction_lock(interaction)
        if comment_deleted(interaction):
            raise InboxRefused(_("Already deleted, or on its way to the network."))
        interaction.hidden, interaction.in_review, interaction.needs_answer = True, False, False
        interaction.save(update_fields=["hidden", "in_review", "needs_answer"])
        event_record(interaction, EventAction.DELETE, actor=actor, reason=reason, network=True)


def interaction_judge(
    *, interaction: Interaction, actor: User, abusive: bool, reason: str = ""
) -> bool:
    """A reviewer's verdict on the grey zone: "abuse" (and hide) or "not abuse" (keep),
    logged with their reason when they gave one. Returns whether it hid or showed again
    (False: it was so already, by a colleague's verdict a moment before, say)."""
    with transaction.atomic():
        # Two verdicts at once: each is logged, and the second hides or shows again only
        # what the first left otherwise.
        interaction_lock(interaction)
        _refuse(interaction, hidden=None)
        event_record(
            interaction,
            EventAction.IS_ABUSE if abusive else EventAction.NOT_ABUSE,
            actor=actor,
            reason=reason,
        )
        if abusive and not interaction.hidden:
            interaction_hide(
                interaction=interaction, actor=actor, reason=reason or reasons.JUDGED_ABUSIVE
            )
            return True
        if not abusive and interaction.hidden:
            interaction_unhide(
                interaction=interaction,
                actor=actor,
                reason=reason or reasons.NOT_ABUSE,
                judged=True,
            )
            return True
        interaction.in_review = False
        interaction.save(update_fields=["in_review"])
        return False


# What each event needs from the network, and what it asks of the connector.
NETWORK_STEPS: dict[str, Capability] = {
    EventAction.HIDE: Capability.HIDE,
    EventAction.UNHIDE: Capability.HIDE,
    EventAction.MUTE: Capability.MUTE_AUTHOR,
    EventAction.UNMUTE: Capability.MUTE_AUTHOR,
    EventAction.BLOCK: Capability.BLOCK_AUTHOR,
    EventAction.UNBLOCK: Capability.BLOCK_AUTHOR,
    EventAction.REPORT: Capability.REPORT,
    EventAction.DELETE: Capability.DELETE,
}


def moderation_event_apply(event: ModerationEvent) -> datetime | None:
    """The worker's step: carry a hide, unhide, mute, block (and their undoing) or report
    to the network. One the network cannot do fails with that reason, never an error."""
    channel = event.interaction.channel
    inactive = channel_inactive_reason(channel)
    if inactive:
        _network_failed(event, inactive)
        return None
    connector = connector_for(channel)
    problem = _not_carried(event, connector)
    if problem:
        _network_failed(event, problem)
        return None
    if _overtaken(event):
        held_write(event, network_status=NetworkStatus.NOT_NEEDED)
        return None
    held_for_send(event)  # a report sent twice is a second report to the moderators
    try:
        _carry(event, connector)
    except RateLimited as error:
        raise wait_out(error) from None
    except (Rejected, AuthExpired) as error:
        _network_failed(event, error.reason)
        if isinstance(error, AuthExpired):  # as a reply or a publication does
            channel_mark_needs_reconnect(channel=channel, reason=error.reason)
        return None
    held_write(event, network_status=NetworkStatus.DONE)
    return None


# What undoes what on the network: of two such decisions, the later is the one carried.
UNDOING = {
    EventAction.HIDE: EventAction.UNHIDE,
    EventAction.UNHIDE: EventAction.HIDE,
    EventAction.MUTE: EventAction.UNMUTE,
    EventAction.UNMUTE: EventAction.MUTE,
    EventAction.BLOCK: EventAction.UNBLOCK,
    EventAction.UNBLOCK: EventAction.BLOCK,
}


def _overtaken(event: ModerationEvent) -> bool:
    """A later decision on the same comment or author for the network (an unhide after a
    hide whose send waits for a retry): carried after it, this one would undo it there,
    the comment hidden on the network while Palabre shows it. It is not carried."""
    undoing = UNDOING.get(EventAction(event.action))
    if undoing is None:
        return False
    same: dict[str, int | None] = {"interaction_id": event.interaction_id}
    if event.action not in (EventAction.HIDE, EventAction.UNHIDE):
        interaction = event.interaction
        same = {
            "interaction__identity_id": interaction.identity_id,
            "interaction__channel_id": interaction.channel_id,
        }
    later = ModerationEvent.objects.filter(
        Q(created_at__gt=event.created_at) | Q(created_at=event.created_at, pk__gt=event.pk),
        action__in=[event.action, undoing],
        **same,
    )
    if event.action in (EventAction.HIDE, EventAction.UNHIDE):
        # Palabre shows the comment as the later decision says, whatever the network did.
        return later.exclude(network_status=NetworkStatus.NOT_NEEDED).exists()
    # An author's standing is read from the network's answers (authors.py): a later undo
    # the network refused leaves this one to carry.
    pending_or_done = [NetworkStatus.PENDING, NetworkStatus.DONE]
    return later.filter(network_status__in=pending_or_done).exists()


def _not_carried(event: ModerationEvent, connector: Connector) -> str:
    """Why this event cannot reach the network at all ("" when it can)."""
    needed = NETWORK_STEPS.get(event.action)
    not_allowed = reasons.NOT_ALLOWED % {
        "network": reasons.network_as_stored(event.interaction.channel)
    }
    if needed is None or needed not in connector.capabilities:
        return not_allowed
    if event.action == EventAction.DELETE and not connector.deletes_comments:
        return not_allowed
    if needed not in (Capability.HIDE, Capability.DELETE) and event.interaction.identity is None:
        return reasons.AUTHOR_ERASED
    return ""


def _carry(event: ModerationEvent, connector: Connector) -> None:
    interaction = event.interaction
    author = interaction.identity.remote_id if interaction.identity else ""
    match event.action:
        case EventAction.HIDE:
            connector.hide(remote_id=interaction.remote_id)
        case EventAction.UNHIDE:
            connector.unhide(remote_id=interaction.remote_id)
        case EventAction.MUTE:
            connector.mute_author(author_id=author)
        case EventAction.UNMUTE:
            connector.unmute_author(author_id=author)
        case EventAction.BLOCK:
            connector.block_author(author_id=author)
        case EventAction.UNBLOCK:
            connector.unblock_author(author_id=author)
        case EventAction.REPORT:
            connector.report(remote_id=interaction.remote_id, author_id=author, reason=event.reason)
        case EventAction.DELETE:
            connector.delete(remote_id=interaction.remote_id)


def _network_failed(event: ModerationEvent, reason: str) -> None:
    held_write(event, network_status=NetworkStatus.FAILED, network_error=reason[:1000])


def workspace_labels(workspace: Workspace) -> tuple[list[str], list[int]]:
    """Every person's decision, the latest per interaction: 1 abusive, 0 not. One shown
    again and waiting in review for a verdict teaches nothing until it has one."""
    positive = {EventAction.HIDE, EventAction.IS_ABUSE}
    negative = {EventAction.UNHIDE, EventAction.NOT_ABUSE}
    latest: dict[int, int] = {}
    texts: dict[int, str] = {}
    events = ModerationEvent.objects.filter(
        workspace=workspace, actor__isnull=False, action__in=positive | negative
    ).select_related("interaction")
    for event in events.order_by("created_at", "pk"):
        if event.interaction.erased or event.interaction.in_review:
            continue
        latest[event.interaction_id] = int(event.action in positive)
        texts[event.interaction_id] = event.interaction.text
    ids = sorted(latest)
    return [texts[i] for i in ids], [latest[i] for i in ids]
