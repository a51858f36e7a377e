"""Notifications that show out of their numbers' order. A server numbers a notification when
it writes it, and shows it once the write commits: under load, number 11 can show before 10.
Neither Takahē nor mastodon-mock can be made to do it on demand, so a small server on
loopback answers /api/v1/notifications as Mastodon does (min_id: the page immediately after
it, newest first) from a list the test fills in the order the commits land."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from palabre.channels.models import Channel
from palabre.channels.tests.loopback import answer_json, serving
from palabre.networks.base import InteractionKind
from palabre.networks.mastodon import connector as mastodon
from palabre.networks.mastodon.connector import MastodonConnector


class Notifications(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.committed: list[dict[str, Any]] = []
        self.skew = timedelta(0)  # how far the server's clock is from ours
        self.id_of = str  # Mastodon's ids are numbers

    def letter_ids(self) -> None:
        """Ids as GoToSocial makes them: ULIDs, 26 characters that sort as they read."""
        self.id_of = lambda number: f"01HZ{number:022X}"

    def now(self) -> datetime:
        return datetime.now(UTC) + self.skew

    def commit(
        self,
        number: int,
        *,
        age: timedelta = timedelta(0),
        dated: bool = True,
        private_answer: bool = False,
    ) -> str:
        """Notification `number` (a mention; `private_answer`: a private message answering
        another) becomes visible; returns its status's id."""
        created = (self.now() - age).isoformat() if dated else None
        fan = {"id": "7", "acct": "fan@example.org", "username": "fan", "display_name": "Fan"}
        status = {
            "id": f"9{number}",
            "content": f"<p>question {number}</p>",
            "visibility": "direct" if private_answer else "public",
            "in_reply_to_id": "80" if private_answer else None,
            "created_at": created,
            "account": fan,
        }
        note = {"id": self.id_of(number), "type": "mention", "created_at": created}
        self.committed.append(note | {"account": fan, "status": status})
        return status["id"]

    def quote(self, number: int, *, of: str, kind: str = "quote") -> str:
        """Notification `number`: someone's status quoting the account's status `of`, as
        Mastodon 4.5 gives it (the Quote entity's shape, docs.joinmastodon.org)."""
        fan = {"id": "8", "acct": "critique@example.org", "username": "critique"}
        quoted = {"id": of, "content": "<p>Notre pain</p>", "account": {"id": "1"}}
        status = {
            "id": f"9{number}",
            "content": "<p>Toujours aussi cher, ce pain.</p>",
            "visibility": "public",
            "created_at": self.now().isoformat(),
            "account": fan,
            "quote": {"state": "accepted", "quoted_status": quoted},
        }
        note = {"id": self.id_of(number), "type": kind, "created_at": status["created_at"]}
        self.committed.append(note | {"account": fan, "status": status})
        return status["id"]


class _Handler(BaseHTTPRequestHandler):
    server: Notifications

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path.endswith("/context"):  # a conversation read, answered much later
            self.server.skew += timedelta(minutes=10)
            answer_json(self, 200, {"ancestors": [], "descendants": []})
            return
        if url.path.startswith("/api/v1/statuses/"):  # its counts; quotes from 4.5 on
            counts = {"favourites_count": 1, "reblogs_count": 2, "replies_count": 3}
            quotes = {"quotes_count": 4} if url.path.endswith("/80") else {}
            answer_json(self, 200, {"id": url.path.rsplit("/", 1)[1]} | counts | quotes)
            return
        if url.path != "/api/v1/notifications":
            answer_json(self, 404, {"error": "Record not found"})
            return
        query = parse_qs(url.query)
        after = _order(query.get("min_id", [""])[0])
        limit = int(query.get("limit", ["40"])[0])
        types = set(query.get("types[]", [])) or {"mention", "quote"}  # as asked, as Mastodon
        newer = sorted(
            (n for n in self.server.committed if _order(n["id"]) > after and n["type"] in types),
            key=lambda n: _order(n["id"]),
        )
        page = newer[:limit] if "min_id" in query else newer[-limit:]
        answer_json(self, 200, list(reversed(page)))

    def date_time_string(self, timestamp: float | None = None) -> str:
        return format_datetime(self.server.now(), usegmt=True)  # its Date, on its clock

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def _order(remote_id: str) -> tuple[int, str]:
    return len(remote_id), remote_id  # as the server orders its own ids


@pytest.fixture
def server(settings) -> Iterator[Notifications]:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    found = Notifications()
    with serving(found):
        yield found


@pytest.fixture
def connector(cast, server: Notifications) -> MastodonConnector:
    channel = Channel.objects.create(
        workspace=cast.workspace, network="mastodon", connector="mastodon", name="Loopback"
    )
    address = f"http://127.0.0.1:{server.server_address[1]}"
    channel.save_credentials({"instance": address, "access_token": "token"})
    return channel.get_connector()  # type: ignore[return-value]


def _ids(connector: MastodonConnector, cursor: str | None) -> tuple[list[str], str | None]:
    page = connector.fetch_interactions(cursor=cursor)
    return [i.remote_id for i in page.items], page.next_cursor


