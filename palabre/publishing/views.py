"""The composer (one idea, a variant per network, checked live) and the media library."""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from palabre.accounts.models import Membership, Role, User, Workspace
from palabre.accounts.permissions import Action, can, get_scoped_or_404, membership_for, scoped
from palabre.channels.models import Channel
from palabre.inbox.queues import conversations
from palabre.lib.concurrency import StaleVersion, new_once
from palabre.lib.home_return import back_home
from palabre.lib.ids import parse_id
from palabre.lib.media_storage import storage_error_reason, storage_errors, storage_stream
from palabre.lib.months import FIRST_YEAR, LAST_YEAR
from palabre.networks.kinds import NETWORKS
from palabre.publishing import composer, planning, publisher, services, workflow
from palabre.publishing.content import (
    content_changes,
    diff_said,
    post_content,
    post_digest,
)
from palabre.publishing.forms import (
    TEXT_LIMIT,
    ApproveForm,
    CommentForm,
    IdeaForm,
    MediaEditForm,
    MediaUploadForm,
    VariantForm,
)
from palabre.publishing.media import (
    MediaRefused,
    MediaWentOut,
    media_changes_what_goes_out,
    media_delete,
    media_review_message,
    media_update,
    media_upload,
    media_uses,
    media_went_out_message,
    parse_tags,
)
from palabre.publishing.models import MediaItem, Notice, Post, PostStatus, late
from palabre.publishing.public_media import media_for_public_token
from palabre.publishing.rules.base import Problem
from palabre.strategy.guidelines import promotional_share_problem

log = logging.getLogger("palabre.publishing")


def _asked_day(request: HttpRequest, workspace: Workspace) -> datetime | None:
    """?day=YYYY-MM-DD (the calendar's "+" on a day): that day at 09:00, the workspace's
    time, when it could be scheduled (to come, and within the scheduling horizon: a day
    taken here and refused when scheduled lost the person's time); otherwise no time."""
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:  # the calendar's years
        return None
    moment = planning.local_moment(day, time(9, 0), workspace.tzinfo)
    try:
        workflow.publish_at_check(moment)
    except workflow.TransitionRefused:
        return None
    return moment if moment > timezone.now() else None


def compose(request: HttpRequest, slug: str) -> HttpResponse:
    """A new post on one page: the idea, each network's variant with its counter and
    preview, the time (the next free slot in view), and what to do with it."""
    membership = membership_for(request, slug, Action.COMPOSE)
    workspace = membership.workspace
    data = request.POST.copy() if request.method == "POST" else None
    action = request.POST.get("action", "save")
    _refuse_before_saving(membership, action)
    slot = _free_slot(workspace, scoped(Channel.objects.all(), workspace))
    idea_form, forms = composer.new_composer_forms(
        data, workspace, publish_at=_asked_day(request, workspace)
    )
    theirs = None
    if data is not None and idea_form.is_valid():
        chosen = idea_form.cleaned_data["networks"]
        if all(forms[n].is_valid() for n in chosen):
            try:
                composed = services.post_compose_once(
                    workspace=workspace,
                    author=cast(User, request.user),
                    key=idea_form.cleaned_data["key"],
                    sending=composer.sending_digest(data),
                    idea=idea_form.cleaned_data["idea"],
                    category=idea_form.cleaned_data["category"],
                    networks=chosen,
                    # A network whose fields were not sent keeps the defaults: the idea,
                    # and every channel of that network.
                    variants=composer.forms_variant_data(
                        {n: forms[n] for n in chosen if f"{n}-text" in data}
                    ),
                    publish_at=idea_form.cleaned_data["publish_at"],
                )
            except services.PostMovedOn as moved:
                # The page keeps its key: sent again, it finds that post again, never
                # makes a second one (a double click on "Publish now" publishing twice).
                theirs = _saved_before(request, moved.post, _moved_on(moved.post))
            except (StaleVersion, services.ContentLocked):
                mine = services.post_of_page(
                    workspace=workspace,
                    author=cast(User, request.user),
                    key=idea_form.cleaned_data["key"],
                )
                theirs = _saved_before(request, mine, _changed_since())
                data["post-key"] = new_once()  # sent again: a post of its own
                idea_form, forms = composer.new_composer_forms(data, workspace)
            else:
                return _composed(request, membership, composed, action)
    context = _new_composer_context(request, membership, idea_form, forms) | {
        "theirs": theirs,
        "next_slot": slot,
        # What is still being written; what is approved or planned lives in the calendar.
        "drafts": scoped(Post.objects.all(), workspace)
        .filter(status__in=(PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED))
        .prefetch_related("variants")[:20],
    }
    return render(request, "publishing/post_edit.html", context)


