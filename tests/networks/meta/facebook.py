"""Facebook Pages in the double: the Page, its posts (text, link, photos, video), visitor and
tagged posts, comments and replies, hiding, deleting, private replies, insights.

Shapes follow the SDK's Page, PagePost, Comment, Photo, AdVideo, InsightsResult; the API
reference: https://developers.facebook.com/docs/pages-api/posts,
https://developers.facebook.com/docs/graph-api/reference/v26.0/object/comments,
https://developers.facebook.com/docs/graph-api/reference/page/photos/,
https://developers.facebook.com/docs/pages-api/manage-comments.
"""

from __future__ import annotations

import time
from typing import Any

from tests.networks.meta.fetch import fetch
from tests.networks.meta.server import (
    Call,
    GraphError,
    Many,
    graph_time,
    invalid_param,
    route,
    view,
)
from tests.networks.meta.state import Comment, IGUser, Page, Photo, Post, Video

PRIVATE_REPLY_DOC = (
    "https://developers.facebook.com/docs/messenger-platform/discovery/private-replies"
)
PHOTOS_DOC = "https://developers.facebook.com/docs/graph-api/reference/page/photos/#Creating"
PRIVATE_REPLY_DAYS = 7
# Post metrics Palabre reads; values come from `Post.stats` (a test sets them) or are
# derived from what happened on the post.
# https://developers.facebook.com/docs/graph-api/reference/insights#page-post-impressions
POST_METRICS = (
    "post_impressions",
    "post_impressions_unique",
    "post_impressions_organic",
    "post_impressions_paid",
    "post_media_view",
    "post_total_media_view_unique",
    "post_reactions_by_type_total",
    "post_clicks",
    "post_video_views",
    "post_video_views_unique",
)
PAGE_METRICS = (
    "page_follows",
    "page_daily_follows",
    "page_daily_follows_unique",
    "page_daily_unfollows_unique",
    "page_fans",
    "page_impressions",
    "page_impressions_unique",
    "page_media_view",
    "page_post_engagements",
)


def name_of(call: Call, node_id: str) -> dict[str, str]:
    found = call.world.get(node_id)
    return {"id": node_id, "name": getattr(found, "name", "")}


# --- views --------------------------------------------------------------------------


def _published(call: Call, page: Page) -> list[Post]:
    posts = [
        p
        for p in call.world.of(Post, page_id=page.id)
        if p.published and not p.tagged and p.by == page.id
    ]
    return list(reversed(posts))


def _visitors(call: Call, page: Page, *, include_hidden: bool = True) -> list[Post]:
    posts = [
        p
        for p in call.world.of(Post, page_id=page.id)
        if p.by != page.id and not p.tagged and (include_hidden or not p.is_hidden)
    ]
    return list(reversed(posts))


@view("page", "Page", defaults=("name", "id"))
def page_view(call: Call, page: Page) -> dict[str, Any]:
    ig = call.world.get(page.ig_user_id) if page.ig_user_id else None
    return {
        "id": page.id,
        "name": page.name,
        "username": page.username or None,
        "link": page.link,
        "category": page.category,
        "fan_count": page.fan_count,
        "followers_count": page.followers_count,
        # Only /me/accounts hands out Page tokens.
        "access_token": call.context.get("page_tokens", {}).get(page.id),
        "instagram_business_account": ig if isinstance(ig, IGUser) else None,
        "connected_instagram_account": ig if isinstance(ig, IGUser) else None,
        "feed": lambda: Many(
            list(
                reversed(
                    [
                        p
                        for p in call.world.of(Post, page_id=page.id)
                        if p.published and not p.tagged
                    ]
                )
            )
        ),
        "published_posts": lambda: Many(_published(call, page)),
        "visitor_posts": lambda: Many(_visitors(call, page)),
    }


def _reactions(post: Post) -> dict[str, int]:
    return dict(post.stats.get("reactions", {}))


