"""The event types a subscription can choose: named here, and only here.

Each is sent as `{"type": …, "timestamp": …, "data": {…}}` (docs/webhooks.md); what `data`
holds for each is written in emit.py.
"""

from __future__ import annotations

from typing import Any

from django.utils.text import Truncator
from django.utils.translation import gettext
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


def event_subject(payload: Any) -> str:
    """What a sent event is about, in a few words for its row in the log (rows of one type
    look alike without it): who wrote what, the post's idea and where it went, the channel
    whose reach dropped, the conversion's own id. "" when the event names nothing."""
    data = _dict(_dict(payload).get("data"))
    interaction, post, alert = (_dict(data.get(k)) for k in ("interaction", "post", "alert"))
    if interaction:
        author = _dict(interaction.get("author"))
        who, text = author.get("name") or author.get("handle"), _short(interaction.get("text"))
        if not isinstance(who, str) or not who:
            return gettext("“%(text)s”") % {"text": text}
        return gettext("%(who)s: “%(text)s”") % {"who": who, "text": text}
    if post:
        idea = gettext("“%(text)s”") % {"text": _short(post.get("idea"))}
        where = _dict(_dict(data.get("publication")).get("channel")).get("name")
        return f"{idea} · {where}" if isinstance(where, str) and where else idea
    if alert:
        return str(_dict(alert.get("channel")).get("name") or "")
    return str(_dict(data.get("conversion")).get("external_id") or "")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _short(text: Any) -> str:
    return Truncator(text if isinstance(text, str) else "").chars(60)
