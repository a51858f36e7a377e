"""The X API v2 endpoints Palabre uses, as the double answers them, in xdk's words.

xdk 0.10 follows X's newer specification, which renames some wire fields X's documentation
still shows with their tweet names: `referenced_posts` (referenced_tweets),
`edit_history_post_ids` (edit_history_tweet_ids), `public_metrics.repost_count`
(retweet_count), `includes.posts` (includes.tweets), the `post.fields` parameter
(tweet.fields). The double speaks xdk's names; Palabre's connector reads both.

- posts: https://docs.x.com/x-api/posts/create-post, /delete-post, /hide-reply,
  /get-posts-by-ids, /search-recent-posts (the query operators used: keywords, #hashtags,
  conversation_id:, from:, to:, is:, -, parentheses and OR:
  https://docs.x.com/x-api/posts/search/integrate/build-a-query)
- users: https://docs.x.com/x-api/users/get-my-user, /get-mentions, /get-posts
- media: https://docs.x.com/x-api/media/upload-media (one request), /initialize-media-upload,
  /append-media-upload, /finalize-media-upload, /get-media-upload-status,
  /create-media-metadata
- errors: https://docs.x.com/x-api/fundamentals/response-codes-and-errors
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
from datetime import UTC, datetime
from typing import Any

from xdk.media import models as media_models
from xdk.media.client import MediaClient
from xdk.posts import models as posts_models
from xdk.posts.client import PostsClient
from xdk.users import models as users_models
from xdk.users.client import UsersClient

from tests.networks.x.server import Call, forbidden, invalid, not_found, route
from tests.networks.x.state import Media, Post, User, new_id

READ = ("tweet.read", "users.read")
WRITE = ("tweet.read", "tweet.write", "users.read")
DUPLICATE = "You are not allowed to create a Tweet with duplicate content."
SEARCH_DAYS = 7
IMAGE_BYTES = 5 * 1024 * 1024
GIF_BYTES = 15 * 1024 * 1024
VIDEO_BYTES = 512 * 1024 * 1024
ALT_TEXT_CHARS = 1000
MAX_IMAGES = 4
MAX_WEIGHTED = 280  # accounts without X Premium
# twitter-text v3: these code points weigh 1, every other 2, a link 23 (emoji sequences,
# which it counts specially, are not needed by the double).
LIGHT = ((0, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))


def weighted_length(text: str) -> int:
    """A link counts 23, whatever its length (t.co)."""
    links = URL.findall(text)
    rest = URL.sub("", text)
    return 23 * len(links) + sum(1 if any(a <= ord(c) <= b for a, b in LIGHT) else 2 for c in rest)


def x_time(moment: float) -> str:
    """X's timestamps: ISO 8601 in UTC with milliseconds, "2026-12-02T11:45:50.000Z"."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_time(value: str, name: str) -> float:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid(name, value, f"Invalid '{name}':'{value}'.") from None
    if parsed.tzinfo is None:
        raise invalid(name, value, f"Invalid '{name}':'{value}'.")
    return parsed.timestamp()


# --- rendering ---------------------------------------------------------------------------


def render_post(call: Call, post: Post) -> dict[str, Any]:
    fields, expansions = call.fields("post"), call.fields("expansions")
    text, urls = shortened(post)
    out: dict[str, Any] = {"id": post.id, "text": text, "edit_history_post_ids": [post.id]}
    if "entities" in fields and urls:
        out["entities"] = {"urls": urls}
    if "created_at" in fields:
        out["created_at"] = x_time(post.created_at)
    if "lang" in fields:
        out["lang"] = post.lang
    if "conversation_id" in fields:
        out["conversation_id"] = post.conversation_id
    if "author_id" in expansions:
        out["author_id"] = post.author_id
    if "in_reply_to_user_id" in expansions and post.in_reply_to_user_id:
        out["in_reply_to_user_id"] = post.in_reply_to_user_id
    if "referenced_posts" in expansions:
        refs = references(post)
        if refs:
            out["referenced_posts"] = refs
    if post.media_keys and ("attachments" in fields or "attachments.media_keys" in expansions):
        out["attachments"] = {"media_keys": list(post.media_keys)}
    if "public_metrics" in fields:
        out["public_metrics"] = {
            "bookmark_count": post.bookmarks,
            "impression_count": post.impressions,
            "like_count": post.likes,
            "quote_count": sum(1 for p in call.world.live_posts() if p.quote_of == post.id),
            "reply_count": sum(1 for p in call.world.live_posts() if p.in_reply_to == post.id),
            "repost_count": post.reposts,
        }
    return out


