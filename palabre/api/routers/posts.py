"""Posts: the composer and the review, for a program.

Each operation is the page's: the composer's forms (`publishing/composer.py`) read what a
program sends, built as the page posts them, so the API refuses and warns exactly as the
page does; the workflow's services move the post; the permission (`Action`) is the page's,
plus the token's scope. Writing and submitting need "write"; approving, scheduling,
publishing and cancelling need "publish".

Every read of a post carries its `ETag`, from the version the composer's own optimistic
concurrency counts; an edit sends it back in `If-Match` (none: 428, an older one: 412),
so a program never overwrites a save it has not seen. An approval sends back the post's
`digest`, read with it: the approval is of that content, or nothing (409).
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import HeaderEx, P, Query, Schema, Status
from pydantic import Field

from palabre.accounts.models import User, Workspace
from palabre.accounts.permissions import Action, can, get_scoped_or_404
from palabre.api.access import ApiRouter, allowed, caller_of, check
from palabre.api.errors import ApiError, invalid, not_found
from palabre.api.models import Scope
from palabre.api.pagination import page
from palabre.api.schemas import (
    CONFLICTS,
    REFUSALS,
    Page,
    Problem,
    Ref,
    SearchText,
    ShortText,
    Text,
    form_valid,
)
from palabre.api.tokens import Caller
from palabre.api.vocabulary import Category as CategoryName
from palabre.api.vocabulary import Network
from palabre.api.vocabulary import PostStatus as StatusName
from palabre.channels.models import Channel
from palabre.lib.concurrency import StaleVersion
from palabre.lib.ids import parse_id
from palabre.lib.months import FIRST_YEAR, LAST_YEAR
from palabre.publishing import composer, planning, publisher, services, workflow
from palabre.publishing.content import content_digest, post_content
from palabre.publishing.forms import ApproveForm, CommentForm, IdeaForm, VariantForm
from palabre.publishing.listing import posts_found
from palabre.publishing.models import Post, PostComment, PostStatus
from palabre.publishing.rules.base import Problem as RuleProblem
from palabre.strategy.guidelines import promotional_share_problem

router = ApiRouter(tags=["posts"])

EDITS: dict[int, type[Problem]] = {**CONFLICTS, 412: Problem, 428: Problem}
IF_MATCH = re.compile(r'\s*(?:W/)?"(\d{1,9})"\s*')
# The variant form's fields under the names the API gives them.
API_NAMES = {"media_items": "media"}


# --- What a post looks like --------------------------------------------------------------


class VariantOut(Schema):
    network: str
    text: str
    content_warning: str
    instagram_format: str
    thread: list[str] = Field(description="The posts that follow the text, in order.")
    first_comment: str
    reply_control: str
    quote_url: str
    channels: list[Ref]
    media: list[int] = Field(description="Media ids (see /media).")
    locked: bool = Field(description="It went out (or may have): it no longer changes.")


class TargetOut(Schema):
    id: int
    network: str
    channel: Ref
    status: str
    publish_at: datetime
    published_at: datetime | None
    url: str = Field(description="The post on the network, once published.")
    error: str


class CommentOut(Schema):
    id: int
    text: str
    author: Ref | None
    parent_id: int | None
    created_at: datetime


class PostOut(Schema):
    id: int
    idea: str
    category: str
    status: str
    publish_at: datetime | None
    created_at: datetime
    updated_at: datetime
    author: Ref | None
    version: int = Field(description="What the ETag carries: send it back in If-Match.")
    digest: str = Field(description="The content as read: send it back to approve it.")
    cleared: bool = Field(description="This content is the one approved (or scheduled).")
    variants: list[VariantOut]
    targets: list[TargetOut] = Field(description="One publication per variant and channel.")
    comments: list[CommentOut]


class PostSummary(Schema):
    id: int
    idea: str
    category: str
    status: str
    publish_at: datetime | None
    created_at: datetime
    author: Ref | None
    version: int
    networks: list[str]


class PostPage(Page):
    items: list[PostSummary]


def _user_ref(user: User | None) -> Ref | None:
    return Ref(id=user.pk, name=str(user)) if user is not None else None


def post_loaded(workspace: Workspace, pk: int, *, read: bool = False) -> Post:
    """The workspace's post (404 otherwise); to `read`, with what its answer shows."""
    if parse_id(str(pk)) is None:  # no database column holds it
        raise not_found()
    rows = Post.objects.select_related("workspace", "author")
    if read:
        rows = rows.prefetch_related(
            "variants__channels", "variants__media", "targets__channel", "targets__variant"
        )
    return get_scoped_or_404(rows, workspace, pk=pk)


