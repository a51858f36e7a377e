"""The home page's parts: what needs this person now, as far as their role lets them see.

Each function reads one part; the view puts together the parts the role allows. Nothing
here writes: answering and approving go through the inbox's and the workflow's views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from palabre.accounts.models import Membership, User, Workspace
from palabre.accounts.permissions import scoped
from palabre.inbox import queues
from palabre.inbox.models import Interaction, Reply, replies_late
from palabre.inbox.waiting import waiting
from palabre.networks.kinds import NETWORKS
from palabre.publishing import services
from palabre.publishing.content import post_digest
from palabre.publishing.models import (
    MediaItem,
    Post,
    PostStatus,
    PostTarget,
    PostTransition,
    TargetStatus,
    late,
)
from palabre.strategy import timesheet
from palabre.strategy.services import strategy_for
from palabre.strategy.timesheet import local_midnight

WAITING_SHOWN = 5
APPROVALS_SHOWN = 5
NEXT_SHOWN = 6
MEDIA_SHOWN = 6
CHANGES_SHOWN = 5
PLANNED = (PostStatus.IN_REVIEW, PostStatus.APPROVED, PostStatus.SCHEDULED)


def waiting_items(workspace: Workspace) -> tuple[list[Interaction], int]:
    """The questions and criticisms nobody answered yet, oldest first, and how many in all."""
    # An answer on its way is not waiting any more: the inbox says the same (inbox.waiting).
    rows = waiting(scoped(Interaction.objects.all(), workspace))
    shown = rows.select_related(
        "channel", "identity__contact", "assigned_to", "target__variant", "parent"
    )
    return list(shown.order_by("created_at")[:WAITING_SHOWN]), rows.count()


REVIEW_SHOWN = 3


def review_items(workspace: Workspace, user: User) -> tuple[list[Interaction], int]:
    """The comments Palabre was not sure enough to hide, nor to leave: threats and hate
    first, then the oldest; and how many in all (the inbox's "To review" queue, open)."""
    queue = queues.queue_rows(queues.conversations(workspace), "review", user)
    rows = queue.filter(done_at__isnull=True).select_related("channel", "identity__contact")
    return list(rows[:REVIEW_SHOWN]), rows.count()


@dataclass(frozen=True)
class Approval:
    """A post in review as the approver will see it: each network's preview and the digest
    of exactly that content, which the one-click approval sends back."""

    post: Post
    digest: str
    panels: list[tuple[object, None, object]]  # (network, no form, its check)
    problems: bool
    time_passed: bool


def approvals(workspace: Workspace) -> tuple[list[Approval], int]:
    rows = scoped(Post.objects.all(), workspace).filter(status=PostStatus.IN_REVIEW)
    found = []
    now = timezone.now()
    # One read of the variants (prefetched) feeds both the previews and the digest, so
    # the click approves exactly what was drawn, even if someone saves in between.
    shown = rows.select_related("author").prefetch_related("variants__channels", "variants__media")
    for post in shown.order_by("publish_at", "pk")[:APPROVALS_SHOWN]:
        data = services.post_variants_data(post)
        checks, _crosspost = services.post_checks(workspace=workspace, variants=data)
        panels = [(NETWORKS[n], None, checks[n]) for n in sorted(checks)]
        found.append(
            Approval(
                post=post,
                digest=post_digest(post),
                panels=panels,  # type: ignore[arg-type]
                problems=any(not check.valid for check in checks.values()),
                time_passed=post.publish_at is not None and post.publish_at < now,
            )
        )
    return found, rows.count()


TROUBLE = (TargetStatus.FAILED, TargetStatus.HELD, TargetStatus.UNKNOWN)


@dataclass(frozen=True)
class ChangesAsked:
    post: Post
    said: str  # what the approver asked, as they wrote it
    by: User | None


def changes_asked(workspace: Workspace, user: User) -> tuple[list[ChangesAsked], int]:
    """Posts an approver sent back with changes to make, the person's own first: the
    author saw nothing of it on their home, and the post left "to come" (a walkthrough)."""
    rows = scoped(Post.objects.all(), workspace).filter(status=PostStatus.CHANGES_REQUESTED)
    mine_first = rows.annotate(mine=Exists(Post.objects.filter(pk=OuterRef("pk"), author=user)))
    # What was asked, for the posts shown in one query (not one per post).
    requests = PostTransition.objects.filter(to_status=PostStatus.CHANGES_REQUESTED)
    latest_first = requests.select_related("actor").order_by("-at", "-pk")
    asked_for = Prefetch("transitions", queryset=latest_first, to_attr="asked")
    shown = []
    for post in mine_first.order_by("-mine", "-updated_at").prefetch_related(asked_for)[
        :CHANGES_SHOWN
    ]:
        asked = post.asked[0] if post.asked else None
        shown.append(
            ChangesAsked(post, asked.note if asked else "", asked.actor if asked else None)
        )
    return shown, rows.count()


def trouble(workspace: Workspace) -> QuerySet[PostTarget]:
    """Publications that failed, are held for a reconnection, or may have gone out."""
    rows = PostTarget.objects.filter(post__workspace=workspace, status__in=TROUBLE)
    return rows.select_related("post", "channel").order_by("-post__publish_at")[:10]


def late_publications(workspace: Workspace) -> QuerySet[PostTarget]:
    """Publications due a while ago that no worker has taken (models.late)."""
    rows = PostTarget.objects.filter(late(timezone.now()), post__workspace=workspace)
    return rows.select_related("post", "channel").order_by("next_attempt_at")[:10]


def late_answers(workspace: Workspace) -> int:
    """Answers to send a while ago that no worker has taken (inbox.models.replies_late)."""
    return Reply.objects.filter(
        replies_late(timezone.now()), interaction__workspace=workspace
    ).count()


@dataclass(frozen=True)
class Upcoming:
    today: list[Post]
    later: list[Post]


def upcoming(workspace: Workspace, now: datetime | None = None) -> Upcoming:
    """What goes out today (still to come) and the next few posts after today."""
    now = now or timezone.now()
    midnight = local_midnight(workspace.local_date(now) + timedelta(days=1), workspace)
    planned = scoped(Post.objects.all(), workspace).filter(
        status__in=PLANNED,
        publish_at__gte=now,
    )
    planned = planned.prefetch_related("targets__channel").order_by("publish_at")
    return Upcoming(
        today=list(planned.filter(publish_at__lt=midnight)[:NEXT_SHOWN]),
        later=list(planned.filter(publish_at__gte=midnight)[:NEXT_SHOWN]),
    )


def media_without_alt(workspace: Workspace) -> tuple[list[MediaItem], int]:
    """Images and videos still without a description for blind readers, those a planned
    post carries first: they go out soon (and Mastodon's and Bluesky's readers expect one)."""
    planned = Post.objects.filter(variants__media=OuterRef("pk"), status__in=PLANNED)
    rows = (
        scoped(MediaItem.objects.all(), workspace)
        .filter(alt_text="")
        .exclude(kind="document")
        .annotate(planned=Exists(planned))
    )
    shown = rows.order_by("-planned", "-created_at")[:MEDIA_SHOWN]
    return list(shown), rows.count()


def role_sees(membership: Membership) -> str:
    """Which part leads: the approver's are the posts to approve, everyone else's the people."""
    return "approvals" if membership.role == "approver" else "waiting"


def time_week(workspace: Workspace, user: User) -> dict[str, object]:
    """This week's minutes per network against the budgets, and the person's running timer."""
    monday = timesheet.week_start(workspace.local_date())
    week = timesheet.week_summary(
        workspace=workspace, strategy=strategy_for(workspace), monday=monday
    )
    return {"week": week, "running": timesheet.running_timer(workspace=workspace, user=user)}
