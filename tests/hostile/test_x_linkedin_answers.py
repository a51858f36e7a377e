"""A hostile X and a hostile LinkedIn: every step the X and LinkedIn connectors (and their
OAuth code) take, against answers no honest network gives (wrong types, absurd numbers and
times, rate-limit headers out of range or in digits Python reads but int() refuses…),
served by a tiny server of this test's that answers every request the same way.

Each step must end as the connector interface promises: a value, or one of the four
connector errors. Anything else is a crash (a 500 while connecting, a worker job failing
without telling anyone). Same idea as test_meta_answers.py.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from palabre.channels.models import Channel
from palabre.networks.base import ConnectorError, MediaUpload, OutgoingPost
from palabre.networks.linkedin import oauth as linkedin_oauth
from palabre.networks.linkedin.connector import LinkedInConnector
from palabre.networks.x import oauth as x_oauth
from palabre.networks.x.connector import XConnector

pytestmark = pytest.mark.django_db

HUGE = 10**30
ANSWERS: dict[str, tuple[int, Any, dict[str, str]]] = {
    "items of the wrong types": (
        200,
        {
            "data": 5,
            "elements": ["x", 1, None, [], {"id": {"a": 1}}],
            "includes": [1],
            "meta": {"next_token": ["a"]},
            "value": {"uploadInstructions": [1, "x"], "video": "urn:li:video:1"},
        },
        {},
    ),
    "fields of the wrong types": (
        200,
        {
            "data": [{"id": ["1"]}, "x"],
            "access_token": ["t"],
            "expires_in": "60",
            "elements": [
                {
                    "organization": 5,
                    "commentUrn": "urn:li:comment:(urn:li:activity:1,2)",
                    "actor": ["a"],
                    "created": "yesterday",
                    "commentsSummary": {"aggregatedTotalComments": "3"},
                }
            ],
            "value": {"uploadUrl": 5, "image": ["urn"]},
        },
        {},
    ),
    "a data object that is a list": (
        200,
        {"data": [{"public_metrics": {"followers_count": 1}}], "status": ["AVAILABLE"]},
        {},
    ),
    "absurd numbers and times": (
        200,
        {
            "access_token": "tok",
            "expires_in": HUGE,
            "refresh_token": "ref",
            "refresh_token_expires_in": HUGE,
            "data": [
                {"id": "1", "created_at": "9999-12-31T23:59:59Z", "author_id": "2"},
                {"id": "3", "created_at": "0001-01-01T00:00:00-23:59", "author_id": "2"},
            ],
            "firstDegreeSize": -5,
            "elements": [
                {
                    "id": "urn:li:share:1",
                    "createdAt": HUGE,
                    "commentUrn": "urn:li:comment:(urn:li:share:1,2)",
                    "actor": "urn:li:person:1",
                    "created": {"time": HUGE},
                    "commentsSummary": {"aggregatedTotalComments": HUGE},
                }
            ],
        },
        {},
    ),
    "a rate limit in superscript digits": (
        429,
        {"message": "Resource level throttle APPLICATION DAY limit"},
        {"x-rate-limit-reset": "\u00b2", "retry-after": "\u00b2"},
    ),
    "a rate limit until the end of time": (
        429,
        {"message": "throttled"},
        {"x-rate-limit-reset": "9" * 400, "retry-after": "9" * 400},
    ),
    "a body that is not an object": (200, [1, 2, 3], {}),
}


class _Handler(BaseHTTPRequestHandler):
    answer: tuple[int, bytes, dict[str, str]] = (200, b"{}", {})

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        status, body, headers = type(self).answer
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _any

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hostile(settings: Any) -> Iterator[type[_Handler]]:
    handler = type("Handler", (_Handler,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.PALABRE_X_API_URL = url
    settings.PALABRE_X_CLIENT_ID = "client"
    settings.PALABRE_X_CLIENT_SECRET = "secret"  # noqa: S105
    settings.PALABRE_LINKEDIN_API_URL = url
    settings.PALABRE_LINKEDIN_LOGIN_URL = url
    settings.PALABRE_LINKEDIN_CLIENT_ID = "client"
    settings.PALABRE_LINKEDIN_CLIENT_SECRET = "secret"  # noqa: S105
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    yield handler
    server.shutdown()
    server.server_close()


def _x_steps(channel: Channel) -> dict[str, Callable[[], Any]]:
    connector = XConnector(channel)
    connector.media_pauses = (0.01,)
    since = datetime.now(UTC) - timedelta(hours=1)
    target = "1234567890"
    return {
        "x.account_metrics": connector.account_metrics,
        "x.post_metrics": lambda: connector.post_metrics(remote_ids=[target]),
        "x.fetch_interactions": lambda: connector.fetch_interactions(cursor=None),
        "x.recent_posts": lambda: connector.recent_posts(since=since),
        "x.reply": lambda: connector.reply(to_remote_id=target, text="Merci", idempotency_key="k"),
        "x.hide": lambda: connector.hide(remote_id=target),
        "x.delete": lambda: connector.delete(remote_id=target),
        "x.publish": lambda: connector.publish(OutgoingPost(text="Pain", idempotency_key="k")),
        "x.upload image": lambda: connector.upload_media(
            MediaUpload("a.png", "image/png", b"\x89PNG" + b"0" * 10, alt_text="alt")
        ),
        "x.upload video": lambda: connector.upload_media(
            MediaUpload("a.mp4", "video/mp4", b"0" * 100)
        ),
        "x.oauth code_exchange": lambda: x_oauth.code_exchange(
            code="c", redirect_uri="http://t/", code_verifier="v"
        ),
        "x.oauth token_refresh": lambda: x_oauth.token_refresh(refresh_token="r"),
        "x.oauth account_me": lambda: x_oauth.account_me(access_token="t"),
    }


def _linkedin_steps(channel: Channel) -> dict[str, Callable[[], Any]]:
    connector = LinkedInConnector(channel)
    since = datetime.now(UTC) - timedelta(hours=1)
    comment = "urn:li:comment:(urn:li:share:1,2)"
    return {
        "li.account_metrics": connector.account_metrics,
        "li.post_metrics": lambda: connector.post_metrics(remote_ids=["urn:li:share:1"]),
        "li.fetch_interactions": lambda: connector.fetch_interactions(cursor=None),
        "li.recent_posts": lambda: connector.recent_posts(since=since),
        "li.recent answers": lambda: connector.recent_posts(since=since, in_reply_to=comment),
        "li.reply": lambda: connector.reply(
            to_remote_id=comment, text="Merci", idempotency_key="k"
        ),
        "li.delete": lambda: connector.delete(remote_id=comment),
        "li.publish": lambda: connector.publish(OutgoingPost(text="Pain", idempotency_key="k")),
        "li.upload image": lambda: connector.upload_media(
            MediaUpload("a.png", "image/png", b"\x89PNG0000", alt_text="alt")
        ),
        "li.upload document": lambda: connector.upload_media(
            MediaUpload("a.pdf", "application/pdf", b"%PDF-1.4\n")
        ),
        "li.upload video": lambda: connector.upload_media(
            MediaUpload("a.mp4", "video/mp4", b"0" * 100)
        ),
        "li.oauth code_exchange": lambda: linkedin_oauth.code_exchange(
            code="c", redirect_uri="http://t/"
        ),
        "li.oauth token_refresh": lambda: linkedin_oauth.token_refresh(refresh_token="r"),
        "li.oauth administered": lambda: linkedin_oauth.administered(access_token="t"),
    }


@pytest.mark.parametrize("answer", list(ANSWERS))
def test_every_step_ends_in_a_value_or_a_connector_error(
    answer: str, hostile: type[_Handler], cast: Any, monkeypatch: Any
) -> None:
    from palabre.networks.linkedin import connector as linkedin_connector

    monkeypatch.setattr(linkedin_connector, "VIDEO_WAIT", 0.05)
    monkeypatch.setattr(linkedin_connector, "VIDEO_POLL", 0.01)
    status, body, headers = ANSWERS[answer]
    hostile.answer = (status, json.dumps(body).encode(), headers)
    x = Channel.objects.create(
        workspace=cast.workspace, network="x", connector="x", name="X", account_id="42"
    )
    x.save_credentials({"user_id": "42", "access_token": "t"})
    li = Channel.objects.create(
        workspace=cast.workspace,
        network="linkedin",
        connector="linkedin",
        name="LI",
        account_id="urn:li:organization:7",
    )
    li.save_credentials({"organization": "urn:li:organization:7", "access_token": "t"})
    crashed: list[str] = []
    for name, step in {**_x_steps(x), **_linkedin_steps(li)}.items():
        try:
            step()
        except ConnectorError:
            pass
        except Exception as error:  # noqa: BLE001 (what the test is looking for)
            where = traceback.extract_tb(error.__traceback__)[-1]
            crashed.append(
                f"{name}: {type(error).__name__}: {str(error)[:120]} "
                f"({where.filename.rsplit('/palabre/', 1)[-1]}:{where.lineno})"
            )
    assert not crashed, "\n".join(crashed)


# --- LinkedIn's upload addresses ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "gets_token"),
    [
        ("https://www.linkedin.com/dms-uploads/1", True),
        ("https://api.linkedin.com/mediaUpload/1", True),
        ("http://www.linkedin.com/dms-uploads/1", False),  # in clear: anyone on the path reads it
        ("https://evil.example/upload", False),
        ("https://linkedin.com.evil.example/upload", False),
        ("https://evil.example\\@www.linkedin.com/upload", False),
        ("ftp://www.linkedin.com/upload", False),
    ],
)
def test_the_token_goes_only_to_linkedin_over_https(
    url: str, gets_token: bool, monkeypatch: Any, settings: Any
) -> None:
    """The upload URL is LinkedIn's answer: the member's token goes with the file only to
    LinkedIn's own hosts, and only encrypted."""
    from palabre.networks.linkedin import client

    settings.PALABRE_LINKEDIN_API_URL = "https://api.linkedin.com"
    sent: list[dict[str, str]] = []

    def _send(self: Any, method: str, url: str, *, headers: dict[str, str], **_: Any) -> Any:
        sent.append(headers)
        return client.Answer(201, None, None)  # type: ignore[arg-type]

    monkeypatch.setattr(client.LinkedIn, "_send", _send)
    api = client.LinkedIn(token="member-token")  # noqa: S106
    try:
        api.upload(url, b"file", "image/png")
    finally:
        api.close()
    assert ("Authorization" in sent[0]) is gets_token


