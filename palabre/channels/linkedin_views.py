"""Connecting LinkedIn organization pages: LinkedIn's sign-in, then the picker.
Services: channels/linkedin.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from palabre.accounts.models import User
from palabre.accounts.permissions import Action, membership_for
from palabre.channels import linkedin
from palabre.channels.meta_views import (
    MAX_PICKED,
    _callback_url,
    _pending_slug,
    _say_picked,
    _start,
)
from palabre.channels.services import ConnectRefused

LINKEDIN_SESSION = "palabre_linkedin_oauth"
PICK_SESSION = "palabre_linkedin_pick"  # the id of the ConnectPending row, nothing else


@require_POST
def channel_connect_linkedin(request: HttpRequest, slug: str) -> HttpResponse:
    """Off to LinkedIn's sign-in; back at linkedin_callback."""
    return _start(
        request,
        slug,
        key=LINKEDIN_SESSION,
        callback="linkedin_callback",
        starts=linkedin.linkedin_connect_start,
    )


def linkedin_callback(request: HttpRequest) -> HttpResponse:
    """Where LinkedIn sends the person back, with a code (or an error) and our state."""
    slug = _pending_slug(request, LINKEDIN_SESSION)
    if slug is None:
        return redirect("home")
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    if "code" not in request.GET:
        # https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
        if request.GET.get("error") == "user_cancelled_authorize":
            messages.info(request, _("Cancelled in the LinkedIn window; nothing was connected."))
        else:
            messages.error(request, _("LinkedIn did not authorize Palabre; nothing was connected."))
        return redirect("channel_list", slug=slug)
    assert isinstance(request.user, User)
    try:
        pending = linkedin.linkedin_login_finish(
            workspace=membership.workspace,
            user=request.user,
            code=request.GET["code"][:1000],
            redirect_uri=_callback_url("linkedin_callback"),
        )
    except ConnectRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("channel_list", slug=slug)
    request.session[PICK_SESSION] = pending.pk
    return redirect("channel_pick_linkedin", slug=slug)


@require_http_methods(["GET", "POST"])
def channel_pick_linkedin(request: HttpRequest, slug: str) -> HttpResponse:
    """Which of the organizations the member administers become channels."""
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    assert isinstance(request.user, User)
    pending = linkedin.linkedin_pending_for(
        pending_id=request.session.get(PICK_SESSION),
        workspace=membership.workspace,
        user=request.user,
    )
    if pending is None:
        messages.error(request, _("This list of pages has expired; connect LinkedIn again."))
        return redirect("channel_list", slug=slug)
    if request.method == "POST":
        keys = set(request.POST.getlist("organization")[:MAX_PICKED])
        picked = linkedin.linkedin_pending_connect(pending=pending, user=request.user, keys=keys)
        request.session.pop(PICK_SESSION, None)
        _say_picked(request, picked)
        return redirect("channel_list", slug=slug)
    choices = linkedin.linkedin_pending_choices(pending=pending, user=request.user)
    tickable = any(not choice.elsewhere for choice in choices)
    context = {"membership": membership, "choices": choices, "tickable": tickable}
    return render(request, "channels/pick_linkedin.html", context)
