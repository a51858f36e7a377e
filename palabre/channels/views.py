from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.accounts.permissions import Action, get_scoped_or_404, membership_for, scoped
from palabre.channels import services
from palabre.channels.forms import DemoChannelForm
from palabre.channels.models import Channel


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
    context = {"membership": membership, "channels": channels, "form": form}
    return render(request, "channels/channel_list.html", context)


@require_POST
def channel_remove(request: HttpRequest, slug: str, channel_id: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_CHANNELS)
    channel = get_scoped_or_404(Channel.objects.all(), membership.workspace, pk=channel_id)
    services.channel_remove(channel=channel)
    messages.success(request, _("Channel “%(name)s” removed.") % {"name": channel.name})
    return redirect("channel_list", slug=slug)