@view("post", "PagePost", defaults=("created_time", "message", "id"))
def post_view(call: Call, post: Post) -> dict[str, Any]:
    comments = [c for c in call.world.of(Comment, post_id=post.id) if c.parent_id is None]
    reactions = _reactions(post)
    return {
        "id": post.id,
        "message": post.message or None,
        "created_time": graph_time(post.created),
        "updated_time": graph_time(post.created),
        "permalink_url": f"https://www.facebook.com/{post.page_id}/posts/{post.id.split('_')[-1]}",
        "is_published": post.published,
        "is_hidden": post.is_hidden,
        "status_type": _status_type(post),
        "from": name_of(call, post.by),
        "full_picture": _picture(call, post),
        "can_reply_privately": post.by != post.page_id,
        "shares": {"count": int(post.stats.get("shares", 0))},
        "attachments": lambda: Many(_attachments(call, post)),
        "comments": lambda: Many(
            comments, summary={"order": "ranked", "total_count": len(comments), "can_comment": True}
        ),
        "reactions": lambda: Many(
            [],
            summary={"total_count": sum(reactions.values()), "viewer_reaction": "NONE"},
        ),
        "likes": lambda: Many(
            [],
            summary={"total_count": reactions.get("like", 0), "can_like": True, "has_liked": False},
        ),
    }


def _status_type(post: Post) -> str:
    if post.video_id:
        return "added_video"
    if post.photos:
        return "added_photos"
    if post.link:
        return "shared_story"
    return "mobile_status_update"


def _picture(call: Call, post: Post) -> str | None:
    for photo_id in post.photos:
        photo = call.world.get(photo_id)
        if isinstance(photo, Photo) and photo.url:
            return photo.url
    return None


def _attachments(call: Call, post: Post) -> list[dict[str, Any]]:
    """StoryAttachment: https://developers.facebook.com/docs/graph-api/reference/story-attachment/"""

    def photo(photo_id: str) -> dict[str, Any]:
        found = call.world.get(photo_id)
        url = (
            found.url
            if isinstance(found, Photo) and found.url
            else f"https://scontent.example/{photo_id}.jpg"
        )
        return {
            "media": {"image": {"height": 720, "src": url, "width": 720}},
            "target": {
                "id": photo_id,
                "url": f"https://www.facebook.com/photo.php?fbid={photo_id}",
            },
            "type": "photo",
            "url": f"https://www.facebook.com/photo.php?fbid={photo_id}",
            "description": found.alt_text if isinstance(found, Photo) and found.alt_text else None,
        }

    if post.video_id:
        return [
            {
                "media": {
                    "image": {
                        "height": 720,
                        "src": f"https://scontent.example/{post.video_id}.jpg",
                        "width": 1280,
                    },
                    "source": f"https://video.example/{post.video_id}.mp4",
                },
                "target": {
                    "id": post.video_id,
                    "url": f"https://www.facebook.com/watch/?v={post.video_id}",
                },
                "type": "video_inline",
                "url": f"https://www.facebook.com/watch/?v={post.video_id}",
            }
        ]
    if len(post.photos) == 1:
        return [_clean(photo(post.photos[0]))]
    if post.photos:
        return [
            {
                "subattachments": {"data": [_clean(photo(p)) for p in post.photos]},
                "target": {
                    "id": post.id.split("_")[-1],
                    "url": f"https://www.facebook.com/{post.id}",
                },
                "title": f"Photos from {name_of(call, post.page_id)['name']}'s post",
                "type": "album",
                "url": f"https://www.facebook.com/{post.id}",
            }
        ]
    if post.link:
        return [
            {
                "description": "A page the post links to",
                "media": {
                    "image": {
                        "height": 630,
                        "src": "https://external.example/preview.jpg",
                        "width": 1200,
                    }
                },
                "target": {"url": post.link},
                "title": post.link,
                "type": "share",
                "url": post.link,
            }
        ]
    return []


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@view("comment", "Comment", defaults=("created_time", "from", "message", "id"))
def comment_view(call: Call, comment: Comment) -> dict[str, Any]:
    replies = [c for c in call.world.of(Comment, parent_id=comment.id)]
    page_made = comment.by == comment.page_id
    parent = call.world.get(comment.parent_id) if comment.parent_id else None
    return {
        "id": comment.id,
        "message": comment.message,
        "created_time": graph_time(comment.created),
        "from": name_of(call, comment.by),
        "parent": parent if isinstance(parent, Comment) else None,
        "object": {"id": comment.post_id},
        "is_hidden": comment.is_hidden,
        "is_private": False,
        "can_hide": not page_made,
        "can_remove": True,
        "can_comment": comment.parent_id is None,
        "can_like": True,
        "can_reply_privately": not page_made
        and not comment.private_reply_sent
        and _recent(call, comment),
        "comment_count": len(replies),
        "like_count": 0,
        "user_likes": False,
        "permalink_url": f"https://www.facebook.com/{comment.post_id}?comment_id={comment.id}",
        "private_reply_conversation": {"id": f"t_{comment.id}"}
        if comment.private_reply_sent
        else None,
        "comments": lambda: Many(
            replies,
            summary={"order": "chronological", "total_count": len(replies), "can_comment": False},
        ),
    }


