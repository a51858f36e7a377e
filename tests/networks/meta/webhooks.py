"""Webhook payloads as Meta sends them, and sending them: a POST of the JSON body signed with
`X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body keyed by the app secret>`, and the
GET subscription handshake (`hub.mode=subscribe`, `hub.challenge`, `hub.verify_token`).

- signing and the handshake: https://developers.facebook.com/docs/graph-api/webhooks/getting-started
- Page `feed`: https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed
- Instagram `comments`, `mentions`: https://developers.facebook.com/docs/instagram-platform/webhooks
  and https://developers.facebook.com/docs/instagram-platform/webhooks/examples
- Threads `replies`, `mentions`: https://developers.facebook.com/docs/threads/webhooks

schemas.py declares each shape; the fidelity test validates what these builders make.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send(
    url: str, payload: dict[str, Any], *, secret: str, signed: bool = True, tamper: bool = False
) -> httpx.Response:
    """POST `payload` to `url` as Meta does; `tamper` signs another body (a forged call)."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "facebookexternalua"}
    if signed:
        headers["X-Hub-Signature-256"] = signature(body + (b" " if tamper else b""), secret)
        headers["X-Hub-Signature"] = (
            "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
        )
    return httpx.post(url, content=body, headers=headers, timeout=30)


def handshake(url: str, *, verify_token: str, challenge: str = "1158201444") -> httpx.Response:
    """The GET Meta sends when a subscription is made: it expects `challenge` back."""
    params = {"hub.mode": "subscribe", "hub.challenge": challenge, "hub.verify_token": verify_token}
    return httpx.get(url, params=params, timeout=30)


def page_feed(
    *,
    page_id: str,
    time: int,
    item: str,
    verb: str,
    post_id: str,
    from_id: str,
    from_name: str,
    message: str = "",
    comment_id: str | None = None,
    parent_id: str | None = None,
    created_time: int | None = None,
    published: int = 1,
) -> dict[str, Any]:
    """A Page `feed` change: item comment/post/status, verb add/edited/remove."""
    value: dict[str, Any] = {
        "from": {"id": from_id, "name": from_name},
        "item": item,
        "post_id": post_id,
        "verb": verb,
        "created_time": created_time or time,
    }
    if item == "comment":
        value["comment_id"] = comment_id
        value["parent_id"] = parent_id or post_id
        value["post"] = {"id": post_id, "status_type": "mobile_status_update", "is_published": True}
    else:
        value["published"] = published
    if message and verb != "remove":
        value["message"] = message
    return {
        "object": "page",
        "entry": [{"id": page_id, "time": time, "changes": [{"field": "feed", "value": value}]}],
    }


def instagram_comment(
    *,
    ig_user_id: str,
    time: int,
    comment_id: str,
    text: str,
    media_id: str,
    from_id: str,
    from_username: str,
    parent_id: str | None = None,
    media_product_type: str = "FEED",
) -> dict[str, Any]:
    value: dict[str, Any] = {
        "from": {"id": from_id, "username": from_username},
        "media": {"id": media_id, "media_product_type": media_product_type},
        "id": comment_id,
        "text": text,
    }
    if parent_id:
        value["parent_id"] = parent_id
    return {
        "object": "instagram",
        "entry": [
            {"id": ig_user_id, "time": time, "changes": [{"field": "comments", "value": value}]}
        ],
    }


def instagram_mention(
    *, ig_user_id: str, time: int, media_id: str, comment_id: str | None = None
) -> dict[str, Any]:
    """A mention in a comment (media_id + comment_id) or in a caption (media_id only)."""
    value: dict[str, Any] = {"media_id": media_id}
    if comment_id:
        value["comment_id"] = comment_id
    return {
        "object": "instagram",
        "entry": [
            {"id": ig_user_id, "time": time, "changes": [{"field": "mentions", "value": value}]}
        ],
    }


def threads_event(
    *,
    field: str,
    app_id: str,
    target_id: str,
    time: int,
    media: dict[str, Any],
) -> dict[str, Any]:
    """A Threads `replies` or `mentions` event; `media` is the reply or post (id, username,
    text, media_type, permalink, shortcode, timestamp, replied_to, root_post, is_reply…)."""
    return {
        "app_id": app_id,
        "topic": "moderate" if field == "replies" else "interaction",
        "target_id": target_id,
        "time": time,
        "subscription_id": f"{app_id}{target_id}"[-16:],
        "has_uid_field": False,
        "values": {"value": media, "field": field},
    }
