"""What a Mastodon-compatible server says of itself: its software, version and limits.

Servers that speak the Mastodon API differ (docs/networks.md): Takahē ignores
Idempotency-Key, Pleroma counts differently, servers before Mastodon 4.0 have no
/api/v2/instance. Palabre reads, at connect time and again once a day:
1. GET /api/v2/instance, else /api/v1/instance: the version and the limits;
2. the nodeinfo document (/.well-known/nodeinfo → its 2.x link): the software's name, the
   one place that names it reliably (Mastodon's own instance document gives only "4.3.0";
   others say "takahe/0.11.0" or "2.7.2 (compatible; Pleroma 2.6.0)").
Never with a trailing slash (Takahē answers 404), never through Mastodon.py's instance()
(it adds one, and recurses without a declared version).

Only Mastodon itself, and its forks that report "mastodon", is trusted to honour
Idempotency-Key; any other or unknown server is treated as not honouring it.

Detection runs in the OAuth callback (a web request) and in the worker, against a server
anyone may run: it never raises, reads at most MAX_BYTES per document and stops at
DEADLINE, and whatever is malformed reads as unknown. The access token goes only to the
instance document, over the instance's own address, and only when it would not answer an
anonymous client (limited federation): never to nodeinfo, which is public.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests

from palabre.lib import outbound
from palabre.lib.boundedjson import json_loads_bounded

TIMEOUT = 10  # each request
DEADLINE = 20  # seconds, the whole detection
MAX_BYTES = 1_000_000  # a document larger than this is not read
MAX_LIMIT = 1_000_000  # the largest limit believed (a column holds it; a server may say 10**20)
MAX_TEXT = 100  # a name, a version, a domain kept
CHECK_EVERY = timedelta(days=1)
DEFAULT_MAX_CHARS = 500
NODEINFO_SCHEMA = re.compile(r"^https?://nodeinfo\.diaspora\.software/ns/schema/2\.\d+$")
# "takahe/0.11.0", "2.7.2 (compatible; Pleroma 2.6.0)": the name inside the version string.
_NAMED_VERSION = re.compile(r"^([A-Za-z][\w.-]*)/(\S+)$")
_COMPATIBLE = re.compile(r"\(compatible;\s*([A-Za-z][\w.-]*)\s+([^)\s]+)\)")
log = logging.getLogger(__name__)

Document = dict[str, Any]


def honours_idempotency(server: Document) -> bool:
    """Whether the server (a detected `Channel.server`) is known to honour Idempotency-Key."""
    return server.get("software") == "mastodon"


def max_chars(server: Document) -> int:
    value = _limit(_dict(server.get("limits")).get("characters"))
    return value if value else DEFAULT_MAX_CHARS


def due(server: Document, *, now: datetime | None = None) -> bool:
    """Never checked, or last checked more than a day ago."""
    try:
        checked = datetime.fromisoformat(str(server["checked_at"]))
    except (KeyError, ValueError):
        return True
    return (now or datetime.now(UTC)) - checked >= CHECK_EVERY


def same_server(a: Document, b: Document) -> bool:
    """Whether two detections describe the same software, version and limits."""
    keys = ("software", "version", "domain", "limits")
    return all(a.get(k) == b.get(k) for k in keys)


def unknown() -> Document:
    """A server that said nothing of itself: Mastodon's default limits, no keys honoured."""
    return {"software": "", "version": "", "limits": {}, "checked_at": _now()}


class _Session(requests.Session):
    """One detection's requests: guarded, and every read ends by the same deadline."""

    def __init__(self, deadline: float, access_token: str = "") -> None:
        super().__init__()
        outbound.guard_session(self)
        self.deadline = deadline
        if access_token:
            self.headers["Authorization"] = f"Bearer {access_token}"


def detect(instance: str, *, access_token: str = "") -> Document | None:
    """What the server at `instance` (https://host[:port]) says of itself; None when none of
    its documents could be read (keep what was known; try again later). All of it within
    DEADLINE: a person's connection waits on it."""
    with outbound.deadline(DEADLINE):
        return _detect(instance, access_token)


