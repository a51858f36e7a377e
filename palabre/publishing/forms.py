from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIteratorValue
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from palabre.channels.models import Channel
from palabre.lib.concurrency import OnceField, VersionField
from palabre.lib.filters import search_field
from palabre.lib.ids import IdsField
from palabre.networks.kinds import NETWORK_CHOICES
from palabre.publishing import workflow
from palabre.publishing.models import (
    Category,
    InstagramFormat,
    MediaItem,
    PostStatus,
    ReplyControl,
)
from palabre.publishing.quotes import quote_address
from palabre.publishing.rules.base import MAX_CHECKED_LENGTH

TEXT_LIMIT = MAX_CHECKED_LENGTH


class IdeaForm(forms.Form):
    idea = forms.CharField(
        label=_("The idea"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write it once; Palabre prepares a variant for each network to adapt."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    networks = forms.MultipleChoiceField(
        label=_("Networks"), choices=NETWORK_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the workspace's time zone."),
    )
    # The version the composer was opened at: a save based on an older one is refused.
    version = VersionField()
    # The new composer page's own key (services.post_compose_once): sent twice, one post.
    key = OnceField()

    def __init__(self, *args: Any, zone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if zone:  # an agency's workspaces live in several zones: say which
            self.fields["publish_at"].help_text = gettext(
                "In the workspace's time zone: %(zone)s."
            ) % {"zone": zone}

    def clean_networks(self) -> list[str]:
        """Each network once, whatever a hand-made request repeats."""
        return list(dict.fromkeys(self.cleaned_data.get("networks") or []))

    def clean_publish_at(self) -> datetime | None:
        """To come and within five years; a time already saved (a failed post's) may stay."""
        value: datetime | None = self.cleaned_data.get("publish_at")
        saved = self.initial.get("publish_at")
        if value is None:
            return None
        if saved is not None and _minute(value) == _minute(saved):
            return saved  # unchanged (the form shows minutes only; read-only once published)
        try:
            workflow.publish_at_check(value)
        except workflow.TransitionRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return value


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class ApproveForm(forms.Form):
    """The approval as the approver made it: of the content seen, at a time to come."""

    seen = forms.CharField(max_length=64, required=False)
    publish_at = forms.DateTimeField(
        label=_("New publication time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(
        label=_("Approve anyway: why?"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VariantForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    content_warning = forms.CharField(label=_("Content warning"), max_length=500, required=False)
    thread = forms.CharField(
        label=_("Thread: the posts that follow"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One post per block; separate them with a line holding only ---"),
    )
    first_comment = forms.CharField(
        label=_("First comment"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Published as a reply right after the post (links work better there on some networks)."
        ),
    )
    instagram_format = forms.ChoiceField(
        label=_("Format"), choices=InstagramFormat.choices, initial="feed", required=False
    )
    reply_control = forms.ChoiceField(
        label=_("Who may answer"),
        choices=ReplyControl.choices,
        initial=ReplyControl.EVERYONE,
        required=False,
    )
    quote_url = forms.CharField(
        label=_("Quote a post"),
        max_length=300,
        required=False,
        help_text=_("The address of the post on X, e.g. https://x.com/name/status/1234567890"),
    )
    channels = IdsField(
        label=_("Channels"),
        queryset=Channel.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    media_items = IdsField(
        label=_("Media"),
        queryset=MediaItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        channels: QuerySet[Channel],
        media: QuerySet[MediaItem],
        shown: tuple[list[Channel], list[MediaItem]],
        **kwargs: Any,
    ) -> None:
        """`channels` and `media` check what is picked; `shown`, the same rows read once
        for every variant of the page."""
        super().__init__(*args, **kwargs)
        channel_rows, media_rows = shown
        for name, query, rows in (
            ("channels", channels, channel_rows),
            ("media_items", media, media_rows),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = query
            # Django's choices read the query again at every rendering: seven variants'
            # channels and media were a third of the composer's time.
            field.widget.choices = [
                (
                    ModelChoiceIteratorValue(field.prepare_value(row), row),
                    field.label_from_instance(row),
                )
                for row in rows
            ]

    def clean_thread(self) -> list[str]:
        blocks = re.split(r"(?m)^\s*---\s*$", str(self.cleaned_data.get("thread") or ""))
        return [block.strip() for block in blocks if block.strip()]

    def clean_instagram_format(self) -> str:
        return str(self.cleaned_data.get("instagram_format") or "feed")

    def clean_reply_control(self) -> str:
        return str(self.cleaned_data.get("reply_control") or ReplyControl.EVERYONE)

    def clean_quote_url(self) -> str:
        """The quoted post's canonical address on X ("" for none)."""
        value = str(self.cleaned_data.get("quote_url") or "")
        if not value:
            return ""
        address = quote_address(value)
        if not address:
            raise forms.ValidationError(QUOTE_REFUSED)
        return address


QUOTE_REFUSED = _(
    "This is not the address of a post on X. Copy it from X "
    "(https://x.com/name/status/1234567890, or twitter.com) or give the post's number."
)


class MediaUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Images (JPEG, PNG, GIF, WebP), MP4/MOV videos, or a PDF document (LinkedIn only)."
        ),
    )
    alt_text = forms.CharField(
        label=_("Alt text"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the image shows, for people who cannot see it. Required on Bluesky."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=300,
        required=False,
        help_text=_("Separated by commas, e.g. bread, shop, team"),
    )


class MediaEditForm(forms.Form):
    alt_text = forms.CharField(
        label=_("Alt text"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    tags = forms.CharField(label=_("Tags"), max_length=300, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PostSearchForm(forms.Form):
    """The posts list's filters (the page shows no labels: each select names itself)."""

    text = search_field()
    status = forms.ChoiceField(
        choices=[("", _("Every status")), *PostStatus.choices], required=False
    )
    network = forms.ChoiceField(
        choices=[("", _("Every network")), *NETWORK_CHOICES], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["aria-label"] = _("Status")
        self.fields["network"].widget.attrs["aria-label"] = _("Network")
