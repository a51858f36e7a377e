"""The inbox: conversations by queue, a thread, and what a person does with it.

Each operation is the page's: the same forms validate, the same services act, the same
permission (`Action`) is checked, plus the token's scope. Sending an answer to the network
needs "publish"; writing a draft a person sends needs only "write".
"""

from datetime import datetime
from typing import Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Schema, Status
from pydantic import Field

from palabre.accounts.models import User
from palabre.accounts.permissions import Action, get_scoped_or_404
from palabre.api.access import ApiRouter, allowed, caller_of
from palabre.api.models import Scope
from palabre.api.pagination import page
from palabre.api.schemas import (
    CONFLICTS,
    REFUSALS,
    Out,
    Page,
    Ref,
    SearchText,
    ShortText,
    Text,
    form_valid,
    refused,
)
from palabre.api.vocabulary import Queue
from palabre.inbox import moderation, queues, services
from palabre.inbox.forms import AssignForm, FilterForm, NoteForm, ReplyForm
from palabre.inbox.models import Interaction

router = ApiRouter(tags=["inbox"])


class Author(Out):
    handle: str
    name: str
    contact_id: int | None


class ConversationOut(Out):
    id: int
    kind: str
    channel: Ref
    network: str
    author: Author | None
    text: str
    created_at: datetime
    lang: str
    category: str
    abuse_kind: str
    abuse: float | None
    needs_answer: bool
    in_review: bool
    hidden: bool
    done: bool
    answered_at: datetime | None
    assigned_to: Ref | None
    parent_id: int | None
    reply_draft: str


class ConversationPage(Page):
    items: list[ConversationOut]


class ReplyOut(Out):
    id: int
    text: str
    status: str
    private: bool
    created_at: datetime
    sent_at: datetime | None
    author: Ref | None


class NoteOut(Out):
    id: int
    text: str
    created_at: datetime
    author: Ref | None


class NoteAddedOut(NoteOut):
    told: list[Ref] = Field(description="The colleagues the note named with @, told.")
    unknown: list[str] = Field(description="Words after @ that named nobody who could be told.")


class OnPost(Out):
    post_id: int
    text: str = Field(description="The variant this channel published.")
    url: str = Field(description="The publication on the network ('' if unknown).")


class ThreadOut(Out):
    conversation: ConversationOut
    on_post: OnPost | None = Field(
        description="The workspace's post it was written under, when Palabre published it."
    )
    above: list[ConversationOut] = Field(description="The comments it answers, oldest first.")
    answers: list[ConversationOut] = Field(description="Comments that answer it.")
    replies: list[ReplyOut] = Field(description="The workspace's own answers.")
    notes: list[NoteOut]


def _user_ref(user: User | None) -> Ref | None:
    return Ref(id=user.pk, name=str(user)) if user is not None else None


def conversation_out(row: Interaction) -> ConversationOut:
    identity = row.identity
    return ConversationOut(
        id=row.pk,
        kind=row.kind,
        channel=Ref(id=row.channel.pk, name=row.channel.name),
        network=row.channel.network,
        author=Author(
            handle=identity.handle, name=identity.display_name, contact_id=identity.contact_id
        )
        if identity is not None
        else None,
        text=row.text,
        created_at=row.created_at,
        lang=row.lang,
        category=row.category,
        abuse_kind=row.abuse_kind,
        abuse=row.abuse,
        needs_answer=row.needs_answer,
        in_review=row.in_review,
        hidden=row.hidden,
        done=row.done_at is not None,
        answered_at=row.answered_at,
        assigned_to=_user_ref(row.assigned_to),
        parent_id=row.parent_id,
        reply_draft=row.reply_draft,
    )


class ConversationFilters(Schema):
    queue: Queue = "answer"
    channel: int | None = None
    category: Literal["", "question", "criticism", "praise", "abuse", "spam", "other"] = ""
    lang: Literal["", "fr", "en", "other"] = ""
    text: SearchText = Field(
        "", description="Words, each found in the text, the author's handle or name (8 at most)."
    )
    done: Literal["", "yes", "any"] = ""
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


