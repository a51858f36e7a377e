"""Writes for posts and their variants; checks that gather every rule."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from palabre.accounts.models import User, Workspace
from palabre.channels.models import Channel
from palabre.lib.concurrency import StaleVersion, version_advance
from palabre.networks.kinds import NETWORKS
from palabre.publishing.content import post_change_record, post_content
from palabre.publishing.models import (
    MediaItem,
    Post,
    PostStatus,
    PostVariant,
    ReplyControl,
    gone_out,
)
from palabre.publishing.quotes import quote_address
from palabre.publishing.rules import THREADABLE, check_comment, check_text
from palabre.publishing.rules.base import Problem, TextCheck
from palabre.publishing.rules.crosspost import media_on_some_networks, same_text_everywhere
from palabre.publishing.rules.media import check_media
from palabre.strategy.guidelines import grouped_guideline_problems, variants_guideline_problems


@transaction.atomic
def post_create(
    *,
    workspace: Workspace,
    author: User,
    idea: str,
    category: str,
    networks: list[str],
    key: str = "",
) -> Post:
    post = Post.objects.create(
        workspace=workspace, author=author, idea=idea, category=category, compose_key=key
    )
    for network in networks:
        _variant_add(post, network)
    return post


@transaction.atomic
def post_compose(
    *,
    workspace: Workspace,
    author: User,
    idea: str,
    category: str,
    networks: list[str],
    variants: dict[str, VariantData],
    publish_at: datetime | None = None,
) -> Post:
    """A new post written on one page: the idea, each network's variant (an empty one
    takes the idea) and its time, saved at once."""
    post = post_create(
        workspace=workspace, author=author, idea=idea, category=category, networks=networks
    )
    return _compose_fill(post, idea, category, networks, variants, publish_at, post.version)


def _compose_fill(
    post: Post,
    idea: str,
    category: str,
    networks: list[str],
    variants: dict[str, VariantData],
    publish_at: datetime | None,
    seen: int,
    *,
    again_by: User | None = None,
) -> Post:
    """The page's content written onto the post just made (none of it a change to keep in
    the history), or onto the one this page made before (`again_by` sent it again)."""
    filled = {
        network: data if data.text.strip() else replace(data, text=idea)
        for network, data in variants.items()
        if network in networks
    }
    return post_update(
        post=post,
        idea=idea,
        category=category,
        networks=networks,
        variants=filled,
        publish_at=publish_at,
        seen_version=seen,
        actor=again_by,
        history=again_by is not None,
    )


@dataclass(frozen=True)
class Composed:
    """What `post_compose_once` did. `again`: saved over the post this page saved before;
    `repeat`: the very same sending again (a double click), so nothing was done twice."""

    post: Post
    again: bool = False
    repeat: bool = False


class PostMovedOn(Exception):
    """The post this page saved is no longer a draft (sent for approval, approved,
    scheduled, gone out): a page gone back to does not change it."""

    def __init__(self, post: Post) -> None:
        super().__init__(post.pk)
        self.post = post


@transaction.atomic
def post_compose_once(
    *,
    workspace: Workspace,
    author: User,
    key: str,
    sending: str,
    idea: str,
    category: str,
    networks: list[str],
    variants: dict[str, VariantData],
    publish_at: datetime | None = None,
) -> Composed:
    """`post_compose` for the composer page, whose `key` is its own: the page sent again
    (the browser's Back, then Save; a double click) saves one post. `sending`: a digest of
    what was sent, to know a double click. Saved over only while it is a draft
    (PostMovedOn) that nobody changed since this page's last save (StaleVersion)."""
    earlier = _post_of_key(workspace, author, key)
    if earlier is None:
        try:
            with transaction.atomic():
                post = post_create(
                    workspace=workspace,
                    author=author,
                    idea=idea,
                    category=category,
                    networks=networks,
                    key=key,
                )
        except IntegrityError:  # the page's other sending (a double click) made it meanwhile
            earlier = _post_of_key(workspace, author, key)
            if earlier is None:
                raise
    if earlier is not None:
        if sending and earlier.compose_sending == sending:
            return Composed(earlier, repeat=True)
        if earlier.status != PostStatus.DRAFT:
            raise PostMovedOn(earlier)
        post = earlier
    seen = earlier.compose_version if earlier else post.version
    again_by = author if earlier is not None else None
    _compose_fill(post, idea, category, networks, variants, publish_at, seen, again_by=again_by)
    Post.objects.filter(pk=post.pk).update(compose_sending=sending, compose_version=F("version"))
    return Composed(post, again=earlier is not None)


def post_compose_settled(*, post: Post) -> None:
    """After the page's button did its work (publish now, split: each moves the version):
    the version this page left, which its next sending must still find."""
    Post.objects.filter(pk=post.pk).update(compose_version=F("version"))


def _post_of_key(workspace: Workspace, author: User, key: str) -> Post | None:
    """The post this page saved before, locked (the page's sendings wait for each other)."""
    if not key:
        return None
    post = Post.objects.select_for_update().filter(workspace=workspace, compose_key=key).first()
    if post is not None and post.author_id != author.pk:
        raise StaleVersion  # not theirs to save over: their text is shown again, kept
    return post


def post_of_page(*, workspace: Workspace, author: User, key: str) -> Post | None:
    """The post this composer page saved before, if `author` wrote it (for the page's words
    after a refused save; `_post_of_key` is the one that saves over it)."""
    found = Post.objects.filter(workspace=workspace, compose_key=key, author=author)
    return found.first() if key else None


def _variant_add(post: Post, network: str) -> PostVariant:
    variant = PostVariant.objects.create(post=post, network=network, text=post.idea)
    # Every channel of that network is proposed by default; none is fine for a draft.
    variant.channels.set(Channel.objects.filter(workspace=post.workspace, network=network))
    return variant


@dataclass(frozen=True)
class VariantData:
    text: str
    content_warning: str = ""
    instagram_format: str = "feed"
    channels: list[Channel] = field(default_factory=list)
    media: list[MediaItem] = field(default_factory=list)
    thread: list[str] = field(default_factory=list)
    first_comment: str = ""
    reply_control: str = ReplyControl.EVERYONE  # Threads: who may answer
    quote_url: str = ""  # X: the address of the post it quotes

    @property
    def reply_control_label(self) -> str:
        return str(dict(ReplyControl.choices).get(self.reply_control, ""))

    @property
    def quote_link(self) -> str:
        """Where the preview links the quoted post ("" if the address names none)."""
        return quote_address(self.quote_url)


class ContentLocked(ValueError):
    """The edit would change or remove what already went out; the message says what."""


def post_locked_networks(*, post: Post) -> set[str]:
    """The networks whose variant went out (or may have): read-only from then on."""
    return set(post.targets.filter(gone_out()).values_list("variant__network", flat=True))


def _same(variant: PostVariant, data: VariantData) -> bool:
    threads = variant.network == "threads"  # the only network whose reply control is sent
    x = variant.network == "x"  # the only network whose quote is sent

    def key(v: VariantData) -> tuple[object, ...]:
        channels, media = {c.pk for c in v.channels}, {m.pk for m in v.media}
        return (v.text, v.content_warning, v.instagram_format, v.thread, v.first_comment) + (
            v.reply_control if threads else "",
            v.quote_url if x else "",
            channels,
            media,
        )

    return key(variant_data(variant)) == key(data)


def _check_locked(
    post: Post,
    idea: str,
    networks: list[str],
    variants: dict[str, VariantData],
    publish_at: datetime | None,
) -> None:
    """Once a variant went out, the idea, the time and the published variants stay as they
    are; a correction is a new post (Duplicate)."""
    locked = post_locked_networks(post=post)
    if not locked:
        return
    names = ", ".join(sorted(str(NETWORKS[n].label) for n in locked))
    if idea != post.idea or publish_at != post.publish_at:
        raise ContentLocked(
            _(
                "Already published on %(networks)s: the idea and the time no longer change. "
                "For a correction, duplicate the post."
            )
            % {"networks": names}
        )
    # A network ticked now would get a variant that no approval and no publishing ever
    # reaches (the post is past both), while the calendar listed it as published.
    added = set(networks) - set(post.variants.values_list("network", flat=True))
    if added:
        raise ContentLocked(
            _(
                "Already published on %(networks)s: no network is added any more. To publish "
                "on %(added)s too, duplicate the post."
            )
            % {"networks": names, "added": ", ".join(sorted(str(NETWORKS[n].label) for n in added))}
        )
    removed = locked - set(networks)
    changed = {
        n for n in locked & set(variants) if not _same(post.variants.get(network=n), variants[n])
    }
    if removed or changed:
        raise _variant_locked(removed | changed)


def _variant_locked(networks: set[str]) -> ContentLocked:
    return ContentLocked(
        _(
            "Already published on %(networks)s: that variant stays as it went out. "
            "For a correction, duplicate the post."
        )
        % {"networks": ", ".join(sorted(str(NETWORKS[n].label) for n in networks))}
    )


@transaction.atomic
def post_update(
    *,
    post: Post,
    idea: str,
    category: str,
    networks: list[str],
    variants: dict[str, VariantData],
    publish_at: datetime | None = None,
    seen_version: int | None = None,
    actor: User | None = None,
    history: bool = True,
) -> Post:
    """Save the composer. `seen_version`: the version the form was opened at (StaleVersion
    if someone saved since; None skips the check). What went out stays (ContentLocked).
    What changed is kept in the post's history, as `actor`'s (`history`: unless the post
    is being made)."""
    version_advance(post, seen=seen_version)
    _check_locked(post, idea, networks, variants, publish_at)
    before = post_content(post)
    post.idea, post.category, post.publish_at = idea, category, publish_at
    post.save(update_fields=["idea", "category", "publish_at", "updated_at"])
    post.variants.exclude(network__in=networks).delete()
    existing = {v.network: v for v in post.variants.all()}
    for network in networks:
        variant = existing.get(network) or _variant_add(post, network)
        data = variants.get(network)
        if data is None:
            continue  # just added: prefilled from the idea
        variant.text, variant.content_warning = data.text, data.content_warning
        variant.instagram_format = data.instagram_format
        variant.thread, variant.first_comment = data.thread, data.first_comment
        if network == "threads":  # the only network that has it (the form shows it there)
            variant.reply_control = data.reply_control
        if network == "x":  # likewise
            variant.quote_url = data.quote_url
        variant.save()
        variant.channels.set(data.channels)
        variant.media.set(data.media)
    if history:
        post_change_record(post=post, actor=actor, before=before)
    return post


@dataclass
class VariantCheck:
    network: str
    data: VariantData
    text: TextCheck
    media_errors: list[Problem]
    media_warnings: list[Problem]

    @property
    def valid(self) -> bool:
        return self.text.valid and not self.media_errors


def variant_check(*, network: str, data: VariantData) -> VariantCheck:
    max_chars = _instance_limit(network, data.channels)
    text = check_text(network, data.text, content_warning=data.content_warning, max_chars=max_chars)
    media = [(m.name, m.info) for m in data.media]
    if not data.text.strip() and media:
        text.errors = [e for e in text.errors if not e.code.endswith(".empty")]
    errors, warnings = check_media(network, media, instagram_format=data.instagram_format)
    text.errors += _extra_problems(network, data, max_chars)
    return VariantCheck(network, data, text, errors, warnings)


def _extra_problems(network: str, data: VariantData, max_chars: int | None) -> list[Problem]:
    """Each part of a thread, and the first comment, follow the network's rules too."""
    found = []
    for number, part in enumerate(data.thread, start=2):
        for problem in _part_check(network, part, max_chars).errors:
            found.append(
                Problem(
                    f"{problem.code}.part{number}",
                    _("Part %(n)s: %(message)s") % {"n": number, "message": problem.message},
                )
            )
    if data.first_comment.strip():
        for problem in check_comment(network, data.first_comment, max_chars=max_chars).errors:
            found.append(
                Problem(
                    f"{problem.code}.comment",
                    _("First comment: %(message)s") % {"message": problem.message},
                )
            )
    return found


def _part_check(network: str, part: str, max_chars: int | None) -> TextCheck:
    """A thread's next part: a reply where the network threads posts, else a comment."""
    if network in THREADABLE:
        return check_text(network, part, max_chars=max_chars, suggest_thread=False)
    return check_comment(network, part, max_chars=max_chars)


def variant_split(*, variant: PostVariant, actor: User | None = None) -> bool:
    """Replace an over-long text by a numbered thread whose parts each fit; False if none fits
    or the text needs no thread. A variant that went out stays as it is (ContentLocked).
    Kept in the post's history as `actor`'s."""
    from palabre.publishing.rules.threads import split_thread

    if variant.network in post_locked_networks(post=variant.post):
        raise _variant_locked({variant.network})
    max_chars = _instance_limit(variant.network, list(variant.channels.all()))
    parts = split_thread(variant.network, variant.text, max_chars=max_chars)
    if len(parts) < 2:
        return False
    before = post_content(variant.post)
    variant.text, variant.thread = parts[0], parts[1:]
    variant.save(update_fields=["text", "thread"])
    version_advance(variant.post, seen=None)
    post_change_record(post=variant.post, actor=actor, before=before)
    return True


def _instance_limit(network: str, channels: list[Channel]) -> int | None:
    """A Mastodon instance can set its own limit; the strictest chosen channel wins."""
    limits = [c.max_chars for c in channels if c.max_chars]
    return min(limits) if limits else None


def post_checks(
    *, workspace: Workspace, variants: dict[str, VariantData], gone: frozenset[str] = frozenset()
) -> tuple[dict[str, VariantCheck], list[Problem]]:
    """Each variant's checks, the guidelines among its warnings; and the cross-post warnings.
    `gone`: the networks it went out on, whose files can no longer be chosen."""
    checks = _variant_checks(variants)
    guidelines = variants_guideline_problems(workspace=workspace, variants=_texts(variants))
    for network, problems in guidelines.items():
        checks[network].text.warnings += problems
    labels = {str(NETWORKS[n].label): d.text for n, d in variants.items() if d.text.strip()}
    crosspost = same_text_everywhere(labels, threshold=workspace.crosspost_threshold)
    if set(variants) <= gone:  # every text went out: nothing left to adapt
        crosspost = []
    carrying = {str(NETWORKS[n].label): bool(d.media) for n, d in variants.items()}
    locked = frozenset(str(NETWORKS[n].label) for n in gone if n in NETWORKS)
    return checks, crosspost + media_on_some_networks(carrying, gone=locked)


def post_review_checks(
    *, workspace: Workspace, variants: dict[str, VariantData]
) -> tuple[dict[str, VariantCheck], list[Problem]]:
    """What an approver reads: each variant's own checks, and apart, each guideline breach
    once, naming its networks (not the same line under every network)."""
    grouped = grouped_guideline_problems(workspace=workspace, variants=_texts(variants))
    return _variant_checks(variants), grouped


def _variant_checks(variants: dict[str, VariantData]) -> dict[str, VariantCheck]:
    return {
        network: variant_check(network=network, data=data) for network, data in variants.items()
    }


def _texts(variants: dict[str, VariantData]) -> dict[str, list[str]]:
    """Each variant's texts the guidelines read: the text, the thread and the first comment."""
    return {n: [d.text, *d.thread, d.first_comment] for n, d in variants.items()}


def post_variants_data(post: Post) -> dict[str, VariantData]:
    """Each of the post's variants as saved, by network: what the checks and previews read."""
    return {v.network: variant_data(v) for v in post.variants.all()}


def variant_data(variant: PostVariant) -> VariantData:
    return VariantData(
        text=variant.text,
        content_warning=variant.content_warning,
        instagram_format=variant.instagram_format,
        channels=list(variant.channels.all()),
        media=list(variant.media.all()),
        thread=list(variant.thread),
        first_comment=variant.first_comment,
        reply_control=variant.reply_control,
        quote_url=variant.quote_url,
    )
