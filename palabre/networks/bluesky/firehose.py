"""Bluesky's repository event stream (com.atproto.sync.subscribeRepos), read for a few
accounts among everyone's.

A relay carries every account's commits (thousands a second), so a frame is judged as
cheaply as possible: its two CBOR parts decoded by the SDK (libipld, in Rust), then dropped
unless it is a commit creating an `app.bsky.feed.post` whose blocks name a watched DID (a
byte search: a reply, quote or mention carries the DID in its record as text). Only those
few have their blocks (a CAR file) decoded and their record read.

The record is read the way the AppView makes notifications of it, so that an item arriving
by the stream and by polling is the same interaction (the same remote id, the same kind):
a mention first, then a quote, then a reply to the account's post (the parent or the root:
replies deeper under an answer the account made in someone else's thread come by
polling). The account's own posts are not its interactions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from palabre.networks.base import Author, IncomingInteraction, InteractionKind
from palabre.networks.bluesky.parse import moment

POST = "app.bsky.feed.post"
POST_PATH = POST + "/"
MENTION = "app.bsky.richtext.facet#mention"
QUOTES = {"app.bsky.embed.record", "app.bsky.embed.recordWithMedia"}


class StreamRefused(Exception):
    """The server's error frame (FutureCursor, ConsumerTooSlow…), by its name."""

    def __init__(self, error: str, message: str = "") -> None:
        super().__init__(f"{error}: {message}" if message else error)
        self.error = error


@dataclass(frozen=True)
class Match:
    """An interaction with a watched account, its author known by DID only."""

    account: str  # the watched DID it concerns
    interaction: IncomingInteraction


@dataclass(frozen=True)
class Event:
    seq: int | None
    matches: tuple[Match, ...] = ()
    time: str = ""  # when the server sequenced it (ISO), as it says


def frame_read(data: bytes, watched: frozenset[str]) -> Event:
    """What one frame of the stream says about the watched accounts (their DIDs)."""
    from atproto_core.cbor import decode_dag_multi

    parts = decode_dag_multi(data)
    if len(parts) != 2 or not isinstance(parts[0], dict) or not isinstance(parts[1], dict):
        return Event(seq=None)
    header, body = parts
    if header.get("op") == -1:
        raise StreamRefused(str(body.get("error") or ""), str(body.get("message") or ""))
    seq = body.get("seq")
    seq = seq if isinstance(seq, int) else None
    time = body.get("time") if isinstance(body.get("time"), str) else ""
    if header.get("t") != "#commit" or not watched:
        return Event(seq=seq, time=time)
    return Event(seq=seq, matches=tuple(commit_matches(body, watched)), time=time)


def commit_matches(body: dict[str, Any], watched: frozenset[str]) -> list[Match]:
    creates = [
        op
        for op in body.get("ops") or ()
        if isinstance(op, dict)
        and op.get("action") == "create"
        and str(op.get("path") or "").startswith(POST_PATH)
    ]
    blocks = body.get("blocks")
    if not creates or not isinstance(blocks, bytes):
        return []
    named = [did for did in watched if did and did.encode() in blocks]
    repo = body.get("repo")
    if not named or not isinstance(repo, str):
        return []
    import libipld

    try:
        _header, records = libipld.decode_car(blocks)
    except ValueError:  # a malformed commit: skipped, polling reads its posts
        return []
    when = moment(body.get("time")) if body.get("time") else datetime.now(UTC)
    found = []
    for op in creates:
        record = records.get(op.get("cid") or b"")
        if not isinstance(record, dict) or record.get("$type") != POST:
            continue
        uri = f"at://{repo}/{op['path']}"
        for account in named:
            if account != repo:
                item = interaction_for(account, uri, repo, record, when)
                if item is not None:
                    found.append(Match(account, item))
    return found


