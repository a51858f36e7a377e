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
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests

from palabre.lib import outbound

TIMEOUT = 10
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
    value = _dict(server.get("limits")).get("characters")
    return value if isinstance(value, int) and value > 0 else DEFAULT_MAX_CHARS


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


def detect(instance: str, *, access_token: str = "") -> Document | None:
    """What the server at `instance` (https://host[:port]) says of itself; None when none of
    its documents could be read (keep what was known; try again later)."""
    session = outbound.guard_session(requests.Session())
    if access_token:  # some instances answer only signed-in clients (limited federation)
        session.headers["Authorization"] = f"Bearer {access_token}"
    base = instance.rstrip("/")
    found = _read(session, f"{base}/api/v2/instance") or _read(session, f"{base}/api/v1/instance")
    software, software_version = _nodeinfo(session, base)
    if found is None and not software:
        return None
    instance_doc = found or {}
    version = _text(instance_doc.get("version"))
    if not software:
        software, software_version = _named(version)
    return {
        "software": software,
        "version": software_version or version,
        "domain": _text(instance_doc.get("domain") or instance_doc.get("uri"))
        or urlsplit(base).netloc,
        "limits": _limits(instance_doc),
        "checked_at": _now(),
    }


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _read(session: requests.Session, url: str) -> Document | None:
    """The JSON object at `url`, or None: whatever fails here reads as "not there"."""
    try:
        answer = session.get(url, timeout=TIMEOUT, allow_redirects=False)
        if answer.status_code != 200:
            return None
        document = answer.json()
    except (requests.RequestException, ValueError, OSError) as error:
        log.info("Mastodon server detection: %s unreadable: %s", url, error)
        return None
    return document if isinstance(document, dict) else None


def _nodeinfo(session: requests.Session, base: str) -> tuple[str, str]:
    """(software name in lower case, its version) from the nodeinfo document, or ("", "")."""
    index = _read(session, f"{base}/.well-known/nodeinfo") or {}
    links = [_dict(link) for link in index.get("links", []) if isinstance(link, dict)]
    schemas = {
        _text(link.get("rel")): _text(link.get("href"))
        for link in links
        if NODEINFO_SCHEMA.match(_text(link.get("rel")))
        # Only a document the instance itself serves: an address elsewhere is not its word.
        and urlsplit(_text(link.get("href"))).netloc == urlsplit(base).netloc
    }
    document = _read(session, schemas[max(schemas)]) if schemas else None  # the newest 2.x
    software = _dict((document or {}).get("software"))
    return _text(software.get("name")).lower(), _text(software.get("version"))


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
    return {k: v for k, v in found.items() if isinstance(v, int) and not isinstance(v, bool)}


def _dict(value: Any) -> Document:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
