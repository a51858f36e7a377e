"""Connecting X accounts (X's OAuth 2.0 window, then back here). Services: channels/x.py."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.accounts.models import User
from palabre.accounts.permissions import Action, membership_for
from palabre.channels import meta, x
from palabre.channels.meta_views import _callback_url, _pending_slug
from palabre.channels.services import ConnectRefused

X_SESSION = "palabre_x_oauth"


@require_POST
def channel_connect_x(request: HttpRequest, slug: str) -> HttpResponse:
    """Off to X's authorization page; back at x_callback."""
    membership_for(request, slug, Action.MANAGE_CHANNELS)
    state = secrets.token_urlsafe(24)
    try:
        start = x.x_connect_start(redirect_uri=_callback_url("x_callback"), state=state)
    except ConnectRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("channel_list", slug=slug)
    request.session[X_SESSION] = {"state": state, "slug": slug, "verifier": start.verifier}
    return redirect(start.url)


def x_callback(request: HttpRequest) -> HttpResponse:
    """Where X sends the person back, with a code (or an error) and our state."""
    pending = request.session.get(X_SESSION)
    verifier = pending.get("verifier") if isinstance(pending, dict) else None
    slug = _pending_slug(request, X_SESSION)  # checks the state, and forgets it either way
    if slug is None or not isinstance(verifier, str):
        return redirect("home")
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    if "code" not in request.GET:
        # X sends error=access_denied when the person cancels (RFC 6749 §4.1.2.1).
        if request.GET.get("error") == "access_denied":
            messages.info(request, _("Cancelled in the X window; nothing was connected."))
        else:
            messages.error(request, _("X did not authorize Palabre; nothing was connected."))
        return redirect("channel_list", slug=slug)
    assert isinstance(request.user, User)
    try:
        channel = x.x_connect_finish(
            workspace=membership.workspace,
            code=request.GET["code"][:1000],
            redirect_uri=_callback_url("x_callback"),
            verifier=verifier,
        )
    except ConnectRefused as refusal:
        messages.error(request, str(refusal))
    except meta.HeldElsewhere as held:
        label = f"{held.holder.handle} (X)"
        messages.error(
            request, meta.held_elsewhere_text(holder=held.holder, user=request.user, label=label)
        )
    else:
        messages.success(request, _("%(handle)s is connected.") % {"handle": channel.handle})
    return redirect("channel_list", slug=slug)
