"""What waits for an answer: one definition for home's list, the inbox's "Answer first"
queue and its count, so that they never disagree and nobody answers a person twice; and
the line that says what a waiting item answers.

An answer someone wrote is queued; the worker sends it within seconds and only then sets
the interaction's `answered_at`. In between, the interaction is not waiting any more: its
answer is on its way. Reports keep counting on `answered_at` (models.WAITING), what the
network has actually received.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from palabre.inbox.models import WAITING, Interaction, Reply, ReplyStatus
from palabre.lib.excerpt import excerpt

CONTEXT_CHARS = 80  # one line of the post a question answers, on a phone too


def answer_on_its_way() -> Exists:
    """Whether an answer to the row is queued for the worker."""
    queued = Reply.objects.filter(interaction=OuterRef("pk"), status=ReplyStatus.QUEUED)
    return Exists(queued)


def waiting(rows: QuerySet[Interaction]) -> QuerySet[Interaction]:
    """The questions and criticism nobody answered, closed or is answering right now."""
    return rows.filter(WAITING).exclude(answer_on_its_way())


def with_answer_state(rows: QuerySet[Interaction]) -> QuerySet[Interaction]:
    """The rows with `answer_queued`, for the lists that say "answer on its way"."""
    return rows.annotate(answer_queued=answer_on_its_way())


def answer_queued(interaction: Interaction) -> bool:
    return interaction.replies.filter(status=ReplyStatus.QUEUED).exists()


def answered_post(interaction: Interaction) -> str:
    """One line of what this interaction answers: our post it hangs under, else the comment
    it replies to ("" when Palabre knows neither). "Quels horaires ?" means nothing without
    the job offer it was asked under."""
    if interaction.target is not None:
        return excerpt(interaction.target.variant.text, CONTEXT_CHARS)
    if interaction.parent is not None:
        return excerpt(interaction.parent.text, CONTEXT_CHARS)
    return ""
