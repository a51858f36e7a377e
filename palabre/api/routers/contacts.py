"""People: the contacts list, one person, merging two, and their data rights.

Personal data: every operation needs the "people" scope, reading included. Reading follows
the Community page's permission (VIEW_COMMUNITY); merging, exporting and erasing the
contact page's buttons (MANAGE_CONTACTS). The same services act (inbox/contacts.py), and
the merge goes through the page's form.
"""

from datetime import datetime
from typing import Any, TypeVar

from django.db import models
from django.db.models import Count, Max, Min
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Schema
from pydantic import Field, StrictBool

from palabre.accounts.permissions import Action, get_scoped_or_404
from palabre.analytics.community import TAG_ADVOCATE, TAG_CUSTOMER
from palabre.api.access import ApiRouter, allowed, caller_of
from palabre.api.errors import ApiError
from palabre.api.models import Scope
from palabre.api.pagination import page
from palabre.api.schemas import REFUSALS, Page, Ref, SearchText, form_valid
from palabre.inbox.contacts import (
    contact_erase,
    contact_export,
    contact_interactions,
    contact_merge,
    contacts_found,
)
from palabre.inbox.forms import MergeForm
from palabre.inbox.models import Contact, Identity, Interaction, Stage

router = ApiRouter(tags=["contacts"])
M = TypeVar("M", bound=models.Model)

RECENT = 20  # interactions shown with a person; their export holds every one


class IdentityOut(Schema):
    id: int
    network: str
    handle: str
    display_name: str
    first_seen: datetime
    last_seen: datetime


class ContactOut(Schema):
    id: int
    name: str
    stage: str = Field(description="advocate, member, engaged or none (recomputed hourly).")
    drifting: bool
    customer: bool
    recommends: bool = Field(description="Tagged by a person as recommending the workspace.")
    interactions: int = Field(description="Everything they said or did, all time.")
    interactions_12m: int
    months_active: int
    last_seen_at: datetime | None
    created_at: datetime
    identities: list[IdentityOut]


class ContactPage(Page):
    items: list[ContactOut]


class HistoryItem(Schema):
    id: int
    channel: Ref
    network: str
    kind: str
    created_at: datetime
    category: str
    text: str
    hidden: bool
    answered_at: datetime | None


class History(Schema):
    total: int
    by_kind: dict[str, int]
    first_at: datetime | None
    last_at: datetime | None
    recent: list[HistoryItem] = Field(description=f"The latest {RECENT}, newest first.")


class ContactDetail(ContactOut):
    notes: str
    history: History


def _identity_out(identity: Identity) -> IdentityOut:
    return IdentityOut(
        id=identity.pk,
        network=identity.network,
        handle=identity.handle,
        display_name=identity.display_name,
        first_seen=identity.first_seen,
        last_seen=identity.last_seen,
    )


def _fields(contact: Contact, talks: int) -> dict[str, Any]:
    tags = contact.tags or []
    return {
        "id": contact.pk,
        "name": contact.name,
        "stage": contact.stage,
        "drifting": contact.drifting,
        "customer": TAG_CUSTOMER in tags,
        "recommends": TAG_ADVOCATE in tags,
        "interactions": talks,
        "interactions_12m": contact.interactions_12m,
        "months_active": contact.months_active,
        "last_seen_at": contact.last_seen_at,
        "created_at": contact.created_at,
        "identities": [_identity_out(i) for i in contact.identities.all()],
    }


def _history_item(row: Interaction) -> HistoryItem:
    return HistoryItem(
        id=row.pk,
        channel=Ref(id=row.channel.pk, name=row.channel.name),
        network=row.channel.network,
        kind=row.kind,
        created_at=row.created_at,
        category=row.category,
        text=row.text,
        hidden=row.hidden,
        answered_at=row.answered_at,
    )


def _history(contact: Contact) -> History:
    rows = contact_interactions(contact)
    span = rows.aggregate(total=Count("pk"), first=Min("created_at"), last=Max("created_at"))
    kinds = rows.order_by().values("kind").annotate(n=Count("pk"))
    return History(
        total=span["total"],
        by_kind={row["kind"]: row["n"] for row in kinds},
        first_at=span["first"],
        last_at=span["last"],
        recent=[_history_item(row) for row in rows[:RECENT]],
    )


def contact_detail_out(contact: Contact) -> ContactDetail:
    history = _history(contact)
    return ContactDetail(**_fields(contact, history.total), notes=contact.notes, history=history)