def test_a_notification_that_shows_after_a_newer_one_is_still_read(
    connector: MastodonConnector, server: Notifications
) -> None:
    server.commit(1, age=timedelta(hours=1))
    _seen, cursor = _ids(connector, None)
    server.commit(2)
    eleven = server.commit(11)  # 10's write has not committed yet
    seen, cursor = _ids(connector, cursor)
    ten = server.commit(10)
    again, cursor = _ids(connector, cursor)
    assert ten in again, "10 showed after 11 and must not be skipped"
    assert eleven in seen + again


def test_what_is_older_than_the_reread_is_read_once(
    connector: MastodonConnector, server: Notifications, monkeypatch
) -> None:
    server.commit(1, age=timedelta(hours=1))
    _seen, cursor = _ids(connector, None)
    late = server.commit(5, age=timedelta(minutes=10))
    recent = server.commit(6, age=timedelta(seconds=2))  # Date says whole seconds
    seen, cursor = _ids(connector, cursor)
    assert seen == [late, recent]
    assert cursor == "5"  # 6 is read again
    assert _ids(connector, cursor)[0] == [recent]
    monkeypatch.setattr(mastodon, "REREAD", timedelta(0))
    assert _ids(connector, cursor) == ([recent], "6")
    assert _ids(connector, "6") == ([], "6")


def test_a_first_poll_of_recent_notifications_starts_just_before_them(
    connector: MastodonConnector, server: Notifications
) -> None:
    first = server.commit(3)
    seen, cursor = _ids(connector, None)
    assert (seen, cursor) == ([first], "2")
    second = server.commit(4)
    assert _ids(connector, cursor) == ([first, second], "2")


def test_a_notification_without_a_date_does_not_hold_the_cursor(
    connector: MastodonConnector, server: Notifications
) -> None:
    server.commit(1, age=timedelta(hours=1))
    _seen, cursor = _ids(connector, None)
    server.commit(2, age=timedelta(minutes=10), dated=False)
    server.commit(3, age=timedelta(minutes=10))
    assert _ids(connector, cursor)[1] == "3"


def test_the_reread_is_measured_on_the_servers_clock(
    connector: MastodonConnector, server: Notifications
) -> None:
    """A server ten minutes behind: its notification of a moment ago is ten minutes old on
    our clock, and would have been passed at once."""
    server.skew = -timedelta(minutes=10)
    server.commit(1, age=timedelta(hours=1))
    _seen, cursor = _ids(connector, None)
    recent = server.commit(5)
    assert _ids(connector, cursor) == ([recent], "1")


def test_the_reread_is_measured_when_the_notifications_were_read(
    connector: MastodonConnector, server: Notifications
) -> None:
    """Not when the poll's later requests (a private answer's conversation) came back."""
    server.commit(1, age=timedelta(hours=1))
    _seen, cursor = _ids(connector, None)
    server.commit(5, private_answer=True)
    assert _ids(connector, cursor)[1] == "1"  # 5 is read again: 4 may still come


def test_ids_made_of_letters_page_and_reread_as_numbers_do(
    connector: MastodonConnector, server: Notifications, monkeypatch
) -> None:
    """GoToSocial's and Akkoma's ids are not numbers: read as 0, the second page was never
    asked for and the cursor never moved."""
    monkeypatch.setattr(mastodon, "PAGE", 2)
    server.letter_ids()
    first = server.commit(1, age=timedelta(seconds=5))
    seen, cursor = _ids(connector, None)
    assert (seen, cursor) == ([first], server.id_of(1))  # no "one less" than a ULID
    more = [server.commit(n, age=timedelta(hours=1)) for n in (2, 3, 4)]
    ten = server.commit(10)
    eleven = server.commit(11)
    seen, cursor = _ids(connector, cursor)
    assert seen == [*more, ten, eleven], "three pages of two"
    assert cursor == server.id_of(4)  # 10 and 11 are read again
    nine = server.commit(9)  # showed after 10 and 11
    assert _ids(connector, cursor)[0] == [nine, ten, eleven]


@pytest.mark.parametrize("notified_as", ["quote", "mention"])
def test_a_quote_of_the_accounts_post_comes_to_the_inbox(
    connector: MastodonConnector, server: Notifications, notified_as: str
) -> None:
    """Mastodon 4.5's quote posts: someone's words about the brand's post, to answer. One
    that names the account comes as a mention too: the same item either way."""
    server.commit(1, age=timedelta(hours=1))
    _seen, cursor = _ids(connector, None)
    quoting = server.quote(2, of="80", kind=notified_as)
    [item] = connector.fetch_interactions(cursor=cursor).items
    assert (item.remote_id, item.kind, item.in_reply_to) == (quoting, InteractionKind.QUOTE, "80")
    assert (item.text, item.author.handle) == (
        "Toujours aussi cher, ce pain.",
        "@critique@example.org",
    )


def test_a_posts_quotes_are_counted_where_the_server_counts_them(
    connector: MastodonConnector,
) -> None:
    figures = connector.post_metrics(remote_ids=["80", "81"])
    assert [(m.likes, m.reposts, m.replies, m.quotes) for m in figures.values()] == [
        (1, 2, 3, 4),
        (1, 2, 3, 0),  # a server before 4.5 has no quotes
    ]