def _post(request: HttpRequest, pk: int) -> Post:
    return post_loaded(caller_of(request).workspace, pk)


def etag(post: Post) -> str:
    return f'W/"{post.version}"'


def post_out(post: Post, response: HttpResponse) -> PostOut:
    """The post as read now, its ETag on the answer."""
    post = post_loaded(post.workspace, post.pk, read=True)
    response["ETag"] = etag(post)
    content = post_content(post)
    locked = services.post_locked_networks(post=post)
    return PostOut(
        id=post.pk,
        idea=post.idea,
        category=post.category,
        status=post.status,
        publish_at=post.publish_at,
        created_at=post.created_at,
        updated_at=post.updated_at,
        author=_user_ref(post.author),
        version=post.version,
        digest=content_digest(content),
        cleared=workflow.post_cleared(post, content),
        variants=[
            VariantOut(
                network=v.network,
                text=v.text,
                content_warning=v.content_warning,
                instagram_format=v.instagram_format,
                thread=list(v.thread),
                first_comment=v.first_comment,
                reply_control=v.reply_control,
                quote_url=v.quote_url,
                channels=[Ref(id=c.pk, name=c.name) for c in v.channels.all()],
                media=sorted(m.pk for m in v.media.all()),
                locked=v.network in locked,
            )
            for v in sorted(post.variants.all(), key=lambda v: v.network)
        ],
        targets=[
            TargetOut(
                id=t.pk,
                network=t.variant.network,
                channel=Ref(id=t.channel.pk, name=t.channel.name),
                status=t.status,
                publish_at=t.publish_at,
                published_at=t.published_at,
                url=t.remote_url,
                error=t.error,
            )
            for t in sorted(post.targets.all(), key=lambda t: (t.variant.network, t.pk))
        ],
        comments=[
            _comment_out(c) for c in PostComment.objects.filter(post=post).select_related("author")
        ],
    )


def _comment_out(comment: PostComment) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        text=comment.text,
        author=_user_ref(comment.author),
        parent_id=comment.parent_id,
        created_at=comment.created_at,
    )


# --- Reading -------------------------------------------------------------------------------


class PostFilters(Schema):
    status: StatusName | None = None
    network: Network | None = None
    category: CategoryName | None = None
    text: SearchText = Field(
        "", description="Words, each in the idea or a network's text, accents aside (8 at most)."
    )
    since: date | None = Field(None, alias="from", description="Publication day from (local).")
    until: date | None = Field(None, alias="to", description="Publication day to, included.")
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


