"""A post's editorial life: draft → in review → approved or changes requested → scheduled →
published, failed or unknown. Every transition is recorded (who, when, from, to).

With approval required (a workspace setting), a post is scheduled only once approved; an
approved post carrying a publication time is scheduled by the approval itself. The approval
records the content approved (palabre.publishing.content); any change after it, by anyone and
by any path, sends the post back to review and tells the approvers, and the publisher sends
nothing whose content is not the approved one. What went out is never deleted by an edit.
"""

from __future__ import annotations

import secrets
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palabre.accounts.models import Membership, Role, User, Workspace
from palabre.accounts.permissions import Action, can
from palabre.lib.concurrency import version_advance
from palabre.lib.excerpt import excerpt
from palabre.publishing.content import (
    content_at,
    content_digest,
    post_change_record,
    post_content,
    post_digest,
)
from palabre.publishing.models import (
    Post,
    PostComment,
    PostStatus,
    PostTarget,
    PostTransition,
    TargetStatus,
    gone_out,
)
from palabre.publishing.notices import notice_send, notices_settled
from palabre.publishing.services import variant_check, variant_data
from palabre.publishing.signals import target_published
from palabre.webhooks.emit import post_moved_emit

S = PostStatus
T = TargetStatus
EDITABLE = {S.DRAFT, S.CHANGES_REQUESTED, S.IN_REVIEW, S.APPROVED, S.SCHEDULED}
# Publications that have not gone out: an edit may replace them. The others stay, always
# (nor does one whose first post went out while its thread or first comment waits).
NOT_OUT = [T.SCHEDULED, T.HELD, T.FAILED]
IDEA_QUOTED = 80  # characters of a post's idea quoted in a notice


def _not_out(post: Post) -> QuerySet[PostTarget]:
    return post.targets.filter(status__in=NOT_OUT, remote_id="")


def _anything_out(post: Post) -> bool:
    return post.targets.filter(gone_out()).exists()


# A publish time is "now" within this margin (the form's minute, the time to press the button).
GRACE = timedelta(minutes=2)
HORIZON_YEARS = 5


def problems_text(problems: list[str]) -> str:
    """Several problems in one message: each a sentence (they end with a full stop: joined
    with "; " they read "…remove 12.; Mastodon: …")."""
    return " ".join(p if p.rstrip().endswith((".", "!", "?", "…")) else f"{p}." for p in problems)


class PublishRefused(ValueError):
    """The post cannot go out as it is; the messages say why, for the person."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems_text(problems))
        self.problems = problems


class TransitionRefused(ValueError):
    """Not possible from this status or by this rule; the message is for the person."""


class ContentChanged(TransitionRefused):
    """The post is no longer what the approver saw: nothing was approved."""


class TimePassed(TransitionRefused):
    """The planned time has passed: the approval needs a new one."""


def publish_at_check(publish_at: datetime) -> None:
    """A publication time is to come, and within five years; "publish now" is for now."""
    now = timezone.now()
    if publish_at < now - GRACE:
        raise TransitionRefused(_("This time has passed: choose a time to come."))
    if publish_at.year > now.year + HORIZON_YEARS:
        raise TransitionRefused(
            _("Choose a time within the next %(years)s years.") % {"years": HORIZON_YEARS}
        )


def post_cleared(post: Post, content: dict[str, Any] | None = None) -> bool:
    """Is the content (as now, or as read by the caller) the content that was approved (or
    scheduled, without approval)?"""
    digest = content_digest(content) if content is not None else post_digest(post)
    return bool(post.approved_digest) and digest == post.approved_digest


def post_may_go_out(post: Post, content: dict[str, Any] | None = None) -> bool:
    return not post.workspace.approval_required or post_cleared(post, content)


def _clear(post: Post, content: dict[str, Any] | None = None) -> None:
    """Record the content (as now, or exactly as checked by the caller) as what may go out."""
    content = content if content is not None else post_content(post)
    post.approved_content, post.approved_digest = content, content_digest(content)
    post.approved_version, post.asked_content = post.version, None  # the asking is answered
    Post.objects.filter(pk=post.pk).update(
        approved_content=content,
        approved_digest=post.approved_digest,
        approved_version=post.version,
        asked_content=None,
    )


def post_edit_goes_out(*, post: Post) -> bool:
    """An approved or scheduled post, in a workspace without approvals: an edit keeps it
    cleared (post_edited), so what changes goes out as it is."""
    cleared = post.status in (PostStatus.SCHEDULED, PostStatus.APPROVED)
    return cleared and not post.workspace.approval_required


def post_content_written(*, post: Post, actor: User | None, before: dict[str, Any]) -> None:
    """Every write of the content moves the version (a form opened before it is stale) and
    is kept in the post's history, `before` being the content it replaced."""
    version_advance(post, seen=None)
    post_change_record(post=post, actor=actor, before=before)