URL = re.compile(r"https?://[^\s]+")


def shortened(post: Post) -> tuple[str, list[dict[str, Any]]]:
    """The text as X gives it back: each link replaced by a t.co address, the original in
    `entities.urls` (`start`/`end` in code points, `url`, `expanded_url`, `display_url`):
    https://docs.x.com/x-api/fundamentals/data-dictionary#entities"""
    out, urls, last = "", [], 0
    for match in URL.finditer(post.text):
        short = (
            "https://t.co/" + hashlib.sha256(f"{post.id}{match.group()}".encode()).hexdigest()[:10]
        )
        out += post.text[last : match.start()]
        start = len(out)
        out += short
        full = match.group()
        urls.append(
            {
                "start": start,
                "end": start + len(short),
                "url": short,
                "expanded_url": full,
                "display_url": full.split("://", 1)[1][:26],
            }
        )
        last = match.end()
    return out + post.text[last:], urls


def references(post: Post) -> list[dict[str, str]]:
    refs = []
    if post.in_reply_to:
        refs.append({"type": "replied_to", "id": post.in_reply_to})
    if post.quote_of:
        refs.append({"type": "quoted", "id": post.quote_of})
    return refs


def render_user(call: Call, user: User) -> dict[str, Any]:
    fields = call.fields("user")
    out: dict[str, Any] = {"id": user.id, "name": user.name, "username": user.username}
    if "public_metrics" in fields:
        out["public_metrics"] = {
            "followers_count": user.followers,
            "following_count": user.following,
            "listed_count": user.listed,
            "post_count": sum(1 for p in call.world.live_posts() if p.author_id == user.id),
        }
    if "created_at" in fields:
        out["created_at"] = "2012-03-01T09:00:00.000Z"
    return out


def render_media(call: Call, media: Media) -> dict[str, Any]:
    fields = call.fields("media")
    out: dict[str, Any] = {"media_key": media.media_key, "type": media.kind}
    if "alt_text" in fields and media.alt_text:
        out["alt_text"] = media.alt_text
    if "url" in fields and media.kind == "photo":
        out["url"] = f"https://pbs.twimg.com/media/{media.media_key}.jpg"
    return out


def includes(call: Call, posts: list[Post]) -> dict[str, Any]:
    expansions = call.fields("expansions")
    world = call.world
    users: dict[str, User] = {}
    quoted: dict[str, Post] = {}
    media: dict[str, Media] = {}
    for post in posts:
        if "author_id" in expansions:
            users[post.author_id] = world.users[post.author_id]
        if "in_reply_to_user_id" in expansions and post.in_reply_to_user_id:
            users[post.in_reply_to_user_id] = world.users[post.in_reply_to_user_id]
        if "referenced_posts" in expansions:
            for ref in references(post):
                found = world.posts.get(ref["id"])
                if found is not None and not found.deleted:
                    quoted[found.id] = found
        if "attachments.media_keys" in expansions:
            for key in post.media_keys:
                item = next((m for m in world.media.values() if m.media_key == key), None)
                if item is not None:
                    media[key] = item
    out: dict[str, Any] = {}
    if users:
        out["users"] = [render_user(call, u) for u in users.values()]
    if quoted:
        out["posts"] = [render_post(call, p) for p in quoted.values()]
    if media:
        out["media"] = [render_media(call, m) for m in media.values()]
    return out


