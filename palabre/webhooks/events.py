"""The event types a subscription can choose: named here, and only here.

Each is sent as `{"type": …, "timestamp": …, "data": {…}}` (docs/webhooks.md); what `data`
holds for each is written in emit.py.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

POST_PUBLISHED = "post.published"
POST_FAILED = "post.failed"
POST_NEEDS_APPROVAL = "post.needs_approval"
POST_APPROVED = "post.approved"
INTERACTION_RECEIVED = "interaction.received"
INTERACTION_CLASSIFIED = "interaction.classified"
INTERACTION_HIDDEN = "interaction.hidden"
INTERACTION_WAITING = "interaction.waiting_too_long"
CONVERSION_RECORDED = "conversion.recorded"
REACH_ALERT = "reach.alert"

EVENT_TYPES = (
    (POST_PUBLISHED, _("A post went out on a network")),
    (POST_FAILED, _("A post did not go out everywhere")),
    (POST_NEEDS_APPROVAL, _("A post waits for approval")),
    (POST_APPROVED, _("A post was approved")),
    (INTERACTION_RECEIVED, _("A comment, mention or message arrived")),
    (INTERACTION_CLASSIFIED, _("A comment, mention or message was classified")),
    (INTERACTION_HIDDEN, _("A comment was hidden")),
    (INTERACTION_WAITING, _("A question or criticism waits too long for an answer")),
    (CONVERSION_RECORDED, _("A conversion was recorded")),
    (REACH_ALERT, _("A channel’s reach dropped")),
)
EVENT_NAMES = frozenset(name for name, _label in EVENT_TYPES)
# Sent to one webhook when a person asks ("Send a test event"), never subscribed to: the
# receiving tool (n8n, Zapier) sees a signed event to build its flow on.
WEBHOOK_TEST = "webhook.test"
TEST_LABEL = _("A test event, sent when asked")


def event_label(event: str) -> str:
    """The event as people read it; an unknown one (a type since removed) as written."""
    return str(dict((*EVENT_TYPES, (WEBHOOK_TEST, TEST_LABEL))).get(event, event))
