"""The media library, for a program: upload with alt text and tags, list, read, edit, delete.

The page's form validates (`MediaUploadForm`, `MediaEditForm`) and the library's services act
(`publishing/media.py`), with the page's refusals: a file no network takes (422 on `file`),
an item that went out with a post (409: kept as published). A new alt text sends the
approved posts that use the item back to review, and the answer says which.
"""

from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile
from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import File, Form, Query, Schema, Status, UploadedFile
from pydantic import Field

from palabre.accounts.permissions import Action, can, get_scoped_or_404, scoped
from palabre.api.access import ApiRouter, allowed, caller_of, check
from palabre.api.errors import ApiError, invalid, not_found
from palabre.api.models import Scope
from palabre.api.pagination import page
from palabre.api.schemas import (
    CONFLICTS,
    REFUSALS,
    Page,
    Ref,
    ShortText,
    Text,
    form_valid,
)
from palabre.api.tokens import Caller
from palabre.lib.ids import parse_id
from palabre.publishing.forms import MediaEditForm, MediaUploadForm
from palabre.publishing.media import (
    MediaChange,
    MediaRefused,
    MediaUse,
    MediaWentOut,
    media_changes_what_goes_out,
    media_delete,
    media_review_message,
    media_update,
    media_upload,
    media_uses,
    media_went_out_message,
    parse_tags,
)
from palabre.publishing.models import MediaItem

router = ApiRouter(tags=["media"])


class MediaOut(Schema):
    id: int
    name: str
    kind: str = Field(description="image, gif, video or document.")
    content_type: str
    size: int
    width: int
    height: int
    duration: float | None
    alt_text: str
    tags: list[str]
    created_at: datetime
    uploaded_by: Ref | None
    posts: list[int] = Field(description="The posts that use it.")
    approved_posts: list[int] = Field(description="Those a new alt text sends back to review.")
    went_out_with: list[int] = Field(
        description="Those it went out with: it can no longer be deleted, nor its alt text change."
    )


class MediaPage(Page):
    items: list[MediaOut]


def _media_out(item: MediaItem, use: MediaUse) -> MediaOut:
    user = item.uploaded_by
    return MediaOut(
        id=item.pk,
        name=item.name,
        kind=item.kind,
        content_type=item.content_type,
        size=item.size,
        width=item.width,
        height=item.height,
        duration=item.duration,
        alt_text=item.alt_text,
        tags=list(item.tags),
        created_at=item.created_at,
        uploaded_by=Ref(id=user.pk, name=str(user)) if user is not None else None,
        posts=[p.pk for p in use.posts],
        approved_posts=[p.pk for p in use.approved],
        went_out_with=[p.pk for p in use.went_out],
    )


def media_out(item: MediaItem) -> MediaOut:
    return _media_out(item, media_uses(items=[item])[item.pk])


def _item(request: HttpRequest, pk: int) -> MediaItem:
    if parse_id(str(pk)) is None:  # no database column holds it
        raise not_found()
    rows = MediaItem.objects.select_related("uploaded_by")
    return get_scoped_or_404(rows, caller_of(request).workspace, pk=pk)


class MediaFilters(Schema):
    tag: str = Field("", max_length=30)
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


@router.get("", response={200: MediaPage, **REFUSALS})
@allowed(Action.MANAGE_MEDIA, Scope.READ)
def media_list(request: HttpRequest, filters: Query[MediaFilters]) -> MediaPage:
    """The library, newest first (`tag`: those whose tags contain it, as the page)."""
    rows = scoped(MediaItem.objects.select_related("uploaded_by"), caller_of(request).workspace)
    if filters.tag:
        rows = rows.filter(tags__icontains=filters.tag)
    found, cursor = page(
        rows, field="created_at", descending=True, cursor=filters.cursor, limit=filters.limit
    )
    uses = media_uses(items=found)
    return MediaPage(items=[_media_out(i, uses[i.pk]) for i in found], next_cursor=cursor)


@router.get("/{int:pk}", response={200: MediaOut, **REFUSALS})
@allowed(Action.MANAGE_MEDIA, Scope.READ)
def media_read(request: HttpRequest, pk: int) -> MediaOut:
    return media_out(_item(request, pk))