def approval_kept_by(*, workspace: Workspace, actor: User | None) -> bool:
    """Whether a change `actor` makes to an approved post's time keeps its approval: the
    workspace approves nothing, or they are one of those who would be asked to approve it
    again (the client's approver; the owners and managers where the workspace has none), or
    Palabre itself (the demo, a job). The calendar asks first when it would not."""
    return not workspace.approval_required or actor is None or actor in _approvers(workspace)


def _approvers(workspace: Workspace) -> list[User]:
    """The client's approvers; without any, the people who approve in their place."""
    memberships = Membership.objects.filter(workspace=workspace).select_related("user")
    found = [m.user for m in memberships if m.role == Role.APPROVER]
    return found or [m.user for m in memberships if m.role in {Role.OWNER, Role.MANAGER}]


# What the approvers are told: settled for all of them once anyone decides.
TO_APPROVE = gettext_noop("A post waits for your approval: “%(idea)s”.")
TO_APPROVE_AGAIN = gettext_noop("Changed after your approval, to approve again: “%(idea)s”.")


def _move(post: Post, to: str, actor: User | None, note: str = "") -> None:
    if post.status == S.IN_REVIEW and to != S.IN_REVIEW:
        # Decided (by anyone), or withdrawn: nothing about it waits for an approver any more.
        # A colleague's approval left "to approve" in the others' notices for good. Only
        # those: a manager approving in a workspace without approvers keeps "it failed".
        for user in _approvers(post.workspace):
            notices_settled(post=post, user=user, messages=(TO_APPROVE, TO_APPROVE_AGAIN))
    PostTransition.objects.create(
        post=post, actor=actor, from_status=post.status, to_status=to, note=note[:500]
    )
    post.status = to
    post.save(update_fields=["status", "publish_at", "updated_at"])
    post_moved_emit(post=post, status=to, actor=actor)  # webhooks: approval, approved, failed
    if actor is not None:  # what they were told about it, they have now dealt with
        notices_settled(post=post, user=actor)


def _lock(post: Post) -> None:
    """Read the post's status and time again, locked until the transaction ends (SQLite's
    transactions take the lock as they begin): of two people approving at the same moment,
    or of two tabs, the second sees the first's work (and is refused) instead of approving
    twice, and an approval cannot write back a time someone changed meanwhile."""
    row = Post.objects.select_for_update().filter(pk=post.pk).values("status", "publish_at")
    found = row.first()
    if found is None:
        raise TransitionRefused(_("This post was deleted meanwhile."))
    post.status, post.publish_at = found["status"], found["publish_at"]


def _require(post: Post, allowed: AbstractSet[str]) -> None:
    """Refuse unless the post is in one of `allowed` now (read again: _lock)."""
    _lock(post)
    if post.status not in allowed:
        raise TransitionRefused(
            _("Not possible while the post is “%(status)s”.")
            % {"status": post.get_status_display()}
        )


