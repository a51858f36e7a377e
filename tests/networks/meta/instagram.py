"""Instagram professional accounts (through Facebook Login: the Page token acts) in the
double: the account, the two-step container flow (the double fetches `image_url` and
`video_url`), publishing and its 24-hour quota, media, comments and replies, hiding,
deleting, tags and mentions, insights, private replies.

Shapes follow the SDK's IGUser, IGMedia, IGComment, InstagramInsightsResult and
ContentPublishingLimitResponse; the container is not in the SDK:
https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container
Publishing: https://developers.facebook.com/docs/instagram-platform/content-publishing
Errors: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/error-codes
"""

from __future__ import annotations

from typing import Any

from tests.networks.meta.fetch import fetch
from tests.networks.meta.server import (
    Call,
    GraphError,
    Many,
    Modified,
    graph_time,
    invalid_param,
    route,
    view,
)
from tests.networks.meta.state import CONTAINER_SECONDS, DAY, Container, IGComment, IGMedia, IGUser

CONTAINER_DOC = "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container"
PUBLISH_DOC = "https://developers.facebook.com/docs/instagram-platform/content-publishing"
PRIVATE_REPLY_DOC = "https://developers.facebook.com/docs/instagram-platform/private-replies"
CAROUSEL_MIN, CAROUSEL_MAX = 2, 10
MEDIA_TYPES = ("IMAGE", "VIDEO", "REELS", "CAROUSEL", "STORIES")


def container_status(call: Call, container: Container, *, read: bool) -> str:
    """IN_PROGRESS for the planned number of reads, then the planned outcome; EXPIRED after
    24 hours unpublished; PUBLISHED once published."""
    if container.published_id:
        return "PUBLISHED"
    if call.world.now() - container.created > CONTAINER_SECONDS:
        return "EXPIRED"
    if container.polls_left > 0:
        if read:
            container.polls_left -= 1
        return "IN_PROGRESS"
    return container.outcome


# --- views --------------------------------------------------------------------------


def _media_of(call: Call, user: IGUser) -> list[IGMedia]:
    return list(
        reversed([m for m in call.world.of(IGMedia, user_id=user.id) if m.parent_id is None])
    )


def _tagged(call: Call, user: IGUser) -> list[IGMedia]:
    return list(reversed([m for m in call.world.of(IGMedia) if user.id in m.tags]))


def _mentioned_comment(call: Call, user: IGUser, modifiers: dict[str, str]) -> IGComment | None:
    comment = call.world.get(modifiers.get("comment_id", ""))
    if not isinstance(comment, IGComment) or user.id not in comment.mentions:
        raise GraphError("(#100) The comment does not mention this account", code=100)
    return comment


def _mentioned_media(call: Call, user: IGUser, modifiers: dict[str, str]) -> IGMedia | None:
    media = call.world.get(modifiers.get("media_id", ""))
    if not isinstance(media, IGMedia) or f"@{user.username}" not in media.caption:
        raise GraphError("(#100) The media does not mention this account", code=100)
    return media


@view("ig_user", "IGUser", defaults=("id",))
def ig_user_view(call: Call, user: IGUser) -> dict[str, Any]:
    return {
        "id": user.id,
        "ig_id": int(user.id) % 10**10,
        "username": user.username,
        "name": user.name or None,
        "biography": user.biography or None,
        "followers_count": user.followers_count,
        "follows_count": user.follows_count,
        "media_count": len(_media_of(call, user)),
        "profile_picture_url": f"https://scontent.example/ig/{user.id}.jpg",
        "website": None,
        "media": lambda: Many(_media_of(call, user)),
        "tags": lambda: Many(_tagged(call, user)),
        "mentioned_comment": Modified(lambda modifiers: _mentioned_comment(call, user, modifiers)),
        "mentioned_media": Modified(lambda modifiers: _mentioned_media(call, user, modifiers)),
    }


