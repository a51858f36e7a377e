"""Threads (graph.threads.net) in the double: the profile, containers and publishing (the
double fetches `image_url`/`video_url`), posts, replies and conversations, hiding replies,
deleting, the publishing limits, insights and mentions.

The SDK does not describe Threads: every shape here follows Meta's pages, and schemas.py
declares them with the same links:
- profile: https://developers.facebook.com/docs/threads/threads-profiles
- publishing: https://developers.facebook.com/docs/threads/posts and
  https://developers.facebook.com/docs/threads/reference/publishing
- container status: https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
- media and lists: https://developers.facebook.com/docs/threads/threads-media and
  https://developers.facebook.com/docs/threads/reference/media
- replies: https://developers.facebook.com/docs/threads/reply-management
- limits: https://developers.facebook.com/docs/threads/troubleshooting#rate-limiting
- insights: https://developers.facebook.com/docs/threads/insights
- mentions: https://developers.facebook.com/docs/threads/threads-mentions
- deleting: https://developers.facebook.com/docs/threads/threads-media#delete-a-threads-post
- keyword and topic tag search: https://developers.facebook.com/docs/threads/keyword-search
"""

from __future__ import annotations

import re
from typing import Any

from tests.networks.meta.fetch import fetch
from tests.networks.meta.instagram import container_status
from tests.networks.meta.server import (
    Call,
    GraphError,
    Many,
    graph_time,
    invalid_param,
    route,
    view,
)
from tests.networks.meta.state import DAY, ThreadsContainer, ThreadsMedia, ThreadsUser

PROFILE_DOC = "https://developers.facebook.com/docs/threads/threads-profiles"
PUBLISH_DOC = "https://developers.facebook.com/docs/threads/reference/publishing"
MEDIA_DOC = "https://developers.facebook.com/docs/threads/reference/media"
REPLIES_DOC = "https://developers.facebook.com/docs/threads/reply-management"
LIMITS_DOC = "https://developers.facebook.com/docs/threads/troubleshooting#rate-limiting"
INSIGHTS_DOC = "https://developers.facebook.com/docs/threads/insights"
MENTIONS_DOC = "https://developers.facebook.com/docs/threads/threads-mentions"
DELETE_DOC = "https://developers.facebook.com/docs/threads/threads-media#delete-a-threads-post"
SEARCH_DOC = "https://developers.facebook.com/docs/threads/keyword-search"
TEXT_LIMIT = 500
CAROUSEL_MIN, CAROUSEL_MAX = 2, 20
MEDIA_TYPES = ("TEXT", "IMAGE", "VIDEO", "CAROUSEL")
REPLY_CONTROLS = {
    "everyone": "EVERYONE",
    "accounts_you_follow": "ACCOUNTS_YOU_FOLLOW",
    "mentioned_only": "MENTIONED_ONLY",
    "parent_post_author_only": "PARENT_POST_AUTHOR_ONLY",
    "followers_only": "FOLLOWERS_ONLY",
}
MEDIA_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")
USER_METRICS = ("views", "likes", "replies", "reposts", "quotes", "clicks", "followers_count")
LIST_PARAMS = {
    "since": "datetime",
    "until": "datetime",
    "limit": "unsigned int",
    "before": "string",
    "after": "string",
}


@view("threads_user", "ThreadsProfile", defaults=("id",))
def threads_user_view(call: Call, user: ThreadsUser) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name or None,
        "threads_profile_picture_url": f"https://scontent.example/threads/{user.id}.jpg",
        "threads_biography": user.biography or None,
        "is_verified": False,
    }


@view("threads_container", "ThreadsContainer", defaults=("id",))
def threads_container_view(call: Call, container: ThreadsContainer) -> dict[str, Any]:
    status = call.context.get("status") or container_status(call, container, read=False)
    return {
        "id": container.id,
        "status": status,
        "error_message": (container.error or "UNKNOWN") if status == "ERROR" else None,
    }


def _media_type(media: ThreadsMedia) -> str:
    return media.media_type


