"""A private reply: one Messenger message from the Page to the author of a comment or of a
visitor's post on the Page.

`POST /{page}/messages` with `recipient={"comment_id" or "post_id": ...}` and
`message={"text": ...}`;
Facebook allows one per comment, within 7 days of it, and needs the pages_messaging
permission. https://developers.facebook.com/docs/messenger-platform/discovery/private-replies
Its refusals (https://developers.facebook.com/docs/messenger-platform/error-codes) are told
to the person in plain words: none of them means the Page's connection is broken, except an
expired or revoked token (code 190), which stays AuthExpired.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from palabre.networks.base import AuthExpired, PublishedPost, Rejected, Unavailable
from palabre.networks.facebook import parse
from palabre.networks.meta.errors import PERMISSION_CODES, reason_of
from palabre.networks.meta.graph import Graph

ALREADY_REPLIED = 10900  # "Activity already replied to"
TOO_OLD = 10903  # "This activity can't be replied to" (older than 7 days)
NOT_REACHABLE = 551  # "This person isn't available right now"
# Code 10 with these subcodes: the message falls outside the window Messenger allows.
OUTSIDE_WINDOW = frozenset({2018278, 2018065, 2018108})


def send(graph: Graph, *, page_id: str, to_remote_id: str, text: str) -> PublishedPost:
    # A visitor's post on the Page (its id is "<page id>_<post>") is answered by `post_id`,
    # a comment by `comment_id`.
    key = "post_id" if to_remote_id.startswith(f"{page_id}_") else "comment_id"
    message = {"recipient": {key: to_remote_id}, "message": {"text": text}}
    try:
        sent = graph.post(f"{page_id}/messages", data=message)
    except (AuthExpired, Rejected) as error:
        explained = _explained(graph.last_error)
        if explained is None:
            raise
        raise explained from error
    message_id = parse.node_id(sent.get("message_id"))
    if not message_id:
        raise Unavailable(gettext("Facebook did not say which message it sent"))
    return PublishedPost(remote_id=message_id)


def _explained(error: dict[str, Any] | None) -> Rejected | None:
    if error is None:
        return None
    code, subcode = error.get("code"), error.get("error_subcode")
    if code == ALREADY_REPLIED:
        return Rejected(
            gettext("Facebook allows one private reply per comment, and this one already has it.")
        )
    if code == TOO_OLD or (code == 10 and subcode in OUTSIDE_WINDOW):
        return Rejected(
            gettext("Facebook allows a private reply only in the 7 days after the comment.")
        )
    if code == NOT_REACHABLE:
        return Rejected(gettext("This person cannot receive messages from the Page."))
    if code in PERMISSION_CODES:
        # Publishing and the inbox still work: only messaging is not allowed.
        return Rejected(
            gettext(
                "Facebook does not let Palabre send messages for this Page (%(reason)s). "
                "Connect the Page again and allow messaging."
            )
            % {"reason": parse.plain(reason_of(error))}
        )
    return None