def _detect(instance: str, access_token: str) -> Document | None:
    deadline = time.monotonic() + DEADLINE
    base = instance.rstrip("/")
    found = _instance(_Session(deadline), base)
    if found is None and access_token:  # some instances answer only signed-in clients
        found = _instance(_Session(deadline, access_token), base)
    software, software_version = _nodeinfo(_Session(deadline), base)
    if found is None and not software:
        return None
    instance_doc = found or {}
    version = _text(instance_doc.get("version"))
    if not software:
        software, software_version = _named(version)
    return {
        "software": software[:MAX_TEXT],
        "version": (software_version or version)[:MAX_TEXT],
        "domain": (
            _text(instance_doc.get("domain"))
            or _text(instance_doc.get("uri"))
            or urlsplit(base).netloc
        )[:MAX_TEXT],
        "limits": _limits(instance_doc),
        "checked_at": _now(),
    }


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _instance(session: _Session, base: str) -> Document | None:
    return _read(session, f"{base}/api/v2/instance") or _read(session, f"{base}/api/v1/instance")


def _read(session: _Session, url: str) -> Document | None:
    """The JSON object at `url`, or None: whatever fails here reads as "not there" (an
    error, a body too large or too slow, JSON malformed or nested too deep)."""
    try:
        left = session.deadline - time.monotonic()
        if left <= 0:
            return None
        with session.get(
            url, timeout=min(TIMEOUT, left), allow_redirects=False, stream=True
        ) as answer:
            if answer.status_code != 200:
                return None
            body = outbound.read_bounded(answer, limit=MAX_BYTES, deadline=session.deadline)
        document = json_loads_bounded(body)  # TooDeep is a ValueError
    except (requests.RequestException, ValueError, OSError) as error:
        log.info("Mastodon server detection: %s unreadable: %s", url, type(error).__name__)
        return None
    return document if isinstance(document, dict) else None


def _nodeinfo(session: _Session, base: str) -> tuple[str, str]:
    """(software name in lower case, its version) from the nodeinfo document, or ("", "")."""
    index = _read(session, f"{base}/.well-known/nodeinfo") or {}
    links = index.get("links")
    schemas = {
        _text(link.get("rel")): _text(link.get("href"))
        for link in (links if isinstance(links, list) else [])
        if isinstance(link, dict)
        and NODEINFO_SCHEMA.match(_text(link.get("rel")))
        and _same_origin(_text(link.get("href")), base)
    }
    document = _read(session, schemas[max(schemas)]) if schemas else None  # the newest 2.x
    software = _dict((document or {}).get("software"))
    return _text(software.get("name")).lower(), _text(software.get("version"))


def _same_origin(url: str, base: str) -> bool:
    """Only a document the instance itself serves, the way it serves its API: an address
    elsewhere is not its word, and an http:// one under an https:// instance (a proxy that
    does not say the scheme) would cross the Internet in clear."""
    try:
        there, here = urlsplit(url), urlsplit(base)
    except ValueError:
        return False
    return (there.scheme, there.netloc) == (here.scheme, here.netloc)


def _named(version: str) -> tuple[str, str]:
    """A software name written in the instance's version string, else ("", "")."""
    match = _COMPATIBLE.search(version) or _NAMED_VERSION.match(version)
    return (match.group(1).lower(), match.group(2)) if match else ("", "")


def _limits(document: Document) -> dict[str, int]:
    configuration = _dict(document.get("configuration"))
    statuses = _dict(configuration.get("statuses"))
    polls = _dict(configuration.get("polls"))
    found = {
        # max_toot_chars: Pleroma, Akkoma and glitch-soc's older v1 document
        "characters": statuses.get("max_characters", document.get("max_toot_chars")),
        "characters_reserved_per_url": statuses.get("characters_reserved_per_url"),
        "media_attachments": statuses.get("max_media_attachments"),
        "poll_options": polls.get("max_options"),
    }
    return {k: limit for k, v in found.items() if (limit := _limit(v)) is not None}


def _limit(value: Any) -> int | None:
    """A limit a server gave, within what Palabre believes (0 to MAX_LIMIT); None when it
    is no whole number."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return None
    return min(value, MAX_LIMIT)


def _dict(value: Any) -> Document:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
