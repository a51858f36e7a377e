"""What the connector contract suite needs from a network's test server.

A network plugs into tests/networks/test_contract.py by building a `NetworkServer` for
each real server (or faithful double) it runs on loopback: Mastodon's are Takahē and
mastodon-mock (tests/networks/mastodon/), Facebook's, Instagram's and Threads' the Graph
API double (tests/networks/meta/contract.py); the local Bluesky network, and later X's and
LinkedIn's, would each add theirs. The suite then drives Palabre's connector as the brand,
and checks what happened through the network's own API as a second person (the `Peer`:
the brand's fan), never through the connector it tests.

What a network does not have is said, never silently passed: a capability the connector
does not declare skips its test, and so does each `no_*` field below, with its reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from palabre.networks.base import Visibility

if TYPE_CHECKING:
    from palabre.accounts.models import Workspace
    from palabre.channels.models import Channel

T = TypeVar("T")


@dataclass(frozen=True)
class Account:
    role: str  # "brand" (the channel Palabre connects) or "fan" (the peer)
    id: str
    username: str
    token: str


@dataclass(frozen=True)
class Seen:
    """A post as another person sees it on the network."""

    remote_id: str
    text: str
    visibility: Visibility
    mentions: frozenset[str] = frozenset()  # usernames
    in_reply_to: str | None = None
    content_warning: str = ""
    alt_texts: tuple[str, ...] = ()


class Peer(Protocol):
    """The brand's fan, acting and looking through the network's own client."""

    account: Account

    def post(self, text: str) -> str: ...
    def reply(self, to: str, text: str) -> str: ...
    def reply_text(self, text: str) -> str:
        """What an answer of the fan's saying `text` holds: on Mastodon, the fan's app
        names whom it answers in front (only those named are notified)."""
        ...

    def mention(self, text: str) -> str:
        """A public post that names the brand."""
        ...

    def message(self, text: str, *, in_reply_to: str | None = None) -> str:
        """A private message to the brand."""
        ...

    def like(self, remote_id: str) -> None: ...
    def follow(self) -> None: ...
    def unfollow(self) -> None: ...
    def read(self, remote_id: str) -> Seen | None:
        """The post as the fan sees it; None when the fan may not see it."""
        ...

    def public_timeline(self) -> set[str]:
        """Ids on the timelines anyone may read, read by the fan and signed out."""
        ...


class Faults(Protocol):
    """A double's fault injector: the next `count` requests to `path` fail that way."""

    def status(
        self, path: str, status: int, *, error: str = "", count: int = 1, method: str = ""
    ) -> None: ...
    def rate_limit(
        self,
        path: str,
        *,
        retry_after: int | None = None,
        reset: datetime | None = None,
        count: int = 1,
    ) -> None: ...
    def malformed(self, path: str, *, count: int = 1) -> None: ...
    def timeout(self, path: str, *, count: int = 1) -> None: ...
    def clear(self) -> None: ...


@dataclass
class NetworkServer:
    name: str  # in test ids: "takahe", "mastodon-mock", "graph-double-facebook"…
    network: str  # Palabre's network and connector key
    base_url: str
    accounts: dict[str, Account]
    handle: str  # the channel's handle once the brand's account is connected
    # Play the person on the network's consent page: the authorize URL Palabre sent them
    # to, and the account that says yes → the callback URL the browser is sent back to.
    consent: Callable[[str, Account], str]
    # Connect the brand's account to the workspace through Palabre's own connect path.
    connect: Callable[[Workspace], Channel]
    peer: Peer
    # The brand's relationship to an author, as the network tells the brand's own client:
    # a subset of {"muting", "blocking"}.
    relationship: Callable[[str], set[str]]
    # Revoke the channel's token at the network, as a person would from their settings.
    revoke: Callable[[Channel], None]
    # The reports against an author the network's moderators see: (comment, post ids).
    reports_against: Callable[[str], list[tuple[str, tuple[str, ...]]]] | None = None
    faults: Faults | None = None  # None: a real server, which fails only by itself
    # Returns once the server's background work on a new post of the brand is done: Takahē
    # fans a post out in its worker, which puts the post back if it was deleted meanwhile.
    settled: Callable[[str], None] = lambda remote_id: None
    # What the suite checks of the server's own description (Channel.server), if any.
    described_as: dict[str, Any] = field(default_factory=dict)
    honours_idempotency: bool = False
    # Where the channel's token is in its credentials.
    token_field: str = "access_token"
    # The paths the fault injector aims at, in its own syntax: "publish" (what publishing a
    # text post sends last), "notifications" (what the inbox reads), "account" (what
    # account_metrics reads).
    fault_paths: dict[str, str] = field(default_factory=dict)
    # The module attribute holding the connector's HTTP timeout, which the timeout test
    # shortens: "palabre.networks.mastodon.connector.TIMEOUT".
    client_timeout: str = ""
    # Every post carries an image or a video there (Instagram): the suite adds one.
    media_required: bool = False
    # The account's answers are posts of its own (Mastodon's statuses), which
    # `recent_posts(since=)` lists with the others; where they are comments (Meta), only
    # `recent_posts(in_reply_to=)` lists them, which is what reconciliation asks for.
    answers_listed_with_posts: bool = True
    # Known differences, each a reason to skip what the server cannot show.
    no_rate_limits: str = ""  # why no rate limit can be seen there, if none can
    no_rate_limit_reset: str = ""  # why a limit without a wait cannot say when it ends
    no_retry_after: str = ""  # why a limit never says how long to wait (X: only its reset)
    # Why the same text twice is refused there rather than posted twice (X's duplicate rule).
    refuses_duplicates: str = ""
    no_reports: str = ""  # why reports cannot be sent there, if they cannot
    no_content_warnings: str = ""  # why a post cannot carry a content warning there
    no_likes_or_follows: str = ""  # why likes and follows do not reach the inbox there
    no_length_refusal: str = ""  # why no text is refused as too long there
    # Why a post cannot be deleted there, when only what answers it can (the suite then
    # checks the refusal, and deletes an answer of the brand's instead).
    no_post_deletion: str = ""
    # Why a word finds nothing there (a search by hashtag only: Takahē searches by address).
    no_word_search: str = ""
    # Why a post a search finds names its author by username only (Threads' search leaves
    # the user id out): the suite then expects the username as the author's id.
    search_authors_by_username: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # the network's own details

    def __str__(self) -> str:
        return self.name


def eventually(check: Callable[[], T], *, timeout: float = 45, every: float = 0.2) -> T:
    """The first truthy answer of `check`, asked until `timeout` seconds: servers that do
    their work in the background (Takahē's notifications come about a second later) are
    polled, never waited for by a fixed sleep. The bound is wide: Takahē's worker took over
    15 s on a CI machine busy with the rest of the suite, and what never comes fails all
    the same, only later."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            assert found, f"still {found!r} after {timeout} s"
            return found
        time.sleep(every)
