"""Review of issue 15 (r1): what a hostile or misconfigured server's self-description can do
to server detection, which runs in the OAuth callback (a web request) and in the worker's
daily step."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from palabre.networks.mastodon import server

NODEINFO_20 = "http://nodeinfo.diaspora.software/ns/schema/2.0"


class _Documents(ThreadingHTTPServer):
    daemon_threads = True
    documents: dict[str, bytes]
    undeclared = False  # True: no Content-Length, the body ends when the connection closes


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
        if not self.server.undeclared:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:  # Palabre stopped reading
            pass

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


# --- Fixes of r1: bounded reads, and where the token goes ---------------------------------


class _Trickling(BaseHTTPRequestHandler):
    """Every document a byte at a time, never ending (no length, no close)."""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        try:
            self.wfile.write(b'{"version": "')
            while True:
                self.wfile.write(b"4")
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:  # Palabre hung up
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def test_a_self_description_trickled_forever_ends_at_the_deadline(settings, monkeypatch) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    monkeypatch.setattr(server, "DEADLINE", 1)
    slow = _Documents(("127.0.0.1", 0), _Trickling)
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    try:
        began = time.monotonic()
        found = server.detect(_base(slow))
        took = time.monotonic() - began
    finally:
        slow.shutdown()
        slow.server_close()
    assert found is None  # each byte came in time: only the deadline stops it
    assert took < 3


def test_a_self_description_too_large_is_not_read(instance: _Documents) -> None:
    padding = "x" * (server.MAX_BYTES + 10)
    huge = {"version": "4.3.0", "pad": padding, "max_toot_chars": 9999}
    instance.documents = {
        "/api/v2/instance": json.dumps(huge).encode(),
        "/api/v1/instance": json.dumps({"version": "4.2.0", "max_toot_chars": 700}).encode(),
    }
    found = server.detect(_base(instance))
    assert found is not None
    assert (found["version"], found["limits"]) == ("4.2.0", {"characters": 700})


def test_a_large_body_of_undeclared_length_is_cut_at_the_limit(instance: _Documents) -> None:
    big = json.dumps({"version": "4.3.0", "pad": "x" * (server.MAX_BYTES + 10)}).encode()
    instance.documents = {"/api/v2/instance": big}
    instance.undeclared = True  # close-delimited: no Content-Length to refuse it by
    assert server.detect(_base(instance)) is None


def test_the_token_goes_only_to_the_instance_document_and_only_when_asked(monkeypatch) -> None:
    asked: list[tuple[str, bool]] = []
    signed_only = {"/api/v1/instance"}

    def read(session, url: str):
        signed = "SECRET" in session.headers.get("Authorization", "")
        asked.append((url, signed))
        path = url.removeprefix("https://social.example")
        if path == "/.well-known/nodeinfo":
            href = "https://social.example/nodeinfo/2.1"
            return {"links": [{"rel": NODEINFO_20.replace("2.0", "2.1"), "href": href}]}
        if path == "/nodeinfo/2.1":
            return {"software": {"name": "mastodon", "version": "4.3.0"}}
        if path in signed_only and signed:
            return {"version": "4.3.0", "max_toot_chars": 500}
        return None

    monkeypatch.setattr(server, "_read", read)
    found = server.detect("https://social.example", access_token="SECRET-TOKEN")
    assert found is not None and found["software"] == "mastodon"
    assert [url for url, signed in asked if signed] == [
        "https://social.example/api/v2/instance",
        "https://social.example/api/v1/instance",
    ]
    # Anonymous answers first: the token is not sent at all.
    signed_only.clear()
    asked.clear()
    monkeypatch.setattr(
        server,
        "_read",
        lambda session, url: read(session, url) or {"version": "4.3.0"},
    )
    server.detect("https://social.example", access_token="SECRET-TOKEN")
    assert not any(signed for _url, signed in asked)


@pytest.mark.parametrize(
    ("said", "kept"),
    [(10**20, server.MAX_LIMIT), (3_000_000_000, server.MAX_LIMIT), (-5, None), (True, None)],
)
def test_limits_are_kept_within_what_a_column_holds(said: Any, kept: int | None) -> None:
    limits = server._limits({"configuration": {"statuses": {"max_characters": said}}})
    assert limits.get("characters") == kept
    assert 0 < server.max_chars({"limits": {"characters": said}}) <= server.MAX_LIMIT