def _contact(request: HttpRequest, pk: int) -> Contact:
    rows = Contact.objects.prefetch_related("identities")
    return get_scoped_or_404(rows, caller_of(request).workspace, pk=pk)


class ContactFilters(Schema):
    text: SearchText = Field(
        "", description="Words, each in the name or an account's handle (8 at most)."
    )
    stage: Stage | None = None
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


@router.get("", response={200: ContactPage, **REFUSALS})
@allowed(Action.VIEW_COMMUNITY, Scope.PEOPLE)
def contacts_list(request: HttpRequest, filters: Query[ContactFilters]) -> ContactPage:
    """People, those who talk with the workspace most first (as the contacts page)."""
    workspace = caller_of(request).workspace
    rows = contacts_found(
        workspace=workspace,
        text=filters.text,
        stage=filters.stage.value if filters.stage else "",
    ).prefetch_related("identities")
    found, cursor = page(
        rows, field="talks", descending=True, cursor=filters.cursor, limit=filters.limit
    )
    items = [ContactOut(**_fields(c, c.talks)) for c in found]  # type: ignore[attr-defined]
    return ContactPage(items=items, next_cursor=cursor)


@router.get("/{int:pk}", response={200: ContactDetail, **REFUSALS})
@allowed(Action.VIEW_COMMUNITY, Scope.PEOPLE)
def contact_read(request: HttpRequest, pk: int) -> ContactDetail:
    """One person: their accounts, their relationship, and a summary of what they said."""
    return contact_detail_out(_contact(request, pk))


class MergeIn(Schema):
    other: int = Field(
        description="The contact who is the same person; it is merged into this one."
    )


@router.post("/{int:pk}/merge", response={200: ContactDetail, **REFUSALS})
@allowed(Action.MANAGE_CONTACTS, Scope.PEOPLE)
def contacts_merge(request: HttpRequest, pk: int, body: MergeIn) -> ContactDetail:
    """One person with accounts on several networks: `other`'s accounts move here, and
    `other` is gone."""
    contact = _contact(request, pk)
    # The page asks a person to tick that they are sure; a program's call says it.
    data = form_valid(MergeForm({"other": body.other, "sure": True}, contact=contact))
    merged = contact_merge(into=contact, other=data["other"])
    return contact_detail_out(_contact(request, merged.pk))


class ExportedContact(Schema):
    name: str
    notes: str
    tags: list[str]
    created_at: str


class ExportedIdentity(Schema):
    network: str
    account_id: str
    handle: str
    display_name: str
    first_seen: str
    last_seen: str


class ExportedReply(Schema):
    text: str
    sent_at: str | None


class ExportedInteraction(Schema):
    channel: str
    network: str
    kind: str
    remote_id: str
    text: str
    created_at: str
    language: str
    category: str
    scores: dict[str, Any]
    model_version: str
    hidden: bool
    labels: list[Any]
    notes: list[str]
    replies: list[ExportedReply]


class ContactExport(Schema):
    contact: ExportedContact
    identities: list[ExportedIdentity]
    interactions: list[ExportedInteraction]


@router.get("/{int:pk}/export", response={200: ContactExport, **REFUSALS})
@allowed(Action.MANAGE_CONTACTS, Scope.PEOPLE)
def contact_data_export(request: HttpRequest, pk: int) -> ContactExport:
    """Everything Palabre holds about one person (a subject access request): the JSON file
    the contact page downloads."""
    return ContactExport.model_validate(contact_export(contact=_contact(request, pk)))


class EraseIn(Schema):
    confirm: StrictBool = Field(
        False, description="true: erasing cannot be undone, and is refused without it."
    )


class ErasedOut(Schema):
    anonymised: int = Field(description="Their interactions, kept without words or author.")


@router.post("/{int:pk}/erase", response={200: ErasedOut, **REFUSALS})
@allowed(Action.MANAGE_CONTACTS, Scope.PEOPLE)
def contact_data_erase(request: HttpRequest, pk: int, body: EraseIn) -> ErasedOut:
    """Erase a person on request: their accounts go, their words are removed from what they
    wrote (the counts in the reports stay). Irreversible: send `{"confirm": true}`."""
    contact = _contact(request, pk)
    if not body.confirm:
        raise ApiError(
            422,
            "confirmation_required",
            _('Send {"confirm": true} to erase this person: it cannot be undone.'),
        )
    return ErasedOut(anonymised=contact_erase(contact=contact))
