"""An instance chooses the client id, the secret and the token Palabre keeps. Mastodon.py
reads a client id or a token that names a file from that file: an instance answering
"/proc/self/environ" had the process's environment (its keys) sent back to it as the bearer
token of every request, and the secret key as the client id (an attacker's review). They are
now set on the client as they are, and refused when they are not token characters."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from palabre.channels.models import Channel
from palabre.networks.mastodon.connector import client

SECRET = "the-secret-key-of-this-server"


class Instance(ThreadingHTTPServer):
    daemon_threads = True
    answers: dict[str, Any]
    heard: list[str]  # every request's path, headers and body, as one text


class _Handler(BaseHTTPRequestHandler):
    server: Instance

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.server.heard.append(unquote(f"{self.path}\n{self.headers}\n{body}"))
        answer = self.server.answers.get(urlsplit(self.path).path, {"error": "not here"})
        raw = json.dumps(answer).encode()
        self.send_response(404 if "error" in answer else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST = _any

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret"
    path.write_text(f"{SECRET}\n{SECRET}-second-line\n")
    return path


@pytest.fixture
def instance(settings) -> Iterator[Instance]:  # type: ignore[no-untyped-def]
    server = Instance(("127.0.0.1", 0), _Handler)
    server.answers, server.heard = {}, []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]  # a test server on loopback
    yield server
    server.shutdown()


def _connect(client_: Client, instance: Instance) -> Any:
    address = f"http://127.0.0.1:{instance.server_address[1]}"
    return client_.post("/w/lumiere/settings/channels/mastodon/", {"instance": address})


def test_a_client_never_reads_its_credentials_from_files(secret_file: Path) -> None:
    api = client(
        "https://piaille.example",
        access_token=str(secret_file),
        client_id=str(secret_file),
        client_secret="s",
    )
    assert (api.access_token, api.client_id) == (str(secret_file), str(secret_file))


def test_a_client_id_that_names_a_file_is_sent_as_those_characters(
    client: Client, cast, instance: Instance, secret_file: Path
) -> None:
    instance.answers["/api/v1/apps"] = {"client_id": str(secret_file), "client_secret": "x"}
    client.force_login(cast.alice)
    response = _connect(client, instance)
    location = unquote(response["Location"])
    assert f"client_id={secret_file}" in location and SECRET not in location
    assert not any(SECRET in heard for heard in instance.heard)


@pytest.mark.parametrize("client_id", ["", "a b", "abc\n/etc/passwd", "é", "x" * 513, 12])
def test_an_app_registered_with_what_is_not_a_token_is_refused(
    client: Client, cast, instance: Instance, client_id: Any
) -> None:
    instance.answers["/api/v1/apps"] = {"client_id": client_id, "client_secret": "x"}
    client.force_login(cast.alice)
    response = _connect(client, instance)
    assert response.status_code == 200  # the form again: the instance did not answer
    assert "palabre_mastodon_oauth" not in client.session


def test_a_token_that_names_a_file_is_refused_and_never_sent(
    client: Client, cast, instance: Instance, secret_file: Path
) -> None:
    instance.answers.update(
        {
            "/api/v1/apps": {"client_id": "abc", "client_secret": "def"},
            "/oauth/token": {"access_token": f"{secret_file} x", "scope": "read write"},
            "/api/v1/accounts/verify_credentials": {"id": "1", "acct": "brand"},
        }
    )
    client.force_login(cast.alice)
    response = _connect(client, instance)
    assert response.status_code == 302 and SECRET not in unquote(response["Location"])
    state = client.session["palabre_mastodon_oauth"]["state"]
    client.get("/channels/mastodon/callback/", {"code": "c0de", "state": state})
    assert not Channel.objects.filter(connector="mastodon").exists()
    assert not any(SECRET in heard for heard in instance.heard)


@pytest.mark.parametrize(
    "token", ["/proc/self/environ", "var/encryption_key", settings.BASE_DIR / "pyproject.toml"]
)
def test_a_path_kept_as_a_token_is_sent_as_those_characters(
    client: Client, cast, instance: Instance, token: Any
) -> None:
    """A token stored before the fix, or one that looks like a path: sent as written."""
    instance.answers.update(
        {
            "/api/v1/apps": {"client_id": "abc", "client_secret": "def"},
            "/oauth/token": {"access_token": str(token), "scope": "read write"},
            "/api/v1/accounts/verify_credentials": {"id": "1", "acct": "brand"},
        }
    )
    client.force_login(cast.alice)
    _connect(client, instance)
    state = client.session["palabre_mastodon_oauth"]["state"]
    client.get("/channels/mastodon/callback/", {"code": "c0de", "state": state})
    channel = Channel.objects.get(connector="mastodon")
    instance.heard.clear()
    channel.get_connector().api().account_verify_credentials()
    assert f"Bearer {token}" in instance.heard[-1]


def test_an_instance_whose_sign_in_page_mastodon_py_refuses_is_unreachable(
    cast, instance: Instance
) -> None:
    """An http sign-in page announced by the instance made the connect page answer 500."""
    instance.answers.update(
        {
            "/api/v1/apps": {"client_id": "abc", "client_secret": "def"},
            "/.well-known/oauth-authorization-server": {
                "authorization_endpoint": "http://elsewhere.example/authorize"
            },
        }
    )
    browser = Client(raise_request_exception=False)
    browser.force_login(cast.alice)
    response = _connect(browser, instance)
    assert response.status_code == 200
    assert not Channel.objects.filter(connector="mastodon").exists()
