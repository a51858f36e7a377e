"""Listening's pages: what the searches heard and what is done with it, and the searches
with the workspace's listening settings."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings as conf
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from palabre.accounts.models import Membership, User
from palabre.accounts.permissions import Action, can, get_scoped_or_404, membership_for
from palabre.inbox.models import AbuseKind, Category
from palabre.inbox.services import InboxRefused
from palabre.lib.concurrency import StaleVersion
from palabre.listening import actions, services
from palabre.listening.definitions import DefinitionError
from palabre.listening.forms import (
    EraseForm,
    HeardFilterForm,
    HeardReplyForm,
    ListeningSettingsForm,
    SearchForm,
    SendForm,
    TagForm,
)
from palabre.listening.models import Heard, Search, SearchPoll

PAGE = 50


def rights(membership: Membership) -> dict[str, bool]:
    """What the pages offer this person (each action checks again)."""
    return {
        "can_manage": can(membership, Action.MANAGE_LISTENING),
        "can_answer": can(membership, Action.ANSWER),
        "can_compose": can(membership, Action.COMPOSE),
        "can_contacts": can(membership, Action.MANAGE_CONTACTS),
        "can_community": can(membership, Action.VIEW_COMMUNITY),
        # Retention, X's budget and erasure: personal data and money, as the inbox's
        # settings (owners and managers).
        "can_erase": can(membership, Action.MODERATE),
    }


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- What was heard --------------------------------------------------------------------------


def listening(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_LISTENING)
    workspace = membership.workspace
    form = HeardFilterForm(request.GET or None, workspace=workspace)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = _filtered(Heard.objects.filter(workspace=workspace), filters)
    rows = rows.select_related("assigned_to").prefetch_related("searches", "interaction__replies")
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "membership": membership,
        "form": form,
        "page": page,
        "query": params.urlencode(),
        "filtered": any(filters.values()),
        "has_searches": Search.objects.filter(workspace=workspace).exists(),
    } | rights(membership)
    return render(request, "listening/listening.html", context)


def _tagged(rows: QuerySet[Heard], tag: str) -> list[int]:
    """The posts carrying this tag, case aside (read in Python: SQLite cannot look inside a
    JSON list, and a text search of it would take `"` for a tag)."""
    wanted = tag.strip().casefold()
    tagged = rows.exclude(tags=[]).values_list("pk", "tags")
    return [pk for pk, tags in tagged if wanted in (str(t).casefold() for t in tags)]


def _filtered(rows: QuerySet[Heard], filters: dict[str, Any]) -> QuerySet[Heard]:
    if filters.get("search"):
        rows = rows.filter(searches=filters["search"])
    if filters.get("network"):
        rows = rows.filter(network=filters["network"])
    if filters.get("kind") == Category.ABUSE:
        rows = rows.filter(kind__in=[Category.ABUSE, *AbuseKind.values])
    elif filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("lang") == "other":
        rows = rows.exclude(lang__in=["fr", "en"])
    elif filters.get("lang"):
        rows = rows.filter(lang=filters["lang"])
    if filters.get("tag"):
        rows = rows.filter(pk__in=_tagged(rows, filters["tag"]))
    if filters.get("unseen"):
        rows = rows.filter(seen_at__isnull=True)
    return rows


def _heard(membership: Membership, pk: int) -> Heard:
    return get_scoped_or_404(
        Heard.objects.select_related("assigned_to", "interaction").prefetch_related("searches"),
        membership.workspace,
        pk=pk,
    )


def _item_context(membership: Membership, heard: Heard, **forms: Any) -> dict[str, Any]:
    workspace = membership.workspace
    channels = actions.reply_channels(heard)
    return {
        "membership": membership,
        "heard": heard,
        "replies": actions.heard_replies(heard),
        "channels": channels,
        "contact": actions.heard_author_contact(heard),
        "reply_form": forms.get("reply_form") or HeardReplyForm(channels=channels),
        "tag_form": forms.get("tag_form") or TagForm(initial={"tags": ", ".join(heard.tags)}),
        "send_form": forms.get("send_form")
        or SendForm(workspace=workspace, initial={"assignee": heard.assigned_to_id}),
    } | rights(membership)


def listening_heard(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_LISTENING)
    heard = _heard(membership, pk)
    return render(request, "listening/heard.html", _item_context(membership, heard))


def _acting(request: HttpRequest, slug: str, pk: int, action: Action) -> tuple[Membership, Heard]:
    membership = membership_for(request, slug, action)
    return membership, _heard(membership, pk)


def _back(slug: str, heard: Heard) -> HttpResponse:
    return redirect("listening_heard", slug=slug, pk=heard.pk)


@require_POST
def listening_seen(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, heard = _acting(request, slug, pk, Action.MANAGE_LISTENING)
    actions.heard_seen(heard=heard, seen=request.POST.get("seen", "1") == "1")
    back = _list_query(request.POST.get("back", ""))
    if _htmx(request):
        context = {"membership": membership, "heard": heard, "query": back} | rights(membership)
        return render(request, "listening/_heard_row.html", context)
    if "back" in request.POST:
        return redirect(reverse("listening", args=[slug]) + (f"?{back}" if back else ""))
    return _back(slug, heard)


def _list_query(typed: str) -> str:
    """The list's filters to come back to, read and written again: only parameters, never
    an address (no open redirect)."""
    return QueryDict(typed[:1000]).urlencode()


@require_POST
def listening_tag(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, heard = _acting(request, slug, pk, Action.MANAGE_LISTENING)
    form = TagForm(request.POST)
    if form.is_valid():
        try:
            tags = actions.tags_read(form.cleaned_data["tags"])
        except services.ListeningRefused as refused:
            form.add_error("tags", str(refused))
        else:
            actions.heard_tag(heard=heard, tags=tags)
            return _back(slug, heard)
    context = _item_context(membership, heard, tag_form=form)
    return render(request, "listening/heard.html", context)


@require_POST
def listening_send(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, heard = _acting(request, slug, pk, Action.MANAGE_LISTENING)
    form = SendForm(request.POST, workspace=membership.workspace)
    if not form.is_valid():
        context = _item_context(membership, heard, send_form=form)
        return render(request, "listening/heard.html", context)
    assignee = form.cleaned_data["assignee"]
    actions.heard_send(heard=heard, actor=cast(User, request.user), assignee=assignee)
    if assignee is not None and assignee != request.user:
        messages.success(request, _("Sent to %(who)s, who is told in the app.") % {"who": assignee})
    return _back(slug, heard)


@require_POST
def listening_reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, heard = _acting(request, slug, pk, Action.ANSWER)
    form = HeardReplyForm(request.POST, channels=actions.reply_channels(heard))
    if form.is_valid():
        try:
            actions.heard_reply(
                heard=heard,
                actor=cast(User, request.user),
                channel=form.cleaned_data["channel"],
                text=form.cleaned_data["text"],
                once=form.cleaned_data["once"],
            )
        except InboxRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Your answer is on its way to the post."))
            return _back(slug, heard)
    context = _item_context(membership, heard, reply_form=form)
    return render(request, "listening/heard.html", context)


@require_POST
def listening_idea(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _membership, heard = _acting(request, slug, pk, Action.COMPOSE)
    post = actions.heard_idea(heard=heard, actor=cast(User, request.user))
    messages.success(request, _("Saved as an idea: write the post from it."))
    return redirect("post_edit", slug=slug, post_id=post.pk)


@require_POST
def listening_contact(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _membership, heard = _acting(request, slug, pk, Action.MANAGE_CONTACTS)
    contact, made = actions.heard_contact(heard=heard)
    if made:
        messages.success(request, _("%(who)s is now a contact.") % {"who": contact})
    else:
        messages.info(request, _("%(who)s was a contact already.") % {"who": contact})
    return _back(slug, heard)


# --- Searches and settings ---------------------------------------------------------------


def _searches_page(request: HttpRequest, membership: Membership, **shown: Any) -> HttpResponse:
    workspace = membership.workspace
    settings = services.listening_settings(workspace)
    searches = Search.objects.filter(workspace=workspace)
    x_queries = actions.x_queries(workspace=workspace)  # read once for both figures
    context = {
        "membership": membership,
        "searches": searches,
        "most": conf.PALABRE_LISTENING_MAX_SEARCHES,
        "form": SearchForm(workspace=workspace),
        "editing": None,
        "theirs": [],
        "preview": None,
        "problems": [],
        "erase_count": None,
        "settings": settings,
        "settings_form": ListeningSettingsForm(instance=settings),
        "erase_form": EraseForm(),
        "refusals": [
            (poll.channel, _(poll.refused))  # kept in English, as the network said it
            for poll in SearchPoll.objects.filter(channel__workspace=workspace)
            .exclude(refused="")
            .select_related("channel")
        ],
        "x_estimate": actions.x_requests_estimate(x_queries),
        "x_too_big": actions.x_searches_over_budget(x_queries, settings.x_requests_per_day),
        "searchable": actions.searchable_networks(),
    } | rights(membership)
    return render(request, "listening/searches.html", context | shown)


def listening_searches(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """The searches, and one being written (new, or `pk`'s); "Preview" runs it unsaved."""
    reading = request.method != "POST"
    membership = membership_for(
        request, slug, Action.VIEW_LISTENING if reading else Action.MANAGE_LISTENING
    )
    workspace = membership.workspace
    search = get_scoped_or_404(Search.objects.all(), workspace, pk=pk) if pk else None
    form = SearchForm(request.POST or None, instance=search, workspace=workspace)
    if reading:
        return _searches_page(request, membership, form=form, editing=search)
    if "preview" in request.POST:
        return _preview(request, membership, form, search)
    theirs: list[tuple[str, object]] = []
    if form.is_valid():
        saved = form.save(commit=False)
        saved.workspace = workspace
        if saved.pk is None:
            saved.created_by = cast(User, request.user)
        try:
            services.search_save(search=saved, seen=form.seen_version())
        except services.ListeningRefused as refused:
            form.add_error(None, str(refused))
        except DefinitionError as error:  # read again by the service: a rule changed
            form.add_error("terms", str(error))
        except StaleVersion:
            form, theirs = _stale(request, form, workspace)
        else:
            messages.success(request, _("Search “%(name)s” saved.") % {"name": saved.name})
            return redirect("listening_searches", slug=slug)
    return _searches_page(request, membership, form=form, editing=search, theirs=theirs)


def _preview(
    request: HttpRequest, membership: Membership, form: SearchForm, search: Search | None
) -> HttpResponse:
    form.is_valid()  # the definition's own fields are enough for a preview
    problems = [str(e) for name in ("terms", "exclusions") for e in form.errors.get(name, [])]
    preview = None
    if not problems:
        data = form.cleaned_data
        trial = Search(
            workspace=membership.workspace,
            terms=data["terms"],
            exclusions=data.get("exclusions", ""),
            languages=data.get("languages", []),
            networks=data.get("networks", []),
        )
        preview = actions.search_preview(search=trial)
    shown = {"preview": preview, "problems": problems}
    if _htmx(request):
        # The fields' errors of a save refused earlier are left on screen: the preview says
        # what is wrong now, so they go (Django names each field's list "id_<name>_error"),
        # and the fields come again as typed, no longer marked invalid for screen readers.
        names = ("terms", "exclusions")
        stale = [form[name].auto_id + "_error" for name in names]
        typed = SearchForm(
            initial={n: form.data.get(n, "") for n in names}, workspace=form.workspace
        )
        fields = [typed[n].as_widget(attrs={"hx-swap-oob": "true"}) for n in names]
        context = shown | {"stale_errors": stale, "fresh_fields": fields}
        return render(request, "listening/_preview.html", context)
    return _searches_page(request, membership, form=form, editing=search, **shown)


def _stale(
    request: HttpRequest, form: SearchForm, workspace: Any
) -> tuple[SearchForm, list[tuple[str, object]]]:
    """Someone saved this search since it was opened: the person's input again, based on
    what was saved (saving again replaces it knowingly), beside what was saved."""
    current = Search.objects.filter(pk=form.instance.pk).first()
    if current is None:  # deleted meanwhile
        raise Http404
    data = request.POST.copy()
    data["version"] = str(current.version)
    again = SearchForm(data, instance=Search.objects.get(pk=current.pk), workspace=workspace)
    theirs: list[tuple[str, object]] = [
        (str(_("name")), current.name),
        (str(_("what it follows")), current.get_role_display()),
        (str(_("words, phrases and hashtags")), current.terms),
        (str(_("leave out posts with")), current.exclusions),
        (str(_("Languages")), ", ".join(current.languages)),
        (str(_("Networks")), ", ".join(current.networks)),
    ]
    return again, theirs


@require_POST
def listening_search_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_LISTENING)
    search = get_scoped_or_404(Search.objects.all(), membership.workspace, pk=pk)
    actions.search_delete(search=search)
    messages.success(request, _("Search “%(name)s” deleted.") % {"name": search.name})
    return redirect("listening_searches", slug=slug)