@router.get("", response={200: ConversationPage, **REFUSALS})
@allowed(Action.VIEW_INBOX, Scope.READ)
def conversations_list(
    request: HttpRequest, filters: Query[ConversationFilters]
) -> ConversationPage:
    """A queue, as the inbox page lists it ("answer": the longest wait first)."""
    caller = caller_of(request)
    form = FilterForm(
        {
            "channel": filters.channel or "",
            "category": filters.category,
            "lang": filters.lang,
            "text": filters.text,
            "done": filters.done,
        },
        workspace=caller.workspace,
    )
    data = form_valid(form)
    rows = queues.queue_filtered(
        queues.queue_rows(queues.conversations(caller.workspace), filters.queue, caller.user),
        data,
        filters.queue,
    )
    found, cursor = page(
        _listed(rows),
        field="created_at",
        descending=filters.queue in ("all", "hidden"),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return ConversationPage(items=[conversation_out(r) for r in found], next_cursor=cursor)


# What a list shows, and nothing else: the scores, labels and rules' JSON stay unread.
LISTED = (
    *("kind", "text", "created_at", "lang", "category", "abuse_kind", "abuse", "needs_answer"),
    *("in_review", "hidden", "done_at", "answered_at", "parent", "reply_draft"),
    *("channel__name", "channel__network"),
    *("identity__handle", "identity__display_name", "identity__contact_id"),
    *("assigned_to__name", "assigned_to__email"),
)


def _listed(rows: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return rows.select_related("identity", "channel", "assigned_to").only(*LISTED)


def _conversation(request: HttpRequest, pk: int) -> Interaction:
    """One of the workspace's conversations (a like, a repost, a follow is not one: 404)."""
    workspace = caller_of(request).workspace
    rows = queues.conversations(workspace).select_related(
        "identity", "channel", "assigned_to", "target__variant"
    )
    return get_scoped_or_404(rows, workspace, pk=pk)


@router.get("/{int:pk}", response={200: ThreadOut, **REFUSALS})
@allowed(Action.VIEW_INBOX, Scope.READ)
def conversation_read(request: HttpRequest, pk: int) -> ThreadOut:
    """One message with what it answers, what answers it, the replies and the notes."""
    row = _conversation(request, pk)
    above: list[Interaction] = []
    current = row.parent
    while current is not None and len(above) < 6:
        above.append(current)
        current = current.parent
    answers = row.children.select_related("identity", "channel", "assigned_to")
    target = row.target
    return ThreadOut(
        conversation=conversation_out(row),
        on_post=OnPost(post_id=target.post_id, text=target.variant.text, url=target.remote_url)
        if target is not None
        else None,
        above=[conversation_out(r) for r in reversed(above)],
        answers=[conversation_out(r) for r in answers.order_by("created_at")[:200]],
        replies=[
            ReplyOut(
                id=r.pk,
                text=r.text,
                status=r.status,
                private=r.private,
                created_at=r.created_at,
                sent_at=r.sent_at,
                author=_user_ref(r.author),
            )
            for r in row.replies.select_related("author")
        ],
        notes=[
            NoteOut(id=n.pk, text=n.text, created_at=n.created_at, author=_user_ref(n.author))
            for n in row.notes.select_related("author")
        ],
    )


class TextIn(Schema):
    text: Text


class ReplyIn(Schema):
    text: Text
    visibility: str = Field(
        "", description="Narrower than what it answers, where the network allows; '' = the same."
    )


@router.post("/{int:pk}/replies", response={201: ReplyOut, **CONFLICTS})
@allowed(Action.ANSWER, Scope.PUBLISH)
def conversation_reply(request: HttpRequest, pk: int, body: ReplyIn) -> Status:
    """Send an answer into the thread on the network (the worker posts it within seconds)."""
    caller, row = caller_of(request), _conversation(request, pk)
    data = form_valid(ReplyForm({"text": body.text, "visibility": body.visibility}))
    try:
        reply = services.interaction_reply(
            interaction=row, actor=caller.user, text=data["text"], visibility=data["visibility"]
        )
    except services.InboxRefused as refusal:
        raise refused(409, "reply_refused", refusal) from None
    return Status(
        201,
        ReplyOut(
            id=reply.pk,
            text=reply.text,
            status=reply.status,
            private=reply.private,
            created_at=reply.created_at,
            sent_at=reply.sent_at,
            author=_user_ref(caller.user),
        ),
    )


@router.post("/{int:pk}/draft", response={200: ConversationOut, **CONFLICTS})
@allowed(Action.ANSWER, Scope.WRITE)
def conversation_draft_reply(request: HttpRequest, pk: int, body: TextIn) -> ConversationOut:
    """Write an answer for a person to check and send from the inbox ("" clears it)."""
    caller, row = caller_of(request), _conversation(request, pk)
    if body.text.strip():
        form_valid(ReplyForm({"text": body.text}))
    try:
        services.interaction_draft_reply(
            interaction=row, actor=caller.user, text=body.text, via=caller.token.name
        )
    except services.InboxRefused as refusal:
        raise refused(409, "draft_refused", refusal) from None
    return conversation_out(row)


@router.post("/{int:pk}/notes", response={201: NoteAddedOut, **REFUSALS})
@allowed(Action.ANSWER, Scope.WRITE)
def conversation_note(request: HttpRequest, pk: int, body: TextIn) -> Status:
    """An internal note: never sent to the network. An "@" and a colleague's first name (or
    address before the @) tells them in their notices (`told`; `unknown`: named nobody)."""
    caller, row = caller_of(request), _conversation(request, pk)
    data = form_valid(NoteForm({"text": body.text}))
    note, mentions = services.interaction_note(
        interaction=row, actor=caller.user, text=data["text"]
    )
    out = NoteAddedOut(
        id=note.pk,
        text=note.text,
        created_at=note.created_at,
        author=_user_ref(caller.user),
        told=[ref for ref in map(_user_ref, mentions.told) if ref is not None],
        unknown=mentions.unknown,
    )
    return Status(201, out)


class AssignIn(Schema):
    assignee: int | None = Field(description="A member's id; null: nobody.")


@router.post("/{int:pk}/assign", response={200: ConversationOut, **REFUSALS})
@allowed(Action.ANSWER, Scope.WRITE)
def conversation_assign(request: HttpRequest, pk: int, body: AssignIn) -> ConversationOut:
    caller, row = caller_of(request), _conversation(request, pk)
    data = form_valid(AssignForm({"assignee": body.assignee or ""}, workspace=caller.workspace))
    services.interaction_assign(interaction=row, actor=caller.user, assignee=data["assignee"])
    return conversation_out(row)


class DoneIn(Schema):
    done: bool = True


@router.post("/{int:pk}/done", response={200: ConversationOut, **REFUSALS})
@allowed(Action.ANSWER, Scope.WRITE)
def conversation_done(request: HttpRequest, pk: int, body: DoneIn) -> ConversationOut:
    row = _conversation(request, pk)
    services.interaction_done(interaction=row, done=body.done)
    return conversation_out(row)


class ReasonIn(Schema):
    reason: ShortText = ""


class HiddenOut(Out):
    conversation: ConversationOut
    on_network: bool = Field(
        description="False: hidden (or shown) in Palabre only; the network cannot do it."
    )


@router.post("/{int:pk}/hide", response={200: HiddenOut, **CONFLICTS})
@allowed(Action.MODERATE, Scope.MODERATE)
def conversation_hide(request: HttpRequest, pk: int, body: ReasonIn) -> HiddenOut:
    """Hide, with a logged reason; `unhide` undoes it."""
    caller, row = caller_of(request), _conversation(request, pk)
    try:
        on_network = moderation.interaction_hide(
            interaction=row, actor=caller.user, reason=body.reason
        )
    except services.InboxRefused as refusal:
        raise refused(409, "moderation_refused", refusal) from None
    row.refresh_from_db()
    return HiddenOut(conversation=conversation_out(row), on_network=on_network)


@router.post("/{int:pk}/unhide", response={200: HiddenOut, **CONFLICTS})
@allowed(Action.MODERATE, Scope.MODERATE)
def conversation_unhide(request: HttpRequest, pk: int, body: ReasonIn) -> HiddenOut:
    caller, row = caller_of(request), _conversation(request, pk)
    try:
        on_network = moderation.interaction_unhide(
            interaction=row, actor=caller.user, reason=body.reason
        )
    except services.InboxRefused as refusal:
        raise refused(409, "moderation_refused", refusal) from None
    row.refresh_from_db()
    return HiddenOut(conversation=conversation_out(row), on_network=on_network)


class Counts(Out):
    answer: int
    review: int
    mine: int


@router.get("/counts", response={200: Counts, **REFUSALS})
@allowed(Action.VIEW_INBOX, Scope.READ)
def conversations_count(request: HttpRequest) -> Counts:
    """What waits: to answer, to review, assigned to the token's creator (open ones)."""
    caller = caller_of(request)
    return Counts(**queues.queue_counts(caller.workspace, caller.user))
