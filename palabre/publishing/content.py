"""A post's content, in one place: what an approver approves and what the publisher sends.

Content is the idea, every variant's text, content warning, Instagram format, thread parts,
first comment, (Threads) who may answer and (X) the quoted post, its channels, its media
(ids and alt text) and the publication time. It is read from the rows, never remembered by
the paths that write them: an alt text edited in the media library changes the digest of
every post that uses the picture, with nobody having to remember to bump anything.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, tzinfo
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palabre.accounts.models import User
from palabre.networks.kinds import NETWORKS
from palabre.publishing.models import Post, PostChange, PostVariant, ReplyControl


def post_content(post: Post) -> dict[str, Any]:
    """The canonical content as plain data (what the approver saw; also kept with the approval)."""
    variants = []
    for variant in sorted(post.variants.all(), key=lambda v: v.network):
        content = {
            "network": variant.network,
            "text": variant.text,
            "content_warning": variant.content_warning,
            "instagram_format": variant.instagram_format,
            "thread": list(variant.thread),
            "first_comment": variant.first_comment,
            "channels": sorted(c.pk for c in variant.channels.all()),
            "media": sorted([m.pk, m.alt_text] for m in variant.media.all()),
        }
        variants.append(content | _reply_control(variant) | _quote(variant))
    return {"idea": post.idea, "publish_at": _moment(post.publish_at), "variants": variants}


def _reply_control(variant: PostVariant) -> dict[str, str]:
    """Who may answer a Threads post, where it is not the network's default (everyone).
    Left out otherwise, so that what was approved before Palabre knew this choice keeps
    its digest (and still goes out) after an upgrade."""
    if variant.network != "threads" or variant.reply_control == ReplyControl.EVERYONE:
        return {}
    return {"reply_control": variant.reply_control}


def _quote(variant: PostVariant) -> dict[str, str]:
    """The post an X variant quotes; left out where there is none (as `_reply_control`)."""
    if variant.network != "x" or not variant.quote_url:
        return {}
    return {"quote_url": variant.quote_url}


def content_at(content: dict[str, Any], publish_at: datetime) -> dict[str, Any]:
    """The same content at another publication time."""
    return content | {"publish_at": _moment(publish_at)}


def _moment(publish_at: datetime | None) -> str | None:
    return publish_at.astimezone(UTC).isoformat() if publish_at else None


def content_digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def post_digest(post: Post) -> str:
    return content_digest(post_content(post))


def content_changes(
    before: dict[str, Any] | None, after: dict[str, Any], *, tz: tzinfo | None = None
) -> list[str]:
    """What changed since `before` (the approved content, or the one when changes were
    asked), named for the reader; with `tz`, a new time says which it was and which it is."""
    return diff_said(content_diff(before, after), tz=tz) if before else []


def content_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Which parts differ, without their texts (the history keeps only this): the idea
    (True), the time ([old, new], ISO), each network "added", "removed" or its fields."""
    diff: dict[str, Any] = {}
    if before.get("idea") != after.get("idea"):
        diff["idea"] = True
    if before.get("publish_at") != after.get("publish_at"):
        diff["publish_at"] = [before.get("publish_at"), after.get("publish_at")]
    old = {v["network"]: v for v in before.get("variants", [])}
    new = {v["network"]: v for v in after.get("variants", [])}
    variants: dict[str, Any] = {}
    for network in sorted(old.keys() | new.keys()):
        if network not in new:
            variants[network] = "removed"
        elif network not in old:
            variants[network] = "added"
        else:
            keys = list(new[network]) + [k for k in old[network] if k not in new[network]]
            fields = [k for k in keys if new[network].get(k) != old[network].get(k)]
            if fields:
                variants[network] = fields
    if variants:
        diff["variants"] = variants
    return diff


def diff_said(diff: dict[str, Any], *, tz: tzinfo | None = None) -> list[str]:
    """A content_diff in the reader's words."""
    said = []
    if diff.get("idea"):
        said.append(_("the idea"))
    if "publish_at" in diff:
        old, new = diff["publish_at"]
        said.append(_time_change(old, new, tz))
    for network, change in diff.get("variants", {}).items():
        label = str(NETWORKS[network].label) if network in NETWORKS else network
        if change == "removed":
            said.append(_("%(network)s removed") % {"network": label})
        elif change == "added":
            said.append(_("%(network)s added") % {"network": label})
        else:
            names = ", ".join(str(FIELD_NAMES.get(k, k)) for k in change)
            said.append(_("%(network)s: %(fields)s") % {"network": label, "fields": names})
    return said


def _time_change(old: str | None, new: str | None, tz: tzinfo | None) -> str:
    """A new time named; with `tz`, which it was and which it is."""
    if tz is not None and old and new:
        times = {"old": _when(old, tz), "new": _when(new, tz)}
        return _("the publication time, from %(old)s to %(new)s") % times
    if tz is not None and new:
        return _("the publication time, set to %(new)s") % {"new": _when(new, tz)}
    if tz is not None and old:
        return _("the publication time, removed (it was %(old)s)") % {"old": _when(old, tz)}
    return _("the publication time")


def _when(moment: str, tz: tzinfo) -> str:
    return date_format(datetime.fromisoformat(moment).astimezone(tz), "DATETIME_FORMAT")


def post_change_record(*, post: Post, actor: User | None, before: dict[str, Any]) -> None:
    """Keep, in the post's history, which parts a save changed (nothing when none did; never
    the texts themselves: the post holds them, and a history of every draft grows)."""
    diff = content_diff(before, post_content(post))
    if diff:
        PostChange.objects.create(post=post, actor=actor, what=diff)


FIELD_NAMES = {
    "text": gettext_lazy("text"),
    "content_warning": gettext_lazy("content warning"),
    "instagram_format": gettext_lazy("format"),
    "thread": gettext_lazy("thread"),
    "first_comment": gettext_lazy("first comment"),
    "channels": gettext_lazy("channels"),
    "media": gettext_lazy("media or alt text"),
    "reply_control": gettext_lazy("who may answer"),
    "quote_url": gettext_lazy("quoted post"),
}