@view("ig_media", "IGMedia", defaults=("id",))
def ig_media_view(call: Call, media: IGMedia) -> dict[str, Any]:
    owner = call.world.get(media.user_id)
    comments = [c for c in call.world.of(IGComment, media_id=media.id)]
    top = [c for c in comments if c.parent_id is None]
    return {
        "id": media.id,
        "caption": media.caption or None,
        "alt_text": media.alt_text or None,
        "media_type": media.media_type,
        "media_product_type": media.product_type,
        "media_url": media.media_url,
        "permalink": f"https://www.instagram.com/p/{media.shortcode}/",
        "shortcode": media.shortcode,
        "timestamp": graph_time(media.created),
        "username": owner.username if isinstance(owner, IGUser) else None,
        "owner": owner if isinstance(owner, IGUser) else None,
        "like_count": media.like_count,
        "comments_count": len(comments),
        "is_comment_enabled": True,
        "is_shared_to_feed": True if media.product_type == "REELS" else None,
        "thumbnail_url": f"https://scontent.example/ig/{media.id}-thumb.jpg"
        if media.media_type == "VIDEO"
        else None,
        "children": (lambda: Many([call.world.get(c) for c in media.children]))
        if media.children
        else None,
        "comments": lambda: Many(top),
    }


@view("ig_comment", "IGComment", defaults=("id", "text", "timestamp"))
def ig_comment_view(call: Call, comment: IGComment) -> dict[str, Any]:
    author = call.world.get(comment.by)
    media = call.world.get(comment.media_id)
    username = author.username if isinstance(author, IGUser) else ""
    return {
        "id": comment.id,
        "text": comment.text,
        "timestamp": graph_time(comment.created),
        "username": username,
        "from": {"id": comment.by, "username": username},
        "hidden": comment.hidden,
        "like_count": comment.like_count,
        "media": media if isinstance(media, IGMedia) else None,
        "parent_id": comment.parent_id,
        "replies": lambda: Many(call.world.of(IGComment, parent_id=comment.id)),
    }


@view("container", "IGContainer", defaults=("id",))
def container_view(call: Call, container: Container) -> dict[str, Any]:
    status_code = call.context.get("status") or container_status(call, container, read=False)
    status = {
        "IN_PROGRESS": "In Progress",
        "FINISHED": "Finished",
        "PUBLISHED": "Published",
        "EXPIRED": "Expired",
        "ERROR": f"Error: {container.error or 'The media could not be processed.'}",
    }[status_code]
    return {"id": container.id, "status_code": status_code, "status": status}


# --- the account --------------------------------------------------------------------


@route("GET", "ig_user", "", returns="IGUser", sdk="IGUser.api_get")
def ig_user_get(call: Call, user: IGUser) -> IGUser:
    return user


@route("GET", "ig_user", "media", returns="list<IGMedia>", sdk="IGUser.get_media")
def ig_user_media(call: Call, user: IGUser) -> Many:
    since = call.time_param("since")
    until = call.time_param("until")
    found = [
        m
        for m in _media_of(call, user)
        if (since is None or m.created >= since) and (until is None or m.created <= until)
    ]
    return Many(found)


@route("GET", "ig_user", "tags", returns="list<IGMedia>", sdk="IGUser.get_tags")
def ig_user_tags(call: Call, user: IGUser) -> Many:
    return Many(_tagged(call, user))


@route(
    "POST",
    "ig_user",
    "media",
    returns="IGMedia",
    sdk="IGUser.create_media",
    doc=PUBLISH_DOC,
)
def ig_create_container(call: Call, user: IGUser) -> dict[str, Any]:
    """A container: the double fetches the media URL now; a failed fetch leaves the
    container in ERROR (as Meta's asynchronous download does)."""
    media_type = call.params.get("media_type", "IMAGE" if "image_url" in call.params else "")
    if media_type not in MEDIA_TYPES:
        raise invalid_param(
            "The media_type must be one of IMAGE, VIDEO, REELS, CAROUSEL, STORIES", subcode=2207023
        )
    is_item = call.flag("is_carousel_item")
    children: list[str] = []
    error = ""
    fetched: dict[str, int] = {}
    if media_type == "CAROUSEL":
        children = call.list_param("children")
        if not CAROUSEL_MIN <= len(children) <= CAROUSEL_MAX:
            raise GraphError(
                "(#100) The carousel must have between 2 and 10 items",
                code=100,
                subcode=2207028,
                user_title="Carousel size",
                user_msg="A carousel holds from 2 to 10 images or videos.",
            )
        for child_id in children:
            child = call.world.get(child_id)
            if (
                not isinstance(child, Container)
                or child.user_id != user.id
                or not child.is_carousel_item
            ):
                raise invalid_param(
                    f"The child {child_id} is not a carousel item container of this account"
                )
            child_status = container_status(call, child, read=False)
            if child_status != "FINISHED":
                error = f"a carousel item is {child_status}"
    else:
        key = (
            "image_url"
            if media_type in ("IMAGE", "STORIES") and "image_url" in call.params
            else "video_url"
        )
        url = call.params.get(key)
        if not url:
            raise invalid_param(f"The parameter {key} is required", subcode=2207052)
        got = fetch(url, kind="image" if key == "image_url" else "video")
        if got.error:
            error = f"Media download has failed. {got.error}"
        fetched[url] = got.size
    plan = call.double.next_container_plan()
    container = call.world.add(
        Container(
            id=call.world.new_id(),
            platform="instagram",
            user_id=user.id,
            owner_page=user.page_id,
            media_type=media_type,
            image_url=call.params.get("image_url"),
            video_url=call.params.get("video_url"),
            text=call.params.get("caption", ""),
            alt_text=call.params.get("alt_text", ""),
            is_carousel_item=is_item,
            children=children,
            created=call.world.now(),
            polls_left=plan[0],
            outcome="ERROR" if error else plan[1],
            error=error,
            fetched=fetched,
        )
    )
    return {"id": container.id}


