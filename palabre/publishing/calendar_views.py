"""The editorial calendar: month and week views, rescheduling, the iCal feed, CSV in and out,
and every post found by its words."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from palabre.accounts.models import User, Workspace
from palabre.accounts.permissions import Action, can, get_scoped_or_404, membership_for, scoped
from palabre.channels.models import Channel
from palabre.formats.written import date_text
from palabre.lib.downloads import download
from palabre.lib.filters import applied, left_out, words_left
from palabre.lib.ids import parse_id
from palabre.lib.months import FIRST_YEAR, LAST_YEAR, month_after, month_before
from palabre.publishing import csvio, limits, planning, workflow
from palabre.publishing.forms import PostSearchForm
from palabre.publishing.listing import posts_found
from palabre.publishing.models import Category, Post, PostStatus

LIST_PAGE = 50
MONTH_DAY_SHOWN = 5  # posts listed in a day of the month view; the rest in its week


def _day(value: str | None, today: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return today


def _agenda(
    days: dict[date, planning.DayPosts],
    weeks: list[list[date]],
    view: str,
    day: date,
    today: date,
    empty: planning.DayPosts,
) -> list[tuple[date, planning.DayPosts]]:
    """The phone's agenda: the days of the period that have posts, in order, and today even
    when nothing is planned (the agenda opens there; without it, at the 1st of the month)."""
    shown = dict(days)
    if weeks[0][0] <= today <= weeks[-1][-1]:
        shown.setdefault(today, empty)
    return [
        (d, shown[d])
        for d in sorted(shown)
        if view == "week" or (d.year, d.month) == (day.year, day.month)
    ]


def calendar_page(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_CALENDAR)
    workspace = membership.workspace
    tz = workspace.tzinfo
    today = timezone.now().astimezone(tz).date()
    day = _day(request.GET.get("date"), today)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:  # the month arithmetic would overflow
        day = today
    view = "week" if request.GET.get("view") == "week" else "month"
    channel = request.GET.get("channel", "")
    filters = planning.Filters(
        # An id, or nothing: a 23-digit number fits no database column.
        channel=parse_id(channel),
        category=request.GET.get("category", "")
        if request.GET.get("category") in Category.values
        else "",
        status=request.GET.get("status", "")
        if request.GET.get("status") in PostStatus.values
        else "",
    )
    weeks = planning.period_weeks(day, view)
    if view == "week":
        monday = weeks[0][0]
        previous, following = monday - timedelta(days=7), monday + timedelta(days=7)
    else:
        previous, following = month_before(day), month_after(day)
    by_day = planning.posts_by_day(workspace, weeks[0][0], weeks[-1][-1], filters)
    # A month's day shows its first posts and how many more, linked to its week: a campaign
    # of 500 posts in one day made an unreadable cell and the slowest page under load.
    shown = MONTH_DAY_SHOWN if view == "month" else None
    days = {d: planning.DayPosts(posts, shown) for d, posts in by_day.items()}
    prefetch_related_objects([p for d in days.values() for p in d.posts], "variants")
    empty = planning.DayPosts([], shown)
    week_of = day - timedelta(days=day.weekday())
    context = {
        "membership": membership,
        "view": view,
        "day": day,
        "today": today,
        "weeks": [[(d, days.get(d, empty)) for d in week] for week in weeks],
        "agenda": _agenda(days, weeks, view, day, today, empty),
        "previous": previous,
        "following": following,
        "filters": filters,
        "channels": scoped(Channel.objects.all(), workspace),
        "categories": Category.choices,
        "statuses": PostStatus.choices,
        "cadence": planning.cadence_table(workspace, [week[0] for week in weeks], tz),
        # Days with more posts planned on a channel than its network's daily quota.
        "over_limit": limits.days_over_limit(
            workspace=workspace, first=weeks[0][0], last=weeks[-1][-1]
        ),
        "mondays": [week[0] for week in weeks],
        "week_of": week_of,
        "can_move": can(membership, Action.COMPOSE),
        # Posts whose drop would send them back for approval: the calendar asks first.
        "move_unapproves": []
        if not can(membership, Action.COMPOSE)
        or workflow.approval_kept_by(workspace=workspace, actor=cast(User, request.user))
        else [PostStatus.APPROVED, PostStatus.SCHEDULED],
        "undated": planning.posts_undated(workspace),
        "ical_url": request.build_absolute_uri(reverse("ical_feed", args=[workspace.ical_token])),
        "can_reset": can(membership, Action.MANAGE_WORKSPACE),
    }
    htmx = getattr(request, "htmx", False)  # django-htmx middleware
    template = "publishing/_calendar_grid.html" if htmx else "publishing/calendar.html"
    return render(request, template, context)


@require_POST
def calendar_move(request: HttpRequest, slug: str) -> HttpResponse:
    """Drag and drop: the post keeps its time of day and moves to the chosen day."""
    membership = membership_for(request, slug, Action.COMPOSE)
    workspace = membership.workspace
    post_id = request.POST.get("post", "")
    post = get_scoped_or_404(
        Post.objects.all(),
        workspace,
        pk=parse_id(post_id) or 0,
    )
    target_day = _day(request.POST.get("date"), date.min)
    if target_day == date.min or post.publish_at is None:
        raise Http404
    moment = planning.same_time_on(post.publish_at, target_day, workspace.tzinfo)
    before = post.status
    try:
        workflow.post_reschedule(post=post, actor=cast(User, request.user), publish_at=moment)
    except workflow.TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _moved(post, before, workspace))
    return redirect(f"{reverse('calendar', args=[slug])}?{request.POST.get('query', '')}")


def _moved(post: Post, before: str, workspace: Workspace) -> str:
    """Said after a drop: the post may land in a day whose cell shows only its first posts
    ("+ 3 more posts"), so the message names it, says when, and links to its week."""
    post.refresh_from_db(fields=["status", "publish_at"])
    assert post.publish_at is not None
    local = timezone.localtime(post.publish_at, workspace.tzinfo)
    said = _("“%(idea)s” moved to %(when)s.") % {
        "idea": Truncator(post.idea).chars(60),
        "when": date_text(local, "LONG_DAY_TIME_FORMAT"),
    }
    if post.status == PostStatus.IN_REVIEW and before != PostStatus.IN_REVIEW:
        said += " " + _("It awaits approval again.")
    day = f"{local.date():%Y-%m-%d}"
    week = f"{reverse('calendar', args=[workspace.slug])}?view=week&date={day}#day-{day}"
    return format_html('{} <a href="{}">{}</a>', said, week, _("See its week"))


@require_POST
def post_next_slot(request: HttpRequest, slug: str, post_id: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.COMPOSE)
    workspace = membership.workspace
    post = get_scoped_or_404(Post.objects.all(), workspace, pk=post_id)
    channels = Channel.objects.filter(variants__post=post).distinct()
    slot = planning.first_free_slot(
        channels, after=timezone.now(), tz=workspace.tzinfo, leave_out=post.pk
    )
    if slot is None:
        messages.error(
            request,
            _(
                "No free time slot in the next four weeks: set the channels' slots in Settings → Channels."
            ),
        )
    else:
        try:
            workflow.post_reschedule(post=post, actor=cast(User, request.user), publish_at=slot)
        except workflow.TransitionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("post_edit", slug=slug, post_id=post.pk)
        local = slot.astimezone(workspace.tzinfo)
        messages.success(
            request,
            _("Set to the next free slot: %(when)s.")
            % {"when": date_text(local, "LONG_DAY_TIME_FORMAT")},
        )
    return redirect("post_edit", slug=slug, post_id=post.pk)


def ical_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Read-only, no login: the secret address is the key. Scheduled and published posts."""
    workspace = get_object_or_404(Workspace, ical_token=token)
    posts = Post.objects.filter(
        workspace=workspace,
        publish_at__isnull=False,
        status__in=[PostStatus.SCHEDULED, PostStatus.PUBLISHED, PostStatus.APPROVED],
    )

    def link(post: Post) -> str:
        return request.build_absolute_uri(reverse("post_review", args=[workspace.slug, post.pk]))

    body = planning.ical(workspace, posts.prefetch_related("variants").order_by("publish_at"), link)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@require_POST