def _recent(call: Call, comment: Comment) -> bool:
    return call.world.now() - comment.created < PRIVATE_REPLY_DAYS * 86400


@view("photo", "Photo", defaults=("id",))
def photo_view(call: Call, photo: Photo) -> dict[str, Any]:
    return {
        "id": photo.id,
        "created_time": graph_time(photo.created),
        "name": photo.caption or None,
        "alt_text_custom": photo.alt_text or None,
        "link": f"https://www.facebook.com/photo.php?fbid={photo.id}",
        "picture": photo.url,
        "page_story_id": photo.post_id,
        "from": name_of(call, photo.page_id),
    }


@view("video", "AdVideo", defaults=("id",))
def video_view(call: Call, video: Video) -> dict[str, Any]:
    return {
        "id": video.id,
        "created_time": graph_time(video.created),
        "description": video.description or None,
        "title": video.title or None,
        "permalink_url": f"/{video.page_id}/videos/{video.id}/",
        "post_id": video.post_id,
        "published": _video_published(call, video),
        "from": name_of(call, video.page_id),
    }


# --- the Page -----------------------------------------------------------------------


@route("GET", "page", "", returns="Page", sdk="Page.api_get", auth="any")
def page_get(call: Call, page: Page) -> Page:
    return page


def _since_until(call: Call, posts: list[Post]) -> list[Post]:
    since = call.time_param("since")
    until = call.time_param("until")
    return [
        p
        for p in posts
        if (since is None or p.created >= since) and (until is None or p.created <= until)
    ]


@route(
    "POST",
    "page",
    "subscribed_apps",
    returns="Success",
    sdk="Page.create_subscribed_app",
    doc="https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps#Creating",
)
def page_subscribe_app(call: Call, page: Page) -> dict[str, Any]:
    """The app subscribed to the Page's webhooks: it needs pages_manage_metadata."""
    if call.token is None or "pages_manage_metadata" not in call.token.scopes:
        raise GraphError(
            "(#200) The user must be an administrator of the Page and grant pages_manage_metadata",
            code=200,
            type="OAuthException",
        )
    fields = call.list_param("subscribed_fields")
    if not fields:
        raise invalid_param("subscribed_fields is required")
    page.subscribed_fields = sorted(set(page.subscribed_fields) | set(fields))
    return {"success": True}


@route("GET", "page", "feed", returns="list<PagePost>", sdk="Page.get_feed", auth="any")
def page_feed(call: Call, page: Page) -> Many:
    include_hidden = (
        call.flag("include_hidden") and call.token is not None and call.token.subject == page.id
    )
    posts = [
        p
        for p in call.world.of(Post, page_id=page.id)
        if p.published and not p.tagged and (include_hidden or not p.is_hidden)
    ]
    return Many(_since_until(call, list(reversed(posts))))


@route("GET", "page", "published_posts", returns="list<PagePost>", sdk="Page.get_published_posts")
def page_published_posts(call: Call, page: Page) -> Many:
    return Many(_since_until(call, _published(call, page)))


@route("GET", "page", "visitor_posts", returns="list<PagePost>", sdk="Page.get_visitor_posts")
def page_visitor_posts(call: Call, page: Page) -> Many:
    return Many(
        _since_until(call, _visitors(call, page, include_hidden=call.flag("include_hidden", True)))
    )


@route("GET", "page", "tagged", returns="list<PagePost>", sdk="Page.get_tagged")
def page_tagged(call: Call, page: Page) -> Many:
    posts = [p for p in call.world.of(Post, page_id=page.id) if p.tagged]
    return Many(_since_until(call, list(reversed(posts))))


