"""The composer's forms and checks, shared by its page and the API (api/routers/posts.py).

The page and a program fill the same forms (the idea, and one `VariantForm` per network,
prefixed with the network's key) and read the same checks, so the API refuses and warns
exactly as the page does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from django.db.models import QuerySet
from django.forms import ChoiceField
from django.http import QueryDict
from django.utils.translation import gettext as _

from palabre.accounts.models import User, Workspace
from palabre.accounts.permissions import scoped
from palabre.channels.models import Channel
from palabre.networks.kinds import NETWORKS
from palabre.publishing import services
from palabre.publishing.forms import IdeaForm, VariantForm
from palabre.publishing.limits import post_limit_problems
from palabre.publishing.models import MediaItem, Post
from palabre.publishing.public_media import unreachable_media_problems
from palabre.publishing.rules.base import Problem


def new_composer_forms(
    data: QueryDict | None, workspace: Workspace, *, publish_at: datetime | None = None
) -> tuple[IdeaForm, dict[str, VariantForm]]:
    """The idea and a variant form for every network; the networks of the connected
    channels that the strategy chose are ticked (all connected ones where it chose none of
    them; every network before any is connected); `publish_at` filled in, if given."""
    connected = sorted(
        set(scoped(Channel.objects.all(), workspace).values_list("network", flat=True))
    )
    planned = set(workspace.network_plans.values_list("network", flat=True))
    ticked = [n for n in connected if n in planned] or connected or list(NETWORKS)
    initial = {"networks": ticked, "version": 0, "publish_at": publish_at}
    idea_form = IdeaForm(data, initial=initial, prefix="post", zone=workspace.timezone)
    media = scoped(MediaItem.objects.all(), workspace)
    shown = _offered(workspace, media)
    forms = {}
    for network in sorted(NETWORKS):
        rows = [c for c in shown[0] if c.network == network]
        forms[network] = _variant_form(
            data, workspace, network, {"channels": [c.pk for c in rows]}, media, shown
        )
        forms[network].fields["text"].widget.attrs["placeholder"] = _(
            "Empty: the idea as it is. Adapt it to this network."
        )
    return idea_form, forms


def sending_digest(data: QueryDict) -> str:
    """What one sending of the composer page carried (its fields and the button pressed):
    the same twice is a double click."""
    fields = sorted((k, data.getlist(k)) for k in data if k != "csrfmiddlewaretoken")
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def composer_forms(
    data: QueryDict | None,
    post: Post,
    workspace: Workspace,
    *,
    lock: bool = True,
    adding: Iterable[str] = (),
) -> tuple[IdeaForm, dict[str, VariantForm]]:
    """The composer's forms; what already went out is shown read-only (disabled fields keep
    their saved value whatever is sent). `lock=False` leaves the fields open, so that a
    change to what went out reaches `post_update`, which refuses it (ContentLocked).
    `adding`: networks ticked that have no variant yet, each with a form of its own."""
    chosen = [v.network for v in post.variants.all()]
    initial = {
        "idea": post.idea,
        "category": post.category,
        "networks": chosen,
        "publish_at": post.publish_at,
        "version": post.version,
    }
    idea_form = IdeaForm(data, initial=initial, prefix="post", zone=workspace.timezone)
    locked = services.post_locked_networks(post=post)
    forms = variant_forms(data, post, workspace, adding=adding)
    if locked and lock:
        for name in ("idea", "publish_at"):
            idea_form.fields[name].disabled = True
        for network in locked & set(forms):
            for field in forms[network].fields.values():
                field.disabled = True
        networks = cast(ChoiceField, idea_form.fields["networks"])
        offered = cast(list[tuple[str, Any]], networks.choices)
        networks.choices = [(key, label) for key, label in offered if key in chosen]
        networks.error_messages["invalid_choice"] = _(
            "Already published: no network is added any more. To publish on another one "
            "too, duplicate the post."
        )
    return idea_form, forms


def variant_forms(
    data: QueryDict | None, post: Post, workspace: Workspace, *, adding: Iterable[str] = ()
) -> dict[str, VariantForm]:
    media = scoped(MediaItem.objects.all(), workspace)
    shown = _offered(workspace, media)
    forms = {}
    for variant in post.variants.all().order_by("network"):
        initial: dict[str, Any] = {
            "text": variant.text,
            "content_warning": variant.content_warning,
            "instagram_format": variant.instagram_format,
            "reply_control": variant.reply_control,
            "quote_url": variant.quote_url,
            "thread": "\n---\n".join(variant.thread),
            "first_comment": variant.first_comment,
            "channels": [c.pk for c in variant.channels.all()],
            "media_items": [m.pk for m in variant.media.all()],
        }
        forms[variant.network] = _variant_form(
            data, workspace, variant.network, initial, media, shown
        )
    for network in sorted(set(adding) - set(forms)):
        rows = [c.pk for c in shown[0] if c.network == network]
        forms[network] = _variant_form(
            data, workspace, network, {"text": post.idea, "channels": rows}, media, shown
        )
    return forms


def _variant_form(
    data: QueryDict | None,
    workspace: Workspace,
    network: str,
    initial: dict[str, Any],
    media: QuerySet[MediaItem],
    shown: tuple[list[Channel], list[MediaItem]],
) -> VariantForm:
    channels = scoped(Channel.objects.all(), workspace).filter(network=network)
    rows = [c for c in shown[0] if c.network == network]
    return VariantForm(
        data,
        initial=initial,
        prefix=network,
        channels=channels,
        media=media,
        shown=(rows, shown[1]),
    )


def _offered(
    workspace: Workspace, media: QuerySet[MediaItem]
) -> tuple[list[Channel], list[MediaItem]]:
    """The workspace's channels and media, read once for every variant form of a page."""
    return list(scoped(Channel.objects.all(), workspace)), list(media)


