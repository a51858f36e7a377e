"""Tracked links: the list with their clicks, creating one, and the public redirect."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palabre.accounts.permissions import Action, can, membership_for, scoped
from palabre.strategy.forms import LinkForm
from palabre.strategy.links import link_create, link_follow
from palabre.strategy.models import ShortLink


def links(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_STRATEGY)
    manage = can(membership, Action.COMPOSE)
    if request.method == "POST" and not manage:
        raise PermissionDenied
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = link_create(workspace=membership.workspace, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(
            request, _("Tracked link created: %(url)s") % {"url": _short_url(request, link)}
        )
        return redirect("strategy_links", slug=slug)
    month_ago = timezone.now() - timedelta(days=30)
    rows = scoped(ShortLink.objects.all(), membership.workspace).annotate(
        total=Count("clicks"), recent=Count("clicks", filter=Q(clicks__at__gte=month_ago))
    )
    context = {
        "membership": membership,
        "section": "strategy",
        "form": form,
        "links": [(link, _short_url(request, link)) for link in rows[:200]],
        "can_manage": manage,
    }
    return render(request, "strategy/links.html", context)


def _short_url(request: HttpRequest, link: ShortLink) -> str:
    return request.build_absolute_uri(f"/l/{link.code}")


@require_http_methods(["GET", "HEAD"])
def follow(request: HttpRequest, code: str) -> HttpResponse:
    """Public: /l/<code> → the stored destination. Unknown codes are 404, never a redirect."""
    target = link_follow(code=code, request=request)
    if target is None:
        raise Http404
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "no-store"  # each click reaches us, to be counted
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response
