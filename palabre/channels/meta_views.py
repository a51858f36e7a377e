"""Connecting Facebook Pages and Instagram accounts (Facebook Login for Business, then the
picker) and Threads accounts (Threads' login). Services: channels/meta.py."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from palabre.accounts.models import User
from palabre.accounts.permissions import Action, membership_for
from palabre.channels import meta
from palabre.channels.services import ConnectRefused

META_SESSION = "palabre_meta_oauth"
THREADS_SESSION = "palabre_threads_oauth"
PICK_SESSION = "palabre_meta_pick"  # the id of the ConnectPending row, nothing else
MAX_PICKED = 500


def _callback_url(name: str) -> str:
    return settings.SITE_URL + reverse(name)


def _start(
    request: HttpRequest, slug: str, *, key: str, callback: str, starts: Callable[..., str]
) -> HttpResponse:
    membership_for(request, slug, Action.MANAGE_CHANNELS)
    state = secrets.token_urlsafe(24)
    try:
        url = starts(redirect_uri=_callback_url(callback), state=state)
    except ConnectRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("channel_list", slug=slug)
    request.session[key] = {"state": state, "slug": slug}
    return redirect(url)


@require_POST
def channel_connect_meta(request: HttpRequest, slug: str) -> HttpResponse:
    """Off to Facebook's login dialog; back at meta_callback."""
    return _start(
        request, slug, key=META_SESSION, callback="meta_callback", starts=meta.meta_connect_start
    )


@require_POST
def channel_connect_threads(request: HttpRequest, slug: str) -> HttpResponse:
    """Off to Threads' authorization window; back at threads_callback."""
    return _start(
        request,
        slug,
        key=THREADS_SESSION,
        callback="threads_callback",
        starts=meta.threads_connect_start,
    )


def _pending_slug(request: HttpRequest, key: str) -> str | None:
    """The workspace a login was started from, when this callback is its answer."""
    pending = request.session.pop(key, None)
    state = request.GET.get("state", "")
    if not isinstance(pending, dict) or not state or state != pending.get("state"):
        messages.error(
            request, _("This authorization is no longer valid; start again from the channels.")
        )
        return None
    return str(pending["slug"])


def meta_callback(request: HttpRequest) -> HttpResponse:
    """Where Facebook sends the person back, with a code (or an error) and our state."""
    slug = _pending_slug(request, META_SESSION)
    if slug is None:
        return redirect("home")
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    if "code" not in request.GET:
        _say_not_authorized(request, network="Facebook")
        return redirect("channel_list", slug=slug)
    assert isinstance(request.user, User)
    try:
        pending = meta.meta_login_finish(
            workspace=membership.workspace,
            user=request.user,
            code=request.GET["code"][:1000],
            redirect_uri=_callback_url("meta_callback"),
        )
    except ConnectRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("channel_list", slug=slug)
    request.session[PICK_SESSION] = pending.pk
    return redirect("channel_pick_meta", slug=slug)


@require_http_methods(["GET", "POST"])
def channel_pick_meta(request: HttpRequest, slug: str) -> HttpResponse:
    """Which of the Pages and Instagram accounts found become channels."""
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    assert isinstance(request.user, User)
    pending = meta.pending_for(
        pending_id=request.session.get(PICK_SESSION),
        workspace=membership.workspace,
        user=request.user,
    )
    if pending is None:
        messages.error(
            request, _("This list of accounts has expired; connect Facebook and Instagram again.")
        )
        return redirect("channel_list", slug=slug)
    if request.method == "POST":
        keys = set(request.POST.getlist("account")[:MAX_PICKED])
        picked = meta.pending_connect(pending=pending, user=request.user, keys=keys)
        request.session.pop(PICK_SESSION, None)
        _say_picked(request, picked)
        return redirect("channel_list", slug=slug)
    choices = meta.pending_choices(pending=pending, user=request.user)
    # When every account is another workspace's, there is nothing to press "Connect" for.
    tickable = any(not choice.elsewhere for choice in choices)
    context = {"membership": membership, "choices": choices, "tickable": tickable}
    return render(request, "channels/pick_meta.html", context)


def _say_not_authorized(request: HttpRequest, *, network: str) -> None:
    """The person cancelled in the network's window (`error_reason=user_denied`, as Meta's
    login redirects: https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow):
    what they chose, not a failure; anything else is the network's refusal."""
    if request.GET.get("error_reason") == "user_denied":
        messages.info(
            request,
            _("Cancelled in the %(network)s window; nothing was connected.") % {"network": network},
        )
    elif network == "Threads":
        messages.error(request, _("Threads did not authorize Palabre; nothing was connected."))
    else:
        messages.error(request, _("Facebook did not authorize Palabre; nothing was connected."))


def _say_picked(request: HttpRequest, picked: meta.Picked) -> None:
    for refusal in picked.refused:
        messages.error(request, refusal)
    if picked.connected:
        names = ", ".join(channel.name for channel in picked.connected)
        messages.success(
            request,
            ngettext("Connected: %(names)s.", "Connected: %(names)s.", len(picked.connected))
            % {"names": names},
        )
    elif not picked.refused:
        messages.info(request, _("No account was chosen; nothing was connected."))


def threads_callback(request: HttpRequest) -> HttpResponse:
    """Where Threads sends the person back, with a code (or an error) and our state."""
    slug = _pending_slug(request, THREADS_SESSION)
    if slug is None:
        return redirect("home")
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    if "code" not in request.GET:
        _say_not_authorized(request, network="Threads")
        return redirect("channel_list", slug=slug)
    assert isinstance(request.user, User)
    try:
        channel = meta.threads_connect_finish(
            workspace=membership.workspace,
            code=request.GET["code"][:1000],
            redirect_uri=_callback_url("threads_callback"),
        )
    except ConnectRefused as refusal:
        messages.error(request, str(refusal))
    except meta.HeldElsewhere as held:
        messages.error(
            request,
            meta.held_elsewhere_text(
                holder=held.holder, user=request.user, label=f"{held.holder.handle} (Threads)"
            ),
        )
    else:
        messages.success(request, _("%(handle)s is connected.") % {"handle": channel.handle})
    return redirect("channel_list", slug=slug)