@route(
    "POST",
    "page",
    "feed",
    returns="Created",
    sdk="Page.create_feed",
    doc="https://developers.facebook.com/docs/pages-api/posts#publish-posts",
)
def page_publish(call: Call, page: Page) -> dict[str, Any]:
    """A text, link or multi-photo post (`attached_media=[{"media_fbid": <unpublished photo>}]`)."""
    message = call.params.get("message", "")
    link = call.params.get("link")
    photos: list[str] = []
    for item in call.json_param("attached_media") or []:
        photo = call.world.get(str(item.get("media_fbid", ""))) if isinstance(item, dict) else None
        if not isinstance(photo, Photo) or photo.page_id != page.id:
            raise invalid_param(
                "attached_media must hold the ids of this Page's unpublished photos"
            )
        if photo.post_id is not None:
            raise invalid_param("A photo in attached_media is already in a post")
        photos.append(photo.id)
    if not message and not link and not photos:
        raise GraphError("(#100) Missing message or attachment", code=100)
    if link and not link.startswith(("http://", "https://")):
        raise invalid_param("Param link must be a valid URL")
    published = call.flag("published", True)
    post = call.double.new_post(
        page, by=page.id, message=message, link=link, photos=photos, published=published
    )
    return {"id": post.id}


@route(
    "POST",
    "page",
    "photos",
    returns="PhotoCreated",
    sdk="Page.create_photo",
    files=("source",),
    doc=PHOTOS_DOC,
)
def page_photo(call: Call, page: Page) -> dict[str, Any]:
    """A photo from `url` (Facebook fetches it) or an uploaded `source`; `published=false`
    keeps it for a multi-photo post (attached_media)."""
    url = call.params.get("url")
    if "source" in call.files:
        size = len(call.files["source"])
    elif url:
        fetched = fetch(url)
        if fetched.error:
            raise GraphError(
                "(#324) Missing or invalid image file",
                code=324,
                user_msg=f"The image at the URL could not be read: {fetched.error}",
            )
        size = fetched.size
    else:
        raise GraphError("(#324) Requires upload file", code=324)
    if size == 0:
        raise GraphError("(#324) Missing or invalid image file", code=324)
    photo = call.world.add(
        Photo(
            id=call.world.new_id(),
            page_id=page.id,
            url=url or f"https://scontent.example/{page.id}/upload.jpg",
            size=size,
            caption=call.params.get("caption") or call.params.get("message", ""),
            alt_text=call.params.get("alt_text_custom", ""),
            published=call.flag("published", True),
            created=call.world.now(),
        )
    )
    if not photo.published:
        return {"id": photo.id}
    post = call.double.new_post(page, by=page.id, message=photo.caption, photos=[photo.id])
    return {"id": photo.id, "post_id": post.id}


@route(
    "POST",
    "page",
    "videos",
    returns="AdVideo",
    sdk="Page.create_video",
    files=("source",),
    doc="https://developers.facebook.com/docs/video-api/guides/publishing",
)
def page_video(call: Call, page: Page) -> dict[str, Any]:
    url = call.params.get("file_url")
    if "source" in call.files:
        size = len(call.files["source"])
    elif url:
        fetched = fetch(url)
        if fetched.error:
            raise GraphError(
                "(#6000) There was a problem uploading your video file. Please try again.",
                code=6000,
                user_msg=fetched.error,
            )
        size = fetched.size
    else:
        raise GraphError("(#100) Requires a video file (source or file_url)", code=100)
    video = call.world.add(
        Video(
            id=call.world.new_id(),
            page_id=page.id,
            url=url,
            size=size,
            title=call.params.get("title", ""),
            description=call.params.get("description", ""),
            created=call.world.now(),
        )
    )
    post = call.double.new_post(
        page,
        by=page.id,
        message=video.description,
        video_id=video.id,
        published=call.flag("published", True),
    )
    video.post_id = post.id
    return {"id": video.id}


@route("GET", "page", "insights", returns="list<InsightsResult>", sdk="Page.get_insights")
def page_insights(call: Call, page: Page) -> Many:
    """Daily Page metrics: https://developers.facebook.com/docs/graph-api/reference/page/insights/"""
    metrics = call.list_param("metric")
    if not metrics:
        raise invalid_param("The parameter metric is required")
    period = call.params.get("period", "day")
    now = call.world.now()
    since = call.time_param("since") or now - 2 * 86400
    until = call.time_param("until") or now
    days = []
    moment = since - since % 86400
    while moment < until and len(days) < 93:
        days.append(moment)
        moment += 86400
    out = []
    for metric in metrics:
        if metric not in PAGE_METRICS:
            raise invalid_param("The value must be a valid insights metric", subcode=None)
        values = []
        for day in days:
            key = time.strftime("%Y-%m-%d", time.gmtime(day))
            value = page.follows_by_day.get(key, 0) if metric != "page_fans" else page.fan_count
            if metric == "page_impressions_unique":
                value = page.reach_by_day.get(key, 0)
            if metric == "page_follows":
                value = page.followers_count
            values.append({"value": value, "end_time": graph_time(day + 86400 - 8 * 3600)})
        out.append(_insight(f"{page.id}/insights/{metric}/{period}", metric, period, values))
    return Many(out, paged=False)