def listing(call: Call, posts: list[Post], *, token_param: str, fewest: int = 5) -> dict[str, Any]:
    """A page of posts (newest first): `{data, includes, meta}`; `meta.result_count` 0 and
    no `data` when there is none, as X answers. `fewest`: the smallest `max_results`."""
    limit = _max_results(call, low=fewest)
    start = 0
    token = call.params.get(token_param) or call.params.get("pagination_token")
    if token:
        after = _untoken(token)
        start = next((i + 1 for i, p in enumerate(posts) if p.id == after), len(posts))
    page = posts[start : start + limit]
    meta: dict[str, Any] = {"result_count": len(page)}
    if not page:
        return {"meta": meta}
    meta["newest_id"], meta["oldest_id"] = page[0].id, page[-1].id
    if start + limit < len(posts):
        meta["next_token"] = _token(page[-1].id)
    out: dict[str, Any] = {"data": [render_post(call, p) for p in page]}
    found = includes(call, page)
    if found:
        out["includes"] = found
    out["meta"] = meta
    return out


def _token(post_id: str) -> str:
    return base64.b32encode(post_id.encode()).decode().rstrip("=").lower()


def _untoken(token: str) -> str:
    padded = token.upper() + "=" * (-len(token) % 8)
    try:
        return base64.b32decode(padded).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise invalid("pagination_token", token, "The `pagination_token` is invalid.") from None


def _max_results(call: Call, low: int = 5, high: int = 100) -> int:
    raw = call.params.get("max_results", "10")
    value = int(raw)
    if not low <= value <= high:
        raise invalid(
            "max_results",
            raw,
            f"The `max_results` query parameter value [{raw}] is not between {low} and {high}",
        )
    return value


def _window(call: Call, posts: list[Post]) -> list[Post]:
    """since_id, until_id, start_time, end_time."""
    since, until = call.params.get("since_id"), call.params.get("until_id")
    start = call.params.get("start_time")
    end = call.params.get("end_time")
    begin = parse_time(start, "start_time") if start else None
    finish = parse_time(end, "end_time") if end else None
    return [
        p
        for p in posts
        if (since is None or int(p.id) > int(since))
        and (until is None or int(p.id) < int(until))
        and (begin is None or p.created_at >= begin)
        and (finish is None or p.created_at <= finish)
    ]


# --- posts -------------------------------------------------------------------------------


@route(
    "POST",
    "/2/tweets",
    sdk=PostsClient.create,
    request=posts_models.CreateRequest,
    returns=posts_models.CreateResponse,
    scopes=WRITE,
    status=201,
)
def create_post(call: Call) -> dict[str, Any]:
    body = call.json
    world, author = call.world, call.user
    text = body.get("text") or ""
    media_ids = (body.get("media") or {}).get("media_ids") or []
    if not text and not media_ids:
        raise invalid("text", "", "A post needs text or media.")
    attached = [_own_media(call, media_id) for media_id in media_ids]
    kinds = {m.kind for m in attached}
    if len(attached) > MAX_IMAGES or (kinds - {"photo"} and len(attached) > 1):
        raise invalid("media.media_ids", ",".join(media_ids), "Your media IDs are invalid.")
    if weighted_length(text) > MAX_WEIGHTED:
        # X's v2 wording for this refusal is not documented (v1.1 said "Tweet needs to be a
        # bit shorter.", code 186): uncertain; a 403 problem, as its other refusals of content.
        raise forbidden("Your Tweet text is too long.")
    recent = [p for p in world.live_posts() if p.author_id == author.id][:200]
    if text and any(p.text == text for p in recent):
        raise forbidden(DUPLICATE)
    reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
    parent = world.posts.get(reply_to) if reply_to else None
    if reply_to and (parent is None or parent.deleted):
        raise forbidden("You attempted to reply to a Tweet that is deleted or not visible to you.")
    quote = body.get("quote_tweet_id")
    if quote and (quote not in world.posts or world.posts[quote].deleted):
        raise forbidden("You attempted to quote a Tweet that is deleted or not visible to you.")
    post = add_post(
        call.server.world,
        author,
        text,
        parent=parent,
        quote_of=quote,
        media_keys=[m.media_key for m in attached],
    )
    text, _urls = shortened(post)
    return {"data": {"id": post.id, "text": text, "edit_history_post_ids": [post.id]}}