@view("threads_media", "ThreadsMedia", defaults=("id",))
def threads_media_view(call: Call, media: ThreadsMedia) -> dict[str, Any]:
    owner = call.world.get(media.user_id)
    token_subject = call.token.subject if call.token else None
    root = call.world.get(media.root_id) if media.root_id else None
    replied_to = call.world.get(media.reply_to_id) if media.reply_to_id else None
    replies = [m for m in call.world.of(ThreadsMedia, reply_to_id=media.id)]
    return {
        "id": media.id,
        "media_product_type": "THREADS",
        "media_type": _media_type(media),
        "media_url": media.media_url,
        "permalink": f"https://www.threads.net/@{getattr(owner, 'username', '')}/post/{media.shortcode}",
        # The keyword search leaves the owner out (SEARCH_DOC): only the username says who.
        "owner": None if call.context.get("searched") else {"id": media.user_id},
        "username": getattr(owner, "username", ""),
        "text": media.text or None,
        "timestamp": graph_time(media.created),
        "shortcode": media.shortcode,
        "alt_text": media.alt_text or None,
        "is_quote_post": False,
        "has_replies": bool(replies),
        "is_reply": media.reply_to_id is not None,
        "is_reply_owned_by_me": media.reply_to_id is not None and media.user_id == token_subject,
        "root_post": {"id": root.id} if isinstance(root, ThreadsMedia) else None,
        "replied_to": {"id": replied_to.id} if isinstance(replied_to, ThreadsMedia) else None,
        "hide_status": media.hide_status if media.reply_to_id else None,
        "reply_audience": media.reply_audience,
        "children": (lambda: Many([call.world.get(c) for c in media.children]))
        if media.children
        else None,
    }


# --- the profile --------------------------------------------------------------------


@route(
    "GET",
    "threads_user",
    "",
    returns="ThreadsProfile",
    base="threads",
    params={},
    auth="any",
    doc=PROFILE_DOC,
)
def threads_me(call: Call, user: ThreadsUser) -> ThreadsUser:
    return user


def _recent(call: Call, media: list[ThreadsMedia]) -> list[ThreadsMedia]:
    since = call.time_param("since")
    until = call.time_param("until")
    found = [
        m
        for m in media
        if (since is None or m.created >= since) and (until is None or m.created <= until)
    ]
    return list(reversed(found))


@route(
    "GET",
    "threads_user",
    "threads",
    returns="list<ThreadsMedia>",
    base="threads",
    params=LIST_PARAMS,
    doc=MEDIA_DOC,
)
def threads_list(call: Call, user: ThreadsUser) -> Many:
    posts = [
        m
        for m in call.world.of(ThreadsMedia, user_id=user.id)
        if m.reply_to_id is None and m.parent_id is None
    ]
    return Many(_recent(call, posts))


@route(
    "GET",
    "threads_user",
    "replies",
    returns="list<ThreadsMedia>",
    base="threads",
    params=LIST_PARAMS,
    doc=REPLIES_DOC,
)
def threads_user_replies(call: Call, user: ThreadsUser) -> Many:
    replies = [m for m in call.world.of(ThreadsMedia, user_id=user.id) if m.reply_to_id is not None]
    return Many(_recent(call, replies))


@route(
    "GET",
    "threads_user",
    "mentions",
    returns="list<ThreadsMedia>",
    base="threads",
    params=LIST_PARAMS,
    doc=MENTIONS_DOC,
)
def threads_mentions(call: Call, user: ThreadsUser) -> Many:
    found = [
        m
        for m in call.world.of(ThreadsMedia)
        if f"@{user.username}" in m.text and m.user_id != user.id
    ]
    return Many(_recent(call, found))


