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


# Where an event's subject is in its payload, by part: read by the log's query, which does
# not read whole payloads (a post's variants are long) for a page of rows.
SUBJECT_PATHS = {
    "who": "data__interaction__author__name",
    "handle": "data__interaction__author__handle",
    "said": "data__interaction__text",
    "idea": "data__post__idea",
    "where": "data__publication__channel__name",
    "channel": "data__alert__channel__name",
    "conversion": "data__conversion__external_id",
}
SUBJECT_CHARS = 60


def event_subject(parts: dict[str, Any]) -> str:
    """What a sent event is about, in a few words for its row in the log (rows of one type
    look alike without it), from its SUBJECT_PATHS: who wrote what, the post's idea and
    where it went, the channel whose reach dropped, the conversion's own id. "" when the
    event names nothing."""
    said, who = _words(parts.get("said")), _words(parts.get("who") or parts.get("handle"))
    if said:
        quoted = gettext("“%(text)s”") % {"text": said}
        return gettext("%(who)s: “%(text)s”") % {"who": who, "text": said} if who else quoted
    if idea := _words(parts.get("idea")):
        quoted, where = gettext("“%(text)s”") % {"text": idea}, _words(parts.get("where"))
        return f"{quoted} · {where}" if where else quoted
    return _words(parts.get("channel")) or _words(parts.get("conversion"))


def _words(text: Any) -> str:
    """On one line, at most SUBJECT_CHARS characters."""
    line = " ".join(text.split()) if isinstance(text, str) else ""
    return Truncator(line).chars(SUBJECT_CHARS)
