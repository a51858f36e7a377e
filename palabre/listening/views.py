"""Listening's pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from palabre.accounts.permissions import Action, membership_for


def listening(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_LISTENING)
    return render(request, "listening/listening.html", {"membership": membership})