@require_POST
def listening_settings(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.MODERATE)
    settings = services.listening_settings(membership.workspace)
    form = ListeningSettingsForm(request.POST, instance=settings)
    if not form.is_valid():
        return _searches_page(request, membership, settings_form=form)
    form.save()
    messages.success(request, _("Listening settings saved."))
    return redirect("listening_searches", slug=slug)


@require_POST
def listening_erase(request: HttpRequest, slug: str) -> HttpResponse:
    """An author's erasure request: first how many posts it deletes, then, confirmed, done."""
    membership = membership_for(request, slug, Action.MODERATE)
    workspace = membership.workspace
    form = EraseForm(request.POST)
    if not form.is_valid():
        return _searches_page(request, membership, erase_form=form)
    handle = form.cleaned_data["handle"]
    if not form.cleaned_data["confirm"]:
        count = actions.author_heard_count(workspace=workspace, handle=handle)
        # Confirmed by a second press, only when there is something to delete.
        confirm = EraseForm(initial={"handle": handle, "confirm": bool(count)})
        return _searches_page(request, membership, erase_form=confirm, erase_count=count)
    try:
        deleted = services.author_erase(workspace=workspace, handle=handle)
    except services.ListeningRefused as refused:
        form.add_error("handle", str(refused))
        return _searches_page(request, membership, erase_form=form)
    messages.success(
        request,
        ngettext(
            "%(count)d post heard from %(handle)s deleted.",
            "%(count)d posts heard from %(handle)s deleted.",
            deleted,
        )
        % {"count": deleted, "handle": handle},
    )
    return redirect("listening_searches", slug=slug)
