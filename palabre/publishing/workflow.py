"""A post's editorial life: draft → in review → approved or changes requested → scheduled →
published, failed or unknown. Every transition is recorded (who, when, from, to).

With approval required (a workspace setting), a post is scheduled only once approved; an
approved post carrying a publication time is scheduled by the approval itself. Editing a
scheduled or approved post sends it back to review.
"""

from __future__ import annotations

import secrets
from collections.abc import Set as AbstractSet
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palabre.accounts.models import Membership, Role, User, Workspace
from palabre.publishing.models import (
    Notice,
    Post,
    PostComment,
    PostStatus,
    PostTarget,
    PostTransition,
    TargetStatus,
)
from palabre.publishing.services import variant_check, variant_data
from palabre.publishing.signals import target_published

S = PostStatus
EDITABLE = {S.DRAFT, S.CHANGES_REQUESTED, S.IN_REVIEW, S.APPROVED, S.SCHEDULED}


class PublishRefused(ValueError):
    """The post cannot go out as it is; the messages say why, for the person."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class TransitionRefused(ValueError):
    """Not possible from this status or by this rule; the message is for the person."""


def _move(post: Post, to: str, actor: User | None, note: str = "") -> None:
    PostTransition.objects.create(
        post=post, actor=actor, from_status=post.status, to_status=to, note=note[:500]
    )
    post.status = to
    post.save(update_fields=["status", "publish_at", "updated_at"])


def _require(post: Post, allowed: AbstractSet[str]) -> None:
    if post.status not in allowed:
        raise TransitionRefused(
            _("Not possible while the post is “%(status)s”.")
            % {"status": post.get_status_display()}
        )


@transaction.atomic
def post_submit(*, post: Post, actor: User) -> None:
    _require(post, {S.DRAFT, S.CHANGES_REQUESTED})
    _move(post, S.IN_REVIEW, actor)
    approvers = Membership.objects.filter(
        workspace=post.workspace, role=Role.APPROVER
    ).select_related("user")
    for membership in approvers:
        _notify(
            membership.user,
            post,
            gettext_noop("A post waits for your approval: “%(idea)s”."),
            review=True,
        )


@transaction.atomic
def post_approve(*, post: Post, actor: User) -> None:
    _require(post, {S.IN_REVIEW})
    _move(post, S.APPROVED, actor)
    if post.author:
        _notify(post.author, post, gettext_noop("Approved: “%(idea)s”."))
    if post.publish_at:
        post_schedule(post=post, actor=actor, publish_at=post.publish_at)


@transaction.atomic
def post_request_changes(*, post: Post, actor: User, comment: str) -> PostComment:
    _require(post, {S.IN_REVIEW, S.APPROVED})
    note = post_comment(post=post, author=actor, text=comment)
    _move(post, S.CHANGES_REQUESTED, actor, note=comment)
    if post.author:
        _notify(post.author, post, gettext_noop("Changes requested on “%(idea)s”."))
    return note


def post_comment(
    *, post: Post, author: User, text: str, parent: PostComment | None = None
) -> PostComment:
    if not text.strip():
        raise TransitionRefused(_("Write a comment first."))
    if parent is not None and parent.post_id != post.pk:
        raise TransitionRefused(_("That comment belongs to another post."))
    return PostComment.objects.create(post=post, author=author, text=text.strip(), parent=parent)


def _blocking(post: Post) -> list[str]:
    problems = []
    for variant in post.variants.prefetch_related("channels", "media"):
        if not variant.channels.exists():
            continue
        check = variant_check(network=variant.network, data=variant_data(variant))
        problems += [
            f"{variant.get_network_display()}: {p.message}"
            for p in check.text.errors + check.media_errors
        ]
    if not any(v.channels.exists() for v in post.variants.all()):
        problems.append(_("Choose at least one channel to publish to."))
    return problems


@transaction.atomic
def post_schedule(*, post: Post, actor: User | None, publish_at: datetime) -> list[PostTarget]:
    """One target per variant × chosen channel, due at `publish_at`; refused while invalid."""
    allowed = {S.APPROVED, S.SCHEDULED} if post.workspace.approval_required else EDITABLE
    if post.status not in allowed:
        if post.workspace.approval_required:
            raise TransitionRefused(
                _("This workspace requires approval first: submit the post for review.")
            )
        _require(post, allowed)
    problems = _blocking(post)
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
    post.targets.filter(status=TargetStatus.SCHEDULED).exclude(pk__in=chosen).delete()
    post.publish_at = publish_at
    if post.status != S.SCHEDULED:
        _move(post, S.SCHEDULED, actor)
    else:
        post.save(update_fields=["publish_at", "updated_at"])
    return targets


@transaction.atomic
def post_cancel(*, post: Post, actor: User) -> None:
    _require(post, {S.SCHEDULED, S.APPROVED})
    post.targets.filter(status__in=[TargetStatus.SCHEDULED, TargetStatus.HELD]).delete()
    _move(post, S.DRAFT, actor)


def post_edited(*, post: Post, actor: User) -> None:
    """After an edit: with approval required, an approved or scheduled post goes back to review."""
    if post.workspace.approval_required and post.status in {S.APPROVED, S.SCHEDULED}:
        post.targets.filter(status__in=[TargetStatus.SCHEDULED, TargetStatus.HELD]).delete()
        _move(post, S.IN_REVIEW, actor, note=_("Edited after approval."))


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


def target_retry(*, target: PostTarget, actor: User) -> None:
    if target.status not in {TargetStatus.FAILED, TargetStatus.UNKNOWN, TargetStatus.HELD}:
        raise TransitionRefused(_("Only a failed, unknown or held publication can be retried."))
    now = timezone.now()
    PostTarget.objects.filter(pk=target.pk).update(
        status=TargetStatus.SCHEDULED, next_attempt_at=now, attempts=0, error=""
    )
    post = target.post
    if post.status != S.SCHEDULED:
        _move(
            post,
            S.SCHEDULED,
            actor,
            note=_("Retry on %(channel)s.") % {"channel": target.channel.name},
        )


def target_confirm_published(*, target: PostTarget, actor: User) -> None:
    """A person checked the network: an 'unknown' publication did go out."""
    if target.status != TargetStatus.UNKNOWN:
        raise TransitionRefused(_("Only an unknown publication can be confirmed."))
    PostTarget.objects.filter(pk=target.pk).update(
        status=TargetStatus.PUBLISHED, published_at=timezone.now()
    )
    post_settle(post=target.post)
    target_published.send(sender=PostTarget, target=target)


def _notify(
    user: User, post: Post, template: str, *, review: bool = False, email: bool = False
) -> None:
    """In the app always; by e-mail for reviews and failures. In the person's own language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = _(template) % {"idea": post.idea[:80]}
        Notice.objects.create(workspace=post.workspace, user=user, post=post, text=text[:500])
        if review or email:
            name = "post_review" if review else "post_edit"
            link = settings.SITE_URL + reverse(name, args=[post.workspace.slug, post.pk])
            send_mail(f"Palabre · {post.workspace.name}", f"{text}\n\n{link}\n", None, [user.email])


def post_reschedule(*, post: Post, actor: User, publish_at: datetime) -> None:
    """A new date and time: a time is not content, so an approved post needs no new review."""
    if post.status in {S.PUBLISHED, S.FAILED, S.UNKNOWN}:
        raise TransitionRefused(_("This post has already gone out; duplicate it to publish again."))
    if post.status == S.SCHEDULED:
        post_schedule(post=post, actor=actor, publish_at=publish_at)
        return
    post.publish_at = publish_at
    post.save(update_fields=["publish_at", "updated_at"])


def workspace_reset_ical(*, workspace: Workspace) -> None:
    workspace.ical_token = secrets.token_urlsafe(32)
    workspace.save(update_fields=["ical_token"])
