"""Forms on the home page answer and approve in place: after the write, back to home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def back_home(request: HttpRequest, slug: str) -> HttpResponse | None:
    """A redirect to the workspace's home when the form came from there, else None.
    Only this one fixed place: never a URL from the request (no open redirect)."""
    if request.POST.get("back") == "home":
        return redirect("dashboard", slug=slug)
    return None