def add_post(
    world: Any,
    author: User,
    text: str,
    *,
    parent: Post | None = None,
    quote_of: str | None = None,
    media_keys: list[str] | None = None,
) -> Post:
    post_id = new_id()
    post = Post(
        id=post_id,
        author_id=author.id,
        text=text,
        created_at=world.now(),
        conversation_id=parent.conversation_id if parent else post_id,
        in_reply_to=parent.id if parent else None,
        in_reply_to_user_id=parent.author_id if parent else None,
        quote_of=quote_of,
        media_keys=media_keys or [],
    )
    world.posts[post_id] = post
    return post


def _own_media(call: Call, media_id: str) -> Media:
    media = call.world.media.get(media_id)
    if media is None or media.owner_id != call.user.id or media.state != "succeeded":
        raise invalid("media.media_ids", media_id, "Your media IDs are invalid.")
    return media


@route(
    "DELETE",
    "/2/tweets/{id}",
    sdk=PostsClient.delete,
    returns=posts_models.DeleteResponse,
    scopes=WRITE,
)
def delete_post(call: Call) -> dict[str, Any]:
    post = call.world.posts.get(call.path_params["id"])
    if post is None:
        raise not_found("tweet", call.path_params["id"])
    if post.author_id != call.user.id:
        raise forbidden("You are not allowed to delete a Tweet that is not your own.")
    was = not post.deleted
    post.deleted = True
    return {"data": {"deleted": was}}


@route(
    "PUT",
    "/2/tweets/{tweet_id}/hidden",
    sdk=PostsClient.hide_reply,
    request=posts_models.HideReplyRequest,
    returns=posts_models.HideReplyResponse,
    scopes=(*READ, "tweet.moderate.write"),
)
def hide_reply(call: Call) -> dict[str, Any]:
    post = call.world.posts.get(call.path_params["tweet_id"])
    if post is None or post.deleted:
        raise not_found("tweet", call.path_params["tweet_id"])
    root = call.world.posts.get(post.conversation_id)
    if post.in_reply_to is None or root is None or root.author_id != call.user.id:
        raise forbidden("You can only hide or unhide replies to conversations you authored.")
    if post.author_id == call.user.id:
        raise forbidden("You cannot hide your own replies.")
    post.hidden = bool(call.json["hidden"])
    return {"data": {"hidden": post.hidden}}


@route(
    "GET",
    "/2/tweets",
    sdk=PostsClient.get_by_ids,
    returns=posts_models.GetByIdsResponse,
    scopes=READ,
)
def posts_by_ids(call: Call) -> dict[str, Any]:
    ids = [i for i in call.params.get("ids", "").split(",") if i]
    if not 1 <= len(ids) <= 100:
        raise invalid(
            "ids", call.params.get("ids", ""), "The `ids` query parameter must hold 1 to 100 ids."
        )
    found, errors = [], []
    for post_id in ids:
        post = call.world.posts.get(post_id)
        if post is None or post.deleted:
            errors.append(
                {
                    "value": post_id,
                    "detail": f"Could not find tweet with ids: [{post_id}].",
                    "title": "Not Found Error",
                    "resource_type": "tweet",
                    "parameter": "ids",
                    "resource_id": post_id,
                    "type": "https://api.x.com/2/problems/resource-not-found",
                }
            )
        else:
            found.append(post)
    out: dict[str, Any] = {}
    if found:
        out["data"] = [render_post(call, p) for p in found]
        extra = includes(call, found)
        if extra:
            out["includes"] = extra
    if errors:
        out["errors"] = errors
    return out