@route(
    "POST",
    "threads_user",
    "threads",
    returns="ThreadsCreated",
    base="threads",
    params={
        "media_type": "string",
        "text": "string",
        "image_url": "string",
        "video_url": "string",
        "is_carousel_item": "bool",
        "children": "list<string>",
        "reply_to_id": "string",
        "reply_control": "string",
        "alt_text": "string",
        "link_attachment": "string",
        "quote_post_id": "string",
        "topic_tag": "string",
        "allowlisted_country_codes": "list<string>",
        "auto_publish_text": "bool",
    },
    doc=PUBLISH_DOC,
)
def threads_create_container(call: Call, user: ThreadsUser) -> dict[str, Any]:
    media_type = call.params.get("media_type", "")
    if media_type not in MEDIA_TYPES:
        raise invalid_param("Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}")
    text = call.params.get("text", "")
    if len(text) > TEXT_LIMIT:
        raise invalid_param(f"Param text must be at most {TEXT_LIMIT} characters long")
    control = call.params.get("reply_control")
    if control is not None and control not in REPLY_CONTROLS:
        raise invalid_param(f"Param reply_control must be one of {{{', '.join(REPLY_CONTROLS)}}}")
    reply_to = call.params.get("reply_to_id")
    if reply_to is not None and not isinstance(call.world.get(reply_to), ThreadsMedia):
        raise invalid_param("Param reply_to_id must be the id of a Threads post or reply")
    children: list[str] = []
    error = ""
    if media_type == "TEXT" and not text:
        raise invalid_param("A TEXT post needs text")
    if media_type == "CAROUSEL":
        children = call.list_param("children")
        if not CAROUSEL_MIN <= len(children) <= CAROUSEL_MAX:
            raise invalid_param(f"A carousel holds from {CAROUSEL_MIN} to {CAROUSEL_MAX} items")
        for child_id in children:
            child = call.world.get(child_id)
            if (
                not isinstance(child, ThreadsContainer)
                or child.user_id != user.id
                or not child.is_carousel_item
            ):
                raise invalid_param(
                    f"The child {child_id} is not a carousel item container of this profile"
                )
            if container_status(call, child, read=False) != "FINISHED":
                error = "UNKNOWN"
    elif media_type in ("IMAGE", "VIDEO"):
        key = "image_url" if media_type == "IMAGE" else "video_url"
        url = call.params.get(key)
        if not url:
            raise invalid_param(f"The parameter {key} is required")
        got = fetch(url, kind=media_type.lower())
        if got.error:
            error = "FAILED_DOWNLOADING_VIDEO" if media_type == "VIDEO" else "UNKNOWN"
    polls, outcome = call.double.next_container_plan()
    container = call.world.add(
        ThreadsContainer(
            id=call.world.new_id(),
            user_id=user.id,
            media_type=media_type,
            image_url=call.params.get("image_url"),
            video_url=call.params.get("video_url"),
            text=text,
            alt_text=call.params.get("alt_text", ""),
            is_carousel_item=call.flag("is_carousel_item"),
            children=children,
            reply_to_id=reply_to,
            reply_control=control,
            created=call.world.now(),
            polls_left=polls,
            outcome="ERROR" if error else outcome,
            error=error if error else ("UNKNOWN" if outcome == "ERROR" else ""),
        )
    )
    return {"id": container.id}


@route(
    "GET",
    "threads_container",
    "",
    returns="ThreadsContainer",
    base="threads",
    params={},
    doc=PUBLISH_DOC,
)
def threads_container_get(call: Call, container: ThreadsContainer) -> ThreadsContainer:
    # This read counts as one poll; it answers the status as it was when it came.
    call.context["status"] = container_status(call, container, read=True)
    return container