@route("GET", "container", "", returns="IGContainer", params={}, doc=CONTAINER_DOC)
def container_get(call: Call, container: Container) -> Container:
    # This read counts as one poll; it answers the status as it was when it came.
    call.context["status"] = container_status(call, container, read=True)
    return container


@route(
    "POST",
    "ig_user",
    "media_publish",
    returns="IGMedia",
    sdk="IGUser.create_media_publish",
    doc=PUBLISH_DOC,
)
def ig_publish(call: Call, user: IGUser) -> dict[str, Any]:
    call.require("creation_id")
    container = call.world.get(call.params["creation_id"])
    if (
        not isinstance(container, Container)
        or container.platform != "instagram"
        or container.user_id != user.id
    ):
        raise GraphError(
            "Media builder not found",
            code=24,
            subcode=2207008,
            user_msg="The container does not exist.",
        )
    with call.world.lock:
        status = container_status(call, container, read=False)
        if status == "PUBLISHED":
            raise GraphError(
                "(#9007) The media has already been published", code=9007, subcode=2207027
            )
        if status == "EXPIRED":
            raise GraphError(
                "The media you are trying to access has expired. Please try to upload again.",
                code=-2,
                subcode=2207020,
                user_title="Media expired",
                user_msg="The media you are trying to access has expired. Please try to upload again.",
            )
        if status == "ERROR":
            raise GraphError(
                "(#9007) Media ID is not available",
                code=9007,
                subcode=2207027,
                user_title="Media not ready",
                user_msg=f"The media could not be processed: {container.error}",
            )
        if status != "FINISHED":
            raise GraphError(
                "(#9007) Media ID is not available",
                code=9007,
                subcode=2207027,
                user_title="Media not ready",
                user_msg="The media is not ready for publishing, please wait for a moment",
            )
        if container.is_carousel_item:
            raise invalid_param("A carousel item is published through its carousel")
        recent = [t for t in user.published_at if t > call.world.now() - DAY]
        if len(recent) >= user.quota_total:
            raise GraphError(
                "(#9) Application request limit reached",
                code=9,
                subcode=2207042,
                user_title="Publishing limit",
                user_msg="You reached the maximum number of posts that is allowed to be published by Content Publishing API.",
            )
        media = call.double.publish_container(container)
        user.published_at.append(call.world.now())
    return {"id": media.id}


@route(
    "GET",
    "ig_user",
    "content_publishing_limit",
    returns="list<ContentPublishingLimitResponse>",
    sdk="IGUser.get_content_publishing_limit",
    doc=PUBLISH_DOC,
)
def ig_publishing_limit(call: Call, user: IGUser) -> Many:
    since = call.time_param("since") or call.world.now() - DAY
    used = len([t for t in user.published_at if t > max(since, call.world.now() - DAY)])
    return Many([ContentLimit(user, used)], paged=False)


class ContentLimit:
    """One `data` item of content_publishing_limit (a value, not a node)."""

    def __init__(self, user: IGUser, used: int) -> None:
        self.id = f"{user.id}/content_publishing_limit"
        self.kind = "ig_limit"
        self.user = user
        self.used = used


@view("ig_limit", "ContentPublishingLimitResponse", defaults=("quota_usage",))
def limit_view(call: Call, limit: ContentLimit) -> dict[str, Any]:
    return {
        "quota_usage": limit.used,
        "config": {"quota_total": limit.user.quota_total, "quota_duration": DAY},
    }