@route(
    "GET",
    "/2/tweets/search/recent",
    sdk=PostsClient.search_recent,
    returns=posts_models.SearchRecentResponse,
    scopes=READ,
)
def search_recent(call: Call) -> dict[str, Any]:
    query = call.params.get("query", "")
    if not query or len(query) > 512:
        raise invalid("query", query, "The `query` parameter must hold 1 to 512 characters.")
    matches = Query(query, call)
    oldest = call.world.now() - SEARCH_DAYS * 86400
    start = call.params.get("start_time")
    if start and parse_time(start, "start_time") < oldest:
        raise invalid(
            "start_time", start, "Invalid 'start_time': it must be within the last 7 days."
        )
    since = call.params.get("since_id")
    known = call.world.posts.get(since or "")
    if known is not None and known.created_at < oldest:
        raise invalid(
            "since_id",
            since or "",
            f"Invalid 'since_id':'{since}'. 'since_id' must be a tweet id created after "
            f"{x_time(oldest)}.",
        )
    posts = [p for p in call.world.live_posts() if p.created_at >= oldest and matches(p)]
    # Recent search's `max_results`: 10 to 100 (10 when not given).
    return listing(call, _window(call, posts), token_param="next_token", fewest=10)


class Query:
    """The search operators Palabre uses: a keyword (a tokenized match: the post's words,
    a hashtag's included), `#hashtag` (exact: that hashtag, not a longer one), both without
    regard to case; `conversation_id:`, `from:`, `to:`, `@name`, `is:reply`, `is:retweet`
    (no post of the double is a repost), each negated by `-`, ANDed by spaces, ORed inside
    parentheses."""

    TOKEN = re.compile(r"\(|\)|\bOR\b|-?#?[\w:@.]+")
    IS = ("reply", "retweet", "quote")

    def __init__(self, text: str, call: Call) -> None:
        self.call = call
        self.groups: list[list[str]] = []
        current: list[str] | None = None
        for token in self.TOKEN.findall(text):
            if token == "(":
                current = []
            elif token == ")":
                if current:
                    self.groups.append(current)
                current = None
            elif token == "OR":
                continue
            elif current is not None:
                current.append(token)
            else:
                self.groups.append([token])
        for group in self.groups:
            for term in group:
                self._check(term)

    def _check(self, term: str) -> None:
        name, colon, value = term.lstrip("-").partition(":")
        if term.lstrip("-").startswith(("@", "#")) or not colon:
            return
        if name not in ("conversation_id", "from", "to", "is") or (
            name == "is" and value not in self.IS
        ):
            raise invalid("query", term, f"There were errors processing your request: {term}")

    def __call__(self, post: Post) -> bool:
        return all(any(self._term(t, post) for t in group) for group in self.groups)

    def _term(self, term: str, post: Post) -> bool:
        negated = term.startswith("-")
        term = term.lstrip("-")
        name, _, value = term.partition(":")
        world = self.call.world
        if term.startswith("@"):
            hit = f"@{term[1:].lower()}" in post.text.lower()
        elif term.startswith("#"):
            hit = term.lower() in {t.lower() for t in re.findall(r"#\w+", post.text)}
        elif name == term:  # a keyword
            hit = term.lower() in {w.lower() for w in re.findall(r"\w+", post.text)}
        elif name == "conversation_id":
            hit = post.conversation_id == value
        elif name == "from":
            author = world.users.get(post.author_id)
            hit = author is not None and value.lower() in (author.username.lower(), author.id)
        elif name == "to":
            target = world.users.get(post.in_reply_to_user_id or "")
            hit = target is not None and value.lower() in (target.username.lower(), target.id)
        elif value == "reply":  # is:
            hit = post.in_reply_to is not None
        else:
            hit = post.quote_of is not None if value == "quote" else False
        return hit != negated


# --- users -------------------------------------------------------------------------------


@route(
    "GET", "/2/users/me", sdk=UsersClient.get_me, returns=users_models.GetMeResponse, scopes=READ
)
def me(call: Call) -> dict[str, Any]:
    return {"data": render_user(call, call.user)}


