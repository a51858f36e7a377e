"""The demo network's connectors, all in the database: `DemoConnector` can do everything;
`DemoMastodonConnector` stands in for Mastodon, which cannot hide replies and offers
mute, block and report instead; `DemoLinkedInConnector` stands in for LinkedIn, which
cannot hide comments either and lets the organization delete those on its own posts."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from palabre.lib.ids import parse_id
from palabre.networks.base import (
    AccountMetrics,
    Author,
    Capability,
    Connector,
    IncomingInteraction,
    InteractionKind,
    InteractionPage,
    Media,
    MediaUpload,
    OutgoingPost,
    PostMetrics,
    PublishedPost,
    Rejected,
    Visibility,
    narrowest,
)
from palabre.networks.demo.models import (
    DemoAccount,
    DemoActivity,
    DemoAuthor,
    DemoPost,
    DemoReport,
)
from palabre.networks.kinds import NETWORKS, Network

PAGE_SIZE = 50
AUDIENCE_DELAY = timedelta(seconds=40)


def _post_pk(remote_id: str) -> int:
    kind, _, pk = remote_id.partition(":")
    number = parse_id(pk)
    if kind != "post" or number is None:
        raise Rejected(f"unknown post {remote_id!r}")
    return number


def _activity_pk(remote_id: str) -> int:
    kind, _, pk = remote_id.partition(":")
    number = parse_id(pk)
    if kind != "act" or number is None:
        raise Rejected(f"unknown comment {remote_id!r}")
    return number


class DemoConnector(Connector):
    key = "demo"
    label = "Demo network"
    capabilities = (
        Capability.PUBLISH
        | Capability.PUBLISH_MEDIA
        | Capability.REPLY
        | Capability.FETCH_COMMENTS
        | Capability.FETCH_MENTIONS
        | Capability.FETCH_MESSAGES
        | Capability.HIDE
        | Capability.POST_METRICS
        | Capability.ACCOUNT_METRICS
        | Capability.DELETE
    )

    visibilities = tuple(Visibility)

    @property
    def idempotent(self) -> bool:
        return True  # the demo network keeps each key once

    def publish(self, post: OutgoingPost) -> PublishedPost:
        if not post.text.strip() and not post.media:
            raise Rejected("A post needs text or media.")
        visibility = post.visibility or Visibility.PUBLIC
        return self._create(
            post.text, post.idempotency_key, post.reply_to or "", post.media, visibility
        )

    def upload_media(self, upload: MediaUpload) -> Media:
        digest = hashlib.sha256(upload.data).hexdigest()[:16]
        return Media(remote_id=f"media:{digest}", alt_text=upload.alt_text)

    def reply(
        self,
        *,
        to_remote_id: str,
        text: str,
        idempotency_key: str,
        created_at: datetime | None = None,
        visibility: Visibility | None = None,
    ) -> PublishedPost:
        if not text.strip():
            raise Rejected("A reply needs text.")
        # Never wider than what it answers, whatever was asked.
        audience = narrowest(visibility, self._visibility_of(to_remote_id)) or Visibility.PUBLIC
        return self._create(text, idempotency_key, to_remote_id, (), audience)

    def _visibility_of(self, remote_id: str) -> Visibility | None:
        """Who can read a post or an activity of this channel (None: not one of ours)."""
        kind, _, pk = remote_id.partition(":")
        rows = {"post": DemoPost.objects, "act": DemoActivity.objects}.get(kind)
        number = parse_id(pk)
        if rows is None or number is None:
            return None
        found = rows.filter(channel=self.channel, pk=number).values_list("visibility", flat=True)
        return Visibility(found[0]) if found else None

    def _create(
        self,
        text: str,
        key: str,
        in_reply_to: str,
        media: tuple[Media, ...],
        visibility: Visibility,
    ) -> PublishedPost:
        try:
            with transaction.atomic():
                post = DemoPost.objects.create(
                    channel=self.channel,
                    idempotency_key=key,
                    text=text,
                    in_reply_to=in_reply_to,
                    media_ids=[m.remote_id for m in media],
                    visibility=visibility.value,
                    # The simulated audience notices a new post within a minute.
                    next_attempt_at=None if in_reply_to else timezone.now() + AUDIENCE_DELAY,
                )
        except IntegrityError:
            # Sent before: the network answers with the post it already has.
            post = DemoPost.objects.get(channel=self.channel, idempotency_key=key)
        return PublishedPost(remote_id=post.remote_id, url=f"demo://{self.channel.pk}/{post.pk}")

    def fetch_interactions(self, *, cursor: str | None) -> InteractionPage:
        after = parse_id(cursor or "") or 0
        rows = list(
            DemoActivity.objects.filter(channel=self.channel, pk__gt=after).order_by("pk")[
                :PAGE_SIZE
            ]
        )
        # A blocked author's activity no longer reaches the account. A muted one's still
        # does: Palabre mutes without muting notifications, as on Mastodon.
        silenced = set(
            DemoAuthor.objects.filter(channel=self.channel, blocked=True).values_list(
                "author_id", flat=True
            )
        )
        items = tuple(self._interaction(r) for r in rows if r.author_handle not in silenced)
        next_cursor = str(rows[-1].pk) if rows else cursor
        return InteractionPage(items=items, next_cursor=next_cursor)

    def _interaction(self, row: DemoActivity) -> IncomingInteraction:
        root = f"post:{row.post_id}" if row.post_id else None
        return IncomingInteraction(
            remote_id=row.remote_id,
            kind=InteractionKind(row.kind),
            author=Author(row.author_handle, row.author_handle, row.author_name),
            created_at=row.created_at,
            text=row.text,
            in_reply_to=row.in_reply_to or root,
            root=root,
            visibility=Visibility(row.visibility),
        )

    def hide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, True)

    def unhide(self, *, remote_id: str) -> None:
        self._set_hidden(remote_id, False)

    def _set_hidden(self, remote_id: str, hidden: bool) -> None:
        found = DemoActivity.objects.filter(channel=self.channel, pk=_activity_pk(remote_id))
        if not found.update(hidden=hidden):
            raise Rejected(f"unknown comment {remote_id!r}")

    def post_metrics(self, *, remote_ids: list[str]) -> dict[str, PostMetrics]:
        result = {}
        for remote_id in remote_ids:
            counts = DemoActivity.objects.filter(channel=self.channel, post_id=_post_pk(remote_id))
            likes = counts.filter(kind=InteractionKind.LIKE).count()
            reposts = counts.filter(kind=InteractionKind.REPOST).count()
            replies = counts.filter(kind=InteractionKind.COMMENT).count()
            quotes = counts.filter(kind=InteractionKind.QUOTE).count()
            # Reach: a fifth of the followers plus what the engagements carry further; one
            # reader in 25 keeps the post, one in 40 clicks (no video: no video views). Each
            # only where the network played tells it.
            reach = self._followers() // 5 + 15 * (likes + reposts + replies + quotes)
            figures: dict[str, int | None] = {
                "reach": reach,
                "impressions": reach * 13 // 10,
                "saves": reach // 25,
                "clicks": reach // 40,
            }
            played = self._played()
            if not played.counts_quotes:  # a share with words is a share there
                reposts, quotes = reposts + quotes, 0
            result[remote_id] = PostMetrics(
                likes=likes,
                reposts=reposts,
                replies=replies,
                quotes=quotes,
                **played.told(figures),
            )
        return result

    def _played(self) -> Network:
        """The network this channel stands for."""
        return NETWORKS[self.channel.network]

    def delete(self, *, remote_id: str) -> None:
        DemoPost.objects.filter(channel=self.channel, pk=_post_pk(remote_id)).delete()

    def account_metrics(self) -> AccountMetrics:
        followers = self._followers()
        reach = followers // 3 if self._played().account_reach else None
        return AccountMetrics(followers=followers, reach=reach)

    def _followers(self) -> int:
        account, _created = DemoAccount.objects.get_or_create(channel=self.channel)
        return account.followers


class DemoMastodonConnector(DemoConnector):
    """The demo network as Mastodon: replies cannot be hidden; the brand's account mutes or
    blocks their author, or reports them to the instance's moderators."""

    key = "demo_mastodon"
    label = "Demo network (Mastodon)"
    capabilities = (DemoConnector.capabilities & ~Capability.HIDE) | (
        Capability.MUTE_AUTHOR | Capability.BLOCK_AUTHOR | Capability.REPORT
    )

    # Mastodon has no hide: calling one is a programming error, as it would be there.
    hide = Connector.hide
    unhide = Connector.unhide

    def mute_author(self, *, author_id: str) -> None:
        self._set(author_id, muted=True)

    def unmute_author(self, *, author_id: str) -> None:
        self._set(author_id, muted=False)

    def block_author(self, *, author_id: str) -> None:
        self._set(author_id, blocked=True)

    def unblock_author(self, *, author_id: str) -> None:
        self._set(author_id, blocked=False)

    def _set(self, author_id: str, **standing: bool) -> None:
        if not author_id:
            raise Rejected("Record not found")  # Mastodon's words for an unknown account
        DemoAuthor.objects.update_or_create(
            channel=self.channel, author_id=author_id, defaults=standing
        )

    def report(self, *, remote_id: str, author_id: str, reason: str) -> None:
        if not DemoActivity.objects.filter(
            channel=self.channel, pk=_activity_pk(remote_id)
        ).exists():
            raise Rejected("Record not found")
        DemoReport.objects.create(
            channel=self.channel, remote_id=remote_id, author_id=author_id, reason=reason
        )


class DemoLinkedInConnector(DemoConnector):
    """The demo network as LinkedIn: comments cannot be hidden; the organization deletes
    a comment on its own post instead (for everyone, no undoing)."""

    key = "demo_linkedin"
    label = "Demo network (LinkedIn)"
    capabilities = DemoConnector.capabilities & ~Capability.HIDE
    # As LinkedIn: a comment's answer is public, there is no narrower audience to pick.
    visibilities = (Visibility.PUBLIC,)
    deletes_comments = True

    hide = Connector.hide
    unhide = Connector.unhide

    def delete(self, *, remote_id: str) -> None:
        if not remote_id.startswith("act:"):
            super().delete(remote_id=remote_id)
            return
        # Only a comment under one of the organization's posts is the organization's to
        # delete (LinkedIn answers 403 otherwise).
        found = DemoActivity.objects.filter(
            channel=self.channel, pk=_activity_pk(remote_id), post__isnull=False
        )
        if not found.delete()[0]:
            raise Rejected(f"not allowed to delete {remote_id!r}")
