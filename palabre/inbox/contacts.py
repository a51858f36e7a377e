"""People and their personal data: merge, export, erase, and the retention period."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from palabre.accounts.models import Workspace
from palabre.inbox import reasons
from palabre.inbox.models import (
    Contact,
    EventAction,
    Identity,
    Interaction,
    ModerationEvent,
    Note,
    Reply,
    WorkspaceSweep,
)
from palabre.lib.wordsearch import search_words, word_found

ERASED_TEXT = ""
SWEEP_EVERY = timedelta(days=1)


def contact_merge(*, into: Contact, other: Contact) -> Contact:
    """One person with accounts on several networks: `other`'s identities, and the sales
    or sign-ups attributed to them, move to `into`."""
    from palabre.strategy.models import Conversion

    if into.pk == other.pk or into.workspace_id != other.workspace_id:
        return into
    with transaction.atomic():
        Identity.objects.filter(contact=other).update(contact=into)
        Conversion.objects.filter(contact=other).update(contact=into)
        into.tags = sorted(set(into.tags) | set(other.tags))
        into.notes = "\n\n".join(n for n in (into.notes, other.notes) if n)
        into.save(update_fields=["tags", "notes"])
        other.delete()
    return into


def contacts_found(*, workspace: Workspace, text: str = "", stage: str = "") -> QuerySet[Contact]:
    """The contacts page's list (and the API's): each with `talks`, their interactions, the
    most talkative first, found by name or handle. The handle is searched in a subquery:
    a join would count each interaction once per account of a merged person."""
    rows = Contact.objects.filter(workspace=workspace)
    # Each word in the name or an account, accents and case aside: "helene" finds
    # "Hélène", "CAFE" finds "café_lumière", "kaci nadia" finds "Nadia Kaci".
    for word in search_words(text):
        handles = Identity.objects.filter(workspace=workspace).filter(word_found("handle", word))
        rows = rows.filter(word_found("name", word) | Q(pk__in=handles.values("contact_id")))
    if stage:
        rows = rows.filter(stage=stage)
    return rows.annotate(talks=Count("identities__interactions")).order_by("-talks", "name")


MERGE_CANDIDATES = 20


def merge_candidates(*, contact: Contact, text: str = "") -> list[Contact]:
    """Whom a person may be merged with, a short list: those found by name or handle
    (`text`), else those of the same name. Never the whole workspace: thousands of names
    in one list help nobody."""
    workspace = contact.workspace
    if text.strip():
        found = contacts_found(workspace=workspace, text=text.strip())
    else:
        found = Contact.objects.filter(workspace=workspace, name__iexact=contact.name)
    rows = found.exclude(pk=contact.pk).order_by("name", "pk").prefetch_related("identities")
    return list(rows[:MERGE_CANDIDATES])


def contact_interactions(contact: Contact) -> QuerySet[Interaction]:
    """What a person said and did in the workspace, newest first."""
    return (
        Interaction.objects.filter(identity__contact=contact)
        .select_related("channel", "identity")
        .order_by("-created_at", "-pk")  # a page's rows stay put when two share a time
    )


def contact_timeline(contact: Contact) -> QuerySet[Interaction]:
    """The person's page: what they said, newest first, each with what we answered (and
    who) and our internal notes, read in three queries whatever the page's length."""
    return contact_interactions(contact).prefetch_related(
        Prefetch("replies", queryset=Reply.objects.select_related("author")),
        Prefetch("notes", queryset=Note.objects.select_related("author")),
    )


def contact_history(contact: Contact) -> list[Interaction]:
    return list(contact_interactions(contact))