def _insight(id_: str, name: str, period: str, values: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": name,
        "period": period,
        "values": values,
        "title": name.replace("_", " ").capitalize(),
        "description": f"{period.capitalize()}: {name.replace('_', ' ')}",
        "id": id_,
    }


@route(
    "POST",
    "page",
    "messages",
    returns="SendApiResult",
    sdk="Page.create_message",
    doc=PRIVATE_REPLY_DOC,
)
def page_private_reply(call: Call, page: Page) -> dict[str, Any]:
    """A private reply: one message to the author of a comment or visitor post, once, within
    7 days."""
    recipient = call.json_param("recipient")
    message = call.json_param("message")
    if not isinstance(recipient, dict) or not isinstance(message, dict) or not message.get("text"):
        raise invalid_param("recipient and message (with text) are required")
    target_id = str(recipient.get("comment_id") or recipient.get("post_id") or "")
    target = call.world.get(target_id)
    if not isinstance(target, Comment | Post) or target.page_id != page.id:
        raise GraphError("(#100) No matching user found", code=100, subcode=2018001)
    if isinstance(target, Comment):
        if target.private_reply_sent:
            raise GraphError("(#10900) Activity already replied to", code=10900)
        if not _recent(call, target):
            raise GraphError("(#10903) This activity can't be replied to", code=10903)
        target.private_reply_sent = True
    return {"recipient_id": target.by, "message_id": "m_" + call.world.new_id()}


# --- posts ----------------------------------------------------------------------------


@route("GET", "post", "", returns="PagePost", sdk="PagePost.api_get", auth="any")
def post_get(call: Call, post: Post) -> Post:
    return post


@route("DELETE", "post", "", returns="Success", sdk="PagePost.api_delete")
def post_delete(call: Call, post: Post) -> dict[str, Any]:
    call.double.delete_tree(post.id)
    return {"success": True}


@route(
    "POST",
    "post",
    "",
    returns="Success",
    sdk="PagePost.api_update",
    doc="https://developers.facebook.com/docs/graph-api/reference/post#updating",
)
def post_update(call: Call, post: Post) -> dict[str, Any]:
    """Editing the message, or hiding a visitor post (is_hidden)."""
    if "message" in call.params:
        post.message = call.params["message"]
    if "is_hidden" in call.params:
        post.is_hidden = call.flag("is_hidden")
    return {"success": True}


def _ordered(call: Call, found: list[Comment]) -> list[Comment]:
    since = call.time_param("since")
    if since is not None:
        found = [c for c in found if c.created >= since]
    if call.params.get("order") == "reverse_chronological":
        return list(reversed(found))
    return found


def _list_comments(call: Call, parent_id: str) -> Many:
    stream = call.params.get("filter") == "stream"
    post = call.world.get(parent_id)
    if isinstance(post, Comment):
        post = call.world.get(post.post_id)
    if stream and isinstance(post, Post):
        found = call.world.of(Comment, post_id=parent_id)
    else:
        found = [c for c in call.world.of(Comment) if (c.parent_id or c.post_id) == parent_id]
    subject = call.token.subject if call.token else None
    if subject != getattr(post, "owner", None):
        # Hidden comments stay visible to the Page and to whoever wrote them.
        found = [c for c in found if not c.is_hidden or c.by == subject]
    found = _ordered(call, found)
    return Many(
        found,
        summary={
            "order": call.params.get("order", "chronological"),
            "total_count": len(found),
            "can_comment": True,
        },
    )


@route("GET", "post", "comments", returns="list<Comment>", sdk="PagePost.get_comments", auth="any")
def post_comments(call: Call, post: Post) -> Many:
    return _list_comments(call, post.id)