@transaction.atomic
def post_submit(*, post: Post, actor: User) -> None:
    """For review; refused while a chosen variant breaks its network's rules."""
    _require(post, {S.DRAFT, S.CHANGES_REQUESTED})
    problems = post_problems(post, to_publish=False)
    if problems:
        raise PublishRefused(problems)
    _move(post, S.IN_REVIEW, actor)
    for user in _approvers(post.workspace):
        _notify(user, post, TO_APPROVE, review=True)


@transaction.atomic
def post_approve(
    *,
    post: Post,
    actor: User,
    seen: str | None = None,
    publish_at: datetime | None = None,
    override_reason: str = "",
) -> None:
    """Approve the content the approver saw (`seen`, its digest; None: as it is now).

    Refused if it changed since, while a variant has errors (a workspace owner may approve
    anyway with a written reason, kept in the history), and when its time has passed without
    a new `publish_at`.
    """
    _require(post, {S.IN_REVIEW})
    # Read once: what is checked against `seen` is exactly what is recorded as approved, even
    # if someone saves (or edits an alt text) meanwhile; their change then sends it back.
    content = post_content(post)
    if seen is not None and seen != content_digest(content):
        raise ContentChanged(
            _(
                "This post changed while you were reading it: nothing was approved. Here is the "
                "current version; read it again before approving."
            )
        )
    problems = post_problems(post, to_publish=False)
    note = ""
    if problems:
        owner = Membership.objects.filter(
            workspace=post.workspace, user=actor, role=Role.OWNER
        ).exists()
        if not (owner and override_reason.strip()):
            raise PublishRefused(problems)
        note = _("Approved with errors (%(problems)s). Reason: %(reason)s") % {
            "problems": problems_text(problems),
            "reason": override_reason.strip(),
        }
    if publish_at is not None:
        publish_at_check(publish_at)
        before = post_content(post)
        post.publish_at = publish_at
        post.save(update_fields=["publish_at", "updated_at"])
        post_content_written(post=post, actor=actor, before=before)
        content = content_at(content, publish_at)
    elif post.publish_at and post.publish_at < timezone.now() - GRACE:
        raise TimePassed(_("The planned time has passed: choose a new time to approve it."))
    _move(post, S.APPROVED, actor, note=note)
    _clear(post, content)
    if post.author:
        _notify(post.author, post, gettext_noop("Approved: “%(idea)s”."))
    if post.publish_at:
        _schedule(post, actor, post.publish_at, check=not problems)


@transaction.atomic
def post_request_changes(*, post: Post, actor: User, comment: str) -> PostComment:
    _require(post, {S.IN_REVIEW, S.APPROVED})
    note = post_comment(post=post, author=actor, text=comment, tell=False)  # "changes requested"
    post.asked_content = post_content(post)  # what changed since is shown when it is back
    Post.objects.filter(pk=post.pk).update(asked_content=post.asked_content)
    _move(post, S.CHANGES_REQUESTED, actor, note=comment)
    if post.author:
        _notify(post.author, post, gettext_noop("Changes requested on “%(idea)s”."))
    return note


COMMENTED = gettext_noop("%(who)s commented on “%(idea)s”: “%(text)s”")
COMMENT_QUOTED = 120  # characters of a comment quoted in its notice


def post_comment(
    *,
    post: Post,
    author: User,
    text: str,
    parent: PostComment | None = None,
    tell: bool = True,
) -> PostComment:
    """A comment in the post's discussion; its author and the others in the discussion are
    told in the app (`tell`): a client's question before approving reached nobody who did
    not open the post."""
    if not text.strip():
        raise TransitionRefused(_("Write a comment first."))
    if parent is not None and parent.post_id != post.pk:
        raise TransitionRefused(_("That comment belongs to another post."))
    comment = PostComment.objects.create(post=post, author=author, text=text.strip(), parent=parent)
    if tell:
        _comment_tell(post, comment)
    return comment


