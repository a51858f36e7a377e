"""The media library: uploads inspected and kept, alt text and tags, deletion."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from palabre.accounts.models import User, Workspace
from palabre.lib.mediainfo import UnreadableMedia, inspect
from palabre.publishing.models import MediaItem


class MediaRefused(ValueError):
    """The upload cannot be used; the message says why, for the person."""


def media_upload(
    *, workspace: Workspace, uploaded_by: User, upload: UploadedFile, alt_text: str, tags: list[str]
) -> MediaItem:
    limit = settings.PALABRE_MAX_UPLOAD_MB * 1_000_000
    if (upload.size or 0) > limit:
        raise MediaRefused(
            _("This file is over %(max)s MB, the most Palabre accepts.")
            % {"max": settings.PALABRE_MAX_UPLOAD_MB}
        )
    return media_store(
        workspace=workspace,
        uploaded_by=uploaded_by,
        name=upload.name or "media",
        data=upload.read(),
        alt_text=alt_text,
        tags=tags,
    )


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
    try:
        info = inspect(data, filename=name)
    except UnreadableMedia:
        raise MediaRefused(
            _(
                "This file is not a readable JPEG, PNG, GIF or WebP image or MP4/MOV video; it may be corrupt."
            )
        ) from None
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
    item.file.save(name, ContentFile(data), save=False)
    item.save()
    return item


def media_update(*, item: MediaItem, alt_text: str, tags: list[str]) -> MediaItem:
    item.alt_text, item.tags = alt_text, tags
    item.save(update_fields=["alt_text", "tags"])
    return item


def media_delete(*, item: MediaItem) -> None:
    item.file.delete(save=False)
    item.delete()


def parse_tags(raw: str) -> list[str]:
    seen: dict[str, None] = {}
    for tag in raw.split(","):
        clean = tag.strip().lstrip("#")[:30]
        if clean:
            seen.setdefault(clean, None)
    return list(seen)[:10]
