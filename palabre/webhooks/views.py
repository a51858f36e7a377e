"""Settings → Webhooks: the subscriptions, a new one (its secret shown once), a delivery log."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from palabre.accounts.models import Membership, User
from palabre.accounts.permissions import Action, get_scoped_or_404, membership_for, scoped
from palabre.webhooks import services
from palabre.webhooks.forms import SubscriptionForm
from palabre.webhooks.models import Delivery, DeliveryStatus, Subscription

PAGE = 25  # deliveries per page of the log


def webhook_list(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_INTEGRATIONS)
    waiting = Count("deliveries", filter=~Q(deliveries__status=DeliveryStatus.DELIVERED))
    subscriptions = scoped(Subscription.objects.all(), membership.workspace).annotate(
        waiting=waiting
    )
    context = {"membership": membership, "subscriptions": subscriptions}
    return render(request, "webhooks/list.html", context)


@never_cache  # its answer holds the secret: no cache keeps a copy
def webhook_new(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_INTEGRATIONS)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription, secret = services.subscription_create(
                workspace=membership.workspace, actor=cast(User, request.user), **form.cleaned_data
            )
        except services.SubscriptionRefused as refusal:
            form.add_error("url", str(refusal))
        else:
            # Rendered, not redirected to: the secret is in this answer and nowhere else.
            context = {"membership": membership, "subscription": subscription, "secret": secret}
            return render(request, "webhooks/created.html", context)
    return render(request, "webhooks/new.html", {"membership": membership, "form": form})


def webhook_log(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, subscription = _subscription(request, slug, pk)
    page = Paginator(subscription.deliveries.with_subject().order_by("-pk"), PAGE).get_page(
        request.GET.get("page")
    )
    context = {"membership": membership, "subscription": subscription, "page": page}
    return render(request, "webhooks/log.html", context)


@require_POST
def webhook_disable(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _membership, subscription = _subscription(request, slug, pk)
    services.subscription_disable(subscription=subscription)
    messages.success(request, _("Webhook disabled: nothing is sent until it is enabled again."))
    return redirect("workspace_settings_webhook", slug=slug, pk=pk)


@require_POST
def webhook_enable(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _membership, subscription = _subscription(request, slug, pk)
    waiting = services.subscription_enable(subscription=subscription)
    said = _("Webhook enabled.")
    if waiting:
        said += " " + ngettext(
            "%(count)s event waiting is sent now.",
            "%(count)s events waiting are sent now.",
            waiting,
        ) % {"count": waiting}
    messages.success(request, said)
    return redirect("workspace_settings_webhook", slug=slug, pk=pk)


@require_POST
def webhook_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _membership, subscription = _subscription(request, slug, pk)
    services.subscription_delete(subscription=subscription)
    messages.success(request, _("Webhook deleted, with its delivery log."))
    return redirect("workspace_settings_webhooks", slug=slug)


@require_POST
def webhook_send_again(request: HttpRequest, slug: str, pk: int, delivery_id: int) -> HttpResponse:
    _membership, subscription = _subscription(request, slug, pk)
    delivery = Delivery.objects.filter(subscription=subscription, pk=delivery_id).first()
    if delivery is None:
        raise Http404
    services.delivery_send_again(delivery=delivery)
    if subscription.active:
        messages.success(request, _("Queued: it is sent again in a moment."))
    else:
        messages.success(request, _("Queued: it is sent once the webhook is enabled again."))
    return redirect("workspace_settings_webhook", slug=slug, pk=pk)


@never_cache  # its answer holds the new secret: no cache keeps a copy
@require_POST
def webhook_secret_replace(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership, subscription = _subscription(request, slug, pk)
    secret = services.subscription_secret_replace(subscription=subscription)
    # Rendered, not redirected to: the secret is in this answer and nowhere else.
    context = {"membership": membership, "subscription": subscription, "secret": secret}
    return render(request, "webhooks/created.html", context | {"replaced": True})


@require_POST
def webhook_send_test(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _membership, subscription = _subscription(request, slug, pk)
    services.subscription_test_send(subscription=subscription)
    if subscription.active:
        messages.success(request, _("Test event queued: it is sent in a moment, see below."))
    else:
        messages.success(
            request, _("Test event queued: it is sent once the webhook is enabled again.")
        )
    return redirect("workspace_settings_webhook", slug=slug, pk=pk)


def _subscription(request: HttpRequest, slug: str, pk: int) -> tuple[Membership, Subscription]:
    membership = membership_for(request, slug, Action.MANAGE_INTEGRATIONS)
    subscription = get_scoped_or_404(Subscription.objects.all(), membership.workspace, pk=pk)
    return membership, subscription