class MediaFields(Schema):
    alt_text: Text = Field("", description="What it shows, for people who cannot see it.")
    tags: ShortText = Field("", description="Separated by commas, e.g. bread, shop, team.")


@router.post("", response={201: MediaOut, **REFUSALS})
@allowed(Action.MANAGE_MEDIA, Scope.WRITE)
def media_add(
    request: HttpRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    fields: Form[MediaFields],
) -> Status[MediaOut]:
    """A photo, a video or a PDF (multipart/form-data), inspected as the page does."""
    caller = caller_of(request)
    files: MultiValueDict[str, DjangoUploadedFile[Any]] = MultiValueDict({"file": [file]})
    data = form_valid(MediaUploadForm({"alt_text": fields.alt_text, "tags": fields.tags}, files))
    try:
        item = media_upload(
            workspace=caller.workspace,
            uploaded_by=caller.user,
            upload=data["file"],
            alt_text=data["alt_text"],
            tags=parse_tags(data["tags"]),
        )
    except MediaRefused as refusal:
        raise invalid([{"field": "file", "message": str(refusal)}]) from None
    response["Location"] = f"/api/v1/media/{item.pk}"
    return Status(201, media_out(item))


class MediaPatch(Schema):
    alt_text: Text | None = Field(None, description="Left out: it stays.")
    tags: list[ShortText] | None = Field(None, max_length=10, description="Left out: they stay.")


class MediaChangeOut(Schema):
    media: MediaOut | None = Field(description="As it is now; null once deleted.")
    back_to_review: list[int] = Field(description="Approved posts it sent back to review.")
    alt_kept: list[int] = Field(
        description="The alt text went out with these posts: it stays as it went."
    )
    notices: list[str] = Field(description="What the page would say about it.")


def _change_out(caller: Caller, item: MediaItem | None, change: MediaChange) -> MediaChangeOut:
    titles = can(caller.membership, Action.VIEW_CALENDAR)
    notices = []
    if item is not None and change.alt_kept:
        notices.append(media_went_out_message(item, change.alt_kept, titles=titles))
    if change.back_to_review:
        notices.append(media_review_message(change.back_to_review, titles=titles))
    return MediaChangeOut(
        media=media_out(item) if item is not None else None,
        back_to_review=[p.pk for p in change.back_to_review],
        alt_kept=[p.pk for p in change.alt_kept],
        notices=notices,
    )


@router.patch("/{int:pk}", response={200: MediaChangeOut, **REFUSALS})
@allowed(Action.MANAGE_MEDIA, Scope.WRITE)
def media_edit(request: HttpRequest, pk: int, body: MediaPatch) -> MediaChangeOut:
    """New tags always; a new alt text unless the item went out (see `alt_kept`)."""
    caller, item = caller_of(request), _item(request, pk)
    _may_change_what_goes_out(caller, item)
    alt_text = body.alt_text if body.alt_text is not None else item.alt_text
    tags = body.tags if body.tags is not None else item.tags
    data = form_valid(MediaEditForm({"alt_text": alt_text, "tags": ", ".join(tags)}))
    change = media_update(
        item=item, alt_text=data["alt_text"], tags=parse_tags(data["tags"]), actor=caller.user
    )
    return _change_out(caller, item, change)


def _may_change_what_goes_out(caller: Caller, item: MediaItem) -> None:
    """Media a cleared post carries, in a workspace without approvals: changing it changes
    what goes out, which needs the "publish" scope (as editing the post itself does)."""
    if media_changes_what_goes_out(item=item):
        check(caller, Action.COMPOSE, Scope.PUBLISH)


@router.delete("/{int:pk}", response={200: MediaChangeOut, **CONFLICTS})
@allowed(Action.MANAGE_MEDIA, Scope.WRITE)
def media_remove(request: HttpRequest, pk: int) -> MediaChangeOut:
    """Refused (409) once it went out with a post; approved posts using it go to review."""
    caller, item = caller_of(request), _item(request, pk)
    _may_change_what_goes_out(caller, item)
    try:
        change = media_delete(item=item, actor=caller.user)
    except MediaWentOut as kept:
        titles = can(caller.membership, Action.VIEW_CALENDAR)
        raise ApiError(
            409, "media_went_out", media_went_out_message(item, kept.posts, titles=titles)
        ) from None
    return _change_out(caller, None, change)
