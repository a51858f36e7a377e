"""Telling one person something that needs them: a notice in the app and an e-mail.

A notice is written by the worker, in no one's language, and read later, perhaps after its
reader switched to English: it is stored as its message (the English original, marked with
gettext_noop) and the values that fill it, and said in the reader's language each time it is
shown. The e-mail goes at once, in the recipient's language. Values that read differently in
each language are stored as what they are, and said when shown:

- {"message": msgid, "params": {...}}: a sentence of its own (a week's shortfall, a reason);
- {"minutes": 90}: time spent ("1 h 30 min");
- {"network": "facebook"}: a network's label ("Page Facebook");
- {"channel": name, "network": key}: a channel as people read it ("Lumière (LinkedIn)");
- a list: its parts said one after the other, with a space between them.

Notices written before they were stored so have no message: their text shows as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from palabre.accounts.models import User, Workspace
from palabre.channels.models import channel_title
from palabre.formats.written import date_text
from palabre.lib.durations import minutes_text
from palabre.lib.excerpt import excerpt
from palabre.lib.oneline import one_line
from palabre.networks.kinds import NETWORKS
from palabre.publishing.models import Notice, Post

TEXT_MAX = 500  # Notice.text


def notices_settled(
    *,
    url: str = "",
    post: Post | None = None,
    user: User | None = None,
    messages: tuple[str, ...] = (),
) -> int:
    """Unread notices about what was just dealt with, marked read: a post someone acted on
    (their notices about it), a comment answered or done (everyone's notices pointing at
    it: it waited, a rule's alert). The badge counts what is still to do."""
    if post is None and not url:  # a post's notices have no url: "" would be all of them
        raise ValueError("notices_settled needs a post or a url")
    unread = Notice.objects.filter(read_at__isnull=True)
    unread = unread.filter(post=post) if post is not None else unread.filter(url=url)
    if user is not None:
        unread = unread.filter(user=user)
    if messages:  # only these (their msgids)
        unread = unread.filter(message__in=messages)
    return unread.update(read_at=timezone.now())


def notice_send(
    *,
    workspace: Workspace,
    user: User,
    message: str,
    params: dict[str, Any],
    url: str,
    post: Post | None = None,
    email: bool = True,
) -> Notice:
    """`message` is a gettext_noop msgid, `params` its values (see the module's docstring);
    `url` is a path within Palabre (a post's notice links to the post itself on the notices
    page, by role)."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = excerpt(said(message, params), TEXT_MAX)
    notice = Notice.objects.create(
        workspace=workspace,
        user=user,
        post=post,
        message=message,
        params=params,
        text=text,
        url="" if post else url,
    )
    if email:
        # A header never carries a line break, whatever a name held before names were checked.
        subject = one_line(f"Palabre · {workspace.name}")
        body = f"{text}\n\n{settings.SITE_URL}{url}\n"
        once_committed(partial(send_mail, subject, body, None, [user.email]))
    return notice


def once_committed(send: Callable[[], object]) -> None:
    """The e-mail goes once the notice is committed: a step rolled back and run again (an
    inbox poll reading its page again after the stream stored one of its comments, on
    PostgreSQL) sent its alerts twice, the first linking to a comment never committed.
    (Each test runs inside a transaction that never commits: tests send at once, see
    conftest.py, but for the one that checks this.) Robust: an address the mail server
    refuses is logged, and the others' e-mails still go."""
    transaction.on_commit(send, robust=True)


def notice_text(notice: Notice) -> str:
    """The notice in the active language, or its text as stored when it has no message (or
    a message its stored values no longer fill)."""
    if not notice.message:
        return notice.text
    try:
        return said(notice.message, notice.params)
    except (AttributeError, KeyError, TypeError, ValueError):
        return notice.text


def said(message: str, params: dict[str, Any]) -> str:
    """`message` translated in the active language, filled with its values said so too."""
    return gettext(message) % {key: _value_said(value) for key, value in params.items()}


def _value_said(value: Any) -> Any:
    if isinstance(value, list):
        return " ".join(str(_value_said(part)) for part in value)
    if not isinstance(value, dict):
        return value
    if "message" in value and not value.get("params"):
        # Not formatted: it may be a network's own words, "%" and all. (gettext("") would
        # be the catalogue's header.)
        return gettext(value["message"]) if value["message"] else ""
    if "message" in value:
        return said(value["message"], value["params"])
    if "minutes" in value:
        return minutes_text(value["minutes"])
    if "day" in value:  # kept as an ISO date, written in the reader's style
        return date_text(date.fromisoformat(value["day"]), "DATE_FORMAT")
    if "channel" in value:
        return channel_title(value["channel"], value["network"])
    return str(NETWORKS[value["network"]].label)


def sentence(message: str, **params: Any) -> dict[str, Any]:
    """A sentence inside a notice, said in the reader's language too."""
    return {"message": message, "params": params}
