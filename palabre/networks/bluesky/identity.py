"""Whose account it is: the DID a service answers with is checked where the DID is kept.

A Bluesky service is an address the person typed: any server can answer a login with any
DID. Palabre keeps one workspace per account (its DID), so a server claiming someone
else's DID would take their account's place (and keep its real owner from connecting
it). The DID document (did:plc at the PLC directory, did:web at its host) names the
account's PDS; that PDS must accept the session the login gave. bsky.social, which
forwards to the PDS, passes; a server that only says a DID does not.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import unquote

import httpx
from django.conf import settings

from palabre.lib import outbound

TIMEOUT = 15  # seconds, for each of the two requests
MOST_BYTES = 256 * 1024  # a DID document or a session: a few hundred bytes


class NotTheirs(Exception):
    """The DID document could not be read, names no PDS, or its PDS refused the session."""


def did_document_url(did: str) -> str:
    if did.startswith("did:plc:"):
        return f"{settings.PALABRE_BLUESKY_PLC_URL}/{did}"
    if did.startswith("did:web:"):
        # atproto's did:web is a host name (a port, for a test server, as %3A), no path.
        named = did.removeprefix("did:web:")
        host = unquote(named)
        if not named or ":" in named or "/" in host or "@" in host:
            raise NotTheirs("not a did:web atproto takes")
        return f"https://{host}/.well-known/did.json"
    raise NotTheirs("not a did:plc or did:web")


def pds_of(document: dict[str, Any], did: str) -> str:
    if document.get("id") != did:
        raise NotTheirs("a DID document for another DID")
    services = document.get("service")
    for service in services if isinstance(services, list) else []:
        if not isinstance(service, dict):
            continue
        named = service.get("id") in ("#atproto_pds", f"{did}#atproto_pds")
        endpoint = service.get("serviceEndpoint")
        if named and service.get("type") == "AtprotoPersonalDataServer":
            if isinstance(endpoint, str) and endpoint.startswith(("https://", "http://")):
                return endpoint.rstrip("/")
    raise NotTheirs("the DID document names no PDS")


def account_proven(*, did: str, access_jwt: str) -> None:
    """Returns only when the PDS `did`'s document names accepts `access_jwt` as `did`'s:
    NotTheirs when it does not, any other error when an answer could not be read (the
    caller treats both alike: what answered is the person's choice)."""
    with httpx.Client(timeout=TIMEOUT, **outbound.httpx_options()) as http:
        document = _json(http, did_document_url(did))
        if not isinstance(document, dict):
            raise NotTheirs("not a DID document")
        # The token goes there: over HTTPS (but to a host listed for tests and local nets).
        pds = outbound.check_url(outbound.credentials_url_check(pds_of(document, did)))
        session = _json(
            http,
            f"{pds}/xrpc/com.atproto.server.getSession",
            headers={"Authorization": f"Bearer {access_jwt}"},
        )
    if not isinstance(session, dict) or session.get("did") != did:
        raise NotTheirs("the account's PDS does not know this session")


def _json(http: httpx.Client, url: str, headers: dict[str, str] | None = None) -> Any:
    """At most MOST_BYTES, whole within TIMEOUT (the guard refuses a compressed answer)."""
    with http.stream("GET", url, headers=headers or {}) as response:
        if response.status_code != 200:
            raise NotTheirs(f"HTTP {response.status_code}")
        body = outbound.read_httpx_bounded(
            response, limit=MOST_BYTES, deadline=time.monotonic() + TIMEOUT
        )
    return json.loads(body)
