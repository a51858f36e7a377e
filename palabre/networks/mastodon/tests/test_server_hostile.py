"""Review of issue 15 (r1): what a hostile or misconfigured server's self-description can do
to server detection, which runs in the OAuth callback (a web request) and in the worker's
daily step."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from palabre.networks.mastodon import server

NODEINFO_20 = "http://nodeinfo.diaspora.software/ns/schema/2.0"


class _Documents(ThreadingHTTPServer):
    daemon_threads = True
    documents: dict[str, bytes]


class _Handler(BaseHTTPRequestHandler):
    server: _Documents

    def do_GET(self) -> None:  # noqa: N802
        body = self.server.documents.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def instance(settings) -> Iterator[_Documents]:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    found = _Documents(("127.0.0.1", 0), _Handler)
    found.documents = {}
    thread = threading.Thread(target=found.serve_forever, daemon=True)
    thread.start()
    yield found
    found.shutdown()
    found.server_close()


def _base(found: _Documents) -> str:
    return f"http://127.0.0.1:{found.server_address[1]}"


@pytest.mark.parametrize(
    "documents",
    [
        {"/.well-known/nodeinfo": b'{"links": 5}'},  # TypeError: not iterable
        {"/api/v2/instance": b"[" * 100_000 + b"]" * 100_000},  # RecursionError
        {"/api/v2/instance": b'{"a":' * 100_000 + b"1" + b"}" * 100_000},
    ],
    ids=["links-not-a-list", "deep-array", "deep-object"],
)
def test_a_malformed_self_description_reads_as_unknown_not_an_error(
    instance: _Documents, documents: dict[str, bytes]
) -> None:
    instance.documents = {"/api/v1/instance": json.dumps({"version": "4.3.0"}).encode()}
    instance.documents.update(documents)
    found = server.detect(_base(instance))  # must not raise: the OAuth callback would 500
    assert found is None or found["software"] == ""


def test_the_token_never_goes_to_a_nodeinfo_link_over_plain_http(monkeypatch) -> None:
    """An instance behind a proxy that does not pass X-Forwarded-Proto writes http:// links
    in its nodeinfo index: the same host name, but the Bearer token would cross the Internet
    in clear."""
    asked: list[tuple[str, str]] = []

    def read(session, url: str):
        asked.append((url, session.headers.get("Authorization", "")))
        if url.endswith("/.well-known/nodeinfo"):
            return {"links": [{"rel": NODEINFO_20, "href": "http://social.example/nodeinfo/2.0"}]}
        if url == "http://social.example/nodeinfo/2.0":
            return {"software": {"name": "mastodon", "version": "4.3.0"}}
        return None

    monkeypatch.setattr(server, "_read", read)
    server.detect("https://social.example", access_token="SECRET-TOKEN")
    in_clear = [url for url, auth in asked if url.startswith("http://") and "SECRET" in auth]
    assert in_clear == []


def test_limits_out_of_any_column_s_range_do_not_break_the_refresh(cast, monkeypatch) -> None:
    from palabre.channels.models import Channel
    from palabre.channels.services import channel_server_refresh

    channel = Channel.objects.create(
        workspace=cast.workspace, network="mastodon", connector="mastodon", name="M"
    )
    channel.save_credentials({"instance": "https://social.example", "access_token": "t"})
    huge = {"software": "", "version": "", "limits": {"characters": 10**20}, "checked_at": ""}
    monkeypatch.setattr(server, "detect", lambda *a, **k: huge)
    channel_server_refresh(channel=channel, force=True)  # OverflowError / DataError today
    channel.refresh_from_db()
    assert channel.max_chars is not None and 0 < channel.max_chars < 2**31