@route("GET", "post", "insights", returns="list<InsightsResult>", sdk="PagePost.get_insights")
def post_insights(call: Call, post: Post) -> Many:
    metrics = call.list_param("metric")
    if not metrics:
        raise invalid_param("The parameter metric is required")
    out = []
    for metric in metrics:
        if metric not in POST_METRICS:
            raise invalid_param("The value must be a valid insights metric")
        if metric == "post_reactions_by_type_total":
            value: Any = _reactions(post)
        elif metric.startswith("post_video") and not post.video_id:
            value = 0
        else:
            value = int(post.stats.get(metric, 0))
        out.append(
            _insight(
                f"{post.id}/insights/{metric}/lifetime", metric, "lifetime", [{"value": value}]
            )
        )
    return Many(out, paged=False)


def _create_comment(call: Call, post: Post, parent: Comment | None) -> dict[str, Any]:
    message = call.params.get("message", "")
    if not message and not call.params.get("attachment_url"):
        raise GraphError("(#100) Missing message or attachment", code=100)
    assert call.token is not None
    comment = call.double.new_comment(post, by=call.token.subject, message=message, parent=parent)
    return {"id": comment.id}


@route("POST", "post", "comments", returns="Comment", sdk="PagePost.create_comment")
def post_comment(call: Call, post: Post) -> dict[str, Any]:
    return _create_comment(call, post, None)


# --- comments -------------------------------------------------------------------------


@route("GET", "comment", "", returns="Comment", sdk="Comment.api_get", auth="any")
def comment_get(call: Call, comment: Comment) -> Comment:
    return comment


@route(
    "GET", "comment", "comments", returns="list<Comment>", sdk="Comment.get_comments", auth="any"
)
def comment_replies(call: Call, comment: Comment) -> Many:
    return _list_comments(call, comment.id)


@route("POST", "comment", "comments", returns="Comment", sdk="Comment.create_comment")
def comment_reply(call: Call, comment: Comment) -> dict[str, Any]:
    """A reply; replies to a reply land under the same top-level comment, as on Facebook."""
    post = call.world.get(comment.post_id)
    assert isinstance(post, Post)
    top = comment
    while top.parent_id:
        parent = call.world.get(top.parent_id)
        if not isinstance(parent, Comment):
            break
        top = parent
    return _create_comment(call, post, top)


@route(
    "POST",
    "comment",
    "",
    returns="Success",
    sdk="Comment.api_update",
    doc="https://developers.facebook.com/docs/graph-api/reference/comment#updating",
)
def comment_update(call: Call, comment: Comment) -> dict[str, Any]:
    """Hide or unhide (`is_hidden`), or edit the Page's own comment (`message`)."""
    if "is_hidden" in call.params:
        if comment.by == comment.page_id:
            raise GraphError("(#100) The Page cannot hide its own comment", code=100)
        comment.is_hidden = call.flag("is_hidden")
    if "message" in call.params:
        if comment.by != comment.page_id:
            raise GraphError("(#200) Permissions error", code=200)
        comment.message = call.params["message"]
    return {"success": True}


@route("DELETE", "comment", "", returns="Success", sdk="Comment.api_delete")
def comment_delete(call: Call, comment: Comment) -> dict[str, Any]:
    call.double.delete_tree(comment.id)
    return {"success": True}


@route("GET", "photo", "", returns="Photo", sdk="Photo.api_get", auth="any")
def photo_get(call: Call, photo: Photo) -> Photo:
    return photo


@route("GET", "video", "", returns="AdVideo", sdk="AdVideo.api_get", auth="any")
def video_get(call: Call, video: Video) -> Video:
    return video


def _video_published(call: Call, video: Video) -> bool:
    post = call.world.get(video.post_id) if video.post_id else None
    return not isinstance(post, Post) or post.published


@route(
    "POST",
    "video",
    "",
    returns="Success",
    sdk="AdVideo.api_update",
    doc="https://developers.facebook.com/docs/video-api/guides/publishing",
)
def video_update(call: Call, video: Video) -> dict[str, Any]:
    """An unpublished video published (`published=true`: its post shows from now on), or
    its description (the post's text) changed."""
    post = call.world.get(video.post_id) if video.post_id else None
    if "description" in call.params:
        video.description = call.params["description"]
        if isinstance(post, Post):
            post.message = video.description
    if "published" in call.params and isinstance(post, Post):
        if call.flag("published") and not post.published:
            post.created = call.world.now()
        post.published = call.flag("published")
    return {"success": True}