def _comment_tell(post: Post, comment: PostComment) -> None:
    said = {post.author_id, *post.comments.values_list("author_id", flat=True)}
    people = {pk for pk in said if pk is not None and pk != comment.author_id}
    members = Membership.objects.filter(workspace=post.workspace, user_id__in=people)
    params = {
        "who": str(comment.author),
        "idea": excerpt(post.idea, IDEA_QUOTED),
        "text": excerpt(comment.text, COMMENT_QUOTED),
    }
    for member in members.select_related("user"):
        if can(member, Action.VIEW_CALENDAR):  # not one whose role no longer reads posts
            # The notices page links a post's notice to the post, as the reader's role
            # opens it.
            notice_send(
                workspace=post.workspace,
                user=member.user,
                message=COMMENTED,
                params=params,
                url="",
                post=post,
                email=False,
            )


def post_problems(post: Post, *, to_publish: bool = True) -> list[str]:
    """What blocks submitting, approving and publishing: every chosen variant's errors; and,
    to publish, a channel at least (a post may be reviewed before its channels exist)."""
    problems = []
    for variant in post.variants.prefetch_related("channels", "media"):
        if not variant.channels.exists():
            continue
        check = variant_check(network=variant.network, data=variant_data(variant))
        problems += [
            _("%(network)s: %(problem)s")
            % {"network": variant.get_network_display(), "problem": p.message}
            for p in check.text.errors + check.media_errors
        ]
    if to_publish and not any(v.channels.exists() for v in post.variants.all()):
        problems.append(_("Choose at least one channel to publish to."))
    return problems


@transaction.atomic
def post_schedule(*, post: Post, actor: User | None, publish_at: datetime) -> list[PostTarget]:
    """One target per variant × chosen channel, due at `publish_at`; refused while invalid,
    in the past, or (with approval required) unapproved or changed since its approval.

    Where approval is required, a time other than the approved one (publishing now
    included) set by one of those who would approve it again is approved with it
    (approval_kept_by); by anyone else it is refused (post_reschedule sends the post back to
    review). A post approved without a time goes out when whoever may publish says."""
    required = post.workspace.approval_required
    allowed = {S.APPROVED, S.SCHEDULED} if required else EDITABLE
    if required:
        _lock(post)
        if post.status not in allowed:
            raise TransitionRefused(
                _("This workspace requires approval first: submit the post for review.")
            )
    else:
        _require(post, allowed)
    if required and not post_cleared(post):
        raise TransitionRefused(
            _("This post changed after its approval: it must be approved again.")
        )
    # A time other than the one approved; an approval without a time leaves it to whoever
    # publishes.
    moved = post.publish_at is not None and publish_at != post.publish_at
    if moved and not approval_kept_by(workspace=post.workspace, actor=actor):
        raise TransitionRefused(
            _("A new time must be approved: change its time, and the approvers are asked again.")
        )
    return _schedule(post, actor, publish_at)


def _schedule(
    post: Post, actor: User | None, publish_at: datetime, *, check: bool = True
) -> list[PostTarget]:
    publish_at_check(publish_at)
    problems = post_problems(post) if check else []
    if problems:
        raise PublishRefused(problems)
    targets = []
    for variant in post.variants.prefetch_related("channels"):
        for channel in variant.channels.all():
            target, created = PostTarget.objects.get_or_create(
                variant=variant,
                channel=channel,
                defaults={"post": post, "publish_at": publish_at, "next_attempt_at": publish_at},
            )
            if not created and target.status == TargetStatus.SCHEDULED:
                PostTarget.objects.filter(pk=target.pk).update(
                    publish_at=publish_at, next_attempt_at=publish_at
                )
            targets.append(target)
    chosen = [t.pk for t in targets]
    post.targets.filter(status=TargetStatus.SCHEDULED, remote_id="").exclude(pk__in=chosen).delete()
    moved = post.publish_at != publish_at
    before = post_content(post) if moved else {}
    post.publish_at = publish_at
    if post.status != S.SCHEDULED:
        _move(post, S.SCHEDULED, actor)
    else:
        post.save(update_fields=["publish_at", "updated_at"])
    if moved:
        post_content_written(post=post, actor=actor, before=before)
    if moved or not post.workspace.approval_required:
        _clear(post)  # checked above: whoever scheduled it may clear it
    return targets


