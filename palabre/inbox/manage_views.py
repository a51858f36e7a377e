"""The inbox's settings: rules, saved replies, the moderation log, the netiquette."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.accounts.models import Workspace
from palabre.accounts.permissions import Action, can, get_scoped_or_404, membership_for, scoped
from palabre.channels.models import Channel
from palabre.inbox import services
from palabre.inbox.forms import (
    InboxSettingsForm,
    LogFilterForm,
    RuleForm,
    SavedReplyForm,
    VersionedForm,
)
from palabre.inbox.models import ModerationEvent, ModerationRule, SavedReply
from palabre.inbox.views import rights
from palabre.lib.concurrency import StaleVersion
from palabre.lib.csvsafe import csv_writer, date_cell
from palabre.lib.downloads import download


def inbox_rules(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    membership = membership_for(request, slug, Action.MODERATE)
    workspace = membership.workspace
    rule = get_scoped_or_404(ModerationRule.objects.all(), workspace, pk=pk) if pk else None
    form = RuleForm(request.POST or None, instance=rule, workspace=workspace)
    theirs: list[tuple[str, object]] = []
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.workspace = workspace
        try:
            services.moderation_rule_save(rule=saved, seen=form.seen_version())
        except StaleVersion:
            form, theirs = _stale(request, form, RuleForm, workspace=workspace)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("inbox_rules", slug=slug)
    context = {
        **rights(membership),
        "membership": membership,
        "rules": scoped(ModerationRule.objects.all(), workspace).select_related(
            "channel", "assign_to"
        ),
        "form": form,
        "editing": rule,
        "theirs": theirs,
        # Where a rule's "hide" can only be a review (Mastodon, LinkedIn).
        "cannot_hide": sorted(
            {
                c.network_label
                for c in scoped(Channel.objects.all(), workspace)
                if not c.hides_replies
            }
        ),
    }
    return render(request, "inbox/rules.html", context)


@require_POST
def inbox_rule_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MODERATE)
    get_scoped_or_404(ModerationRule.objects.all(), membership.workspace, pk=pk).delete()
    messages.success(request, _("Rule deleted."))
    return redirect("inbox_rules", slug=slug)


def inbox_saved_replies(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    membership = membership_for(request, slug, Action.ANSWER)
    workspace = membership.workspace
    saved = get_scoped_or_404(SavedReply.objects.all(), workspace, pk=pk) if pk else None
    form = SavedReplyForm(request.POST or None, instance=saved)
    theirs: list[tuple[str, object]] = []
    if request.method == "POST" and form.is_valid():
        reply = form.save(commit=False)
        reply.workspace = workspace
        try:
            services.saved_reply_save(reply=reply, seen=form.seen_version())
        except StaleVersion:
            form, theirs = _stale(request, form, SavedReplyForm)
        else:
            messages.success(request, _("Saved reply saved."))
            return redirect("inbox_saved_replies", slug=slug)
    context = {
        **rights(membership),
        "membership": membership,
        "replies": scoped(SavedReply.objects.all(), workspace),
        "form": form,
        "editing": saved,
        "theirs": theirs,
    }
    return render(request, "inbox/saved_replies.html", context)


F = TypeVar("F", RuleForm, SavedReplyForm)


def _stale(
    request: HttpRequest, form: F, form_class: type[F], **kwargs: Any
) -> tuple[F, list[tuple[str, object]]]:
    """Someone saved since this form was opened: the person's input again, now based on
    what was saved (so saving once more replaces it knowingly), and what was saved."""
    rows = type(form.instance)._default_manager.filter(pk=form.instance.pk)
    current = rows.first()
    if current is None:  # deleted meanwhile
        raise Http404
    data = request.POST.copy()
    data["version"] = str(current.version)
    # Its own copy of the row: validating the person's input must not change `current`.
    again = form_class(data, instance=rows.get(), **kwargs)
    return again, _values(again, current)


def _values(form: VersionedForm, instance: Model) -> list[tuple[str, object]]:
    """Each of the form's fields as `instance` holds it, in words."""
    rows: list[tuple[str, object]] = []
    for name, field in form.fields.items():
        if name == "version":
            continue
        display = getattr(instance, f"get_{name}_display", None)
        value = display() if display else getattr(instance, name)
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        rows.append((str(field.label), "" if value is None else value))
    return rows


@require_POST
def inbox_saved_reply_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.ANSWER)
    saved = get_scoped_or_404(SavedReply.objects.all(), membership.workspace, pk=pk)
    saved.delete()
    messages.success(request, _("“%(name)s” deleted.") % {"name": saved.title})
    return redirect("inbox_saved_replies", slug=slug)


LOG_PAGE = 50


def inbox_log(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_INBOX)
    form = LogFilterForm(request.GET, workspace=membership.workspace)
    form.is_valid()  # a filter that means nothing is left out, said by the page; not the others
    filters = form.cleaned_data
    events = _log_filtered(
        scoped(ModerationEvent.objects.all(), membership.workspace), filters
    ).select_related("actor", "interaction__identity", "interaction__channel")
    if request.GET.get("format") == "csv":
        # A file of named authors leaves the server: the Community page's permission.
        if not can(membership, Action.VIEW_COMMUNITY):
            raise PermissionDenied
        return _log_csv(membership.workspace, events)
    context = {
        "membership": membership,
        "form": form,
        "page": Paginator(events, LOG_PAGE).get_page(request.GET.get("page")),
        "filtered": any(filters.values()),
        "ignored": [form.fields[name].widget.attrs["aria-label"] for name in form.errors],
        **rights(membership),
    }
    return render(request, "inbox/log.html", context)


def _log_filtered(
    events: QuerySet[ModerationEvent], filters: dict[str, Any]
) -> QuerySet[ModerationEvent]:
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("by") == "people":
        events = events.filter(actor__isnull=False)
    elif filters.get("by") == "machine":  # Palabre's model, a rule, or a job: nobody signed
        events = events.filter(actor__isnull=True)
    if filters.get("channel"):
        events = events.filter(interaction__channel=filters["channel"])
    return events


def _log_csv(workspace: Workspace, events: object) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d")
    response = download(f"moderation-{workspace.slug}-{stamp}.csv")
    writer = csv_writer(response)
    writer.writerow(
        [
            "when",
            "action",
            "by",
            "reason",
            "model_version",
            "score",
            "network",
            "channel",
            "author",
            "text",
        ]
    )
    for e in events:  # type: ignore[attr-defined]
        item = e.interaction
        writer.writerow(
            (
                date_cell(e.created_at, workspace.tzinfo),
                e.action,
                e.by,
                e.reason,
                e.model_version,
                "" if e.score is None else round(e.score, 4),
                e.network_status,
                item.channel.name,
                item.author_name,
                item.text,
            )
        )
    return response


def inbox_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.MODERATE)
    workspace = membership.workspace
    form = InboxSettingsForm(request.POST or None, instance=workspace)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Inbox settings saved."))
        return redirect("inbox_settings", slug=slug)
    context = {
        **rights(membership),
        "membership": membership,
        "form": form,
        "can_manage": can(membership, Action.MODERATE),
    }
    return render(request, "inbox/settings.html", context)


def netiquette(request: HttpRequest, slug: str) -> HttpResponse:
    """Public, without an account: the house rules a moderated comment can be pointed to."""
    workspace = Workspace.objects.filter(slug=slug, netiquette_public=True).first()
    if workspace is None or not workspace.netiquette.strip():
        raise Http404
    return render(request, "inbox/netiquette.html", {"workspace": workspace})
