"""A person: their history in the workspace, merging, and their data rights."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from palabre.accounts.permissions import Action, can, get_scoped_or_404, membership_for
from palabre.analytics.community_views import FILTERS
from palabre.inbox.contacts import (
    contact_erase,
    contact_export,
    contact_merge,
    contact_timeline,
    contacts_found,
    merge_candidates,
)
from palabre.inbox.forms import ContactForm, MergeForm, PeopleSearchForm
from palabre.inbox.models import Contact
from palabre.inbox.views import rights
from palabre.lib.downloads import download
from palabre.lib.filters import applied, left_out, words_left
from palabre.lib.wordsearch import search_words

HISTORY_PAGE = 25  # a person's page stays a page: their details were 12,000 pixels down


def contacts(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_COMMUNITY)
    form = PeopleSearchForm(request.GET or None)
    text = applied(form).get("text", "")  # too long, it is said (left_out), not cut unsaid
    rows = contacts_found(workspace=membership.workspace, text=text)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "membership": membership,
        "page": page,
        "text": form["text"].value() or "",
        "searched": " ".join(search_words(text)),  # what "nobody matches" quotes
        "left_out": left_out(form),
        "words_left": words_left(form),
        **rights(membership),
    }
    return render(request, "inbox/contacts.html", context)


def _came_from(request: HttpRequest) -> dict[str, str]:
    """The community list this page was opened from (with its filter), kept through the
    page's forms so that "←" goes back to it; empty means the people list."""
    if request.GET.get("back") != "community":
        return {}
    show = request.GET.get("show", "")
    return {"back": "community", "show": show if show in FILTERS else ""}


def _detail_url(slug: str, pk: int, came_from: dict[str, str]) -> str:
    url = reverse("contact_detail", args=[slug, pk])
    return f"{url}?{urlencode(came_from)}" if came_from else url


def _back(slug: str, came_from: dict[str, str]) -> tuple[str, str]:
    """Where "←" goes, and its words."""
    if not came_from:
        return reverse("contacts", args=[slug]), _("People")
    return f"{reverse('community', args=[slug])}?show={came_from['show']}", _("Community")


def contact_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_COMMUNITY)
    contact = get_scoped_or_404(Contact.objects.all(), membership.workspace, pk=pk)
    manage = can(membership, Action.MANAGE_CONTACTS)
    if request.method == "POST" and not manage:
        raise PermissionDenied
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect(_detail_url(slug, pk, _came_from(request)))
    same = request.GET.get("same", "")[:200]  # whom to merge with, by name or handle
    came_from = _came_from(request)
    context = {
        **rights(membership),
        "membership": membership,
        "contact": contact,
        "identities": contact.identities.all(),
        "history": Paginator(contact_timeline(contact), HISTORY_PAGE).get_page(
            request.GET.get("page")
        ),
        "form": form,
        "merge_form": MergeForm(contact=contact),
        "same": same,
        "candidates": merge_candidates(contact=contact, text=same) if manage else [],
        "can_manage": manage,
        "came_from": came_from,
        "came_query": urlencode(came_from),
        "back": _back(slug, came_from),
    }
    return render(request, "inbox/contact.html", context)


@require_POST
def contact_merge_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_CONTACTS)
    contact = get_scoped_or_404(Contact.objects.all(), membership.workspace, pk=pk)
    form = MergeForm(request.POST, contact=contact)
    if form.is_valid():
        contact_merge(into=contact, other=form.cleaned_data["other"])
        messages.success(request, _("Merged: one person, every account."))
    elif "other" in form.errors:
        messages.error(request, _("Choose the other contact to merge with."))
    else:
        messages.error(request, _("Not merged: tick the box that says they are the same person."))
    return redirect(_detail_url(slug, pk, _came_from(request)))


def contact_export_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_CONTACTS)
    contact = get_scoped_or_404(Contact.objects.all(), membership.workspace, pk=pk)
    data = json.dumps(contact_export(contact=contact), ensure_ascii=False, indent=2)
    return download(
        f"contact-{contact.pk}.json", data, content_type="application/json; charset=utf-8"
    )


@require_POST
def contact_erase_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_CONTACTS)
    contact = get_scoped_or_404(Contact.objects.all(), membership.workspace, pk=pk)
    if request.POST.get("confirm") != "erase":
        messages.error(request, _("Tick the box to confirm: erasing cannot be undone."))
        return redirect("contact_detail", slug=slug, pk=pk)
    count = contact_erase(contact=contact)
    erased = ngettext(
        "Erased. %(count)s interaction was anonymised.",
        "Erased. %(count)s interactions were anonymised.",
        count,
    )
    messages.success(request, erased % {"count": count})
    return redirect("contacts", slug=slug)
