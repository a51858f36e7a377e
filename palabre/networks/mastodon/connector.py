"""Mastodon, through Mastodon.py, on any instance.

No hide capability: Mastodon lets an account delete its own posts but not hide other
people's replies, so Palabre declares it absent and the inbox says so.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from mastodon import Mastodon
from mastodon import errors as sdk

from palabre.lib import outbound
from palabre.networks.base import (
    AccountMetrics,
    AuthExpired,
    Capability,
    Connector,
    InteractionPage,
    Media,
    MediaUpload,
    OutgoingPost,
    PostMetrics,
    PublishedPost,
    RateLimited,
    Rejected,
    Unavailable,
    Visibility,
)
from palabre.networks.mastodon import parse

SCOPES = ["read", "write"]
TIMEOUT = 20
API_VERSION = "4.3.0"
MEDIA_POLLS = 30
MEDIA_POLL_SECONDS = 2
log = logging.getLogger(__name__)


class _Session(requests.Session):
    """Remembers the last response's headers: Mastodon.py drops Retry-After on a 429."""

    last_headers: dict[str, str] = {}

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        response = super().send(request, **kwargs)
        self.last_headers = dict(response.headers)
        return response


def client(
    instance: str,
    *,
    access_token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> Mastodon:
    return Mastodon(
        api_base_url=instance,
        access_token=access_token,
        client_id=client_id,
        client_secret=client_secret,
        ratelimit_method="throw",
        # The API this connector is written for, declared rather than probed (the probe is
        # an extra request on every client, and with no version Mastodon.py loops).
        mastodon_version=API_VERSION,
        version_check_mode="created",
        request_timeout=TIMEOUT,
        # The instance's address was typed by a person: every request is guarded.
        session=guarded_session(),
    )


def guarded_session() -> _Session:
    return outbound.guard_session(_Session())


def retry_after(headers: dict[str, str]) -> float | None:
    value = headers.get("Retry-After") or headers.get("retry-after")
    if value:
        if value.strip().isascii() and value.strip().isdigit():  # not "²"
            return float(value)
        try:
            return max((parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds(), 0.0)
        except (TypeError, ValueError):
            return None
    reset = headers.get("X-RateLimit-Reset")
    if reset:
        try:
            moment = datetime.fromisoformat(reset.replace("Z", "+00:00"))
        except ValueError:
            return None
        return max((moment - datetime.now(UTC)).total_seconds(), 0.0)
    return None


@contextmanager
def translated(api: Mastodon | None = None) -> Iterator[None]:
    try:
        yield
    except sdk.MastodonRatelimitError:
        headers = getattr(getattr(api, "session", None), "last_headers", {}) if api else {}
        raise RateLimited("rate limited", retry_after=retry_after(headers)) from None
    except sdk.MastodonUnauthorizedError as error:
        raise AuthExpired(_message(error)) from None
    except sdk.MastodonNetworkError as error:
        # Its text tells a closed port from a refused address or a web page: kept for the
        # operator's log, not for the person.
        log.info("Mastodon instance unreachable: %s", error)
        raise Unavailable(outbound.UNREACHABLE) from None
    except sdk.MastodonServerError as error:
        raise Unavailable(_message(error)) from None
    except (sdk.MastodonAPIError, sdk.MastodonIllegalArgumentError) as error:
        raise Rejected(_message(error)) from None


def _message(error: Exception) -> str:
    # MastodonAPIError args: (text, status code, reason, the server's own message)
    parts = [str(a) for a in error.args[1:] if a]
    return (parts[-1] if parts else str(error))[:500]


class MastodonConnector(Connector):
    key = "mastodon"
    label = "Mastodon"
    capabilities = (
        Capability.PUBLISH
        | Capability.PUBLISH_MEDIA
        | Capability.REPLY
        | Capability.FETCH_COMMENTS
        | Capability.FETCH_MENTIONS
        | Capability.FETCH_MESSAGES
        | Capability.POST_METRICS
        | Capability.ACCOUNT_METRICS
        | Capability.DELETE
    )

    visibilities = tuple(Visibility)

    @property
    def idempotent(self) -> bool:
        return True  # the Idempotency-Key header

    _api: Mastodon | None = None

    def api(self) -> Mastodon:
        if self._api is None:
            credentials = self.channel.credentials
            self._api = client(credentials["instance"], access_token=credentials["access_token"])
        return self._api

    def publish(self, post: OutgoingPost) -> PublishedPost:
        api = self.api()
        with translated(api):
            status = api.status_post(
                post.text,
                in_reply_to_id=post.reply_to,
                media_ids=[m.remote_id for m in post.media] or None,
                spoiler_text=post.content_warning or None,
                idempotency_key=post.idempotency_key,
                language=post.languages[0] if post.languages else None,
            )
        return PublishedPost(
            remote_id=str(status["id"]), url=status.get("url") or status.get("uri") or ""
        )

    def upload_media(self, upload: MediaUpload) -> Media:
        api = self.api()
        with translated(api):
            media = api.media_post(
                io.BytesIO(upload.data),
                mime_type=upload.content_type,
                description=upload.alt_text or None,
            )
            # 202: the instance is still processing (videos); a status can attach it once it has a URL.
            for _ in range(MEDIA_POLLS):
                if media.get("url"):
                    break
                time.sleep(MEDIA_POLL_SECONDS)
                media = api.media(media["id"])
            else:
                raise Unavailable("the instance is still processing the media")
        return Media(remote_id=str(media["id"]), alt_text=upload.alt_text)

    def reply(
        self,
        *,
        to_remote_id: str,
        text: str,
        idempotency_key: str,
        created_at: datetime | None = None,
        visibility: Visibility | None = None,
    ) -> PublishedPost:
        return self.publish(
            OutgoingPost(text=text, idempotency_key=idempotency_key, reply_to=to_remote_id)
        )

    def fetch_interactions(self, *, cursor: str | None) -> InteractionPage:
        api = self.api()
        with translated(api):
            found = api.notifications(
                since_id=cursor, limit=40, types=["mention", "favourite", "reblog", "follow"]
            )
        notes = sorted(found, key=parse.sort_key)
        items = tuple(i for i in map(parse.notification, notes) if i is not None)
        newest = parse.sort_key(notes[-1]) if notes else 0
        return InteractionPage(items=items, next_cursor=str(newest) if newest else cursor)

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        api = self.api()
        result = {}
        with translated(api):
            for remote_id in remote_ids:
                status = api.status(remote_id)
                result[remote_id] = PostMetrics(
                    likes=status["favourites_count"],
                    reposts=status["reblogs_count"],
                    replies=status["replies_count"],
                )
        return result

    def account_metrics(self) -> AccountMetrics:
        api = self.api()
        with translated(api):
            me = api.account_verify_credentials()
        return AccountMetrics(followers=me["followers_count"], following=me["following_count"])

    def delete(self, *, remote_id: str) -> None:
        api = self.api()
        with translated(api):
            api.status_delete(remote_id)