# --- A LinkedIn "comment" that is a post ------------------------------------------------


def test_a_comment_whose_urn_is_a_post_never_reaches_the_inbox() -> None:
    """The inbox offers "delete" on a LinkedIn comment, and the connector's delete deletes a
    post when the URN is not a comment's: an answer naming the brand's own post as a
    comment's URN would make that button delete the post. Such an item is not read."""
    from palabre.networks.linkedin import inbox

    base = {
        "actor": "urn:li:person:9",
        "created": {"time": 1_764_000_000_000},
        "message": {"text": "Bonjour"},
    }
    post = "urn:li:share:1"
    for key in ("commentUrn", "$URN"):
        for urn in ("urn:li:share:1", "urn:li:ugcPost:1", "urn:li:activity:1"):
            assert inbox.interaction({**base, key: urn}, post) is None
    good = inbox.interaction({**base, "commentUrn": "urn:li:comment:(urn:li:share:1,2)"}, post)
    assert good is not None and good.remote_id == "urn:li:comment:(urn:li:share:1,2)"


def test_only_numeric_organization_urns_become_choices(hostile: type[_Handler]) -> None:
    """An organization URN becomes a channel's account id (100 characters, no NUL in
    PostgreSQL): a URN LinkedIn never gives would fail the pick with a 500. LinkedIn's
    organization ids are numbers; anything else is not offered."""
    elements = [
        {"organization": "urn:li:organization:" + "1" * 200, "roleAssignee": "urn:li:person:a"},
        {"organization": "urn:li:organization:1\x00", "roleAssignee": "urn:li:person:a"},
        {"organization": "urn:li:organization:../../me", "roleAssignee": "urn:li:person:a"},
        {"organization": "urn:li:organization:", "roleAssignee": "urn:li:person:a"},
        {"organization": "urn:li:organization:\u0661\u0662", "roleAssignee": "urn:li:person:a"},
        {"organization": "urn:li:organization:12", "roleAssignee": "urn:li:person:a"},
    ]
    hostile.answer = (200, json.dumps({"elements": elements}).encode(), {})
    _member, organizations = linkedin_oauth.administered(access_token="t")  # noqa: S106
    assert [o.urn for o in organizations] == ["urn:li:organization:12"]


@pytest.mark.parametrize("post_id", ["1\x00", "../2", "1" * 40, "\u0661"])
def test_a_post_id_x_never_gives_is_not_kept(
    post_id: str, hostile: type[_Handler], cast: Any
) -> None:
    """The id X answers a post with is stored as the post's remote id (no NUL in
    PostgreSQL) and later put in paths: one that is not digits is not believed (the
    publish is settled by reading the account's posts back)."""
    from palabre.networks.base import Unavailable

    hostile.answer = (201, json.dumps({"data": {"id": post_id, "text": "t"}}).encode(), {})
    x = Channel.objects.create(
        workspace=cast.workspace, network="x", connector="x", name="X", account_id="42"
    )
    x.save_credentials({"user_id": "42", "access_token": "t"})
    with pytest.raises(Unavailable):
        XConnector(x).publish(OutgoingPost(text="Pain", idempotency_key="k"))
