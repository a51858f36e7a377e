"""Tracked links: the address a short link sends to, and who counts as a person clicking.

A short link redirects only to the destination stored with it, so /l/ is never an open
redirect: there is no parameter to change where it goes.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from palabre.accounts.models import User, Workspace
from palabre.strategy.models import Click, ShortLink

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
    agent = request.META.get("HTTP_USER_AGENT", "")
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


def link_follow(*, code: str, request: HttpRequest) -> str | None:
    """Where /l/<code> sends this request (None: no such link); a person's click counts."""
    link = ShortLink.objects.filter(code=code).first()
    if link is None:
        return None
    if is_person(request):
        Click.objects.create(link=link)
    return target_url(link)
