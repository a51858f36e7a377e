"""The inbox's queues and filters: what the page lists, and what the API lists."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from palabre.accounts.models import User, Workspace
from palabre.accounts.permissions import scoped
from palabre.inbox import waiting
from palabre.inbox.models import CONVERSATION_KINDS, AbuseKind, Interaction
from palabre.lib.wordsearch import search_words, word_found


def conversations(workspace: Workspace) -> QuerySet[Interaction]:
    return scoped(Interaction.objects.all(), workspace).filter(kind__in=CONVERSATION_KINDS)


# What cannot wait for a moderator: threats and hate first (they may be hidden for good),
# then the oldest.
REVIEW_FIRST = Case(
    When(abuse_kind__in=[AbuseKind.THREAT, AbuseKind.HATE], then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


def queue_rows(rows: QuerySet[Interaction], queue: str, user: User) -> QuerySet[Interaction]:
    if queue == "answer":
        return waiting.waiting(rows).order_by("created_at")  # the longest wait first
    if queue == "review":  # what cannot wait first (the home page's "To review" too)
        rows = rows.filter(in_review=True, hidden=False).annotate(severity=REVIEW_FIRST)
        return rows.order_by("severity", "created_at")
    if queue == "hidden":
        return rows.filter(hidden=True).order_by("-created_at")
    if queue == "mine":
        return rows.filter(assigned_to=user).order_by("created_at")
    return rows.order_by("-created_at")


def queue_filtered(
    rows: QuerySet[Interaction], data: dict[str, Any], queue: str
) -> QuerySet[Interaction]:
    """`data`: a valid FilterForm's cleaned data ({} shows the queue's default)."""
    if data.get("channel"):
        rows = rows.filter(channel=data["channel"])
    if data.get("category"):
        rows = rows.filter(category=data["category"])
    if data.get("lang"):
        rows = rows.filter(lang=data["lang"])
    if data.get("post"):
        rows = rows.filter(target__post_id=data["post"])
    # Each word, anywhere: in the text, the handle or the name ("fougasse olives" found
    # nothing where the two words were apart; "Nadia Kaci" nothing, the name not searched),
    # accents and case aside ("creme brulee" finds "Crème brûlée", "helene" "Hélène").
    for word in search_words(data.get("text") or ""):
        rows = rows.filter(
            word_found("text", word)
            | word_found("identity__handle", word)
            | word_found("identity__display_name", word)
        )
    done = data.get("done") or ("any" if queue in ("all", "hidden") else "")
    if done == "":
        rows = rows.filter(done_at__isnull=True)
    elif done == "yes":
        rows = rows.filter(done_at__isnull=False)
    return rows


def queue_counts(workspace: Workspace, user: User) -> dict[str, int]:
    talk = conversations(workspace)
    return {
        "answer": waiting.waiting(talk).count(),
        "review": queue_rows(talk, "review", user).filter(done_at__isnull=True).count(),
        "mine": queue_rows(talk, "mine", user).filter(done_at__isnull=True).count(),
    }