def forms_variant_data(forms: dict[str, VariantForm]) -> dict[str, services.VariantData]:
    """The valid variant forms, as the services take them."""
    return {
        network: services.VariantData(
            text=form.cleaned_data["text"],
            content_warning=form.cleaned_data["content_warning"],
            instagram_format=form.cleaned_data["instagram_format"],
            channels=list(form.cleaned_data["channels"]),
            media=list(form.cleaned_data["media_items"]),
            thread=form.cleaned_data["thread"],
            first_comment=form.cleaned_data["first_comment"],
            reply_control=form.cleaned_data["reply_control"],
            quote_url=form.cleaned_data["quote_url"],
        )
        for network, form in forms.items()
    }


def composer_save(
    *, post: Post, idea_form: IdeaForm, forms: dict[str, VariantForm], actor: User | None
) -> None:
    """The composer's valid forms saved onto `post` by `actor` (StaleVersion, ContentLocked
    as the service raises them)."""
    data = idea_form.cleaned_data
    services.post_update(
        post=post,
        idea=data["idea"],
        category=data["category"],
        networks=data["networks"],
        variants=forms_variant_data(forms),
        publish_at=data["publish_at"],
        seen_version=data["version"],
        actor=actor,
    )


def typed_variant(form: VariantForm, idea: str) -> services.VariantData:
    """A variant as typed: an empty text (or one not readable yet) reads as the idea."""
    if form.is_bound and form.is_valid():
        data = forms_variant_data({"_": form})["_"]
        return data if data.text.strip() else replace(data, text=idea)
    return services.VariantData(text=idea)


def composer_checks(
    *,
    workspace: Workspace,
    post: Post,
    variants: dict[str, services.VariantData],
    publish_at: datetime | None,
) -> tuple[dict[str, services.VariantCheck], list[Problem]]:
    """`services.post_checks`, and the warnings only the composer gives: each channel's
    day against its network's daily quota, and media a network could not fetch."""
    gone = frozenset(services.post_locked_networks(post=post)) if post.pk else frozenset()
    checks, crosspost = services.post_checks(workspace=workspace, variants=variants, gone=gone)
    for network, variant in variants.items():
        checks[network].text.warnings += post_limit_problems(
            post=post, channels=variant.channels, publish_at=publish_at
        )
        checks[network].text.warnings += unreachable_media_problems(
            channels=variant.channels, media=variant.media
        )
    return checks, crosspost
