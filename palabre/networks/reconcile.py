"""What an interrupted send left on a network that takes no idempotency key.

A worker can die, or a request time out, after the network created a post and before
Palabre recorded its id. Where a retry with the same key cannot return that post
(`Connector.idempotent` False), Palabre reads the account's recent posts back
(Capability.RECENT_POSTS) and looks for what it was sending: the same text (whitespace,
Unicode form, HTML entities and the mentions a network puts in front of an answer aside),
the same number of media, answering the same post, created around the moment the send
began, and not a post Palabre already recorded on that channel.

- exactly one such post: it went out; record it;
- none, once the network has had time to show it: it did not go out; send it;
- none yet: look again later;
- two, or no way to read back: a person decides. A duplicate post is worse than a late one.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.networks.base import Capability, Connector, PublishedPost, RecentPost, Rejected
from palabre.worker.jobs import RetryAt

# Between Palabre's clock and the network's.
CLOCK_SKEW = timedelta(minutes=2)
# A send creates its post within this long after it began, the network's processing of the
# media included; a same post made later (by a person, on the network) is not this one.
LONGEST_SEND = timedelta(minutes=10)
# One word of the mentions a network puts in front of an answer: @name or @name@server.
MENTION = re.compile(r"@[\w.-]+(?:@[\w.-]+)?")


@dataclass(frozen=True)
class Sent:
    """What the interrupted send carried, and when it began (Palabre's clock)."""

    text: str
    attempted_at: datetime
    media_count: int = 0
    in_reply_to: str | None = None  # None: a post of its own, not an answer


@dataclass(frozen=True)
class Found:
    post: RecentPost


@dataclass(frozen=True)
class NotThere:
    """No trace, and the network has had time to show one: the send did not go out."""


@dataclass(frozen=True)
class LookAgain:
    """No trace yet, but it is too soon to trust that: look again at `at`."""

    at: datetime


@dataclass(frozen=True)
class Undecidable:
    """Only a person can tell; `reason` says why, in their language."""

    reason: str


Outcome = Found | NotThere | LookAgain | Undecidable


class PersonDecides(Exception):
    """Raised by `already_sent` when Palabre cannot tell whether the send went out."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def normalise(text: str) -> str:
    """Text as compared: HTML entities decoded, Unicode NFC, each run of whitespace one space."""
    return " ".join(unicodedata.normalize("NFC", html.unescape(text)).split())


def body(text: str) -> str:
    """The text after its leading mentions (all of it if it is only mentions), without
    whitespace: a network may add mentions in front of an answer, and its plain text may keep
    line and paragraph breaks as it likes."""
    words = normalise(text).split(" ")
    lead = 0
    while lead < len(words) and MENTION.fullmatch(words[lead]):
        lead += 1
    return "".join(words[lead:] or words)


def decide(
    sent: Sent,
    posts: Iterable[RecentPost],
    *,
    recorded: Collection[str],
    now: datetime,
    read_back_within: timedelta,
) -> Outcome:
    """Settle `sent` against the account's recent `posts`, leaving out the remote ids
    Palabre already `recorded` on the channel."""
    earliest = sent.attempted_at - CLOCK_SKEW
    latest = sent.attempted_at + LONGEST_SEND + CLOCK_SKEW
    wanted = body(sent.text)
    candidates = {
        post.remote_id: post
        for post in posts
        if post.remote_id not in recorded
        and (post.in_reply_to or None) == sent.in_reply_to
        and post.media_count == sent.media_count
        and earliest <= post.created_at <= latest
        and body(post.text) == wanted
    }
    if len(candidates) == 1:
        return Found(next(iter(candidates.values())))
    if candidates:
        return Undecidable(
            _("%(count)s posts on the network match it") % {"count": len(candidates)}
        )
    trusted_from = sent.attempted_at + read_back_within
    if now < trusted_from:
        return LookAgain(trusted_from)
    return NotThere()


def look_for(connector: Connector, sent: Sent, *, recorded: Collection[str]) -> Outcome:
    """Read the account's recent posts back and settle `sent`. The network's passing errors
    (Unavailable, RateLimited, AuthExpired) reach the caller, which comes back later."""
    if not connector.supports(Capability.RECENT_POSTS):
        return Undecidable(_("this network cannot show Palabre its recent posts"))
    since = sent.attempted_at - CLOCK_SKEW
    try:
        posts = connector.recent_posts(since=since, in_reply_to=sent.in_reply_to)
    except Rejected as error:
        return Undecidable(
            _("the network refused to show its recent posts: %(reason)s") % {"reason": error.reason}
        )
    return decide(
        sent,
        posts,
        recorded=recorded,
        now=timezone.now(),
        read_back_within=connector.read_back_within,
    )


def already_sent(
    connector: Connector, sent: Sent, *, recorded: Collection[str]
) -> RecentPost | None:
    """The post the interrupted send left, or None when it left none (send it). Raises the
    worker's RetryAt while it is too soon to tell, PersonDecides when Palabre cannot."""
    outcome = look_for(connector, sent, recorded=recorded)
    if isinstance(outcome, LookAgain):
        reason = _("An interrupted send: looking on the network for it again shortly.")
        raise RetryAt(outcome.at, reason)
    if isinstance(outcome, Undecidable):
        raise PersonDecides(outcome.reason)
    return outcome.post if isinstance(outcome, Found) else None


KEY_MARGIN = timedelta(minutes=10)


def left_behind(
    connector: Connector,
    *,
    attempted_at: datetime | None,
    text: str,
    media_count: int = 0,
    in_reply_to: str | None = None,
    recorded: Callable[[], Collection[str]],
) -> PublishedPost | None:
    """The worker's question before a send: did an interrupted send of this piece leave it
    on the network? None when no send was interrupted (`attempted_at` None), where the
    network's idempotency key finds it on a resend, or when it left nothing (send it).
    `recorded` gives the remote ids Palabre already holds for the channel, read only when
    the network has to be looked at."""
    if attempted_at is None or _key_remembered(connector, attempted_at):
        return None
    sent = Sent(text, attempted_at, media_count, in_reply_to)
    found = already_sent(connector, sent, recorded=recorded())
    return PublishedPost(found.remote_id, found.url) if found else None


def _key_remembered(connector: Connector, attempted_at: datetime) -> bool:
    """Whether a resend with the same key is sure to be recognised: the network takes keys,
    and, where it forgets them, the send began well within that time (a resend takes a
    moment to arrive)."""
    lasts = connector.idempotency_lasts
    if not connector.idempotent:
        return False
    return lasts is None or timezone.now() - attempted_at < lasts - KEY_MARGIN