def ical_reset(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_WORKSPACE)
    workflow.workspace_reset_ical(workspace=membership.workspace)
    messages.success(request, _("New calendar address: the old one no longer works."))
    return redirect("calendar", slug=slug)


def posts_export(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_CALENDAR)
    return download(f"palabre-{slug}-posts.csv", csvio.export_posts(membership.workspace))


def posts_import(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.COMPOSE)
    report: list[dict[str, Any]] = []
    imported = 0
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a CSV file."))
        elif (upload.size or 0) > csvio.MAX_BYTES:
            messages.error(request, _("This file is over 2 MB; split it."))
        else:
            imported, report = csvio.import_posts(
                membership.workspace, cast(User, request.user), upload.read()
            )
            if imported:
                done = ngettext(
                    "%(count)s post imported as a draft.",
                    "%(count)s posts imported as drafts.",
                    imported,
                )
                messages.success(request, done % {"count": imported})
    context = {"membership": membership, "report": report, "columns": csvio.IMPORT_COLUMNS}
    return render(request, "publishing/import.html", context)


def posts_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every post, newest first, found by its words, status and network."""
    membership = membership_for(request, slug, Action.VIEW_CALENDAR)
    form = PostSearchForm(request.GET or None)
    wanted = applied(form)  # a filter that does not hold is said (left_out)
    rows = posts_found(
        workspace=membership.workspace,
        text=wanted.get("text", ""),
        status=wanted.get("status", ""),
        network=wanted.get("network", ""),
    )
    context = {
        "membership": membership,
        "form": form,
        "page": Paginator(rows, LIST_PAGE).get_page(request.GET.get("page")),
        "narrowed": any(wanted.get(name) for name in ("text", "status", "network")),
        "left_out": left_out(form),
        "words_left": words_left(form),
        "can_move": can(membership, Action.COMPOSE),
    }
    return render(request, "publishing/posts.html", context)