@route(
    "GET", "ig_user", "insights", returns="list<InstagramInsightsResult>", sdk="IGUser.get_insights"
)
def ig_user_insights(call: Call, user: IGUser) -> Many:
    """https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/insights"""
    metrics = call.list_param("metric")
    if not metrics:
        raise invalid_param("The parameter metric is required")
    period = call.params.get("period", "day")
    out = []
    for metric in metrics:
        value = (
            int(user.follower_count_by_day.get(metric, 0))
            if metric != "follows"
            else sum(user.follower_count_by_day.values())
        )
        result: dict[str, Any] = {
            "name": metric,
            "period": period,
            "title": metric.replace("_", " ").capitalize(),
            "description": f"The {metric.replace('_', ' ')} of the account",
            "id": f"{user.id}/insights/{metric}/{period}",
        }
        if call.params.get("metric_type") == "total_value":
            result["total_value"] = {"value": value}
        else:
            result["values"] = [
                {
                    "value": value,
                    "end_time": graph_time(call.world.now() - call.world.now() % DAY + 7 * 3600),
                }
            ]
        out.append(result)
    return Many(out, paged=False)


@route(
    "POST",
    "ig_user",
    "messages",
    returns="SendApiResult",
    sdk="IGUser.create_message",
    doc=PRIVATE_REPLY_DOC,
)
def ig_private_reply(call: Call, user: IGUser) -> dict[str, Any]:
    """One private reply to a comment on the account's media, within 7 days."""
    recipient = call.json_param("recipient")
    message = call.json_param("message")
    if not isinstance(recipient, dict) or not isinstance(message, dict) or not message.get("text"):
        raise invalid_param("recipient and message (with text) are required")
    comment = call.world.get(str(recipient.get("comment_id", "")))
    media = call.world.get(comment.media_id) if isinstance(comment, IGComment) else None
    if (
        not isinstance(comment, IGComment)
        or not isinstance(media, IGMedia)
        or media.user_id != user.id
    ):
        raise GraphError("(#100) No matching user found", code=100, subcode=2534014)
    if getattr(comment, "private_reply_sent", False):
        raise GraphError("(#10900) Activity already replied to", code=10900)
    if call.world.now() - comment.created > 7 * DAY:
        raise GraphError("(#10903) This activity can't be replied to", code=10903)
    comment.private_reply_sent = True  # type: ignore[attr-defined]
    return {"recipient_id": comment.by, "message_id": "m_" + call.world.new_id()}


@route(
    "POST",
    "ig_user",
    "subscribed_apps",
    returns="Success",
    sdk="IGUser.create_subscribed_app",
    doc="https://developers.facebook.com/docs/instagram-platform/webhooks#enable-subscriptions",
)
def ig_subscribe(call: Call, user: IGUser) -> dict[str, Any]:
    fields = call.list_param("subscribed_fields")
    if not fields:
        raise invalid_param("The parameter subscribed_fields is required")
    user.subscribed_fields = sorted(set(user.subscribed_fields) | set(fields))
    return {"success": True}


@route(
    "GET",
    "ig_user",
    "subscribed_apps",
    returns="list<IGUserSubscribedAppsData>",
    sdk="IGUser.get_subscribed_apps",
)
def ig_subscriptions(call: Call, user: IGUser) -> Many:
    app = call.double.app
    return Many(
        [{"app_id": app.id, "subscribed_fields": user.subscribed_fields}]
        if user.subscribed_fields
        else []
    )


# --- media and comments -------------------------------------------------------------


@route("GET", "ig_media", "", returns="IGMedia", sdk="IGMedia.api_get", auth="any")
def ig_media_get(call: Call, media: IGMedia) -> IGMedia:
    return media


@route(
    "GET", "ig_media", "children", returns="list<IGMedia>", sdk="IGMedia.get_children", auth="any"
)
def ig_media_children(call: Call, media: IGMedia) -> Many:
    return Many([call.world.get(c) for c in media.children])


@route("GET", "ig_media", "comments", returns="list<IGComment>", sdk="IGMedia.get_comments")
def ig_media_comments(call: Call, media: IGMedia) -> Many:
    return Many([c for c in call.world.of(IGComment, media_id=media.id) if c.parent_id is None])


@route("POST", "ig_media", "comments", returns="IGComment", sdk="IGMedia.create_comment")
def ig_media_comment(call: Call, media: IGMedia) -> dict[str, Any]:
    call.require("message")
    comment = call.double.new_ig_comment(media, by=media.user_id, text=call.params["message"])
    return {"id": comment.id}