@route(
    "GET",
    "/2/users/{id}/mentions",
    sdk=UsersClient.get_mentions,
    returns=users_models.GetMentionsResponse,
    scopes=READ,
)
def mentions(call: Call) -> dict[str, Any]:
    user = _user(call)
    mention = re.compile(rf"(?<![\w@])@{re.escape(user.username)}\b", re.IGNORECASE)
    posts = [
        p for p in call.world.live_posts() if p.author_id != user.id and mention.search(p.text)
    ]
    return listing(call, _window(call, posts), token_param="pagination_token")


@route(
    "GET",
    "/2/users/{id}/tweets",
    sdk=UsersClient.get_posts,
    returns=users_models.GetPostsResponse,
    scopes=READ,
)
def user_posts(call: Call) -> dict[str, Any]:
    user = _user(call)
    exclude = set(call.params.get("exclude", "").split(","))
    posts = [
        p
        for p in call.world.live_posts()
        if p.author_id == user.id and not ("replies" in exclude and p.in_reply_to)
    ]
    return listing(call, _window(call, posts), token_param="pagination_token")


def _user(call: Call) -> User:
    user = call.world.users.get(call.path_params["id"])
    if user is None:
        raise not_found("user", call.path_params["id"])
    if user.id != call.user.id:
        raise forbidden("You can only read your own account's timelines here.")
    return user


# --- media -------------------------------------------------------------------------------

IMAGE_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "image/bmp",
    "image/pjpeg",
    "image/tiff",
}
MAGIC = {
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG",
    "image/gif": b"GIF8",
    "image/webp": b"RIFF",
}


@route(
    "POST",
    "/2/media/upload",
    sdk=MediaClient.upload,
    request=media_models.UploadRequest,
    returns=media_models.UploadResponse,
    scopes=("media.write",),
)
def upload_one(call: Call) -> dict[str, Any]:
    """One request for an image: `{media: base64, media_category}`."""
    category = call.json["media_category"]
    if category not in ("tweet_image", "dm_image"):
        raise invalid("media_category", category, "Use the chunked upload for videos and GIFs.")
    data = _decode(call.json["media"], "media")
    media_type = next((t for t, magic in MAGIC.items() if data.startswith(magic)), "")
    if not media_type:
        raise invalid("media", "", "The media is not an image X accepts.")
    if len(data) > IMAGE_BYTES:
        raise invalid("media", "", "Images may be at most 5 MB.")
    media = _new_media(call, media_type, category, len(data))
    media.chunks[0] = data
    media.finalized = True
    return {"data": {**_media_data(media), "image": {"image_type": media_type}}}


@route(
    "POST",
    "/2/media/upload/initialize",
    sdk=MediaClient.initialize_upload,
    request=media_models.InitializeUploadRequest,
    returns=media_models.InitializeUploadResponse,
    scopes=("media.write",),
)
def initialize(call: Call) -> dict[str, Any]:
    body = call.json
    media_type, category = body.get("media_type"), body.get("media_category")
    total = body.get("total_bytes")
    if not media_type or not category or total is None:
        raise invalid(
            "media_type",
            str(media_type),
            "media_type, media_category and total_bytes are required.",
        )
    ceiling = (
        VIDEO_BYTES
        if media_type.startswith("video/")
        else GIF_BYTES
        if category.endswith("gif")
        else IMAGE_BYTES
    )
    if total <= 0 or total > ceiling:
        raise invalid("total_bytes", str(total), "The media is larger than X accepts for its kind.")
    media = _new_media(call, media_type, category, total)
    planned = call.server.next_media_plan()
    if planned and (media_type.startswith("video/") or category.endswith("gif")):
        media.polls_left, media.outcome = planned
    return {"data": {"id": media.id, "media_key": media.media_key, "expires_after_secs": 86400}}


