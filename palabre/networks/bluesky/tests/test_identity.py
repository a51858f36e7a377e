"""A Bluesky service's word on whose account it is, checked where the DID is kept (an
attacker's review: a server the person names could answer any DID, and Palabre keeps one
workspace per account, so it could take another's account's place). Real HTTP servers on
loopback stand for the services; the login is the `atproto` SDK's own."""

from __future__ import annotations

import base64
import html
import json
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from palabre.channels.models import Channel
from palabre.channels.tests.loopback import answer_json
from palabre.channels.tests.loopback import serving as running
from palabre.networks.bluesky import identity
from palabre.networks.bluesky.connector import NOT_THEIRS, NotTheirAccount, connect

VICTIM = "did:plc:victimvictimvictimvict"
BOMB = zlib.compress(b" " * 50_000_000)  # 50 MB of spaces in ~50 KB


def _jwt(did: str, server: str) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {"sub": did, "exp": int(time.time()) + 3600, "iss": server, "scope": "app"}
    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part(claims)}.c2ln"


class Atproto(ThreadingHTTPServer):
    """A PDS (logins answer `did`; sessions it issued, or `trusts`, are known), a PLC
    directory (`documents`), or both."""

    daemon_threads = True

    def __init__(self, did: str = "", documents: dict[str, Any] | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.did, self.documents = did, documents or {}
        self.issued: set[str] = set()
        self.trusts: set[str] = set()  # tokens another server issued (an entryway's)
        self.forwards_to: Atproto | None = None  # an entryway: its PDS knows its tokens
        self.token_suffix = ""  # what a rogue server adds to its tokens
        self.compressed = False  # documents sent as a zlib bomb, whatever was asked

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Atproto

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/xrpc/com.atproto.server.createSession":
            token = _jwt(self.server.did, self.server.url) + self.server.token_suffix
            self.server.issued.add(token)
            if self.server.forwards_to is not None:
                self.server.forwards_to.trusts.add(token)
            self._json(200, self._session() | {"accessJwt": token, "refreshJwt": token})
        else:
            self._json(404, {"error": "NotFound"})

    def do_GET(self) -> None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.path == "/xrpc/com.atproto.server.getSession":
            if token in self.server.issued or token in self.server.trusts:
                self._json(200, self._session())
            else:
                self._json(401, {"error": "InvalidToken", "message": "Token could not be verified"})
        elif self.path.lstrip("/") in self.server.documents and self.server.compressed:
            bomb = BOMB
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "deflate")
            self.send_header("Content-Length", str(len(bomb)))
            self.end_headers()
            self.wfile.write(bomb)
        elif self.path.lstrip("/") in self.server.documents:
            self._json(200, self.server.documents[self.path.lstrip("/")])
        else:
            self._json(404, {"message": "DID not registered"})

    def _session(self) -> dict[str, Any]:
        return {"did": self.server.did, "handle": "lumiere.test", "active": True}

    def _json(self, status: int, body: dict[str, Any]) -> None:
        answer_json(self, status, body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def _document(did: str, pds: str) -> dict[str, Any]:
    return {
        "id": did,
        "alsoKnownAs": ["at://lumiere.test"],
        "service": [
            {"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": pds}
        ],
    }


@pytest.fixture(autouse=True)
def _loopback(settings) -> None:
    settings.PALABRE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture
def plc(settings) -> Iterator[Atproto]:
    """The PLC directory Palabre reads, answering for the test; its documents the test's."""
    directory = Atproto()
    settings.PALABRE_BLUESKY_PLC_URL = directory.url
    with running(directory):
        yield directory


def test_the_accounts_own_server_confirms_it(plc) -> None:
    pds = Atproto(did=VICTIM)
    plc.documents[VICTIM] = _document(VICTIM, pds.url)
    with running(pds):
        kept = connect(service=pds.url, handle="lumiere.test", app_password="a-b-c-d")
    assert kept["did"] == VICTIM


def test_a_service_that_forwards_to_the_accounts_server_is_confirmed(plc) -> None:
    """bsky.social: the login is there, the account on another PDS, which knows its tokens."""
    entryway, pds = Atproto(did=VICTIM), Atproto(did=VICTIM)
    plc.documents[VICTIM] = _document(VICTIM, pds.url)
    entryway.forwards_to = pds
    with running(entryway, pds):
        kept = connect(service=entryway.url, handle="lumiere.test", app_password="a-b-c-d")
    assert kept["did"] == VICTIM


def test_a_server_claiming_someone_elses_did_is_refused(plc) -> None:
    real, rogue = Atproto(did=VICTIM), Atproto(did=VICTIM)
    plc.documents[VICTIM] = _document(VICTIM, real.url)
    with running(real, rogue), pytest.raises(NotTheirAccount) as refused:
        connect(service=rogue.url, handle="victim.test", app_password="x")
    assert refused.value.reason == NOT_THEIRS


@pytest.mark.parametrize(
    "document",
    [
        None,  # not in the directory
        {"id": "did:plc:someoneelse", "service": []},  # another DID's
        {"id": VICTIM, "service": [{"id": "#atproto_pds", "type": "Other"}]},  # no PDS
        {"id": VICTIM, "service": "nope"},
        {"id": VICTIM, "service": 5},
        {"id": VICTIM, "service": [5, None]},
        ["not", "a", "document"],
        *(  # endpoints the outbound guard refuses, plain http to a host not listed included
            _document(VICTIM, endpoint)
            for endpoint in ("https://", "http://u:p@example.com", "https://a.example:99999")
        ),
        _document(VICTIM, "http://pds.example"),  # the token would travel unencrypted
    ],
)
def test_a_did_document_that_names_no_pds_for_it_is_refused(plc, document) -> None:
    pds = Atproto(did=VICTIM)
    if document is not None:
        plc.documents[VICTIM] = document
    with running(pds), pytest.raises(NotTheirAccount) as refused:
        connect(service=pds.url, handle="lumiere.test", app_password="a-b-c-d")
    assert refused.value.reason == NOT_THEIRS


def test_a_pds_the_outbound_guard_refuses_is_not_asked(plc) -> None:
    pds = Atproto(did=VICTIM)
    plc.documents[VICTIM] = _document(VICTIM, "http://169.254.169.254")  # cloud metadata
    with running(pds), pytest.raises(NotTheirAccount):
        connect(service=pds.url, handle="lumiere.test", app_password="a-b-c-d")


@pytest.mark.parametrize(
    ("did", "where"),
    [
        ("did:plc:abc", "https://plc.example/did:plc:abc"),
        ("did:web:shop.example", "https://shop.example/.well-known/did.json"),
        ("did:web:localhost%3A2583", "https://localhost:2583/.well-known/did.json"),
    ],
)
def test_where_each_did_document_is_read(settings, did, where) -> None:
    settings.PALABRE_BLUESKY_PLC_URL = "https://plc.example"
    assert identity.did_document_url(did) == where


@pytest.mark.parametrize(
    "did", ["did:web:shop.example:users:me", "did:web:", "did:web:a%2Fb", "did:key:z6Mk", "x"]
)
def test_a_did_atproto_does_not_take_is_refused(did) -> None:
    with pytest.raises(identity.NotTheirs):
        identity.did_document_url(did)


def test_the_person_is_told_why_in_their_language(plc, client, cast) -> None:
    real, rogue = Atproto(did=VICTIM), Atproto(did=VICTIM)
    plc.documents[VICTIM] = _document(VICTIM, real.url)
    client.force_login(cast.alice)
    with running(real, rogue):
        page = client.post(
            "/w/lumiere/settings/channels/bluesky/",
            {"service": rogue.url, "handle": "victim.test", "app_password": "x"},
        )
    said = html.unescape(page.content.decode())
    assert page.status_code == 200 and "que son propre serveur ne confirme pas" in said
    assert not Channel.objects.filter(account_id=VICTIM).exists()


def test_a_compressed_answer_is_not_inflated(plc) -> None:
    """A few kilobytes of deflate can be gigabytes once decoded (an attacker's review)."""
    pds = Atproto(did=VICTIM)
    plc.documents[VICTIM] = _document(VICTIM, pds.url)
    plc.compressed = True
    tracemalloc.start()
    try:
        with running(pds), pytest.raises(NotTheirAccount):
            connect(service=pds.url, handle="lumiere.test", app_password="a-b-c-d")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


def test_a_token_that_breaks_the_sdks_session_string_is_refused_not_a_500(
    plc, client, cast
) -> None:
    """The SDK joins a session's parts with ":::": a server's token holding it broke the
    session string Palabre read the token from (an attacker's review)."""
    real, rogue = Atproto(did=VICTIM), Atproto(did=VICTIM)
    rogue.token_suffix = ":::"
    plc.documents[VICTIM] = _document(VICTIM, real.url)
    client.force_login(cast.alice)
    with running(real, rogue):
        page = client.post(
            "/w/lumiere/settings/channels/bluesky/",
            {"service": rogue.url, "handle": "victim.test", "app_password": "x"},
        )
    assert page.status_code == 200 and "ne confirme pas" in html.unescape(page.content.decode())
