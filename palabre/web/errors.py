"""Error pages in the person's language, inside the usual shell, never a traceback."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    if request.path.startswith("/api/"):  # a program reads problem+json, not a page
        from palabre.api.errors import problem

        return problem(
            status, {400: "bad_request", 403: "forbidden"}.get(status, "not_found"), text
        )
    context = {"title": title, "text": text, "status": status}
    return render(request, "web/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return bad_request_saying(request, _("The request could not be understood."))


def bad_request_saying(request: HttpRequest, text: str) -> HttpResponse:
    return _page(request, 400, _("Bad request"), text)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    text = _("Your role in this workspace does not give access to this page.")
    owners = _owners_to_ask(request)
    if owners:
        text += " " + _("To change your role, ask %(owners)s.") % {"owners": owners}
    return _page(request, 403, _("Not allowed"), text)


def _owners_to_ask(request: HttpRequest) -> str:
    """The owners of the workspace the refused page is in, by name, to its members only (a
    page with no way forward left them stuck); an owner without a name is "an owner" (their
    address is not for every role to read)."""
    from palabre.accounts.models import Membership, Role

    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("slug") if match else None
    if not slug or not request.user.is_authenticated:
        return ""
    if not Membership.objects.filter(workspace__slug=slug, user=request.user.pk).exists():
        return ""
    owners = Membership.objects.filter(workspace__slug=slug, role=Role.OWNER)
    names = [m.user.name for m in owners.select_related("user")[:3] if m.user.name.strip()]
    return ", ".join(names) or _("an owner of this workspace")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    text = _("This page does not exist, or you do not have access to it.")
    return _page(request, 404, _("Page not found"), text)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        from palabre.api.errors import problem

        return problem(
            500, "server_error", _("Something went wrong on our side; nothing was lost.")
        )
    # No context processors here: whatever failed may fail again.
    html = loader.get_template("web/error_500.html").render({})
    return HttpResponse(html, status=500)