@transaction.atomic
def post_withdraw(*, post: Post, actor: User) -> None:
    """Back to the drafts before anyone decided: its writer wants to change it first. The
    approvers' notices about it are settled (_move: nothing waits for them any more)."""
    _require(post, {S.IN_REVIEW})
    _move(post, S.DRAFT, actor)


@transaction.atomic
def post_cancel(*, post: Post, actor: User) -> None:
    _require(post, {S.SCHEDULED, S.APPROVED})
    if _anything_out(post):
        raise TransitionRefused(
            _("Part of this post has already gone out: it cannot be cancelled.")
        )
    _not_out(post).delete()
    _move(post, S.DRAFT, actor)


def post_edited(*, post: Post, actor: User | None, reason: str = "") -> bool:
    """The one entry point for "the content may have changed" (the composer, the calendar,
    the media library, the publisher). True when the post went back to review.

    With approval required, an approved, scheduled, failed or held post whose content is no
    longer the approved one goes back to review: its publications not yet out are withdrawn
    (those out stay), the approvers are told in the app and by e-mail. Without approval, the
    editor's save of a scheduled post is what goes out.
    """
    post = Post.objects.select_related("workspace").get(pk=post.pk)
    if post_cleared(post):
        return False
    if not post.workspace.approval_required:
        if post.status == S.SCHEDULED:
            _clear(post)
        return False
    waiting = _not_out(post).exists()
    if post.status not in {S.APPROVED, S.SCHEDULED} and not (
        post.status in {S.FAILED, S.UNKNOWN} and waiting
    ):
        return False
    post_send_back(post=post, actor=actor, reason=reason)
    return True


@transaction.atomic
def post_send_back(*, post: Post, actor: User | None, reason: str = "") -> None:
    _not_out(post).delete()
    _move(post, S.IN_REVIEW, actor, note=reason or _("Changed after approval: back to review."))
    for user in _approvers(post.workspace):
        _notify(
            user,
            post,
            TO_APPROVE_AGAIN,
            review=True,
        )


@transaction.atomic
def post_duplicate(*, post: Post, actor: User) -> Post:
    copy = Post.objects.create(
        workspace=post.workspace, author=actor, idea=post.idea, category=post.category
    )
    for variant in post.variants.prefetch_related("channels", "media"):
        twin = type(variant).objects.create(
            post=copy,
            network=variant.network,
            text=variant.text,
            content_warning=variant.content_warning,
            instagram_format=variant.instagram_format,
            thread=variant.thread,
            first_comment=variant.first_comment,
            reply_control=variant.reply_control,
            quote_url=variant.quote_url,
        )
        twin.channels.set(variant.channels.all())
        twin.media.set(variant.media.all())
    PostTransition.objects.create(
        post=copy,
        actor=actor,
        from_status=S.DRAFT,
        to_status=S.DRAFT,
        note=_("Duplicated from post #%(id)s.") % {"id": post.pk},
    )
    return copy


def post_settle(*, post: Post) -> None:
    """Once its targets have settled, the post's own status follows; failures reach the author."""
    statuses = set(post.targets.values_list("status", flat=True))
    if not statuses or statuses & {TargetStatus.SCHEDULED, TargetStatus.PUBLISHING}:
        return
    if statuses == {TargetStatus.PUBLISHED}:
        new = S.PUBLISHED
    elif TargetStatus.FAILED in statuses or TargetStatus.HELD in statuses:
        new = S.FAILED
    else:
        new = S.UNKNOWN
    if post.status == new:
        return
    _move(post, new, None)
    if new != S.PUBLISHED and post.author:
        _notify(
            post.author,
            post,
            gettext_noop("“%(idea)s” did not go out everywhere: open it to see why and retry."),
            email=True,
        )


RETRYABLE = (TargetStatus.FAILED, TargetStatus.UNKNOWN, TargetStatus.HELD)


