"""Media files at signed, expiring public addresses, for the networks that fetch them.

Instagram and Threads take no upload: they fetch each picture or video from a public URL
given with the post (`Connector.fetches_media_by_url`). Palabre gives them one address per
file, signed with the instance's secret and valid for `PALABRE_PUBLIC_MEDIA_SECONDS`: it
names nothing that could be guessed or enumerated (no id, no workspace, no file name in
clear), serves no other file once the item is gone, and stops working when it expires.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from palabre.channels.models import Channel
from palabre.lib.reachable import site_unreachable_reason
from palabre.networks.registry import connector_class
from palabre.publishing.models import MediaItem
from palabre.publishing.rules.base import Problem

# A signature made for these addresses is good for nothing else (django.core.signing).
SALT = "palabre.publishing.public_media"


def _file_mark(item: MediaItem) -> str:
    """Which file the address was made for: a database may give a deleted item's id to a
    new one, and the old address must not serve the new file."""
    return hashlib.sha256((item.file.name or "").encode()).hexdigest()[:16]


def media_public_token(item: MediaItem) -> str:
    return signing.dumps([item.pk, _file_mark(item)], salt=SALT)


def media_public_url(item: MediaItem) -> str:
    """The absolute address a network fetches the file from (SITE_URL: the instance as the
    internet reaches it)."""
    return settings.SITE_URL + reverse("public_media", args=[media_public_token(item)])


def media_for_public_token(token: str) -> MediaItem | None:
    """The item a token was signed for, while it is valid; None for anything else (a
    forged, altered or expired token, or an item since deleted)."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.PALABRE_PUBLIC_MEDIA_SECONDS)
    except (signing.BadSignature, ValueError):  # SignatureExpired is a BadSignature
        return None
    if not (isinstance(payload, list) and len(payload) == 2):
        return None
    pk, mark = payload
    if not isinstance(pk, int) or isinstance(pk, bool) or not isinstance(mark, str):
        return None
    item = MediaItem.objects.filter(pk=pk).first()
    if item is None or _file_mark(item) != mark:
        return None
    return item


def unreachable_media_problems(*, channels: list[Channel], media: list[MediaItem]) -> list[Problem]:
    """The composer's warning when files are to go to a network that fetches them, from an
    instance the internet cannot reach: the network would fail to, at publishing time.
    Settings → Channels says it too, but the person writing the post is here."""
    reason = site_unreachable_reason(settings.SITE_URL) if media else ""
    fetching = [c for c in channels if connector_class(c.connector).fetches_media_by_url]
    if not reason or not fetching:
        return []
    return [
        Problem(
            "publishing.media_unreachable",
            _(
                "%(network)s fetches each photo and video from this instance's address, which "
                "the internet cannot reach (%(reason)s): publishing them there will fail. The "
                "administrator sets SITE_URL to the instance's public https address."
            )
            % {"network": fetching[0].network_label, "reason": reason},
        )
    ]
