"""Forms on the home page answer and approve in place: after the write, back to home, at
the part of the page the form was in, with what happened said there (the top of the page,
where messages usually go, is out of view when the page opens further down)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

# The home parts whose forms come back (their heading's id is "h-" and the name).
SECTIONS = ("waiting", "approvals", "trouble")


def back_home(request: HttpRequest, slug: str) -> HttpResponse | None:
    """A redirect to the workspace's home when the form came from there, else None.
    Only fixed places: never a URL from the request (no open redirect)."""
    if request.POST.get("back") != "home":
        return None
    at = request.POST.get("at", "")
    if at not in SECTIONS:
        return redirect("dashboard", slug=slug)
    return HttpResponseRedirect(f"{reverse('dashboard', args=[slug])}?at={at}#h-{at}")


def home_part(request: HttpRequest, shown: set[str]) -> str:
    """The home part a form came back to, where its message is said; "" (the top) when
    it is not one the page shows now (the last publication to fix, fixed)."""
    at = request.GET.get("at", "")
    return at if at in SECTIONS and at in shown else ""