@route(
    "POST",
    "/2/media/upload/{id}/append",
    sdk=MediaClient.append_upload,
    request=media_models.AppendUploadRequest,
    returns=media_models.AppendUploadResponse,
    scopes=("media.write",),
)
def append(call: Call) -> dict[str, Any]:
    media = _upload(call, call.path_params["id"])
    if media.finalized:
        raise invalid("id", media.id, "This upload is already finalized.")
    index = call.json["segment_index"]
    if not 0 <= index <= 999:
        raise invalid("segment_index", str(index), "segment_index must be between 0 and 999.")
    chunk = _decode(call.json["media"], "media")
    if len(chunk) > 5 * 1024 * 1024:
        raise invalid("media", "", "A segment may be at most 5 MB.")
    media.chunks[index] = chunk
    return {"data": {"expires_at": int(media.created_at) + 86400}}


@route(
    "POST",
    "/2/media/upload/{id}/finalize",
    sdk=MediaClient.finalize_upload,
    returns=media_models.FinalizeUploadResponse,
    scopes=("media.write",),
)
def finalize(call: Call) -> dict[str, Any]:
    media = _upload(call, call.path_params["id"])
    if media.size != media.total_bytes:
        raise invalid(
            "id",
            media.id,
            f"The uploaded size ({media.size} bytes) is not the size declared ({media.total_bytes}).",
        )
    if sorted(media.chunks) != list(range(len(media.chunks))):
        raise invalid("id", media.id, "Segments are missing.")
    media.finalized = True
    data = _media_data(media)
    if media.kind != "photo":
        data["processing_info"] = _processing(media)
    return {"data": data}


@route(
    "GET",
    "/2/media/upload",
    sdk=MediaClient.get_upload_status,
    returns=media_models.GetUploadStatusResponse,
    scopes=("media.write",),
)
def status(call: Call) -> dict[str, Any]:
    if call.params.get("command") != "STATUS":
        raise invalid("command", call.params.get("command", ""), "command must be STATUS.")
    media = _upload(call, call.params.get("media_id", ""))
    if not media.finalized:
        raise invalid("media_id", media.id, "The upload is not finalized.")
    info = _processing(media)
    if media.polls_left > 0:
        media.polls_left -= 1
    return {"data": {**_media_data(media), "processing_info": info}}


@route(
    "POST",
    "/2/media/metadata",
    sdk=MediaClient.create_metadata,
    request=media_models.CreateMetadataRequest,
    returns=media_models.CreateMetadataResponse,
    scopes=("media.write",),
)
def metadata(call: Call) -> dict[str, Any]:
    media = _upload(call, call.json["id"])
    alt = ((call.json.get("metadata") or {}).get("alt_text") or {}).get("text")
    if alt is None:
        raise invalid("metadata", "", "Only alt_text is supported here.")
    if len(alt) > ALT_TEXT_CHARS:
        raise invalid(
            "metadata.alt_text.text", alt[:20], "Alt text may be at most 1000 characters."
        )
    if media.kind == "video":
        raise invalid("id", media.id, "Alt text applies to images and GIFs.")
    media.alt_text = alt
    return {"data": {"id": media.id, "associated_metadata": {"alt_text": {"text": alt}}}}


def _new_media(call: Call, media_type: str, category: str, total: int) -> Media:
    media_id = new_id()
    prefix = "3" if not media_type.startswith("video/") else "7"
    media = Media(
        id=media_id,
        media_key=f"{prefix}_{media_id}",
        owner_id=call.user.id,
        media_type=media_type,
        category=category,
        total_bytes=total,
        created_at=time.time(),
    )
    call.world.media[media_id] = media
    return media


def _upload(call: Call, media_id: str) -> Media:
    media = call.world.media.get(media_id)
    if media is None or media.owner_id != call.user.id:
        raise not_found("media", media_id)
    return media


def _media_data(media: Media) -> dict[str, Any]:
    return {
        "id": media.id,
        "media_key": media.media_key,
        "size": media.size,
        "expires_after_secs": 86400,
    }


def _processing(media: Media) -> dict[str, Any]:
    state = media.state
    info: dict[str, Any] = {"state": state}
    if state == "in_progress":
        info["check_after_secs"] = 1
        info["progress_percent"] = 50
    elif state == "succeeded":
        info["progress_percent"] = 100
    return info


def _decode(value: str, name: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(name, "", "The media is not valid base64.") from None