def interaction_for(
    account: str, uri: str, author: str, record: dict[str, Any], when: datetime
) -> IncomingInteraction | None:
    """The interaction `record` is for `account`, as its notification would say, or None."""
    reply = _dict(record.get("reply"))
    parent = _uri(reply.get("parent"))
    root = _uri(reply.get("root"))
    quoted = _quoted(record.get("embed"))
    if _mentions(record, account):
        kind, subject = InteractionKind.MENTION, None
    elif quoted and _did(quoted) == account:
        kind, subject = InteractionKind.QUOTE, quoted
    elif account in (_did(parent), _did(root)):
        kind, subject = InteractionKind.COMMENT, parent if _did(parent) == account else root
    else:
        return None
    text = record.get("text")
    return IncomingInteraction(
        remote_id=uri,
        kind=kind,
        author=Author(author, author),
        created_at=when,
        text=text if isinstance(text, str) else "",
        in_reply_to=parent or subject,
        root=root or subject,
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _uri(ref: Any) -> str | None:
    value = _dict(ref).get("uri")
    return value if isinstance(value, str) and value else None


def _did(uri: str | None) -> str:
    return uri.removeprefix("at://").split("/", 1)[0] if uri else ""


def _quoted(embed: Any) -> str | None:
    """The post an embed quotes (a record, or a record with media), if it is a post."""
    embed = _dict(embed)
    if embed.get("$type") not in QUOTES:
        return None
    inner = _dict(embed.get("record"))
    uri = _uri(inner.get("record")) if "record" in inner else _uri(inner)
    return uri if uri and f"/{POST}/" in uri else None


def _mentions(record: dict[str, Any], account: str) -> bool:
    for facet in record.get("facets") or ():
        for feature in _dict(facet).get("features") or ():
            feature = _dict(feature)
            if feature.get("$type") == MENTION and feature.get("did") == account:
                return True
    return False


# Listening (palabre/listening/stream.py) reads every post created, whoever wrote it.


@dataclass(frozen=True)
class CreatedPost:
    """A post a commit created, as listening reads it: its author known by DID only."""

    uri: str
    author: str  # DID
    text: str
    langs: tuple[str, ...]
    created_at: datetime  # when the server sequenced the commit (its own clock, not the post's)


def frame_posts(data: bytes) -> tuple[Event, list[CreatedPost]]:
    """One frame of the stream: its position, and every post its commit created."""
    from atproto_core.cbor import decode_dag_multi

    parts = decode_dag_multi(data)
    if len(parts) != 2 or not isinstance(parts[0], dict) or not isinstance(parts[1], dict):
        return Event(seq=None), []
    header, body = parts
    if header.get("op") == -1:
        raise StreamRefused(str(body.get("error") or ""), str(body.get("message") or ""))
    seq = body.get("seq")
    time = body.get("time") if isinstance(body.get("time"), str) else ""
    event = Event(seq=seq if isinstance(seq, int) else None, time=time)
    if header.get("t") != "#commit":
        return event, []
    return event, list(commit_posts(body))


def commit_posts(body: dict[str, Any]) -> Iterator[CreatedPost]:
    """Each post a commit creates (a malformed commit: none; the search endpoint may find
    them later)."""
    creates = [
        op
        for op in body.get("ops") or ()
        if isinstance(op, dict)
        and op.get("action") == "create"
        and str(op.get("path") or "").startswith(POST_PATH)
    ]
    blocks, repo = body.get("blocks"), body.get("repo")
    if not creates or not isinstance(blocks, bytes) or not isinstance(repo, str):
        return
    import libipld

    try:
        _header, records = libipld.decode_car(blocks)
    except ValueError:
        return
    when = moment(body.get("time")) if body.get("time") else datetime.now(UTC)
    for op in creates:
        record = records.get(op.get("cid") or b"")
        if not isinstance(record, dict) or record.get("$type") != POST:
            continue
        text, langs = record.get("text"), record.get("langs")
        yield CreatedPost(
            uri=f"at://{repo}/{op['path']}",
            author=repo,
            text=text if isinstance(text, str) else "",
            langs=tuple(x for x in langs if isinstance(x, str)) if isinstance(langs, list) else (),
            created_at=when,
        )