def contact_export(*, contact: Contact) -> dict[str, Any]:
    """Everything Palabre holds about one person, as JSON (a subject access request)."""
    interactions = contact_history(contact)
    return {
        "contact": {
            "name": contact.name,
            "notes": contact.notes,
            "tags": contact.tags,
            "created_at": contact.created_at.isoformat(),
        },
        "identities": [
            {
                "network": i.network,
                "account_id": i.remote_id,
                "handle": i.handle,
                "display_name": i.display_name,
                "first_seen": i.first_seen.isoformat(),
                "last_seen": i.last_seen.isoformat(),
            }
            for i in contact.identities.all()
        ],
        "interactions": [
            {
                "channel": i.channel.name,
                "network": i.channel.network,
                "kind": i.kind,
                "remote_id": i.remote_id,
                "text": i.text,
                "created_at": i.created_at.isoformat(),
                "language": i.lang,
                "category": i.category,
                "scores": i.scores,
                "model_version": i.model_version,
                "hidden": i.hidden,
                "labels": i.labels,
                "notes": [n.text for n in i.notes.all()],
                "replies": [
                    {"text": r.text, "sent_at": r.sent_at.isoformat() if r.sent_at else None}
                    for r in i.replies.all()
                ],
            }
            for i in interactions
        ],
    }


def interactions_anonymise(interactions: Any) -> int:
    """Words and authorship go; the fact that something happened, and when, stays
    (counts in reports do not change)."""
    ids = list(interactions.values_list("pk", flat=True))
    Reply.objects.filter(interaction_id__in=ids).update(text=ERASED_TEXT)
    Note.objects.filter(interaction_id__in=ids).delete()
    _copies_forgotten(ids)
    return Interaction.objects.filter(pk__in=ids).update(
        text=ERASED_TEXT,
        identity=None,
        erased=True,
        scores={},
        labels=[],
        reply_draft="",  # an answer drafted to the person, their name in it
        reply_draft_by=None,
        reply_draft_at=None,
        reply_draft_via="",
    )


# Events whose reason a person typed (the others say who was assigned or told).
TYPED_REASONS = [a for a in EventAction.values if a not in (EventAction.ASSIGN, EventAction.ALERT)]


def _copies_forgotten(ids: list[int]) -> None:
    """Where else the person's words or name were copied: a moderator's own reason, a
    notice quoting the comment, a webhook's payload (waiting to be sent, or kept in the
    delivery log, where "send again" would send it)."""
    from palabre.publishing.models import Notice
    from palabre.webhooks.models import Delivery

    ModerationEvent.objects.filter(
        interaction_id__in=ids, actor__isnull=False, action__in=TYPED_REASONS
    ).exclude(reason="").update(reason=reasons.AUTHOR_ERASED)
    Delivery.objects.filter(payload__data__interaction__id__in=ids).delete()
    items = Interaction.objects.filter(pk__in=ids).values_list("pk", "workspace__slug")
    links = [reverse("inbox_item", args=[slug, pk]) for pk, slug in items]
    Notice.objects.filter(url__in=links).update(
        message=reasons.AUTHOR_ERASED, params={}, text=gettext("The author's data was erased.")
    )


def contact_erase(*, contact: Contact) -> int:
    """Erase a person on request: their interactions anonymised, their identities deleted,
    and their public posts that listening heard deleted too."""
    from palabre.listening.services import heard_erase_accounts

    with transaction.atomic():
        count = interactions_anonymise(Interaction.objects.filter(identity__contact=contact))
        accounts = list(contact.identities.values_list("network", "remote_id", "handle"))
        heard_erase_accounts(workspace=contact.workspace, accounts=accounts)
        contact.delete()  # identities go with it
    return count


def workspace_retention_apply(*, workspace: Workspace, now: datetime | None = None) -> int:
    """Anonymise ingested content older than the workspace's retention period."""
    now = now or timezone.now()
    limit = now - timedelta(days=30 * workspace.retention_months)
    old = Interaction.objects.filter(workspace=workspace, created_at__lt=limit, erased=False)
    with transaction.atomic():
        count = interactions_anonymise(old)
        # People with nothing left in the period are forgotten too.
        Contact.objects.filter(workspace=workspace).exclude(
            identities__interactions__isnull=False
        ).filter(identities__last_seen__lt=limit).delete()
    return count


def workspace_sweep_run(sweep: WorkspaceSweep) -> datetime | None:
    """The worker's daily step for one workspace."""
    purged = workspace_retention_apply(workspace=sweep.workspace)
    WorkspaceSweep.objects.filter(pk=sweep.pk).update(
        last_run_at=timezone.now(), last_purged=purged
    )
    return timezone.now() + SWEEP_EVERY
