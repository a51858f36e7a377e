"""X posts and users, read from the API's raw JSON, under both names X has used.

xdk 0.10 follows X's newer specification, which renamed wire fields that X's documentation
(https://docs.x.com/x-api/fundamentals/data-dictionary) still shows with their tweet names:

    referenced_posts        referenced_tweets
    edit_history_post_ids   edit_history_tweet_ids
    repost_count            retweet_count          (public_metrics)
    includes.posts          includes.tweets

Every reading here takes either, so a switch on X's side breaks nothing. Parsed by hand:
one malformed item must not lose the page; an item with no id is skipped, and only that one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from palabre.networks.base import Author, PostMetrics, PublicPost

# What Palabre asks for: the post fields (xdk's `post.fields`; X's documentation calls the
# parameter `tweet.fields`) and expansions the readers below use.
POST_FIELDS = "created_at,conversation_id,public_metrics,attachments,entities,text,id"
EXPANSIONS = "author_id,referenced_posts,in_reply_to_user_id"
USER_FIELDS = "username,name"
FIELDS_PARAM = "post.fields"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _id(value: Any) -> str:
    return value if isinstance(value, str) and value.isdigit() else ""


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def either(raw: dict[str, Any], new: str, old: str) -> Any:
    """xdk's name, else X's documented one."""
    value = raw.get(new)
    return value if value is not None else raw.get(old)


def moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True)
class XPost:
    id: str
    text: str
    author_id: str
    created_at: datetime | None
    conversation_id: str
    replied_to: str | None
    quoted: str | None
    media_count: int


def references(raw: dict[str, Any]) -> dict[str, str]:
    """{type: id} of `referenced_posts` (`referenced_tweets`): replied_to, quoted, retweeted."""
    found = {}
    for ref in _list(either(raw, "referenced_posts", "referenced_tweets")):
        ref = _dict(ref)
        kind, ref_id = _text(ref.get("type")), _id(ref.get("id"))
        if kind and ref_id:
            found[kind] = ref_id
    return found


def expanded_text(raw: dict[str, Any]) -> str:
    """The text with X's t.co links put back as they were sent (`entities.urls`)."""
    text = _text(raw.get("text"))
    for url in _list(_dict(raw.get("entities")).get("urls")):
        url = _dict(url)
        short, full = _text(url.get("url")), _text(url.get("expanded_url"))
        if short and full:
            text = text.replace(short, full)
    return text


def post(raw: Any) -> XPost | None:
    raw = _dict(raw)
    post_id = _id(raw.get("id"))
    if not post_id:
        return None
    refs = references(raw)
    return XPost(
        id=post_id,
        text=expanded_text(raw),
        author_id=_id(raw.get("author_id")),
        created_at=moment(raw.get("created_at")),
        conversation_id=_id(raw.get("conversation_id")) or post_id,
        replied_to=refs.get("replied_to"),
        quoted=refs.get("quoted"),
        media_count=len(_list(_dict(raw.get("attachments")).get("media_keys"))),
    )


def posts(page: Any) -> list[XPost]:
    return [p for p in map(post, _list(_dict(page).get("data"))) if p is not None]


def included_posts(page: Any) -> list[XPost]:
    includes = _dict(_dict(page).get("includes"))
    return [p for p in map(post, _list(either(includes, "posts", "tweets"))) if p is not None]


def authors(page: Any) -> dict[str, Author]:
    """{user id: Author} of `includes.users`."""
    found = {}
    for user in _list(_dict(_dict(page).get("includes")).get("users")):
        user = _dict(user)
        user_id = _id(user.get("id"))
        if user_id:
            username = _text(user.get("username"))
            found[user_id] = Author(
                remote_id=user_id, handle=username or user_id, display_name=_text(user.get("name"))
            )
    return found


def public_posts(page: Any) -> list[PublicPost]:
    """Someone's posts a search found (listening), with their author from `includes.users`
    (username, name, `public_metrics.followers_count` as the reach). A post with no time or
    no author is skipped: listening orders and bounds by the one, answers the other."""
    users = {
        _id(u.get("id")): u
        for u in map(_dict, _list(_dict(_dict(page).get("includes")).get("users")))
    }
    found = []
    for raw in map(_dict, _list(_dict(page).get("data"))):
        post_id, author_id = _id(raw.get("id")), _id(raw.get("author_id"))
        created_at = moment(raw.get("created_at"))
        if not post_id or not author_id or created_at is None:
            continue
        user = users.get(author_id, {})
        username = _text(user.get("username"))
        found.append(
            PublicPost(
                remote_id=post_id,
                url=(
                    f"https://x.com/{username}/status/{post_id}"
                    if username
                    else f"https://x.com/i/web/status/{post_id}"
                ),
                author=Author(
                    remote_id=author_id,
                    handle=username or author_id,
                    display_name=_text(user.get("name")),
                ),
                text=expanded_text(raw),
                created_at=created_at,
                langs=language(raw.get("lang")),
                reach=_count(_dict(user.get("public_metrics")).get("followers_count")),
            )
        )
    return found


def language(value: Any) -> tuple[str, ...]:
    """X's `lang` (BCP 47) as a post's languages: none for "und" (undetermined), "zxx" (no
    text) and X's own codes in ISO 639's private range qaa–qtz ("qme": media links only,
    "qht": hashtags only, "qam": mentions only…)."""
    lang = _text(value).strip()
    code = lang.split("-")[0].lower()
    if not code or code in ("und", "zxx") or (len(code) == 3 and "qaa" <= code <= "qtz"):
        return ()
    return (lang,)


def next_token(page: Any) -> str:
    return _text(_dict(_dict(page).get("meta")).get("next_token"))


def metrics(raw: Any, *, own: bool) -> PostMetrics:
    """Public metrics; impressions only for the account's own posts (X shows them to their
    author: `public_metrics.impression_count`, else `non_public_metrics` /
    `organic_metrics.impression_count`)."""
    raw = _dict(raw)
    public = _dict(raw.get("public_metrics"))
    impressions = None
    if own:
        for source in (
            public,
            _dict(raw.get("non_public_metrics")),
            _dict(raw.get("organic_metrics")),
        ):
            impressions = _count(source.get("impression_count"))
            if impressions is not None:
                break
    return PostMetrics(
        likes=_count(public.get("like_count")) or 0,
        reposts=_count(either(public, "repost_count", "retweet_count")) or 0,
        replies=_count(public.get("reply_count")) or 0,
        quotes=_count(public.get("quote_count")) or 0,
        impressions=impressions,
        saves=_count(public.get("bookmark_count")),
    )
