"""Instagram's two-step publishing: media containers, polled until ready, then published.

https://developers.facebook.com/docs/instagram-platform/content-publishing
- `POST /{ig-user-id}/media` makes a container: an image (`image_url`, `alt_text`), a reel
  (`media_type=REELS`, `video_url`; no alt text there), a carousel item
  (`is_carousel_item=true`; a video item is `media_type=VIDEO`), or a carousel
  (`media_type=CAROUSEL`, `children`: 2 to 10 item containers); the caption goes on the
  container that is published. Instagram fetches each file from its URL.
- `GET /{container-id}?fields=status_code,status`: IN_PROGRESS, FINISHED, ERROR (`status`
  says why), EXPIRED (not published within 24 hours), PUBLISHED.
  https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container
- `POST /{ig-user-id}/media_publish` with `creation_id` publishes one and answers the media id.

A container is not a post: making another is always safe. Containers still processing when a
publish call gives up are kept (in this process, by channel and idempotency key) so that the
retry waits for them instead of starting over; an expired one is replaced.
"""

from __future__ import annotations

import mimetypes
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext

from palabre.networks.base import (
    AuthExpired,
    ConnectorError,
    Media,
    OutgoingPost,
    RateLimited,
    Rejected,
    Unavailable,
)
from palabre.networks.meta.graph import Graph

# Seconds between two reads of a container's status, then the last one again, within one
# publish call; after WAIT_BUDGET the call gives up (Unavailable) and the worker comes back.
POLL_WAITS = (0.2, 0.5, 1.0, 2.0, 4.0, 8.0)
WAIT_BUDGET = 60.0
CAROUSEL = range(2, 11)
KEPT_MAX = 256
# Subcodes in a container's ERROR `status` that mean Instagram could not download the file.
DOWNLOAD_FAILED = re.compile(r"2207003|2207052|\bdownload|\bfetch|\bur[il]\b", re.IGNORECASE)

_kept: OrderedDict[tuple[int, str, str], str] = OrderedDict()


class Expired(Exception):
    """A container expired before it was published."""


def is_video(media: Media) -> bool:
    kind = media.content_type or mimetypes.guess_type(urlsplit(media.remote_id).path)[0] or ""
    return kind.startswith("video/")


def shape(post: OutgoingPost) -> str:
    """ "image", "reel" or "carousel", from the post's media and its chosen format."""
    media, chosen = post.media, post.media_format or "feed"
    if not media:
        raise Rejected(gettext("Instagram publishes an image, a video or a carousel: add one."))
    if chosen == "carousel" or len(media) > 1:
        if chosen == "reel":
            raise Rejected(gettext("A reel is one video."))
        if len(media) not in CAROUSEL:
            raise Rejected(
                gettext("A carousel holds 2 to 10 images or videos; this one has %(count)s.")
                % {"count": len(media)}
            )
        return "carousel"
    if is_video(media[0]):
        return "reel"  # Instagram publishes every single video as a reel
    if chosen == "reel":
        raise Rejected(gettext("A reel is a video, not an image."))
    return "image"


class Publishing:
    """One post's containers, for the account `ig_user_id`; `key` names them across retries."""

    def __init__(
        self,
        graph: Graph,
        ig_user_id: str,
        *,
        key: tuple[int, str],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.graph = graph
        self.ig_user_id = ig_user_id
        self.key = key
        self.sleep = sleep
        self.deadline = time.monotonic() + WAIT_BUDGET

    def ready_container(self, post: OutgoingPost) -> str:
        """The post's container, FINISHED; made again once if one of its containers expired."""
        for _ in range(2):
            try:
                return self._build(post, shape(post))
            except Expired:
                self.forget()
        raise Rejected(gettext("Instagram let the media expire before it was published."))

    def publish(self, container_id: str) -> str:
        """Publish the container; the new media's id."""
        try:
            answer = self.graph.post(
                f"{self.ig_user_id}/media_publish", data={"creation_id": container_id}
            )
        except (RateLimited, AuthExpired):
            raise  # refused before anything was published: the container waits for the retry
        except ConnectorError:
            self.forget()  # it may be published: the retry looks for the post (reconcile.py)
            raise
        self.forget()
        media_id = answer.get("id")
        if not isinstance(media_id, str | int) or isinstance(media_id, bool) or not media_id:
            raise Unavailable(gettext("Instagram did not say which post it published."))
        return str(media_id)

    def forget(self) -> None:
        for name in [n for n in _kept if n[:2] == self.key]:
            del _kept[name]

    def _build(self, post: OutgoingPost, kind: str) -> str:
        if kind == "carousel":
            children = [
                self._ready(f"item{i}", partial(self._item, m)) for i, m in enumerate(post.media)
            ]
            params: dict[str, Any] = {"media_type": "CAROUSEL", "children": ",".join(children)}
            return self._ready("carousel", lambda: self._create(params | {"caption": post.text}))
        only = post.media[0]
        if kind == "reel":
            params = {"media_type": "REELS", "video_url": only.remote_id}
        else:
            params = {"image_url": only.remote_id, "alt_text": only.alt_text or None}
        return self._ready(kind, lambda: self._create(params | {"caption": post.text}))

    def _item(self, media: Media) -> str:
        params: dict[str, Any]
        if is_video(media):
            params = {"media_type": "VIDEO", "video_url": media.remote_id}
        else:
            params = {"image_url": media.remote_id, "alt_text": media.alt_text or None}
        return self._create(params | {"is_carousel_item": True})

    def _create(self, params: dict[str, Any]) -> str:
        answer = self.graph.post(f"{self.ig_user_id}/media", data=params)
        container_id = answer.get("id")
        if not isinstance(container_id, str | int) or isinstance(container_id, bool):
            raise Unavailable(gettext("Instagram did not say which container it made."))
        return str(container_id)

    def _ready(self, role: str, create: Callable[[], str]) -> str:
        """A FINISHED container for `role`: the one kept from an earlier call, or a new one."""
        name = (*self.key, role)
        container_id = _kept.get(name) or create()
        _kept[name] = container_id
        _kept.move_to_end(name)
        while len(_kept) > KEPT_MAX:
            _kept.popitem(last=False)
        self._wait(container_id)
        return container_id

    def _wait(self, container_id: str) -> None:
        waits = iter(POLL_WAITS)
        while True:
            answer = self.graph.get(container_id, fields="status_code,status")
            code, status = answer.get("status_code"), str(answer.get("status") or "")[:300]
            if code == "FINISHED":
                return
            if code == "EXPIRED":
                raise Expired
            if code == "ERROR":
                self.forget()
                raise Rejected(_error_reason(status))
            if code == "PUBLISHED":
                # Published by an earlier call whose answer was lost: never a second time.
                self.forget()
                raise Unavailable(gettext("Instagram already published this media."))
            wait = next(waits, POLL_WAITS[-1])
            if time.monotonic() + wait > self.deadline:
                raise Unavailable(gettext("Instagram is still processing the media."))
            self.sleep(wait)


def _error_reason(status: str) -> str:
    if DOWNLOAD_FAILED.search(status):
        return gettext(
            "Instagram could not download the media from this instance (it must be reachable "
            "from the internet): %(status)s"
        ) % {"status": status}
    return gettext("Instagram could not use the media: %(status)s") % {"status": status}