@route(
    "POST",
    "threads_user",
    "threads_publish",
    returns="ThreadsCreated",
    base="threads",
    params={"creation_id": "string"},
    doc=PUBLISH_DOC,
)
def threads_publish(call: Call, user: ThreadsUser) -> dict[str, Any]:
    # The error codes of a failed publish are not on Meta's Threads pages; these are those
    # Instagram's shared publishing stack documents (instagram.py).
    call.require("creation_id")
    container = call.world.get(call.params["creation_id"])
    if not isinstance(container, ThreadsContainer) or container.user_id != user.id:
        raise GraphError("Media builder not found", code=24, subcode=4279009)
    with call.world.lock:
        status = call.context.get("status") or container_status(call, container, read=False)
        if status == "EXPIRED":
            raise GraphError(
                "The media you are trying to access has expired. Please try to upload again.",
                code=-2,
                subcode=2207020,
            )
        if status == "PUBLISHED":
            raise GraphError(
                "(#9007) The media has already been published", code=9007, subcode=2207027
            )
        if status != "FINISHED":
            raise GraphError(
                "(#9007) Media ID is not available",
                code=9007,
                subcode=2207027,
                user_msg=f"The media is not ready to be published ({status}{': ' + container.error if container.error else ''})",
            )
        if container.is_carousel_item:
            raise invalid_param("A carousel item is published through its carousel")
        is_reply = container.reply_to_id is not None
        window = user.replied_at if is_reply else user.published_at
        quota = user.reply_quota_total if is_reply else user.quota_total
        if len([t for t in window if t > call.world.now() - DAY]) >= quota:
            raise GraphError(
                "(#4) Application request limit reached: the 24-hour publishing limit",
                code=4,
                subcode=2207042,
            )
        media = call.double.publish_threads_container(container)
        window.append(call.world.now())
    return {"id": media.id}


@route(
    "GET",
    "threads_user",
    "threads_publishing_limit",
    returns="list<ThreadsPublishingLimit>",
    base="threads",
    params={},
    doc=LIMITS_DOC,
)
def threads_limits(call: Call, user: ThreadsUser) -> Many:
    now = call.world.now()
    return Many(
        paged=False,
        items=[
            {
                "quota_usage": len([t for t in user.published_at if t > now - DAY]),
                "config": {"quota_total": user.quota_total, "quota_duration": DAY},
                "reply_quota_usage": len([t for t in user.replied_at if t > now - DAY]),
                "reply_config": {"quota_total": user.reply_quota_total, "quota_duration": DAY},
            }
        ],
    )


@route(
    "GET",
    "threads_user",
    "threads_insights",
    returns="list<ThreadsInsight>",
    base="threads",
    params={
        "metric": "list<string>",
        "since": "datetime",
        "until": "datetime",
        "breakdown": "string",
    },
    doc=INSIGHTS_DOC,
)
def threads_user_insights(call: Call, user: ThreadsUser) -> Many:
    """`views` is a daily series (`values`); the others a total (`total_value`)."""
    metrics = call.list_param("metric")
    unknown = [m for m in metrics if m not in USER_METRICS]
    if not metrics or unknown:
        raise invalid_param(f"Param metric must be among {{{', '.join(USER_METRICS)}}}")
    out = []
    posts = [m for m in call.world.of(ThreadsMedia, user_id=user.id)]
    for metric in metrics:
        result: dict[str, Any] = {
            "name": metric,
            "period": "day" if metric == "views" else "lifetime",
            "title": metric.replace("_", " ").capitalize(),
            "description": f"The {metric.replace('_', ' ')} of the profile",
            "id": f"{user.id}/insights/{metric}/{'day' if metric == 'views' else 'lifetime'}",
        }
        if metric == "views":
            result["values"] = [
                {"value": value, "end_time": graph_time(call.world.now())}
                for value in (user.views_by_day.values() or [0])
            ]
        elif metric == "followers_count":
            result["total_value"] = {"value": user.followers_count}
        else:
            result["total_value"] = {"value": sum(int(p.stats.get(metric, 0)) for p in posts)}
        out.append(result)
    return Many(out, paged=False)


# --- media ----------------------------------------------------------------------------


@route(
    "GET",
    "threads_media",
    "",
    returns="ThreadsMedia",
    base="threads",
    params={},
    auth="any",
    doc=MEDIA_DOC,
)
def threads_media_get(call: Call, media: ThreadsMedia) -> ThreadsMedia:
    return media


