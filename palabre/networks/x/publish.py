"""Publishing on X: media through the v2 media upload, then the post.

- an image: one request, `POST /2/media/upload` `{media (base64), media_category}`
  (https://docs.x.com/x-api/media/upload-media); a video or a GIF: chunked,
  `POST /2/media/upload/initialize` `{media_type, total_bytes, media_category}`, each chunk
  `POST /2/media/upload/{id}/append` `{media (base64), segment_index}`, then
  `POST /2/media/upload/{id}/finalize`; while its `processing_info.state` is pending or
  in_progress, `GET /2/media/upload?command=STATUS&media_id=` after `check_after_secs`
  (https://docs.x.com/x-api/media/quickstart/media-upload-chunked);
- alt text: `POST /2/media/metadata` `{id, metadata: {alt_text: {text}}}` (images and GIFs,
  at most 1,000 characters): https://docs.x.com/x-api/media/create-media-metadata
- the post: `POST /2/tweets` `{text, media: {media_ids}, reply: {in_reply_to_tweet_id},
  quote_tweet_id}`: https://docs.x.com/x-api/posts/create-post . A thread is a chain of
  answers, each part answering the one before (the publisher gives `reply_to`).

X takes no idempotency key: an interrupted publish is settled by reading the account's posts
back (connector.recent_posts, networks/reconcile.py). Nothing raises once X answered the
post's id.
"""

from __future__ import annotations

import base64
import time
from typing import Any

from django.utils.translation import gettext

from palabre.networks.base import (
    Media,
    MediaUpload,
    OutgoingPost,
    PublishedPost,
    Rejected,
    Unavailable,
)
from palabre.networks.x import client as api
from palabre.networks.x.client import XClient
from palabre.publishing.rules import entities

CHUNK = 1024 * 1024  # bytes per APPEND (X takes up to 5 MB; base64 adds a third)
ONE_REQUEST_BYTES = 5 * 1024 * 1024  # images up to 5 MB go in one request
ALT_TEXT_CHARS = 1000
PROCESSING_DEADLINE = 300.0  # seconds: a video X has not processed by then is tried again
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/bmp", "image/tiff", "image/pjpeg"}
VIDEO_TYPES = {"video/mp4", "video/quicktime", "video/webm", "video/mp2t"}


def post_url(handle: str, post_id: str) -> str:
    return (
        f"https://x.com/{handle}/status/{post_id}"
        if handle
        else f"https://x.com/i/web/status/{post_id}"
    )


def publish(client: XClient, post: OutgoingPost, *, handle: str) -> PublishedPost:
    body: dict[str, Any] = {"text": post.text}
    if post.media:
        body["media"] = {"media_ids": [api.check_id(m.remote_id) for m in post.media]}
    if post.reply_to:
        body["reply"] = {"in_reply_to_tweet_id": api.check_id(post.reply_to)}
    if post.quote_of:
        body["quote_tweet_id"] = api.check_id(post.quote_of)
    # X bills a post holding a link at its own price ("Content: Create (with URL)"); a link
    # is what X itself would count as one (twitter-text, as the composer counts).
    kind = api.POST_CREATE_URL if entities.urls(post.text) else api.POST_CREATE
    answer = client.post("/2/tweets", kind=kind, body=body)
    data = answer.get("data")
    post_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(post_id, str) or not api.ID.fullmatch(post_id):
        # No id X gives (digits): sent, perhaps; reconciliation (recent_posts) settles it.
        raise Unavailable(gettext("X answered without the post's id."))
    return PublishedPost(remote_id=post_id, url=post_url(handle, post_id))


def upload(client: XClient, upload: MediaUpload, *, pauses: tuple[float, ...]) -> Media:
    kind = upload.content_type.lower()
    if kind in IMAGE_TYPES and len(upload.data) <= ONE_REQUEST_BYTES:
        media_id = _one_request(client, upload)
    elif kind == "image/gif":
        media_id = _chunked(client, upload, "tweet_gif", pauses)
    elif kind in VIDEO_TYPES:
        media_id = _chunked(client, upload, "tweet_video", pauses)
    elif kind in IMAGE_TYPES:
        raise Rejected(gettext("X accepts images of up to 5 MB."))
    else:
        raise Rejected(
            gettext("X does not accept this kind of file (%(type)s).") % {"type": kind[:60] or "?"}
        )
    if upload.alt_text and kind not in VIDEO_TYPES:
        client.post(
            "/2/media/metadata",
            kind=api.MEDIA_UPLOAD,
            body={
                "id": media_id,
                "metadata": {"alt_text": {"text": upload.alt_text[:ALT_TEXT_CHARS]}},
            },
        )
    return Media(remote_id=media_id, alt_text=upload.alt_text, content_type=upload.content_type)


def _one_request(client: XClient, upload: MediaUpload) -> str:
    answer = client.post(
        "/2/media/upload",
        kind=api.MEDIA_UPLOAD,
        body={"media": base64.b64encode(upload.data).decode(), "media_category": "tweet_image"},
    )
    return _media_id(answer)


def _chunked(client: XClient, upload: MediaUpload, category: str, pauses: tuple[float, ...]) -> str:
    answer = client.post(
        "/2/media/upload/initialize",
        kind=api.MEDIA_UPLOAD,
        body={
            "media_type": upload.content_type.lower(),
            "total_bytes": len(upload.data),
            "media_category": category,
        },
    )
    media_id = api.check_id(_media_id(answer))
    for index, start in enumerate(range(0, len(upload.data), CHUNK)):
        chunk = base64.b64encode(upload.data[start : start + CHUNK]).decode()
        client.post(
            f"/2/media/upload/{media_id}/append",
            kind=api.MEDIA_UPLOAD,
            body={"media": chunk, "segment_index": index},
        )
    answer = client.post(f"/2/media/upload/{media_id}/finalize", kind=api.MEDIA_UPLOAD)
    _wait(client, media_id, answer, pauses)
    return media_id


def _wait(
    client: XClient, media_id: str, answer: dict[str, Any], pauses: tuple[float, ...]
) -> None:
    """Until X has processed the video: succeeded, or a clear refusal."""
    deadline = time.monotonic() + PROCESSING_DEADLINE
    for attempt in range(10_000):
        info = _dict(_dict(answer.get("data")).get("processing_info"))
        state = info.get("state")
        if not info or state == "succeeded":
            return
        if state == "failed":
            raise Rejected(gettext("X could not process the video or GIF."))
        pause = pauses[min(attempt, len(pauses) - 1)] if pauses else 1.0
        after = info.get("check_after_secs")
        if isinstance(after, int) and not isinstance(after, bool) and pauses == PAUSES:
            pause = max(pause, float(after))
        if time.monotonic() + pause > deadline:
            raise Unavailable(gettext("X was still processing the video; it will be tried again."))
        time.sleep(pause)
        answer = client.get(
            "/2/media/upload", kind=api.MEDIA_UPLOAD, media_id=media_id, command="STATUS"
        )


PAUSES = (1.0, 2.0, 4.0, 8.0, 15.0)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _media_id(answer: dict[str, Any]) -> str:
    found = _dict(answer.get("data")).get("id")
    if isinstance(found, str) and found:
        return found
    raise Unavailable(gettext("X answered without the media's id."))
