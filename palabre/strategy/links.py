"""Tracked links: the address a short link sends to, and who counts as a person clicking.

A short link redirects only to the destination stored with it, so /l/ is never an open
redirect: there is no parameter to change where it goes.

The redirect answers from this process's memory (code → address and link id) for
CACHE_SECONDS. Links are never edited, but deleting a workspace deletes its links, and a
process learns of it only when its copy expires: a deleted link may go on redirecting for
up to a minute, its clicks no longer counted (clicks.py drops them). Unknown codes are not
remembered, so a link works the moment it is created.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from palabre.accounts.models import User, Workspace
from palabre.strategy.clicks import click_record
from palabre.strategy.models import ShortLink

# Link previews, crawlers and tools: they fetch links nobody clicked. (A list, so it is
# incomplete by nature; docs/metrics.md says so.)
BOTS = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|meta-externalagent|embedly|"
    r"whatsapp|telegram|discord|slack|skype|mastodon|bluesky|cardyb|pleroma|akkoma|"
    r"misskey|headless|lighthouse|curl|wget|python-|httpx|go-http-client|java/|okhttp|"
    r"node-fetch|axios|feedfetcher|monitor|uptime|pingdom",
    re.IGNORECASE,
)
PREFETCH_HEADERS = ("HTTP_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")


def is_person(request: HttpRequest) -> bool:
    """A GET from a browser someone clicked in: not HEAD, not a prefetch, not a known bot."""
    if request.method != "GET":
        return False
    for header in PREFETCH_HEADERS:
        value = request.META.get(header, "").lower()
        if "prefetch" in value or "preview" in value or "prerender" in value:
            return False
    return _is_browser(request.META.get("HTTP_USER_AGENT", ""))


@functools.lru_cache(maxsize=1024)
def _is_browser(agent: str) -> bool:
    """Remembered: the pattern costs more than the rest of the redirect, and a campaign's
    clicks come from a few hundred browsers' agents."""
    return bool(agent) and not BOTS.search(agent)


def target_url(link: ShortLink) -> str:
    """The destination with the link's UTM parameters (those already there are replaced)."""
    parts = urlsplit(link.destination)
    utm = {
        "utm_source": link.utm_source or link.network or "palabre",
        "utm_medium": link.utm_medium,
        "utm_campaign": link.utm_campaign,
    }
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in utm]
    query += [(k, v) for k, v in utm.items() if v]
    return urlunsplit(parts._replace(query=urlencode(query)))


def check_destination(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("A tracked link must lead to an http or https address."))
    return url.strip()


def link_create(
    *,
    workspace: Workspace,
    actor: User,
    destination: str,
    label: str = "",
    network: str = "",
    utm_campaign: str = "",
    utm_medium: str = "social",
) -> ShortLink:
    return ShortLink.objects.create(
        workspace=workspace,
        created_by=actor,
        destination=check_destination(destination),
        label=label,
        network=network,
        utm_source=network,
        utm_medium=utm_medium or "social",
        utm_campaign=utm_campaign,
    )


def links_counted(*, workspace: Workspace, now: datetime) -> QuerySet[ShortLink]:
    """The workspace's links, newest first, each with its clicks: `total`, and `recent`
    (the last 30 days). Ordered here: a model's ordering does not apply to a count."""
    month_ago = now - timedelta(days=30)
    rows = ShortLink.objects.filter(workspace=workspace).annotate(
        total=Count("clicks"), recent=Count("clicks", filter=Q(clicks__at__gte=month_ago))
    )
    return rows.order_by("-created_at", "-pk")


def short_url(request: HttpRequest, link: ShortLink) -> str:
    """The address to put in a post: this site's /l/<code>."""
    return request.build_absolute_uri(f"/l/{link.code}")


# How long a process trusts what it read of a link: how long a deleted one may go on
# redirecting there (the module docstring; docs/metrics.md).
CACHE_SECONDS = 60.0
CACHE_SIZE = 10_000  # codes per process; past it, the oldest entry goes


@dataclass(frozen=True)
class _Target:
    url: str
    link_id: int
    until: float  # time.monotonic()


_targets: dict[str, _Target] = {}
_targets_lock = threading.Lock()  # for changes; reads need none


def _link_target(code: str) -> _Target | None:
    """Where the code leads, from memory, or read (and remembered) if the link exists."""
    now = time.monotonic()
    found = _targets.get(code)
    if found is not None and found.until > now:
        return found
    link = ShortLink.objects.filter(code=code).first()
    with _targets_lock:
        _targets.pop(code, None)  # re-added last, so eviction takes the oldest first
        if link is None:
            return None
        found = _Target(url=target_url(link), link_id=link.pk, until=now + CACHE_SECONDS)
        while len(_targets) >= CACHE_SIZE:
            del _targets[next(iter(_targets))]
        _targets[code] = found
    return found


def links_cache_clear() -> None:
    """Forget every remembered code (tests)."""
    with _targets_lock:
        _targets.clear()


def link_follow(*, code: str, request: HttpRequest) -> str | None:
    """Where /l/<code> sends this request (None: no such link); a person's click counts,
    at the time of the request."""
    found = _link_target(code)
    if found is None:
        return None
    if is_person(request):
        click_record(link_id=found.link_id, at=timezone.now())
    return found.url