@route(
    "GET",
    "ig_media",
    "insights",
    returns="list<InstagramInsightsResult>",
    sdk="IGMedia.get_insights",
)
def ig_media_insights(call: Call, media: IGMedia) -> Many:
    """https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights"""
    metrics = call.list_param("metric")
    if not metrics:
        raise invalid_param("The parameter metric is required")
    out = []
    comments = len(call.world.of(IGComment, media_id=media.id))
    for metric in metrics:
        if metric == "comments":
            value = comments
        elif metric == "likes":
            value = media.like_count
        else:
            value = int(media.stats.get(metric, 0))
        out.append(
            {
                "name": metric,
                "period": "lifetime",
                "values": [{"value": value}],
                "title": metric.replace("_", " ").capitalize(),
                "description": f"The {metric.replace('_', ' ')} of the media",
                "id": f"{media.id}/insights/{metric}/lifetime",
            }
        )
    return Many(out, paged=False)


@route("DELETE", "ig_media", "", returns="Success", sdk="IGMedia.api_delete")
def ig_media_delete(call: Call, media: IGMedia) -> dict[str, Any]:
    call.double.delete_tree(media.id)
    return {"success": True}


@route("GET", "ig_comment", "", returns="IGComment", sdk="IGComment.api_get")
def ig_comment_get(call: Call, comment: IGComment) -> IGComment:
    return comment


@route("GET", "ig_comment", "replies", returns="list<IGComment>", sdk="IGComment.get_replies")
def ig_comment_replies(call: Call, comment: IGComment) -> Many:
    return Many(call.world.of(IGComment, parent_id=comment.id))


@route("POST", "ig_comment", "replies", returns="IGComment", sdk="IGComment.create_reply")
def ig_comment_reply(call: Call, comment: IGComment) -> dict[str, Any]:
    """A reply; a reply to a reply lands under the top comment (Instagram has one level)."""
    call.require("message")
    media = call.world.get(comment.media_id)
    assert isinstance(media, IGMedia)
    top = comment
    if comment.parent_id:
        parent = call.world.get(comment.parent_id)
        top = parent if isinstance(parent, IGComment) else comment
    reply = call.double.new_ig_comment(
        media, by=media.user_id, text=call.params["message"], parent=top
    )
    return {"id": reply.id}


@route(
    "POST",
    "ig_comment",
    "",
    returns="Success",
    sdk="IGComment.api_update",
    doc="https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment#updating",
)
def ig_comment_hide(call: Call, comment: IGComment) -> dict[str, Any]:
    if "hide" not in call.params:
        raise invalid_param("The parameter hide is required")
    media = call.world.get(comment.media_id)
    if isinstance(media, IGMedia) and comment.by == media.user_id:
        raise GraphError("(#100) The account cannot hide its own comment", code=100)
    comment.hidden = call.flag("hide")
    return {"success": True}


@route("DELETE", "ig_comment", "", returns="Success", sdk="IGComment.api_delete")
def ig_comment_delete(call: Call, comment: IGComment) -> dict[str, Any]:
    call.double.delete_tree(comment.id)
    return {"success": True}


@route(
    "POST",
    "ig_user",
    "mentions",
    returns="IGComment",
    sdk="IGUser.create_mention",
    doc="https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/mentions",
)
def ig_reply_to_mention(call: Call, user: IGUser) -> dict[str, Any]:
    """An answer, as the account, to a comment (`comment_id`) or a caption (`media_id` alone)
    that @mentions it on someone else's media."""
    call.require("media_id", "message")
    media = call.world.get(call.params["media_id"])
    if not isinstance(media, IGMedia):
        raise invalid_param("The media does not exist")
    parent = None
    if call.params.get("comment_id"):
        parent = _mentioned_comment(call, user, {"comment_id": call.params["comment_id"]})
        if parent is None or parent.media_id != media.id:
            raise invalid_param("The comment is not on this media")
        if parent.parent_id:  # one level of replies, as everywhere on Instagram
            top = call.world.get(parent.parent_id)
            parent = top if isinstance(top, IGComment) else parent
    else:
        _mentioned_media(call, user, {"media_id": media.id})
    reply = call.double.new_ig_comment(
        media, by=user.id, text=call.params["message"], parent=parent
    )
    return {"id": reply.id}
