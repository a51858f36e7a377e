"""The media library: uploads inspected and kept, alt text and tags, deletion.

A media item is part of the content of every post that uses it. So changing its alt text,
or deleting it, sends each approved or scheduled post that uses it back to review (the
approver approved that picture with that description); and once it went out with a post,
it is kept as published: it cannot be deleted and its alt text cannot change (what went
out is never lost; a new description is a new upload). Tags only sort the library.

Uploads are never read whole into memory: Django keeps a large upload in a temporary file,
the inspection reads its header there, and saving it moves or streams that file.
"""

from __future__ import annotations

import contextlib
import io
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import IO, cast

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from palabre.accounts.models import User, Workspace
from palabre.lib.media_storage import storage_error_reason, storage_errors
from palabre.lib.mediainfo import (
    MAX_IMAGE_BYTES,
    MAX_PIXELS,
    ImageTooHeavy,
    MediaInfo,
    TooManyPixels,
    UnreadableMedia,
    UnreadablePdf,
    inspect_file,
)
from palabre.lib.mediameta import (
    image_has_metadata,
    image_without_metadata,
    video_blank_metadata,
)
from palabre.publishing import workflow
from palabre.publishing.content import post_change_record, post_content
from palabre.publishing.models import MediaItem, Post, PostStatus, PostTarget, gone_out

APPROVED = (PostStatus.APPROVED, PostStatus.SCHEDULED)


class MediaRefused(ValueError):
    """The upload or change cannot be made; the message says why, for the person."""


class MediaWentOut(ValueError):
    """The item went out with these posts: it is kept as published."""

    def __init__(self, posts: list[Post]) -> None:
        super().__init__(f"went out with {len(posts)} post(s)")
        self.posts = posts


def media_upload(
    *, workspace: Workspace, uploaded_by: User, upload: UploadedFile, alt_text: str, tags: list[str]
) -> MediaItem:
    """Inspect the upload where it lies and keep it, streamed, without reading it whole."""
    stream = cast(IO[bytes], upload)  # an UploadedFile reads, seeks and tells like a file
    size = stream.seek(0, io.SEEK_END)  # measured from the stream, not the client's word
    stream.seek(0)
    limit = settings.PALABRE_MAX_UPLOAD_MB * 1_000_000
    if size > limit or getattr(upload, "over_limit", False):  # see lib/uploads.py
        raise MediaRefused(
            _("This file is over %(max)s MB, the most Palabre accepts.")
            % {"max": settings.PALABRE_MAX_UPLOAD_MB}
        )
    info = _inspect(stream, upload.name or "")
    cleaned = _without_metadata(stream, info)
    if cleaned is not None:
        info = replace(info, size=len(cleaned))
    content = upload if cleaned is None else ContentFile(cleaned)
    return _keep(workspace, uploaded_by, upload.name or "media", info, content, alt_text, tags)


def media_store(
    *,
    workspace: Workspace,
    uploaded_by: User,
    name: str,
    data: bytes,
    alt_text: str,
    tags: list[str],
) -> MediaItem:
    """Inspect the bytes (refusing what no network would take) and keep them in the library."""
    stream = io.BytesIO(data)
    info = _inspect(stream, name)
    cleaned = _without_metadata(stream, info)
    data = stream.getvalue() if cleaned is None else cleaned
    info = replace(info, size=len(data))
    return _keep(workspace, uploaded_by, name, info, ContentFile(data), alt_text, tags)


def _without_metadata(stream: IO[bytes], info: MediaInfo) -> bytes | None:
    """Where and with what it was taken, taken out (lib/mediameta.py): an image's bytes
    without it (read whole, under MAX_IMAGE_BYTES, only when it has some), or None: kept
    as it came, a video's boxes blanked where it lies (never read into memory)."""
    try:
        if info.kind == "image" and image_has_metadata(stream, info.content_type, info.size):
            stream.seek(0)
            return image_without_metadata(stream.read(info.size), info.content_type)
        if info.kind == "video":
            video_blank_metadata(stream, info.size)
        return None
    finally:
        stream.seek(0)