@require_POST
def compose_check_new(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx: the new post's variants checked as typed (an empty one reads as the idea)."""
    membership = membership_for(request, slug, Action.COMPOSE)
    idea_form, forms = composer.new_composer_forms(request.POST, membership.workspace)
    context = _new_composer_context(request, membership, idea_form, forms)
    return render(request, "publishing/_checks.html", context)


def _changed_since() -> str:
    return _(
        "Not saved: this page saved a post before, and it has changed since. Your text is in the form; save again to keep it as a new post."
    )


def _moved_on(post: Post) -> str:
    return _(
        "Not saved: the post this page saved is now “%(status)s”, and a page gone back to does not change it. Your text is still in the form: open that post to change it."
    ) % {"status": post.get_status_display()}


def _composed(
    request: HttpRequest, membership: Membership, composed: services.Composed, action: str
) -> HttpResponse:
    """The composer page's sending done: its button pressed, once."""
    post = composed.post
    target = redirect("post_edit", slug=membership.workspace.slug, post_id=post.pk)
    if composed.repeat:
        messages.info(request, _("This page was sent twice: it is saved once."))
        return target
    # Saved over this page's earlier post (Back, then Save): as from the post's own page.
    sent_back = workflow.post_edited(post=post, actor=cast(User, request.user))
    if composed.again:
        messages.info(request, _("Saved again: the post this page saved before, not a second one."))
    _after_save(request, membership, post, action, sent_back)
    services.post_compose_settled(post=post)
    return target


def _saved_before(request: HttpRequest, post: Post | None, message: str) -> dict[str, Any] | None:
    """What this page saved before, beside the person's text (which stays in the form),
    with a link to it."""
    messages.error(request, message)
    if post is None:
        return None
    address = reverse("post_edit", args=[post.workspace.slug, post.pk])
    return _saved_content(post) | {"address": address}


def _saved_content(post: Post) -> dict[str, Any]:
    """A post's saved content, shown beside what the person typed (`theirs`)."""
    content = post_content(post)
    for variant in content["variants"]:
        variant["label"] = NETWORKS[variant["network"]].label
    return content


def _free_slot(workspace: Workspace, channels: Any, *, post: Post | None = None) -> datetime | None:
    return planning.first_free_slot(
        channels, after=timezone.now(), tz=workspace.tzinfo, leave_out=post.pk if post else None
    )


def _new_composer_context(
    request: HttpRequest,
    membership: Membership,
    idea_form: IdeaForm,
    forms: dict[str, VariantForm],
) -> dict[str, Any]:
    workspace = membership.workspace
    # The idea as the form takes it (no longer than it allows), and only the ticked
    # networks checked: the others' panels are hidden until ticked, which checks again.
    idea = request.POST.get("post-idea", "")[:TEXT_LIMIT]
    chosen = set(request.POST.getlist("post-networks")) if request.method == "POST" else None
    chosen = (chosen if chosen is not None else set(idea_form.initial["networks"])) & set(forms)
    data = {network: composer.typed_variant(forms[network], idea) for network in sorted(chosen)}
    # The saved post's checks, guidelines included: a breach shows while typing.
    checks, crosspost = services.post_checks(workspace=workspace, variants=data)
    draft = Post(workspace=workspace, category=request.POST.get("post-category", ""))
    return {
        "membership": membership,
        "new": True,
        # Nothing typed yet: counters show, "the text is empty" does not.
        "pristine": not idea.strip() and not any(f.data.get(f"{n}-text") for n, f in forms.items()),
        "post": draft,
        "idea_form": idea_form,
        "panels": [(NETWORKS[n], forms[n], checks.get(n)) for n in forms],
        "chosen": chosen,
        "crosspost": crosspost,
        "promotional": promotional_share_problem(
            workspace=workspace, post=draft, category=draft.category
        )
        if draft.category
        else None,
        "threshold": round(workspace.crosspost_threshold * 100),
        "can_publish": can(membership, Action.PUBLISH),
        "can_add_media": can(membership, Action.MANAGE_MEDIA),
        "locked": set(),
    }


def post_edit(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.COMPOSE)
    workspace = membership.workspace
    post = get_scoped_or_404(Post.objects.all(), workspace, pk=post_id)
    data = request.POST.copy() if request.method == "POST" else None
    _refuse_before_saving(membership, request.POST.get("action", "save"))
    idea_form, forms = composer.composer_forms(data, post, workspace)
    theirs = None
    if data is not None and idea_form.is_valid() and all(f.is_valid() for f in forms.values()):
        try:
            composer.composer_save(
                post=post, idea_form=idea_form, forms=forms, actor=cast(User, request.user)
            )
        except StaleVersion:
            # Their save stays; this person's input is shown again beside it, nothing lost.
            post.refresh_from_db()
            theirs = _saved_content(post)
            data["post-version"] = str(post.version)
            idea_form, forms = composer.composer_forms(data, post, workspace)
            messages.error(
                request,
                _(
                    "Not saved: someone saved this post while you were editing it. Your text is in the form; what they saved is shown beside it. Save again to keep yours."
                ),
            )
        except services.ContentLocked as refusal:
            idea_form.add_error(None, str(refusal))
        else:
            sent_back = workflow.post_edited(post=post, actor=cast(User, request.user))
            _after_save(request, membership, post, request.POST.get("action", "save"), sent_back)
            return redirect("post_edit", slug=slug, post_id=post.pk)
    checks, crosspost = _checks(workspace, post, forms, post.publish_at)
    post_channels = Channel.objects.filter(variants__post=post).distinct()
    context = {
        "membership": membership,
        "post": post,
        "idea_form": idea_form,
        "panels": [(NETWORKS[n], forms[n], checks.get(n)) for n in forms],
        "crosspost": crosspost,
        "promotional": _promotional(request, workspace, post),
        "threshold": round(workspace.crosspost_threshold * 100),
        "can_publish": can(membership, Action.PUBLISH),
        # Now is another time than the approved one: refused to whoever the client would
        # not let move it (workflow.post_schedule). Not offered, and said why.
        "now_needs_approval": workspace.approval_required
        and post.publish_at is not None
        and not workflow.approval_kept_by(workspace=workspace, actor=membership.user),
        "can_add_media": can(membership, Action.MANAGE_MEDIA),
        "theirs": theirs,
        "locked": services.post_locked_networks(post=post),
        "next_slot": _free_slot(workspace, post_channels, post=post),
        "slot_needs_channel": not post_channels.exists(),
        "edits_go_back": workspace.approval_required
        and post.status in {PostStatus.APPROVED, PostStatus.SCHEDULED},
    } | _workflow_context(membership, post)
    return render(request, "publishing/post_edit.html", context)


def _history(post: Post) -> list[tuple[str, Any, list[str]]]:
    """The post's moves (transitions) and its saves (what each changed), oldest first."""
    tz = post.workspace.tzinfo
    moves: list[tuple[str, Any, list[str]]] = [
        ("move", t, []) for t in post.transitions.select_related("actor")
    ]
    saves = [("save", c, diff_said(c.what, tz=tz)) for c in post.changes.select_related("actor")]
    return sorted([*moves, *saves], key=lambda entry: entry[1].at)


def _workflow_context(membership: Membership, post: Post) -> dict[str, Any]:
    return {
        "targets": post.targets.select_related("channel", "stat").order_by("channel__network"),
        "late": set(post.targets.filter(late(timezone.now())).values_list("pk", flat=True)),
        # What answers or mentions it, for those who read the inbox: one click to it.
        "talk_count": conversations(membership.workspace).filter(target__post=post).count()
        if can(membership, Action.VIEW_INBOX)
        else 0,
        "history": _history(post),
        "comments": post.comments.filter(parent=None)
        .select_related("author")
        .prefetch_related("replies__author"),
        "can_approve": can(membership, Action.APPROVE),
        "can_compose": can(membership, Action.COMPOSE),
        "can_retry": can(membership, Action.PUBLISH),
        "comment_form": CommentForm(),
        # The approval is of this content: the approve form sends its digest back.
        "digest": post_digest(post),
        "problems": workflow.post_problems(post, to_publish=False)
        if post.status == PostStatus.IN_REVIEW
        else [],
        "can_override": membership.role == Role.OWNER,
        "time_passed": post.status == PostStatus.IN_REVIEW
        and post.publish_at is not None
        and post.publish_at < timezone.now(),
        "approve_form": ApproveForm(),
    }


def post_review(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    """The approver's page (and the e-mailed link): the variants as they will look, and a decision."""
    membership = membership_for(request, slug, Action.VIEW_CALENDAR)
    workspace = membership.workspace
    # One read of the variants feeds the previews, the changes and the digest the approval
    # sends back: a save landing while the page is drawn cannot slip in unseen.
    shown = Post.objects.prefetch_related("variants__channels", "variants__media")
    post = get_scoped_or_404(shown, workspace, pk=post_id)
    data = services.post_variants_data(post)
    checks, guidelines = services.post_review_checks(workspace=workspace, variants=data)
    current = post_content(post)
    changes = content_changes(post.approved_content, current, tz=workspace.tzinfo)
    context = {
        "membership": membership,
        "post": post,
        "panels": [(NETWORKS[n], None, checks[n]) for n in sorted(checks)],
        "guidelines": guidelines,
        "changes": changes if post.status == PostStatus.IN_REVIEW else [],
        # Since the approver asked for changes (the content then is kept on the post).
        "changed_since_asked": content_changes(post.asked_content, current, tz=workspace.tzinfo)
        if post.status == PostStatus.IN_REVIEW
        else [],
    } | _workflow_context(membership, post)
    return render(request, "publishing/post_review.html", context)


@require_POST
def post_workflow(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    """Approve, request changes, comment, withdraw, cancel, duplicate, retry or confirm a
    publication."""
    membership = membership_for(request, slug, Action.VIEW_CALENDAR)
    post = get_scoped_or_404(Post.objects.all(), membership.workspace, pk=post_id)
    action, actor = request.POST.get("action", ""), cast(User, request.user)
    needed = {
        "approve": Action.APPROVE,
        "request_changes": Action.APPROVE,
        "cancel": Action.COMPOSE,
        "withdraw": Action.COMPOSE,
        "duplicate": Action.COMPOSE,
        "retry": Action.PUBLISH,
        "confirm": Action.PUBLISH,
    }
    if action == "comment":
        if not (can(membership, Action.COMPOSE) or can(membership, Action.APPROVE)):
            raise PermissionDenied
    elif action not in needed or not can(membership, needed[action]):
        raise PermissionDenied
    # The approver's decisions come back to the page they were made on, whoever makes them.
    on_review = action in ("approve", "request_changes") or not can(membership, Action.COMPOSE)
    back = "post_review" if on_review else "post_edit"
    try:
        result = _workflow_action(action, post, actor, request.POST, membership)
    except workflow.TransitionRefused as refusal:
        messages.error(request, str(refusal))
    except workflow.PublishRefused as refusal:
        problems = str(refusal)  # its problems, as sentences (workflow.problems_text)
        if action == "approve":
            messages.error(request, _("Not approved: %(problems)s") % {"problems": problems})
            if membership.role == Role.OWNER:
                messages.info(
                    request,
                    _("As the owner, you may approve it anyway: write why under “Approve anyway”."),
                )
        else:
            messages.error(request, _("Not scheduled: %(problems)s") % {"problems": problems})
    else:
        if isinstance(result, Post):
            messages.success(request, _("Duplicated: this is the copy."))
            return redirect("post_edit", slug=slug, post_id=result.pk)
        said = _approved_when(post) if action == "approve" else ""
        messages.success(request, said or WORKFLOW_DONE[action]())
        if action == "approve" and post.publish_at is None:
            # Nothing sends it yet: a new user's walk lost sight of such a post.
            messages.info(
                request,
                _(
                    "It has no time yet: it waits in the calendar, under “No date yet”, until it is given one."
                ),
            )
        return back_home(request, slug) or redirect(back, slug=slug, post_id=post.pk)
    return redirect(back, slug=slug, post_id=post.pk)


def _approved_when(post: Post) -> str:
    """ "Approved." told the client nothing of what follows: when it goes out, and where."""
    fresh = Post.objects.filter(pk=post.pk, status=PostStatus.SCHEDULED).first()
    if fresh is None or fresh.publish_at is None:
        return ""
    networks = sorted({str(t.channel.name) for t in fresh.targets.select_related("channel")})
    when = date_format(fresh.publish_at.astimezone(fresh.workspace.tzinfo), "LONG_DAY_TIME_FORMAT")
    return _("Approved: it goes out on %(when)s, on %(channels)s.") % {
        "when": when,
        "channels": ", ".join(networks),
    }


WORKFLOW_DONE = {
    "approve": lambda: _("Approved."),
    "request_changes": lambda: _("Changes requested: the author is told."),
    "comment": lambda: _("Comment added."),
    "cancel": lambda: _("Cancelled: the post is a draft again."),
    "withdraw": lambda: _(
        "Withdrawn from review: the post is a draft again, to change and send again."
    ),
    "retry": lambda: _("Publishing again."),
    "confirm": lambda: _("Marked as published."),
}


def _workflow_action(
    action: str, post: Post, actor: User, data: QueryDict, membership: Membership
) -> Post | None:
    if action == "approve":
        _approve(post, actor, data)
    elif action in ("request_changes", "comment"):
        form = CommentForm(data)
        if not form.is_valid():
            raise workflow.TransitionRefused(_("Write a comment first (5,000 characters at most)."))
        if action == "request_changes":
            workflow.post_request_changes(post=post, actor=actor, comment=form.cleaned_data["text"])
        else:
            parent = post.comments.filter(pk=form.cleaned_data["parent"] or 0).first()
            workflow.post_comment(
                post=post, author=actor, text=form.cleaned_data["text"], parent=parent
            )
    elif action == "cancel":
        workflow.post_cancel(post=post, actor=actor)
    elif action == "withdraw":
        workflow.post_withdraw(post=post, actor=actor)
    elif action == "duplicate":
        return workflow.post_duplicate(post=post, actor=actor)
    else:
        target_id = str(data.get("target", ""))
        # The post is already scoped to the workspace: its targets are too.
        target = post.targets.filter(pk=parse_id(target_id) or 0).first()
        if target is None:
            raise Http404
        if action == "retry":
            workflow.target_retry(target=target, actor=actor)
        else:
            workflow.target_confirm_published(target=target, actor=actor)
    return None


def _approve(post: Post, actor: User, data: QueryDict) -> None:
    """Of the content the approver saw (its digest, sent back by the review page)."""
    form = ApproveForm(data)
    if not form.is_valid():
        problems = workflow.problems_text(
            [str(m) for errors in form.errors.values() for m in errors]
        )
        raise workflow.TransitionRefused(_("Not approved: %(problems)s") % {"problems": problems})
    workflow.post_approve(
        post=post,
        actor=actor,
        seen=form.cleaned_data["seen"],
        publish_at=form.cleaned_data["publish_at"],
        override_reason=form.cleaned_data["reason"],
    )


def _refuse_before_saving(membership: Membership, action: str) -> None:
    """ "Publish now" from someone who may not publish is refused before anything is saved,
    rather than after (a forged button would otherwise leave a draft behind its 403)."""
    if action == "publish" and not can(membership, Action.PUBLISH):
        raise PermissionDenied


def _after_save(
    request: HttpRequest, membership: Membership, post: Post, action: str, sent_back: bool
) -> None:
    """The composer's buttons: save, submit for review, schedule, publish now."""
    actor = cast(User, request.user)
    if sent_back:
        messages.warning(
            request,
            _("Sent back for approval: it changed after its approval; the approvers are told."),
        )
        return
    try:
        if action == "submit":
            workflow.post_submit(post=post, actor=actor)
            messages.success(request, _("Saved and sent for approval."))
        elif action == "schedule":
            if post.publish_at is None:
                raise workflow.TransitionRefused(_("Choose when to publish first."))
            workflow.post_schedule(post=post, actor=actor, publish_at=post.publish_at)
            messages.success(request, _("Saved and scheduled."))
        elif action == "publish":
            if not can(membership, Action.PUBLISH):
                raise PermissionDenied
            targets = publisher.post_publish_now(post=post, actor=actor)
            text = ngettext(
                "Saved; publishing to %(count)s channel now.",
                "Saved; publishing to %(count)s channels now.",
                len(targets),
            )
            messages.success(request, text % {"count": len(targets)})
        elif action.startswith("split-"):
            variant = post.variants.filter(network=action.removeprefix("split-")).first()
            if variant is None or not services.variant_split(variant=variant, actor=actor):
                raise workflow.TransitionRefused(
                    _("This text cannot be split into posts that each fit.")
                )
            if workflow.post_edited(post=post, actor=actor):
                return _after_save(request, membership, post, action, sent_back=True)
            messages.success(request, _("Split into a thread: check each part."))
        elif post.status == PostStatus.DRAFT:
            messages.success(request, _("Draft saved."))
        else:
            messages.success(
                request, _("Saved; still “%(status)s”.") % {"status": post.get_status_display()}
            )
    except workflow.PublishRefused as refusal:
        problems = str(refusal)  # its problems, as sentences (workflow.problems_text)
        if action == "submit":
            messages.error(
                request, _("Saved, not sent for approval: %(problems)s") % {"problems": problems}
            )
        else:
            messages.error(
                request, _("Saved, not published: %(problems)s") % {"problems": problems}
            )
    except (workflow.TransitionRefused, services.ContentLocked) as refusal:
        messages.error(request, _("Saved. %(reason)s") % {"reason": refusal})


@require_POST
def compose_check(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    """htmx: every variant checked as typed, answered with out-of-band fragments."""
    membership = membership_for(request, slug, Action.COMPOSE)
    workspace = membership.workspace
    post = get_scoped_or_404(Post.objects.all(), workspace, pk=post_id)
    forms = composer.variant_forms(request.POST, post, workspace)
    checks, crosspost = _checks(workspace, post, forms, _typed_publish_at(request, post))
    panels = [(NETWORKS[n], forms[n], checks.get(n)) for n in forms]
    context = {
        "panels": panels,
        "crosspost": crosspost,
        "promotional": _promotional(request, workspace, post),
        "membership": membership,
        "threshold": round(workspace.crosspost_threshold * 100),
    }
    return render(request, "publishing/_checks.html", context)


def _promotional(request: HttpRequest, workspace: Workspace, post: Post) -> Problem | None:
    """The guideline on the coming weeks' mix, for the category as typed (or as saved)."""
    category = request.POST.get("post-category", post.category)
    return promotional_share_problem(workspace=workspace, post=post, category=category)


def _typed_publish_at(request: HttpRequest, post: Post) -> datetime | None:
    """The publication time as typed in the composer (None if cleared or not a time)."""
    if "post-publish_at" not in request.POST:
        return post.publish_at
    try:
        value = IdeaForm.base_fields["publish_at"].clean(request.POST["post-publish_at"])
    except ValidationError:
        return None
    if not isinstance(value, datetime) or not FIRST_YEAR <= value.year <= LAST_YEAR:
        return None  # no calendar arithmetic at the ends of time (the save refuses it anyway)
    return value


def _checks(
    workspace: Workspace, post: Post, forms: dict[str, VariantForm], publish_at: datetime | None
) -> tuple[dict[str, services.VariantCheck], list[Problem]]:
    if all(f.is_bound for f in forms.values()) and all(f.is_valid() for f in forms.values()):
        data = composer.forms_variant_data(forms)
    else:
        data = services.post_variants_data(post)
    return composer.composer_checks(
        workspace=workspace, post=post, variants=data, publish_at=publish_at
    )


def media_library(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_MEDIA)
    workspace = membership.workspace
    form = MediaUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = _uploaded(request, workspace, form)
        except MediaRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            messages.success(request, _("“%(name)s” added to the library.") % {"name": item.name})
            return redirect("media", slug=slug)
    items = scoped(MediaItem.objects.all(), workspace)
    tag = request.GET.get("tag", "")[:30]
    if tag:
        items = items.filter(tags__icontains=tag)
    all_tags = sorted(
        {
            t
            for tags in scoped(MediaItem.objects.all(), workspace).values_list("tags", flat=True)
            for t in tags
        }
    )
    uses = media_uses(items=list(items))
    context = {
        "membership": membership,
        "form": form,
        "cards": [(item, uses[item.pk]) for item in items],
        "tag": tag,
        "all_tags": all_tags,
        # Which posts use an item is shown by title to those who may read the posts.
        "titles": can(membership, Action.VIEW_CALENDAR),
    }
    return render(request, "publishing/media_library.html", context)


def _uploaded(request: HttpRequest, workspace: Workspace, form: MediaUploadForm) -> MediaItem:
    """The valid upload form's file kept in the library (MediaRefused: why not)."""
    return media_upload(
        workspace=workspace,
        uploaded_by=cast(User, request.user),
        upload=form.cleaned_data["file"],
        alt_text=form.cleaned_data["alt_text"],
        tags=parse_tags(form.cleaned_data["tags"]),
    )


@require_POST
def compose_media_add(request: HttpRequest, slug: str) -> JsonResponse:
    """The composer's "Add a photo or video": into the library, and back as a choice the
    page ticks where it was added (its typed text stays: nothing reloads)."""
    membership = membership_for(request, slug, Action.MANAGE_MEDIA)
    form = MediaUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(e) for field in form.errors.values() for e in field]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    try:
        item = _uploaded(request, membership.workspace, form)
    except MediaRefused as refusal:
        return JsonResponse({"error": str(refusal)}, status=400)
    return JsonResponse(
        {
            "id": item.pk,
            "name": item.name,
            "kind": item.kind,
            "url": reverse("media_file", args=[slug, item.pk]),
            "added": _("“%(name)s” added to the library and chosen here.") % {"name": item.name},
        },
        status=201,
    )


@require_POST
def media_edit(request: HttpRequest, slug: str, media_id: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_MEDIA)
    item = get_scoped_or_404(MediaItem.objects.all(), membership.workspace, pk=media_id)
    actor, titles = cast(User, request.user), can(membership, Action.VIEW_CALENDAR)
    form = MediaEditForm(request.POST)
    if not can(membership, Action.COMPOSE) and media_changes_what_goes_out(item=item):
        messages.error(
            request,
            _(
                "Not changed: a scheduled post carries “%(name)s”, and a change would go out "
                "with it. Ask someone who writes the posts."
            )
            % {"name": item.name},
        )
        return redirect("media", slug=slug)
    try:
        if request.POST.get("delete"):
            change = media_delete(item=item, actor=actor)
            messages.success(request, _("“%(name)s” deleted.") % {"name": item.name})
        elif form.is_valid():
            change = media_update(
                item=item,
                alt_text=form.cleaned_data["alt_text"],
                tags=parse_tags(form.cleaned_data["tags"]),
                actor=actor,
            )
            messages.success(request, _("“%(name)s” saved.") % {"name": item.name})
        else:
            messages.error(
                request,
                _("“%(name)s” not saved: its alt text is at most 2,000 characters, its tags 300.")
                % {"name": item.name},
            )
            return redirect("media", slug=slug)
    except MediaWentOut as kept:
        messages.error(request, media_went_out_message(item, kept.posts, titles=titles))
        return redirect("media", slug=slug)
    if change.alt_kept:
        messages.warning(request, media_went_out_message(item, change.alt_kept, titles=titles))
    if change.back_to_review:
        messages.warning(request, media_review_message(change.back_to_review, titles=titles))
    return redirect("media", slug=slug)


def media_file(request: HttpRequest, slug: str, media_id: int) -> HttpResponseBase:
    membership = membership_for(request, slug, Action.VIEW_WORKSPACE)
    item = get_scoped_or_404(MediaItem.objects.all(), membership.workspace, pk=media_id)
    # A PDF is downloaded, never shown inside Palabre's own pages (it may carry scripts).
    return _media_response(item, as_attachment=item.kind == "document")


@require_safe
def public_media(request: HttpRequest, token: str) -> HttpResponseBase:
    """A media file at its signed, expiring address, for a network that fetches it
    (public_media.py): no login, no session; a bad or expired address is a 404."""
    item = media_for_public_token(token)
    if item is None:
        raise Http404
    response = _media_response(item)
    response["Cache-Control"] = "private, no-store"
    return response


def _media_response(item: MediaItem, *, as_attachment: bool = False) -> HttpResponseBase:
    """The file streamed from the disk or the bucket (a reel may weigh hundreds of MB), its
    length said up front; a file gone from the storage is a 404, a storage that cannot be
    read (a bucket refusing, unreachable) a 503, which a network fetching it tries again."""
    name = item.file.name or ""
    try:
        stream, size = storage_stream(item.file.storage, name)
    except FileNotFoundError:
        raise Http404 from None
    except storage_errors() as error:
        log.error("media %s unreadable: %s", item.pk, storage_error_reason(error))
        unavailable = HttpResponse(
            _("The media storage cannot be read right now: try again in a moment."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        unavailable["Retry-After"] = "30"
        return unavailable
    response = FileResponse(
        stream,
        content_type=item.content_type,
        as_attachment=as_attachment,
        filename=PurePath(name).name,  # the stored name, random: never the upload's own
    )
    response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def notices(request: HttpRequest, slug: str) -> HttpResponse:
    """The person's notices in this workspace; opening the page marks them read."""
    membership = membership_for(request, slug, Action.VIEW_WORKSPACE)
    mine = Notice.objects.filter(
        workspace=membership.workspace, user=membership.user
    ).select_related("post")[:100]
    items = list(mine)
    Notice.objects.filter(pk__in=[n.pk for n in items if n.read_at is None]).update(
        read_at=timezone.now()
    )
    context = {
        "membership": membership,
        "notices": items,
        "can_compose": can(membership, Action.COMPOSE),
    }
    return render(request, "publishing/notices.html", context)
