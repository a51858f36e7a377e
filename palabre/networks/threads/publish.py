"""Publishing on Threads: a media container, then its publication.

https://developers.facebook.com/docs/threads/posts
- `POST /{user}/threads` creates a container: `media_type` TEXT (with `text`), IMAGE
  (`image_url`), VIDEO (`video_url`), each with `alt_text`, `reply_to_id`, `reply_control`;
  a carousel is 2 to 20 item containers (`is_carousel_item=true`) gathered by a CAROUSEL
  container (`children`: their ids, separated by commas);
- `POST /{user}/threads_publish` with `creation_id` publishes it and answers the post's id.
  Parameters: https://developers.facebook.com/docs/threads/reference/publishing

Threads fetches each image or video from its URL (Palabre's signed public URL) and processes
it; a container with media is published once its `status` says FINISHED (IN_PROGRESS,
FINISHED, ERROR with an `error_message`, EXPIRED, PUBLISHED):
https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id

Nothing here raises once `threads_publish` answered the post's id: the post is out, and saying otherwise
would have it sent twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext, gettext_noop

from palabre.networks.base import (
    ConnectorError,
    Media,
    OutgoingPost,
    PublishedPost,
    Rejected,
    Unavailable,
)
from palabre.networks.meta.graph import Graph

MAX_CAROUSEL = 20  # "Carousels are limited to 20 images, videos, or a mix of the two."
# Waiting for Threads to process the media, at growing intervals (Meta suggests once a
# minute; an image is usually ready within seconds). The whole publish, container waits
# included, ends within PUBLISH_DEADLINE or publishes nothing: an interrupted send can only
# have left a post within that time (`ThreadsConnector.read_back_within`).
PAUSES = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
CONTAINER_DEADLINE = 300.0  # seconds
PUBLISH_DEADLINE = 360.0


def container_error(code: str) -> str:
    """The person's words for a container's `error_message` (the documented ones)."""
    known = {
        "FAILED_DOWNLOADING_VIDEO": gettext("Threads could not download the video."),
        "FAILED_PROCESSING_AUDIO": gettext("Threads could not process the video's sound."),
        "FAILED_PROCESSING_VIDEO": gettext("Threads could not process the video."),
        # Sic: the documented code is spelt so.
        "INVALID_ASPEC_RATIO": gettext("Threads does not accept the video's aspect ratio."),
        "INVALID_BIT_RATE": gettext("Threads does not accept the video's bit rate."),
        "INVALID_DURATION": gettext("Threads accepts videos of up to 5 minutes."),
        "INVALID_FRAME_RATE": gettext("Threads accepts videos of 23 to 60 frames per second."),
        "INVALID_AUDIO_CHANNELS": gettext("Threads accepts video sound in mono or stereo only."),
        "INVALID_AUDIO_CHANNEL_LAYOUT": gettext(
            "Threads does not accept the layout of the video's sound channels."
        ),
    }
    if code in known:
        return known[code]
    return gettext("Threads could not process the media (%(code)s).") % {
        "code": code[:100] or "UNKNOWN"
    }


EXPIRED = gettext_noop("Threads let the media container expire before it was published.")
STILL_PROCESSING = gettext_noop("Threads was still processing the media; it will be tried again.")


class Publisher:
    """One publish (a post, a thread's part or an answer) for the account `user_id`."""

    def __init__(self, graph: Graph, user_id: str, pauses: tuple[float, ...] = PAUSES) -> None:
        self.graph = graph
        self.user_id = user_id
        self.pauses = pauses

    def publish(self, post: OutgoingPost) -> PublishedPost:
        if len(post.media) > MAX_CAROUSEL:
            raise Rejected(
                gettext("Threads takes at most %(count)s images or videos in a post.")
                % {"count": MAX_CAROUSEL}
            )
        started = time.monotonic()
        container = self._container(post, started + CONTAINER_DEADLINE)
        if time.monotonic() > started + PUBLISH_DEADLINE:
            raise Unavailable(gettext(STILL_PROCESSING))
        answer = self.graph.post(f"{self.user_id}/threads_publish", data={"creation_id": container})
        media_id = _id_of(answer)
        return PublishedPost(remote_id=media_id, url=self._permalink(media_id))

    def _container(self, post: OutgoingPost, deadline: float) -> str:
        common = {
            "text": post.text or None,
            "reply_to_id": post.reply_to or None,
            # https://developers.facebook.com/docs/threads/reply-management#control-who-can-reply
            "reply_control": post.reply_control or None,
        }
        if not post.media:
            return self._create({"media_type": "TEXT", **common})
        if len(post.media) == 1:
            container = self._create({**_media(post.media[0]), **common})
        else:
            children = [self._create({**_media(m), "is_carousel_item": True}) for m in post.media]
            for child in children:
                self._wait(child, deadline)
            container = self._create(
                {"media_type": "CAROUSEL", "children": ",".join(children), **common}
            )
        self._wait(container, deadline)
        return container

    def _create(self, params: dict[str, Any]) -> str:
        return _id_of(self.graph.post(f"{self.user_id}/threads", data=params))

    def _wait(self, container: str, deadline: float) -> None:
        """Until Threads has processed the container's media: FINISHED, or a clear refusal."""
        for pause in self._pauses():
            status = self.graph.get(container, fields="status,error_message")
            state = status.get("status")
            if state == "FINISHED":
                return
            if state == "ERROR":
                raise Rejected(container_error(str(status.get("error_message") or "")))
            if state == "EXPIRED":
                raise Rejected(gettext(EXPIRED))
            left = deadline - time.monotonic()
            if left <= 0:
                raise Unavailable(gettext(STILL_PROCESSING))
            time.sleep(min(pause, left))

    def _pauses(self) -> Iterator[float]:
        yield from self.pauses
        while True:
            yield self.pauses[-1] if self.pauses else 1.0

    def _permalink(self, media_id: str) -> str:
        """The post's address, for the person; the post is out whatever happens here."""
        try:
            found = self.graph.get(media_id, fields="permalink").get("permalink")
        except ConnectorError:
            return ""
        return found if isinstance(found, str) else ""


def _media(media: Media) -> dict[str, Any]:
    """An image or a video container's parameters; Threads fetches `remote_id`, the URL."""
    if media.content_type.startswith("video/"):
        params: dict[str, Any] = {"media_type": "VIDEO", "video_url": media.remote_id}
    else:
        params = {"media_type": "IMAGE", "image_url": media.remote_id}
    if media.alt_text:
        params["alt_text"] = media.alt_text  # at most 1,000 characters (the composer checks)
    return params


def _id_of(answer: dict[str, Any]) -> str:
    found = answer.get("id")
    if isinstance(found, str | int) and not isinstance(found, bool) and str(found):
        return str(found)
    raise Unavailable(gettext("Threads answered without an id."))