def _inspect(stream: IO[bytes], name: str) -> MediaInfo:
    try:
        return inspect_file(stream, filename=name)
    except TooManyPixels:
        raise MediaRefused(
            _(
                "This image has too many pixels to be opened safely (%(max)s million at most): "
                "make it smaller and try again."
            )
            % {"max": MAX_PIXELS // 1_000_000}
        ) from None
    except ImageTooHeavy:
        raise MediaRefused(
            _("This image weighs over %(max)s MB: no network takes an image that heavy.")
            % {"max": MAX_IMAGE_BYTES // 1_000_000}
        ) from None
    except UnreadablePdf:
        raise MediaRefused(
            _("This PDF is cut short or corrupt: export it again and upload it whole.")
        ) from None
    except UnreadableMedia:
        raise MediaRefused(
            _(
                "This file is not a readable JPEG, PNG, GIF or WebP image or MP4/MOV video; it may be corrupt."
            )
        ) from None
    finally:
        stream.seek(0)


def _keep(
    workspace: Workspace,
    uploaded_by: User,
    name: str,
    info: MediaInfo,
    content: File[bytes],
    alt_text: str,
    tags: list[str],
) -> MediaItem:
    item = MediaItem(
        workspace=workspace,
        name=name[:200],
        kind=info.kind,
        content_type=info.content_type,
        size=info.size,
        width=info.width,
        height=info.height,
        duration=info.duration,
        alt_text=alt_text,
        tags=tags,
        uploaded_by=uploaded_by,
    )
    # The storage moves a temporary upload into place, or copies it chunk by chunk; a copy
    # cut short (a full disk) leaves its part behind, which is removed here.
    storage = item.file.storage
    target = item.file.field.generate_filename(item, name)
    try:
        item.file.name = storage.save(target, content, max_length=item.file.field.max_length)
    except storage_errors() as error:  # a bucket refusing or away, a disk full
        _forget(storage, target)
        raise MediaRefused(
            _(
                "The media storage did not take the file (%(reason)s): nothing was added. "
                "Try again in a moment; if it goes on, the administrator should check the "
                "storage's settings."
            )
            % {"reason": storage_error_reason(error)}
        ) from None
    try:
        item.save()
    except BaseException:
        _forget(storage, item.file.name)
        raise
    return item


def _forget(storage: Storage, name: str) -> None:
    """Remove what a failed save left, if anything; a second failure changes nothing."""
    with contextlib.suppress(*storage_errors()):
        if storage.exists(name):
            storage.delete(name)


@dataclass(frozen=True)
class MediaUse:
    """The posts that use a media item, as the library shows them before any change."""

    posts: list[Post] = field(default_factory=list)
    approved: list[Post] = field(default_factory=list)  # a change sends them back to review
    went_out: list[Post] = field(default_factory=list)  # it stays as published


def media_uses(*, items: list[MediaItem]) -> dict[int, MediaUse]:
    """For each item, the posts using it, in three queries whatever the number of items."""
    through = MediaItem.variants.through.objects.filter(mediaitem__in=items)
    pairs = set(through.values_list("mediaitem_id", "postvariant__post_id"))
    posts = Post.objects.select_related("workspace").in_bulk({p for _i, p in pairs})
    gone = set(
        PostTarget.objects.filter(gone_out(), variant__media__in=items).values_list(
            "variant__media", "post_id"
        )
    )
    by_item: dict[int, list[Post]] = defaultdict(list)
    for item_id, post_id in sorted(pairs, key=lambda pair: -pair[1]):
        by_item[item_id].append(posts[post_id])
    return {
        item.pk: MediaUse(
            posts=by_item[item.pk],
            approved=[p for p in by_item[item.pk] if _needs_new_approval(p)],
            went_out=[p for p in by_item[item.pk] if (item.pk, p.pk) in gone],
        )
        for item in items
    }


def media_changes_what_goes_out(*, item: MediaItem) -> bool:
    """Whether a cleared post carries it, in a workspace without approvals: changing its
    alt text or deleting it changes what goes out, which only those who compose may do
    (a contributor manages media, not posts)."""
    return any(
        workflow.post_edit_goes_out(post=post) for post in media_uses(items=[item])[item.pk].posts
    )


def _needs_new_approval(post: Post) -> bool:
    return post.workspace.approval_required and post.status in APPROVED


@dataclass(frozen=True)
class MediaChange:
    back_to_review: list[Post] = field(default_factory=list)
    alt_kept: list[Post] = field(default_factory=list)  # the alt text went out with these


@transaction.atomic
def media_update(*, item: MediaItem, alt_text: str, tags: list[str], actor: User) -> MediaChange:
    """New tags always; a new alt text unless the item went out, and then to review again."""
    users, went_out = _posts_using(item)
    new_alt = alt_text != item.alt_text
    if not new_alt or went_out:
        item.tags = tags
        item.save(update_fields=["tags"])
        return MediaChange(alt_kept=went_out if new_alt else [])
    before = {post.pk: post_content(post) for post in users}
    item.alt_text, item.tags = alt_text, tags
    item.save(update_fields=["alt_text", "tags"])
    for post in users:  # each post that shows it: its history says so
        post_change_record(post=post, actor=actor, before=before[post.pk])
    return MediaChange(back_to_review=_back_to_review(users, actor))


@transaction.atomic
def media_delete(*, item: MediaItem, actor: User) -> MediaChange:
    """Delete an item no post went out with; the approved posts that used it go to review."""
    users, went_out = _posts_using(item)
    if went_out:
        raise MediaWentOut(went_out)
    storage, name = item.file.storage, item.file.name
    item.delete()
    # The file goes once the row is gone for good: a rollback keeps both.
    transaction.on_commit(lambda: storage.delete(name) if name else None)
    return MediaChange(back_to_review=_back_to_review(users, actor))


def _posts_using(item: MediaItem) -> tuple[list[Post], list[Post]]:
    """The posts using the item, and those it went out with (or may have)."""
    # Lock the item's targets first, so the publisher cannot claim one meanwhile (PostgreSQL;
    # SQLite writes one transaction at a time anyway).
    list(PostTarget.objects.select_for_update(of=("self",)).filter(variant__media=item))
    users = Post.objects.filter(variants__media=item).distinct().order_by("-pk")
    went_out = users.filter(gone_out("targets__"), targets__variant__media=item)
    return list(users), list(went_out.distinct())


def _back_to_review(posts: list[Post], actor: User) -> list[Post]:
    """The workflow decides, post by post (and tells the approvers); report those it moved."""
    reason = _("A media item it uses was changed or deleted in the library.")
    return [p for p in posts if workflow.post_edited(post=p, actor=actor, reason=reason)]


def media_post_names(posts: list[Post], *, titles: bool = True, most: int = 5) -> str:
    """“Idea…”, “Idea…” (or post numbers for someone who may not read the posts)."""
    names = [f"“{p.idea[:40]}”" if titles else f"#{p.pk}" for p in posts[:most]]
    if len(posts) > most:
        names.append("…")
    return ", ".join(names)


def media_went_out_message(item: MediaItem, posts: list[Post], *, titles: bool) -> str:
    return _(
        "“%(name)s” went out with %(posts)s: what was published is kept, so it cannot be "
        "deleted, and its alt text stays as published (upload it again for another one)."
    ) % {"name": item.name, "posts": media_post_names(posts, titles=titles)}


def media_review_message(posts: list[Post], *, titles: bool) -> str:
    return ngettext(
        "%(count)s approved post used it and goes back to review: %(posts)s.",
        "%(count)s approved posts used it and go back to review: %(posts)s.",
        len(posts),
    ) % {"count": len(posts), "posts": media_post_names(posts, titles=titles)}


def parse_tags(raw: str) -> list[str]:
    seen: dict[str, None] = {}
    for tag in raw.split(","):
        clean = tag.strip().lstrip("#")[:30]
        if clean:
            seen.setdefault(clean, None)
    return list(seen)[:10]
