"""The answer clock (product rule 2: never stay silent).

A question or criticism waiting for an answer wakes the worker at each deadline: after
the workspace's alert delay its assignee is told (the managers when nobody is assigned),
after twice that the managers are; time rules ("unanswered for N hours") fire too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from palabre.accounts.models import User
from palabre.accounts.permissions import Action, members_who
from palabre.inbox.models import (
    EventAction,
    Interaction,
    ModerationRule,
)
from palabre.inbox.moderation import (
    Decision,
    decision_apply,
    event_record,
    rule_apply,
    rule_matches,
)
from palabre.lib.excerpt import excerpt
from palabre.lib.folding import fold
from palabre.publishing.notices import notice_send
from palabre.webhooks.emit import interaction_waiting_emit

WAITING = gettext_noop("Unanswered for over %(hours)s h on %(channel)s: “%(text)s”")
# What notices stored before 2026-12-06 name (a notice keeps its msgid and is translated when
# read): kept in the catalogue so that they are still said in the reader's language.
WAITING_BEFORE = gettext_noop("Waiting for an answer for %(hours)s h on %(channel)s: “%(text)s”")
RULE_ALERT = gettext_noop("Rule “%(rule)s” on %(channel)s: “%(text)s”")
ASSIGNED = gettext_noop("%(who)s gave you a conversation on %(channel)s: “%(text)s”")
MENTIONED = gettext_noop(
    "%(who)s mentioned you in a note on a message from %(author)s (%(channel)s): “%(text)s”"
)
# Notices written before it named the message's author still read in their own words.
MENTIONED_BEFORE = gettext_noop("%(who)s mentioned you in a note on %(channel)s: “%(text)s”")
TEXT_QUOTED = 120  # characters of what the person wrote, in the notice and its e-mail


def waiting(interaction: Interaction) -> bool:
    return (
        interaction.needs_answer
        and interaction.answered_at is None
        and interaction.done_at is None
        and not interaction.hidden
    )


def _deadlines(interaction: Interaction) -> list[tuple[datetime, str]]:
    hours = timedelta(hours=interaction.workspace.answer_alert_hours)
    start = interaction.created_at
    found = []
    if interaction.alert_level < 1:
        found.append((start + hours, "assignee"))
    if interaction.alert_level < 2:
        found.append((start + 2 * hours, "managers"))
    for rule in _time_rules(interaction):
        found.append((start + timedelta(hours=rule.unanswered_hours or 0), f"rule:{rule.pk}"))
    return sorted(found)


def _time_rules(interaction: Interaction) -> list[ModerationRule]:
    rules = ModerationRule.objects.filter(
        workspace_id=interaction.workspace_id, enabled=True, unanswered_hours__isnull=False
    ).exclude(pk__in=interaction.fired_rules or [])
    return [r for r in rules if rule_matches(r, interaction)]


def clock_next(interaction: Interaction) -> datetime | None:
    found = _deadlines(interaction)
    return found[0][0] if found else None


def interaction_clock(interaction: Interaction) -> datetime | None:
    """The worker's step: fire every deadline passed, then sleep until the next one."""
    if not waiting(interaction):
        return None
    now = timezone.now()
    for moment, what in _deadlines(interaction):
        if moment > now:
            return moment
        if what == "assignee":
            _alert_assignee(interaction)
        elif what == "managers":
            _alert_managers(interaction)
        else:
            _fire(interaction, ModerationRule.objects.get(pk=int(what.removeprefix("rule:"))))
    return clock_next(interaction)


def _assignee(interaction: Interaction) -> User | None:
    """Who the comment is assigned to, while they may still answer it (not someone who left
    the workspace, or whose role no longer answers: the managers are told instead)."""
    assignee = interaction.assigned_to
    answering = members_who(interaction.workspace, Action.ANSWER)
    return assignee if assignee and answering.filter(pk=assignee.pk).exists() else None


def _assignee_or_managers(interaction: Interaction) -> list[User]:
    assignee = _assignee(interaction)
    return [assignee] if assignee else interaction.workspace.managers()


def _alert_assignee(interaction: Interaction) -> None:
    people = _assignee_or_managers(interaction)
    _tell(interaction, people, WAITING, hours=interaction.workspace.answer_alert_hours)
    interaction_waiting_emit(
        interaction=interaction, hours=interaction.workspace.answer_alert_hours
    )
    Interaction.objects.filter(pk=interaction.pk).update(alert_level=1)
    interaction.alert_level = 1


def _alert_managers(interaction: Interaction) -> None:
    if _assignee(interaction):  # without an assignee, the managers were told already
        hours = 2 * interaction.workspace.answer_alert_hours
        _tell(interaction, interaction.workspace.managers(), WAITING, hours=hours)
        interaction_waiting_emit(interaction=interaction, hours=hours)
    Interaction.objects.filter(pk=interaction.pk).update(alert_level=2)
    interaction.alert_level = 2