@router.get("", response={200: PostPage, **REFUSALS})
@allowed(Action.VIEW_CALENDAR, Scope.READ)
def posts_list(request: HttpRequest, filters: Query[PostFilters]) -> PostPage:
    """Newest first; with `from` or `to`, by publication time (the calendar's order)."""
    caller = caller_of(request)
    rows = posts_found(  # as the posts page finds them
        workspace=caller.workspace,
        text=filters.text,
        status=filters.status or "",
        network=filters.network or "",
    )
    if filters.category:
        rows = rows.filter(category=filters.category)
    dated = filters.since is not None or filters.until is not None
    if dated:
        rows = rows.filter(_between(caller, filters.since, filters.until))
    found, cursor = page(
        rows,
        field="publish_at" if dated else "created_at",
        descending=not dated,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return PostPage(
        items=[
            PostSummary(
                id=p.pk,
                idea=p.idea,
                category=p.category,
                status=p.status,
                publish_at=p.publish_at,
                created_at=p.created_at,
                author=_user_ref(p.author),
                version=p.version,
                networks=sorted(v.network for v in p.variants.all()),
            )
            for p in found
        ],
        next_cursor=cursor,
    )


def _between(caller: Caller, since: date | None, until: date | None) -> Q:
    """Publication times within local days `since`..`until` (either may be open)."""
    for day in (since, until):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise invalid(
                [
                    {
                        "field": "from" if day is since else "to",
                        "message": _("Choose a day between %(first)s and %(last)s.")
                        % {"first": FIRST_YEAR, "last": LAST_YEAR},
                    }
                ]
            )
    tz = caller.workspace.tzinfo
    where = Q(publish_at__isnull=False)
    if since is not None:
        where &= Q(publish_at__gte=planning.day_bounds(since, since, tz)[0])
    if until is not None:
        where &= Q(publish_at__lt=planning.day_bounds(until, until, tz)[1])
    return where


@router.get("/{int:pk}", response={200: PostOut, **REFUSALS})
@allowed(Action.VIEW_CALENDAR, Scope.READ)
def post_read(request: HttpRequest, pk: int, response: HttpResponse) -> PostOut:
    """The post, each variant, each publication with its state, and the review's comments."""
    return post_out(_post(request, pk), response)


# --- Writing: the composer's forms -----------------------------------------------------------


class VariantIn(Schema):
    """One network's variant. A field left out keeps its value; on a new post, the
    composer's: the idea as text, and every channel of the network."""

    text: Text | None = Field(None, description="Empty on a new post: the idea as it is.")
    content_warning: ShortText | None = None
    thread: list[Text] | None = Field(
        None, max_length=100, description="The posts that follow the text, in order."
    )
    first_comment: Text | None = None
    instagram_format: Literal["feed", "reel", "carousel"] | None = None
    reply_control: (
        Literal["everyone", "accounts_you_follow", "mentioned_only", "followers_only"] | None
    ) = Field(None, description="Threads only: who may answer.")
    quote_url: ShortText | None = Field(None, description="X only: the post it quotes.")
    channels: list[int] | None = Field(None, max_length=100, description="Channel ids.")
    media: list[int] | None = Field(None, max_length=100, description="Media ids (see /media).")


class PostDraft(Schema):
    idea: Text
    category: CategoryName
    networks: list[Network] = Field(max_length=20)
    publish_at: datetime | None = Field(
        None, description="Without an offset: in the workspace's time zone."
    )
    variants: dict[Network, VariantIn] = Field(
        default_factory=dict, description="By network; a network left out takes the idea."
    )


class PostIn(PostDraft):
    then: Literal["save", "submit", "schedule", "publish"] = Field(
        "save",
        description=(
            "The composer's buttons: save the draft, submit it for approval, schedule it at "
            "`publish_at`, or publish it now. Refused (409): nothing is created."
        ),
    )


class PostPatch(Schema):
    idea: Text | None = None
    category: CategoryName | None = None
    networks: list[Network] | None = Field(None, max_length=20)
    publish_at: datetime | None = Field(None, description="null clears it; left out, it stays.")
    variants: dict[Network, VariantIn] = Field(default_factory=dict)


def _variant_values(variant: VariantIn) -> dict[str, Any]:
    """What the page's variant form would post for the fields given."""
    values: dict[str, Any] = {}
    for name, value in variant.model_dump(exclude_none=True).items():
        if name == "thread":
            value = "\n---\n".join(value)
        values["media_items" if name == "media" else name] = value
    return values


def _form_data(
    *,
    idea: str,
    category: str,
    networks: list[str],
    publish_at: datetime | None,
    version: int,
    variants: dict[str, dict[str, Any]],
) -> QueryDict:
    """The composer's form as the page posts it: `post-idea`…, then `<network>-text`…"""
    data = QueryDict(mutable=True)
    data["post-idea"], data["post-category"] = idea, category
    data.setlist("post-networks", networks)
    data["post-publish_at"] = publish_at.isoformat() if publish_at else ""
    data["post-version"] = str(version)
    for network, fields in variants.items():
        for name, value in fields.items():
            if isinstance(value, list):
                data.setlist(f"{network}-{name}", [str(v) for v in value])
            elif value is not None:
                data[f"{network}-{name}"] = str(value)
    return data


def _valid(idea_form: IdeaForm, forms: dict[str, VariantForm], networks: list[str]) -> None:
    """Each form valid, or a 422 with each field's message (the page's own)."""
    errors = [
        {"field": name if name != "__all__" else "", "message": str(message)}
        for name, messages in idea_form.errors.items()
        for message in messages
    ]
    for network in networks:
        errors += [
            {"field": f"variants.{network}.{API_NAMES.get(name, name)}", "message": str(message)}
            for name, messages in forms[network].errors.items()
            for message in messages
        ]
    if errors:
        raise invalid(errors)


def _chosen_only(given: Iterable[str], networks: Sequence[str]) -> None:
    others = sorted(set(given) - set(networks))
    if others:
        message = _("This network is not among the post's networks.")
        raise invalid([{"field": f"variants.{n}", "message": message} for n in others])


def _new_forms(caller: Caller, body: PostDraft) -> tuple[IdeaForm, dict[str, VariantForm]]:
    """The new-post composer's forms, filled as a person would: each chosen network's
    variant as given, its other fields as the page shows them."""
    _chosen_only(body.variants, body.networks)
    every = Channel.objects.filter(workspace=caller.workspace, network__in=body.networks)
    values: dict[str, dict[str, Any]] = {
        n: {"text": "", "channels": [c.pk for c in every if c.network == n]} for n in body.networks
    }
    for network, variant in body.variants.items():
        values[network] |= _variant_values(variant)
    data = _form_data(
        idea=body.idea,
        category=body.category,
        networks=list(body.networks),
        publish_at=body.publish_at,
        version=0,
        variants=values,
    )
    idea_form, forms = composer.new_composer_forms(data, caller.workspace)
    _valid(idea_form, forms, [n for n in dict.fromkeys(body.networks) if n in forms])
    return idea_form, forms


@contextmanager
def refusals() -> Iterator[None]:
    """The workflow's refusals, with its messages: 409 and a stable code."""
    try:
        yield
    except workflow.PublishRefused as refusal:
        problems = [{"field": "", "message": p} for p in refusal.problems]
        raise ApiError(409, "publish_refused", str(refusal), errors=problems) from None
    except workflow.ContentChanged as refusal:
        raise ApiError(409, "content_changed", str(refusal)) from None
    except workflow.TimePassed as refusal:
        raise ApiError(409, "time_passed", str(refusal)) from None
    except workflow.TransitionRefused as refusal:
        raise ApiError(409, "transition_refused", str(refusal)) from None
    except services.ContentLocked as refusal:
        raise ApiError(409, "content_locked", str(refusal)) from None


def _schedule(post: Post, actor: User, publish_at: datetime | None) -> None:
    """At `publish_at`, or at the time the post carries (the composer's "Schedule")."""
    moment = publish_at or post.publish_at
    if moment is None:
        raise workflow.TransitionRefused(_("Choose when to publish first."))
    workflow.post_schedule(post=post, actor=actor, publish_at=moment)


def _then(post: Post, then: str, actor: User) -> None:
    with refusals():
        if then == "submit":
            workflow.post_submit(post=post, actor=actor)
        elif then == "schedule":
            _schedule(post, actor, None)
        elif then == "publish":
            publisher.post_publish_now(post=post, actor=actor)


@router.post("", response={201: PostOut, **CONFLICTS})
@allowed(Action.COMPOSE, Scope.WRITE)
def post_create(request: HttpRequest, body: PostIn, response: HttpResponse) -> Status[PostOut]:
    """A new post, as the composer saves it; `then` presses one of its buttons."""
    caller = caller_of(request)
    # Refused before anything is saved, as the page does for "Publish now".
    if body.then == "publish":
        check(caller, Action.PUBLISH, Scope.PUBLISH)
    elif body.then == "schedule":
        check(caller, Action.COMPOSE, Scope.PUBLISH)
    idea_form, forms = _new_forms(caller, body)
    chosen = idea_form.cleaned_data["networks"]
    with transaction.atomic():  # a refused `then` leaves nothing behind
        post = services.post_compose(
            workspace=caller.workspace,
            author=caller.user,
            idea=idea_form.cleaned_data["idea"],
            category=idea_form.cleaned_data["category"],
            networks=chosen,
            variants=composer.forms_variant_data({n: forms[n] for n in chosen}),
            publish_at=idea_form.cleaned_data["publish_at"],
        )
        _then(post, body.then, caller.user)
    response["Location"] = f"/api/v1/posts/{post.pk}"
    return Status(201, post_out(post, response))


class ProblemOut(Schema):
    code: str
    message: str


class CheckOut(Schema):
    network: str
    valid: bool
    length: int = Field(description="As the network counts (see `unit`).")
    max: int
    unit: str
    errors: list[ProblemOut]
    warnings: list[ProblemOut]
    counts: dict[str, Any] = Field(description="The network's own counts (Bluesky's bytes…).")


class ValidateOut(Schema):
    valid: bool = Field(description="No variant has an error.")
    networks: list[CheckOut]
    warnings: list[ProblemOut] = Field(description="About the post as a whole.")


def _problems(problems: list[RuleProblem]) -> list[ProblemOut]:
    return [ProblemOut(code=p.code, message=p.message) for p in problems]


@router.post("/validate", response={200: ValidateOut, **REFUSALS})
@allowed(Action.COMPOSE, Scope.READ)
def post_validate(request: HttpRequest, body: PostDraft) -> ValidateOut:
    """The composer's checks, network by network, without saving anything."""
    caller = caller_of(request)
    idea_form, forms = _new_forms(caller, body)
    idea, category = idea_form.cleaned_data["idea"], idea_form.cleaned_data["category"]
    chosen = idea_form.cleaned_data["networks"]
    data = {n: composer.typed_variant(forms[n], idea) for n in sorted(chosen)}
    draft = Post(workspace=caller.workspace, category=category)
    checks, crosspost = composer.composer_checks(
        workspace=caller.workspace,
        post=draft,
        variants=data,
        publish_at=idea_form.cleaned_data["publish_at"],
    )
    promotional = promotional_share_problem(
        workspace=caller.workspace, post=draft, category=category
    )
    networks = [
        CheckOut(
            network=n,
            valid=c.valid,
            length=c.text.length,
            max=c.text.max,
            unit=str(c.text.unit),
            errors=_problems(c.text.errors + c.media_errors),
            warnings=_problems(c.text.warnings + c.media_warnings),
            counts=c.text.extra,
        )
        for n, c in checks.items()
    ]
    return ValidateOut(
        valid=all(c.valid for c in networks),
        networks=networks,
        warnings=_problems(crosspost + ([promotional] if promotional else [])),
    )


IfMatch = HeaderEx[
    str | None,
    P(alias="If-Match", description='The ETag of the post as read, e.g. W/"3".'),
]


def seen_version(raw: str | None, post: Post) -> int:
    """The version the caller read (If-Match): required, and still the post's."""
    if raw is None or raw.strip() == "*":
        raise ApiError(
            428,
            "precondition_required",
            _(
                "Send the post's ETag in If-Match: an edit is made to the version read, never blind."
            ),
        )
    found = IF_MATCH.fullmatch(raw)
    if found is None or int(found.group(1)) != post.version:
        raise version_stale(post)
    return int(found.group(1))


def version_stale(post: Post) -> ApiError:
    post.refresh_from_db(fields=["version"])
    return ApiError(
        412,
        "version_stale",
        _(
            "Someone saved this post since you read it: nothing was changed. Read it again "
            "and send your change again."
        ),
        headers={"ETag": etag(post)},
    )


def _moves(body: PostPatch, post: Post) -> bool:
    return "publish_at" in body.model_fields_set and body.publish_at != post.publish_at


@router.patch("/{int:pk}", response={200: PostOut, **EDITS})
@allowed(Action.COMPOSE, Scope.WRITE)
def post_edit(
    request: HttpRequest,
    pk: int,
    body: PostPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> PostOut:
    """Change what is given, as the composer saves (with If-Match). A change after the
    approval sends the post back to review; what went out stays as it went (409)."""
    caller = caller_of(request)
    post = post_loaded(caller.workspace, pk)
    if workflow.post_edit_goes_out(post=post):
        check(caller, Action.COMPOSE, Scope.PUBLISH)  # the change would go out as it is
    if post.status == PostStatus.SCHEDULED and _moves(body, post):
        raise ApiError(
            409,
            "move_in_calendar",
            _("A scheduled post is moved in the calendar: PATCH /api/v1/calendar/posts/%(id)s.")
            % {"id": post.pk},
        )
    seen = seen_version(if_match, post)
    saved = [v.network for v in post.variants.all()]
    networks: list[str] = list(body.networks) if body.networks is not None else saved
    _chosen_only(body.variants, networks)
    adding = set(networks) - set(saved)
    idea = body.idea if body.idea is not None else post.idea
    # The page's form as it opens (every saved variant), then what the caller changes.
    _blank, shown = composer.composer_forms(None, post, caller.workspace, adding=adding)
    values = {n: dict(form.initial) for n, form in shown.items()}
    for network in adding:
        values[network]["text"] = idea
    for network, variant in body.variants.items():
        values[network] |= _variant_values(variant)
    data = _form_data(
        idea=idea,
        category=body.category or post.category,
        networks=networks,
        publish_at=body.publish_at if "publish_at" in body.model_fields_set else post.publish_at,
        version=seen,
        variants=values,
    )
    idea_form, forms = composer.composer_forms(
        data, post, caller.workspace, lock=False, adding=adding
    )
    _valid(idea_form, forms, list(forms))
    try:
        with refusals():
            composer.composer_save(post=post, idea_form=idea_form, forms=forms, actor=caller.user)
    except StaleVersion:
        raise version_stale(post) from None
    workflow.post_edited(post=post, actor=caller.user)
    return post_out(post, response)


# --- The workflow ----------------------------------------------------------------------------


@router.post("/{int:pk}/submit", response={200: PostOut, **CONFLICTS})
@allowed(Action.COMPOSE, Scope.WRITE)
def post_submit_for_review(request: HttpRequest, pk: int, response: HttpResponse) -> PostOut:
    """For approval; refused while a chosen variant breaks its network's rules."""
    post = _post(request, pk)
    _then(post, "submit", caller_of(request).user)
    return post_out(post, response)


@router.post("/{int:pk}/withdraw", response={200: PostOut, **CONFLICTS})
@allowed(Action.COMPOSE, Scope.WRITE)
def post_withdraw(request: HttpRequest, pk: int, response: HttpResponse) -> PostOut:
    """Back to the drafts from review, before anyone decided (to change it first); the
    approvers' notices about it are settled. Refused in any other state (409)."""
    caller, post = caller_of(request), _post(request, pk)
    with refusals():
        workflow.post_withdraw(post=post, actor=caller.user)
    return post_out(post, response)


class ApproveIn(Schema):
    digest: str = Field(
        min_length=1, max_length=64, description="The `digest` of the post as read."
    )
    publish_at: datetime | None = Field(None, description="A new time, when it has passed.")
    reason: ShortText = Field("", description="An owner approving despite errors: why.")


@router.post("/{int:pk}/approve", response={200: PostOut, **CONFLICTS})
@allowed(Action.APPROVE, Scope.PUBLISH)
def post_approve(request: HttpRequest, pk: int, body: ApproveIn, response: HttpResponse) -> PostOut:
    """Approve the content read (its digest); changed since: 409 `content_changed`."""
    caller, post = caller_of(request), _post(request, pk)
    data = form_valid(
        ApproveForm(
            {
                "seen": body.digest,
                "publish_at": body.publish_at.isoformat() if body.publish_at else "",
                "reason": body.reason,
            }
        )
    )
    with refusals():
        workflow.post_approve(
            post=post,
            actor=caller.user,
            seen=data["seen"],
            publish_at=data["publish_at"],
            override_reason=data["reason"],
        )
    return post_out(post, response)


class CommentIn(Schema):
    text: Text
    parent: int | None = Field(None, ge=1, le=2**62, description="The comment it answers.")


@router.post("/{int:pk}/request-changes", response={200: PostOut, **CONFLICTS})
@allowed(Action.APPROVE, Scope.WRITE)
def post_request_changes(
    request: HttpRequest, pk: int, body: CommentIn, response: HttpResponse
) -> PostOut:
    """Back to its author, with what to change (a comment)."""
    caller, post = caller_of(request), _post(request, pk)
    data = form_valid(CommentForm({"text": body.text}))
    with refusals():
        workflow.post_request_changes(post=post, actor=caller.user, comment=data["text"])
    return post_out(post, response)


@router.post("/{int:pk}/comments", response={201: CommentOut, **CONFLICTS})
@allowed(Action.VIEW_CALENDAR, Scope.WRITE)
def post_comment_add(request: HttpRequest, pk: int, body: CommentIn) -> Status[CommentOut]:
    """A review comment, or an answer to one (`parent`): for those who write or approve."""
    caller, post = caller_of(request), _post(request, pk)
    if not (can(caller.membership, Action.COMPOSE) or can(caller.membership, Action.APPROVE)):
        raise PermissionDenied  # as the page: the analyst reads, and does not comment
    data = form_valid(CommentForm({"text": body.text, "parent": body.parent or ""}))
    parent = post.comments.filter(pk=data["parent"] or 0).first()
    with refusals():
        comment = workflow.post_comment(
            post=post, author=caller.user, text=data["text"], parent=parent
        )
    return Status(201, _comment_out(comment))


class ScheduleIn(Schema):
    publish_at: datetime | None = Field(
        None, description="Left out: the time the post carries. No offset: the workspace's."
    )


@router.post("/{int:pk}/schedule", response={200: PostOut, **CONFLICTS})
@allowed(Action.COMPOSE, Scope.PUBLISH)
def post_schedule(
    request: HttpRequest, pk: int, body: ScheduleIn, response: HttpResponse
) -> PostOut:
    """To go out at a time; where approval is required, once approved (a new time needs
    one of those who would approve it again: the client's approver, or the owners and
    managers of a workspace without one)."""
    caller, post = caller_of(request), _post(request, pk)
    with refusals():
        _schedule(post, caller.user, _aware(body.publish_at))
    return post_out(post, response)


def _aware(moment: datetime | None) -> datetime | None:
    """A time without an offset is the workspace's (as the page's time fields)."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, timezone.get_current_timezone())


@router.post("/{int:pk}/publish", response={200: PostOut, **CONFLICTS})
@allowed(Action.PUBLISH, Scope.PUBLISH)
def post_publish_now(request: HttpRequest, pk: int, response: HttpResponse) -> PostOut:
    """Now: the worker sends it within seconds (see each target's state)."""
    caller, post = caller_of(request), _post(request, pk)
    with refusals():
        publisher.post_publish_now(post=post, actor=caller.user)
    return post_out(post, response)


@router.post("/{int:pk}/cancel", response={200: PostOut, **CONFLICTS})
@allowed(Action.COMPOSE, Scope.PUBLISH)
def post_cancel(request: HttpRequest, pk: int, response: HttpResponse) -> PostOut:
    """Back to a draft, its publications withdrawn; refused once part of it went out."""
    caller, post = caller_of(request), _post(request, pk)
    with refusals():
        workflow.post_cancel(post=post, actor=caller.user)
    return post_out(post, response)