def target_retry(*, target: PostTarget, actor: User) -> None:
    if target.status not in RETRYABLE:
        raise TransitionRefused(_("Only a failed, unknown or held publication can be retried."))
    if not post_may_go_out(target.post):
        post_edited(post=target.post, actor=actor)
        raise TransitionRefused(
            _("This post changed after its approval: it is back in review, not published.")
        )
    post = target.post
    now = timezone.now()
    # Within the hours the publisher itself would still send it, a retry is the approved
    # time, late; past them, it is another time.
    limit = timedelta(hours=settings.PALABRE_PUBLISH_LATE_HOURS)
    late = post.publish_at is not None and post.publish_at < now - limit
    if late and not approval_kept_by(workspace=post.workspace, actor=actor):
        raise TransitionRefused(
            _(
                "Its approved time has passed: publishing it now is a new time, which the "
                "client approves. Give it a new time: it goes back to review."
            )
        )
    # Now is its time: the publisher does not take it for one long past (_too_late).
    retried = PostTarget.objects.filter(pk=target.pk, status__in=RETRYABLE).update(
        status=TargetStatus.SCHEDULED, next_attempt_at=now, publish_at=now, attempts=0, error=""
    )
    if not retried:  # a second tab's retry or confirmation came first
        raise TransitionRefused(_("This publication changed meanwhile: see it as it is now."))
    if post.status != S.SCHEDULED:
        _move(
            post,
            S.SCHEDULED,
            actor,
            note=_("Retry on %(channel)s.") % {"channel": target.channel.name},
        )


def target_confirm_published(*, target: PostTarget, actor: User) -> None:
    """A person checked the network: an 'unknown' publication did go out."""
    confirmed = PostTarget.objects.filter(pk=target.pk, status=TargetStatus.UNKNOWN).update(
        status=TargetStatus.PUBLISHED, published_at=timezone.now()
    )
    if not confirmed:  # retried meanwhile (a second tab): the worker may be sending it
        raise TransitionRefused(_("Only an unknown publication can be confirmed."))
    post_settle(post=target.post)
    target_published.send(sender=PostTarget, target=target)


def _notify(
    user: User, post: Post, template: str, *, review: bool = False, email: bool = False
) -> None:
    """In the app always; by e-mail for reviews and failures. In the person's own language."""
    url = reverse("post_review" if review else "post_edit", args=[post.workspace.slug, post.pk])
    notice_send(
        workspace=post.workspace,
        user=user,
        message=template,
        params={"idea": excerpt(post.idea, IDEA_QUOTED)},
        url=url,
        post=post,
        email=review or email,
    )


def post_reschedule(*, post: Post, actor: User, publish_at: datetime) -> None:
    """A new date and time (the calendar, the next free slot). The time is content: where
    approval is required, an approved post moved goes back to review, unless the person who
    moved it is one of those who would be asked to approve it again (the client's approver;
    the owners and managers where the workspace has none): it stays approved at its time."""
    if post.status in {S.PUBLISHED, S.FAILED, S.UNKNOWN} or _anything_out(post):
        raise TransitionRefused(_("This post has already gone out; duplicate it to publish again."))
    publish_at_check(publish_at)
    approver = approval_kept_by(workspace=post.workspace, actor=actor)
    if post.status == S.SCHEDULED and approver and post_may_go_out(post):
        post_schedule(post=post, actor=actor, publish_at=publish_at)
        return
    cleared = post_cleared(post)
    before = post_content(post)
    post.publish_at = publish_at
    post.save(update_fields=["publish_at", "updated_at"])
    post_content_written(post=post, actor=actor, before=before)
    if post.status == S.APPROVED and approver and cleared:
        _clear(post)
    else:
        post_edited(post=post, actor=actor, reason=_("New time: back to review."))


def workspace_reset_ical(*, workspace: Workspace) -> None:
    workspace.ical_token = secrets.token_urlsafe(32)
    workspace.save(update_fields=["ical_token"])
