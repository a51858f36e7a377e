from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.accounts.permissions import Action, get_scoped_or_404, membership_for, scoped
from palabre.channels import linkedin, meta, services, x
from palabre.channels.forms import (
    BlueskyConnectForm,
    DemoChannelForm,
    MastodonConnectForm,
    PlanningForm,
    PollForm,
)
from palabre.channels.models import BILLED_CONNECTORS, Channel
from palabre.channels.x_cost import workspace_x_month
from palabre.lib.ids import parse_id
from palabre.networks.linkedin import oauth as linkedin_oauth
from palabre.networks.meta import login, threads_login
from palabre.networks.x import oauth as x_oauth


def _not_configured() -> dict[str, Any]:
    """The networks whose app whoever installed Palabre has not registered yet: their
    buttons greyed, and what to set (the page folds it) for that person."""
    apps = {
        "meta_missing": (login, meta.meta_setup_text),
        "threads_missing": (threads_login, meta.threads_setup_text),
        "x_missing": (x_oauth, x.x_setup_text),
        "linkedin_missing": (linkedin_oauth, linkedin.linkedin_setup_text),
    }
    missing = {key: setup for key, (app, setup) in apps.items() if not app.configured()}
    return {key: key in missing for key in apps} | {
        "setup_steps": [setup() for setup in missing.values()]
    }


def channel_list(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    form = DemoChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel = services.channel_create_demo(
            workspace=membership.workspace,
            network=form.cleaned_data["network"],
            name=form.cleaned_data["name"],
        )
        messages.success(request, _("Channel “%(name)s” added.") % {"name": channel.name})
        return redirect("channel_list", slug=slug)
    channels = scoped(Channel.objects.all(), membership.workspace)
    context = {
        "typed": request.session.pop(PLANNING_TYPED, None),
        "membership": membership,
        "channels": channels,
        "gone_out": set(services.channels_gone_out(channels).values_list("pk", flat=True)),
        "form": form,
        "bluesky_form": BlueskyConnectForm(),
        # Said instead of a button that fails; what to set, folded, for whoever installed it.
        **_not_configured(),
        "x_month": (
            workspace_x_month(membership.workspace)
            if channels.filter(connector__in=BILLED_CONNECTORS).exists()
            else None
        ),
    }
    return render(request, "channels/channel_list.html", context)


def channel_connect_bluesky(request: HttpRequest, slug: str) -> HttpResponse:
    """Connect a new Bluesky account, or reconnect one (?channel=ID)."""
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    workspace = membership.workspace
    existing = None
    channel_id = parse_id(request.GET.get("channel", ""))
    if channel_id is not None:
        existing = get_scoped_or_404(
            Channel.objects.all(), workspace, pk=channel_id, connector="bluesky"
        )
    initial = (
        {"handle": existing.handle.lstrip("@"), "service": existing.credentials.get("service")}
        if existing
        else {}
    )
    form = BlueskyConnectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            channel = services.channel_connect_bluesky(
                workspace=workspace, channel=existing, user=membership.user, **form.cleaned_data
            )
        except services.ConnectRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("%(handle)s is connected.") % {"handle": channel.handle})
            return redirect("channel_list", slug=slug)
    context = {"membership": membership, "form": form, "existing": existing}
    return render(request, "channels/connect_bluesky.html", context)


OAUTH_SESSION = "palabre_mastodon_oauth"


def channel_connect_mastodon(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    form = MastodonConnectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        state = secrets.token_urlsafe(24)
        callback = settings.SITE_URL + reverse("mastodon_callback")
        try:
            app_id, url = services.channel_connect_mastodon_start(
                instance=form.cleaned_data["instance"], redirect_uri=callback, state=state
            )
        except services.ConnectRefused as refusal:
            form.add_error("instance", str(refusal))
        else:
            request.session[OAUTH_SESSION] = {"state": state, "slug": slug, "app": app_id}
            return redirect(url)
    return render(
        request, "channels/connect_mastodon.html", {"membership": membership, "form": form}
    )


def mastodon_callback(request: HttpRequest) -> HttpResponse:
    """Where the instance sends the person back, with a code (or an error) and our state."""
    pending = request.session.pop(OAUTH_SESSION, None)
    if not pending or request.GET.get("state") != pending["state"]:
        messages.error(
            request, _("This authorization is no longer valid; start again from the channels.")
        )
        return redirect("home")
    membership = membership_for(request, pending["slug"], Action.MANAGE_CHANNELS)
    if "code" not in request.GET:
        messages.error(request, _("The instance did not authorize Palabre; nothing was connected."))
        return redirect("channel_list", slug=pending["slug"])
    try:
        channel = services.channel_connect_mastodon_finish(
            workspace=membership.workspace, app_id=pending["app"], code=request.GET["code"][:500]
        )
    except services.ConnectRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(handle)s is connected.") % {"handle": channel.handle})
    return redirect("channel_list", slug=pending["slug"])


@require_POST
def channel_planning(request: HttpRequest, slug: str, channel_id: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    channel = get_scoped_or_404(Channel.objects.all(), membership.workspace, pk=channel_id)
    form = PlanningForm(request.POST)
    if form.is_valid():
        services.channel_set_planning(
            channel=channel,
            cadence_per_week=form.cleaned_data["cadence_per_week"],
            time_slots=form.cleaned_data["time_slots"],
        )
        messages.success(request, _("Planning of “%(name)s” saved.") % {"name": channel.name})
        return redirect("channel_list", slug=slug)
    # Shown again as typed, open, the problem beside the field: nothing typed is lost.
    problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
    request.session[PLANNING_TYPED] = {
        "channel": channel.pk,
        "cadence": request.POST.get("cadence_per_week", "")[:10],
        "slots": request.POST.get("time_slots", "")[:500],
        "problems": problems,
    }
    return redirect(f"{reverse('channel_list', args=[slug])}#planning-{channel.pk}")


PLANNING_TYPED = "palabre_planning_typed"


@require_POST
def channel_poll(request: HttpRequest, slug: str, channel_id: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    channel = get_scoped_or_404(Channel.objects.all(), membership.workspace, pk=channel_id)
    form = PollForm(request.POST)
    if form.is_valid():
        services.channel_set_poll_minutes(
            channel=channel, poll_minutes=form.cleaned_data["poll_minutes"]
        )
        messages.success(request, _("Polling of “%(name)s” saved.") % {"name": channel.name})
    else:
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("Not saved: %(problems)s") % {"problems": problems})
    return redirect("channel_list", slug=slug)


@require_POST
def channel_disconnect(request: HttpRequest, slug: str, channel_id: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    channel = get_scoped_or_404(Channel.objects.all(), membership.workspace, pk=channel_id)
    services.channel_disconnect(channel=channel)
    messages.success(
        request, _("“%(name)s” is disconnected; its history stays.") % {"name": channel.name}
    )
    return redirect("channel_list", slug=slug)


@require_POST
def channel_remove(request: HttpRequest, slug: str, channel_id: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    channel = get_scoped_or_404(Channel.objects.all(), membership.workspace, pk=channel_id)
    try:
        services.channel_remove(channel=channel)
    except services.RemoveRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Channel “%(name)s” removed.") % {"name": channel.name})
    return redirect("channel_list", slug=slug)