def _thread_of(call: Call, media: ThreadsMedia, *, deep: bool) -> list[ThreadsMedia]:
    if deep:
        root = media.root_id or media.id
        found = [m for m in call.world.of(ThreadsMedia, root_id=root) if m.id != media.id]
        if media.reply_to_id is not None:  # a reply's conversation: what lies under it
            below = {media.id}
            for m in found:
                if m.reply_to_id in below:
                    below.add(m.id)
            found = [m for m in found if m.id in below and m.id != media.id]
    else:
        found = call.world.of(ThreadsMedia, reply_to_id=media.id)
    viewer = call.token.subject if call.token else None
    root_node = call.world.get(media.root_id or media.id)
    root_owner = root_node.user_id if isinstance(root_node, ThreadsMedia) else None
    if viewer != root_owner:
        # Hiding a top-level reply hides what is nested under it (REPLIES_DOC#hide-replies).
        found = [m for m in found if not _hidden(call, m)]
    if call.params.get("reverse", "true") == "true":
        found = list(reversed(found))
    return found


def _hidden(call: Call, media: ThreadsMedia) -> bool:
    """Hidden itself, or nested under a hidden top-level reply."""
    node: ThreadsMedia | None = media
    while node is not None:
        if node.hide_status == "HIDDEN":
            return True
        parent = call.world.get(node.reply_to_id or "")
        node = parent if isinstance(parent, ThreadsMedia) and parent.reply_to_id else None
    return False


REPLY_LIST_PARAMS = {"reverse": "bool", **LIST_PARAMS}


@route(
    "GET",
    "threads_media",
    "replies",
    returns="list<ThreadsMedia>",
    base="threads",
    params=REPLY_LIST_PARAMS,
    auth="any",
    doc=REPLIES_DOC,
)
def threads_replies(call: Call, media: ThreadsMedia) -> Many:
    return Many(_thread_of(call, media, deep=False))


@route(
    "GET",
    "threads_media",
    "conversation",
    returns="list<ThreadsMedia>",
    base="threads",
    params=REPLY_LIST_PARAMS,
    auth="any",
    doc=REPLIES_DOC,
)
def threads_conversation(call: Call, media: ThreadsMedia) -> Many:
    return Many(_thread_of(call, media, deep=True))


@route(
    "POST",
    "threads_media",
    "manage_reply",
    returns="Success",
    base="threads",
    params={"hide": "bool"},
    auth="any",
    doc=REPLIES_DOC,
)
def threads_manage_reply(call: Call, media: ThreadsMedia) -> dict[str, Any]:
    """Hiding or showing a reply: only the author of the thread's top post may."""
    root = call.world.get(media.root_id or "")
    if media.reply_to_id is None or not isinstance(root, ThreadsMedia):
        raise invalid_param("Only replies can be hidden")
    if call.token is None or call.token.subject != root.user_id:
        raise GraphError("(#200) Permissions error", code=200, status=403)
    if media.reply_to_id != root.id:
        # "Replies nested deeper than the top-level reply cannot be targeted in isolation to
        # be hidden/unhidden" (REPLIES_DOC#hide-replies); the error's words are not documented.
        raise invalid_param("Only top-level replies can be hidden or unhidden")
    if "hide" not in call.params:
        raise invalid_param("The parameter hide is required")
    media.hide_status = "HIDDEN" if call.flag("hide") else "UNHUSHED"
    return {"success": True}


@route(
    "DELETE",
    "threads_media",
    "",
    returns="ThreadsDeleted",
    base="threads",
    params={},
    doc=DELETE_DOC,
)
def threads_delete(call: Call, media: ThreadsMedia) -> dict[str, Any]:
    call.double.delete_tree(media.id)
    return {"success": True, "deleted_id": media.id}


@route(
    "GET",
    "threads_media",
    "insights",
    returns="list<ThreadsInsight>",
    base="threads",
    params={"metric": "list<string>"},
    doc=INSIGHTS_DOC,
)
def threads_media_insights(call: Call, media: ThreadsMedia) -> Many:
    metrics = call.list_param("metric")
    unknown = [m for m in metrics if m not in MEDIA_METRICS]
    if not metrics or unknown:
        raise invalid_param(f"Param metric must be among {{{', '.join(MEDIA_METRICS)}}}")
    out = []
    for metric in metrics:
        value = (
            len(call.world.of(ThreadsMedia, reply_to_id=media.id))
            if metric == "replies"
            else int(media.stats.get(metric, 0))
        )
        out.append(
            {
                "name": metric,
                "period": "lifetime",
                "values": [{"value": value}],
                "title": metric.capitalize(),
                "description": f"The {metric} of the post",
                "id": f"{media.id}/insights/{metric}/lifetime",
            }
        )
    return Many(out, paged=False)


