"""The demo's webhook has a delivery log a person can read: delivered ones, and a refusal."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from palabre.inbox.tests.helpers import comment, poll, published
from palabre.publishing import workflow
from palabre.publishing.services import post_create
from palabre.strategy.conversions import ConversionInput, conversion_record
from palabre.webhooks.demo import URL, demo_webhooks


def test_the_demo_webhook_has_delivered_events_and_a_refused_one(cast, client: Client) -> None:
    target = published(cast.workspace, cast.bob)
    comment(target, "Vous livrez le dimanche matin ?")
    poll(target.channel)
    waiting = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Brioche",
        category="helpful",
        networks=["mastodon"],
    )
    workflow.post_submit(post=waiting, actor=cast.erin)
    sale = ConversionInput(
        external_id="CMD-1",
        occurred_at=timezone.now(),
        value=Decimal("12"),
        network="",
        link=None,
        contact=None,
        customer=False,
    )
    conversion_record(workspace=cast.workspace, item=sale, source="webhook")
    subscription = demo_webhooks(cast.workspace, cast.bob)
    rows = list(subscription.deliveries.order_by("created_at"))
    assert [r.status for r in rows] == ["delivered"] * 3 + ["failed"]
    assert [r.event for r in rows] == [
        "interaction.received",
        "post.needs_approval",
        "post.published",
        "conversion.recorded",
    ]
    refused = rows[-1]
    assert (refused.response_status, refused.attempts) == (500, 3)
    assert "Quota exceeded" in refused.response_excerpt
    assert subscription.url == URL and subscription.failing_since is not None
    client.force_login(cast.bob)
    page = client.get(reverse("workspace_settings_webhook", args=["lumiere", subscription.pk]))
    assert page.status_code == 200
    assert page.content.decode().count('data-status="delivered"') == 3