def _fire(interaction: Interaction, rule: ModerationRule) -> None:
    interaction.fired_rules = [*(interaction.fired_rules or []), rule.pk]
    Interaction.objects.filter(pk=interaction.pk).update(fired_rules=interaction.fired_rules)
    decision = Decision()
    rule_apply(decision, rule, interaction)
    decision_apply(interaction=interaction, decision=decision)


def interaction_alert(*, interaction: Interaction, reason: str) -> None:
    """An "alert" rule: its assignee, or the managers, are told now."""
    people = _assignee_or_managers(interaction)
    _tell(interaction, people, RULE_ALERT, rule=reason)
    event_record(
        interaction, EventAction.ALERT, rule=reason, reason=", ".join(str(p) for p in people)
    )


def item_path(interaction: Interaction) -> str:
    """The comment's page: where its notices point, and how they are found again once it
    is answered or done (inbox/services.py)."""
    return reverse("inbox_item", args=[interaction.workspace.slug, interaction.pk])


def _tell(
    interaction: Interaction,
    people: list[User],
    template: str,
    *,
    rule: str = "",
    hours: int = 0,
    who: User | None = None,
    email: bool = True,
    quoted: str | None = None,
) -> None:
    """`quoted`: the words the notice quotes, when not the comment's (a note's)."""
    link = item_path(interaction)
    params: dict[str, object] = {
        "hours": hours,
        "channel": interaction.channel.name,
        "text": excerpt(interaction.text if quoted is None else quoted, TEXT_QUOTED),
        "rule": rule,
    }
    if who is not None:
        params["who"] = str(who)
    params["author"] = interaction.author_name
    for user in people:
        notice_send(
            workspace=interaction.workspace,
            user=user,
            message=template,
            params=params,
            url=link,
            email=email,
        )


def assigned_tell(interaction: Interaction, *, actor: User, assignee: User) -> None:
    """The person a conversation was given to is told, in the app (the waiting alerts
    e-mail them later if it is still unanswered); not someone who took it themselves."""
    if assignee != actor:
        _tell(interaction, [assignee], ASSIGNED, who=actor, email=False)


# "@ines", "@Inès" (its accent written apart too), "@lucas.garnier", "@o’brien": a word
# after "@" in an internal note.
MENTION = re.compile(r"(?<![\w@])@((?:[\w.’'-]|[\u0300-\u036f])+)")


@dataclass(frozen=True)
class Mentions:
    told: list[User]  # each named colleague who can open the comment, once
    unknown: list[str]  # the words after "@" that named nobody who could be told
    # Of those, the words that name a member whose role does not open the inbox ("use their
    # address" would not help them).
    out_of_reach: list[str] = field(default_factory=list)


def mentioned(interaction: Interaction, text: str, *, actor: User) -> Mentions:
    """The colleagues a note names with "@": a word after "@" is the part of an e-mail
    address before "@" of one member who can open the comment, else the first name of one
    (accents and case aside). An address wins over a first name: "@camille" is the owner
    camille@… even beside a Camille Dupont; a first name two members share names neither."""
    words = {fold(word).rstrip(".-'’"): word for word in MENTION.findall(text)}
    members = list(members_who(interaction.workspace, Action.VIEW_INBOX))
    told: list[User] = []
    unknown: dict[str, str] = {}  # as folded: as written
    for word, as_written in sorted(words.items()):
        member = _named(members, word)
        if member is None:
            unknown[word] = as_written
        elif member != actor and member not in told:
            told.append(member)
    # The whole team is read only for the words that named nobody who could be told.
    everyone = (
        list(User.objects.filter(memberships__workspace=interaction.workspace)) if unknown else []
    )
    out_of_reach = [said for word, said in unknown.items() if _named(everyone, word) is not None]
    return Mentions(told=told, unknown=list(unknown.values()), out_of_reach=out_of_reach)


def _named(members: list[User], word: str) -> User | None:
    by_address = [m for m in members if fold(m.email.split("@")[0]) == word]
    by_name = [m for m in members if fold((m.name.split() or [""])[0]) == word]
    for found in (by_address, by_name):
        if len(found) == 1:
            return found[0]
    return None


def _asked(note: str) -> str:
    """What a notice quotes of a note: from its first "@" when the note is too long to be
    quoted whole (its first 120 characters held neither the name nor the question)."""
    at = note.find("@")
    if len(note) <= TEXT_QUOTED or at <= 0:
        return note
    return "…" + note[at:]


def mentioned_tell(interaction: Interaction, text: str, *, actor: User) -> Mentions:
    """The colleagues a note names are told, in the app; returns whom, and who was not."""
    found = mentioned(interaction, text, actor=actor)
    # The note's words, not the comment's: they say what is asked of the person.
    _tell(interaction, found.told, MENTIONED, who=actor, email=False, quoted=_asked(text))
    return found