# --- keyword and topic tag search -------------------------------------------------------

SEARCH_TYPES = ("TOP", "RECENT")
SEARCH_MODES = ("KEYWORD", "TAG")
SEARCH_MEDIA_TYPES = {"TEXT": "TEXT_POST", "IMAGE": "IMAGE", "VIDEO": "VIDEO"}
SEARCH_PAGE, SEARCH_MOST = 25, 100  # the default and the most a page holds (unsure: see below)
EARLIEST_SEARCH = 1688540400  # `since` before Threads' launch is refused
WORD = re.compile(r"[#@]?\w+")


def _words(text: str) -> set[str]:
    """A post's words and hashtags, case folded: "#Levain" gives "#levain"."""
    return set(WORD.findall(text.casefold()))


def _searched(call: Call, media: ThreadsMedia) -> bool:
    query = call.params["q"].casefold()
    words = _words(media.text)
    if call.params.get("search_mode", "KEYWORD") == "TAG":
        return f"#{query.lstrip('#')}" in words
    # Every word asked for, alone or as a hashtag (Meta's ranking is not documented).
    return all(w in words or f"#{w}" in words for w in WORD.findall(query))


@route(
    "GET",
    "/",
    "keyword_search",
    returns="list<ThreadsMedia>",
    base="threads",
    params={
        "q": "string",
        "search_type": "string",
        "search_mode": "string",
        "media_type": "string",
        "author_username": "string",
        "since": "datetime",
        "until": "datetime",
        "limit": "unsigned int",
    },
    doc=SEARCH_DOC,
)
def threads_keyword_search(call: Call, _: None) -> Many:
    """Public posts and replies by keyword, or by topic tag (`search_mode=TAG`, the tag
    without its "#"). It needs the threads_keyword_search permission: Meta's page does not
    give the words of the refusal, these are Graph's for a permission missing (#10). The
    2,200 queries a day per user (SEARCH_DOC#limitations) are not counted here. The page
    gives no maximum for `limit`; threads-rs and others cap it at 100."""
    call.require("q")
    token = call.token
    if token is None or "threads_keyword_search" not in token.scopes:
        raise GraphError(
            "(#10) Application does not have permission for this action", code=10, status=403
        )
    for name, allowed in (
        ("search_type", SEARCH_TYPES),
        ("search_mode", SEARCH_MODES),
        ("media_type", tuple(SEARCH_MEDIA_TYPES)),
    ):
        if call.params.get(name, allowed[0]) not in allowed:
            raise invalid_param(f"Param {name} must be one of {{{', '.join(allowed)}}}")
    since = call.time_param("since")
    if since is not None and since < EARLIEST_SEARCH:
        raise invalid_param(f"Param since must be at least {EARLIEST_SEARCH}")
    limit = int(call.params.get("limit", SEARCH_PAGE))
    if not 1 <= limit <= SEARCH_MOST:
        raise invalid_param(f"Param limit must be between 1 and {SEARCH_MOST}")
    kind = SEARCH_MEDIA_TYPES.get(call.params.get("media_type", ""))
    author = call.params.get("author_username")
    found = [
        m
        for m in _recent(call, call.world.of(ThreadsMedia, parent_id=None))
        if _searched(call, m)
        and (kind is None or m.media_type == kind)
        and (author is None or getattr(call.world.get(m.user_id), "username", "") == author)
    ]
    if call.params.get("search_type", "TOP") == "TOP":
        found.sort(key=lambda m: int(m.stats.get("likes", 0)), reverse=True)  # stable: newest
    call.context["searched"] = True
    return Many(found[:limit], paged=False)
