"""Shapes the SDK (`facebook-business`) does not describe, declared in its own format
({field: type string}) with the link to the Meta page each follows. validator.py reads
these beside the SDK's classes.

- SCHEMAS: whole objects (errors, paging, OAuth answers, write answers, webhooks, Threads);
- ENUMS: closed sets of values, named `Class.Enum` as the SDK names its nested enums;
- REFINEMENTS: what an SDK field typed only `Object` (or an edge typed `AbstractCrudObject`)
  holds, so that nothing the double sends goes unchecked. A refinement may only narrow a
  field the SDK leaves open (the fidelity test checks that).

Type strings: the SDK's (`string`, `int`, `unsigned int`, `bool`, `float`, `datetime`,
`Object`, `list<X>`, `map<K, V>`, class names), plus `edge<X>` (`{data: [X…], paging,
summary}`) and `A|B` (either) in these declarations only.
"""

from __future__ import annotations

ERRORS_DOC = "https://developers.facebook.com/docs/graph-api/guides/error-handling"
PAGING_DOC = "https://developers.facebook.com/docs/graph-api/results"
SUMMARY_DOC = "https://developers.facebook.com/docs/graph-api/reference/object/comments#read"
LOGIN_DOC = (
    "https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow#confirm"
)
LONG_LIVED_DOC = (
    "https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived"
)
DEBUG_DOC = "https://developers.facebook.com/docs/graph-api/reference/debug_token"
SUCCESS_DOC = "https://developers.facebook.com/docs/graph-api/reference/comment#updating"
POSTS_DOC = "https://developers.facebook.com/docs/pages-api/posts#publish-posts"
PHOTOS_DOC = "https://developers.facebook.com/docs/graph-api/reference/page/photos/#Creating"
ATTACHMENT_DOC = "https://developers.facebook.com/docs/graph-api/reference/story-attachment/"
PRIVATE_REPLY_DOC = (
    "https://developers.facebook.com/docs/messenger-platform/discovery/private-replies"
)
CONTAINER_DOC = "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container"
IG_LIMIT_DOC = "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit"
PAGE_INSIGHTS_DOC = "https://developers.facebook.com/docs/graph-api/reference/insights"
THREADS_TOKEN_DOC = (
    "https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions"
)
THREADS_PROFILE_DOC = "https://developers.facebook.com/docs/threads/threads-profiles"
THREADS_MEDIA_DOC = "https://developers.facebook.com/docs/threads/reference/media"
THREADS_REPLIES_DOC = "https://developers.facebook.com/docs/threads/reply-management"
THREADS_PUBLISH_DOC = "https://developers.facebook.com/docs/threads/reference/publishing"
THREADS_LIMITS_DOC = "https://developers.facebook.com/docs/threads/troubleshooting#rate-limiting"
THREADS_INSIGHTS_DOC = "https://developers.facebook.com/docs/threads/insights"
THREADS_DELETE_DOC = (
    "https://developers.facebook.com/docs/threads/threads-media#delete-a-threads-post"
)
WEBHOOK_PAGE_DOC = "https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed"
WEBHOOK_IG_DOC = "https://developers.facebook.com/docs/instagram-platform/webhooks/examples"
WEBHOOK_THREADS_DOC = "https://developers.facebook.com/docs/threads/webhooks"

SCHEMAS: dict[str, dict[str, str]] = {
    # Errors and lists.
    "GraphError": {"error": "GraphErrorBody"},
    "GraphErrorBody": {
        "message": "string",
        "type": "string",
        "code": "int",
        "error_subcode": "int",
        "is_transient": "bool",
        "error_user_title": "string",
        "error_user_msg": "string",
        "fbtrace_id": "string",
    },
    "Paging": {"cursors": "PagingCursors", "next": "string", "previous": "string"},
    "PagingCursors": {"before": "string", "after": "string"},
    "EdgeSummary": {
        "total_count": "unsigned int",
        "order": "EdgeSummary.Order",
        "can_comment": "bool",
        "viewer_reaction": "string",
        "can_like": "bool",
        "has_liked": "bool",
    },
    # Logging in.
    "OAuthToken": {"access_token": "string", "token_type": "string", "expires_in": "unsigned int"},
    "ThreadsShortToken": {"access_token": "string", "user_id": "unsigned int"},
    "DebugToken": {"data": "DebugTokenData"},
    "DebugTokenData": {
        "app_id": "string",
        "type": "DebugTokenData.Type",
        "application": "string",
        "data_access_expires_at": "unsigned int",
        "expires_at": "unsigned int",
        "is_valid": "bool",
        "issued_at": "unsigned int",
        "scopes": "list<string>",
        "granular_scopes": "list<GranularScope>",
        "user_id": "string",
        "profile_id": "string",
        "error": "DebugTokenError",
    },
    "GranularScope": {"scope": "string", "target_ids": "list<string>"},
    "DebugTokenError": {"code": "int", "message": "string", "subcode": "int"},
    # What writes answer.
    "Success": {"success": "bool"},
    "Created": {"id": "string"},
    "PhotoCreated": {"id": "string", "post_id": "string"},
    "SendApiResult": {"recipient_id": "string", "message_id": "string"},
    # Facebook: what the SDK leaves as Object.
    "NamedRef": {"id": "string", "name": "string"},
    "IdRef": {"id": "string"},
    "ShareCount": {"count": "unsigned int"},
    "StoryAttachment": {
        "description": "string",
        "media": "StoryAttachmentMedia",
        "target": "StoryAttachmentTarget",
        "title": "string",
        "type": "string",
        "url": "string",
        "subattachments": "edge<StoryAttachment>",
    },
    "StoryAttachmentMedia": {"image": "StoryAttachmentImage", "source": "string"},
    "StoryAttachmentImage": {"height": "unsigned int", "src": "string", "width": "unsigned int"},
    "StoryAttachmentTarget": {"id": "string", "url": "string"},
    # Instagram.
    "IGContainer": {"id": "string", "status_code": "IGContainer.StatusCode", "status": "string"},
    "PublishingConfig": {"quota_total": "unsigned int", "quota_duration": "unsigned int"},
    # Threads.
    "ThreadsProfile": {
        "id": "string",
        "username": "string",
        "name": "string",
        "threads_profile_picture_url": "string",
        "threads_biography": "string",
        "is_verified": "bool",
    },
    "ThreadsCreated": {"id": "string"},
    "ThreadsDeleted": {"success": "bool", "deleted_id": "string"},
    "ThreadsContainer": {
        "id": "string",
        "status": "IGContainer.StatusCode",
        "error_message": "ThreadsContainer.ErrorMessage",
    },
    "ThreadsMedia": {
        "id": "string",
        "media_product_type": "ThreadsMedia.ProductType",
        "media_type": "ThreadsMedia.MediaType",
        "media_url": "string",
        "permalink": "string",
        "owner": "IdRef",
        "username": "string",
        "text": "string",
        "timestamp": "datetime",
        "shortcode": "string",
        "thumbnail_url": "string",
        "children": "edge<ThreadsMedia>",
        "is_quote_post": "bool",
        "alt_text": "string",
        "link_attachment_url": "string",
        "has_replies": "bool",
        "is_reply": "bool",
        "is_reply_owned_by_me": "bool",
        "root_post": "IdRef",
        "replied_to": "IdRef",
        "hide_status": "ThreadsMedia.HideStatus",
        "reply_audience": "ThreadsMedia.ReplyAudience",
        "topic_tag": "string",
    },
    "ThreadsPublishingLimit": {
        "quota_usage": "unsigned int",
        "config": "PublishingConfig",
        "reply_quota_usage": "unsigned int",
        "reply_config": "PublishingConfig",
    },
    "ThreadsInsight": {
        "name": "string",
        "period": "string",
        "values": "list<ThreadsInsightValue>",
        "total_value": "ThreadsInsightTotal",
        "title": "string",
        "description": "string",
        "id": "string",
    },
    "ThreadsInsightValue": {"value": "unsigned int", "end_time": "datetime"},
    "ThreadsInsightTotal": {"value": "unsigned int"},
    # Webhooks.
    "PageWebhook": {"object": "string", "entry": "list<PageWebhookEntry>"},
    "PageWebhookEntry": {
        "id": "string",
        "time": "unsigned int",
        "changes": "list<PageWebhookChange>",
    },
    "PageWebhookChange": {"field": "string", "value": "PageFeedValue"},
    "PageFeedValue": {
        "from": "NamedRef",
        "item": "PageFeedValue.Item",
        "verb": "PageFeedValue.Verb",
        "post_id": "string",
        "comment_id": "string",
        "parent_id": "string",
        "message": "string",
        "created_time": "unsigned int",
        "published": "unsigned int",
        "post": "PageFeedPost",
    },
    "PageFeedPost": {"id": "string", "status_type": "string", "is_published": "bool"},
    "InstagramWebhook": {"object": "string", "entry": "list<InstagramWebhookEntry>"},
    "InstagramWebhookEntry": {
        "id": "string",
        "time": "unsigned int",
        "changes": "list<InstagramWebhookChange>",
    },
    "InstagramWebhookChange": {
        "field": "InstagramWebhookChange.Field",
        "value": "InstagramWebhookValue",
    },
    # `comments` sends from/media/id/parent_id/text, `mentions` media_id/comment_id.
    "InstagramWebhookValue": {
        "from": "IGCommentFromUser",
        "media": "InstagramWebhookMedia",
        "id": "string",
        "parent_id": "string",
        "text": "string",
        "media_id": "string",
        "comment_id": "string",
    },
    "InstagramWebhookMedia": {"id": "string", "media_product_type": "string"},
    "ThreadsWebhook": {
        "app_id": "string",
        "topic": "string",
        "target_id": "string",
        "time": "unsigned int",
        "subscription_id": "string",
        "has_uid_field": "bool",
        "values": "ThreadsWebhookValues",
    },
    "ThreadsWebhookValues": {"value": "ThreadsWebhookMedia", "field": "ThreadsWebhookValues.Field"},
    "ThreadsWebhookMedia": {
        "id": "string",
        "username": "string",
        "text": "string",
        "media_type": "ThreadsMedia.MediaType",
        "permalink": "string",
        "shortcode": "string",
        "timestamp": "datetime",
        "replied_to": "IdRef",
        "root_post": "ThreadsWebhookRoot",
    },
    "ThreadsWebhookRoot": {"id": "string", "owner_id": "string", "username": "string"},
}

# What each declaration follows (the fidelity test requires one for each).
DOCS: dict[str, str] = {
    "GraphError": ERRORS_DOC,
    "GraphErrorBody": ERRORS_DOC,
    "Paging": PAGING_DOC,
    "PagingCursors": PAGING_DOC,
    "EdgeSummary": SUMMARY_DOC,
    "OAuthToken": LONG_LIVED_DOC,
    "ThreadsShortToken": THREADS_TOKEN_DOC,
    "DebugToken": DEBUG_DOC,
    "DebugTokenData": DEBUG_DOC,
    "GranularScope": DEBUG_DOC,
    "DebugTokenError": DEBUG_DOC,
    "Success": SUCCESS_DOC,
    "Created": POSTS_DOC,
    "PhotoCreated": PHOTOS_DOC,
    "SendApiResult": PRIVATE_REPLY_DOC,
    "NamedRef": "https://developers.facebook.com/docs/graph-api/reference/post/#fields",
    "IdRef": THREADS_MEDIA_DOC,
    "ShareCount": "https://developers.facebook.com/docs/graph-api/reference/post/#fields",
    "StoryAttachment": ATTACHMENT_DOC,
    "StoryAttachmentMedia": ATTACHMENT_DOC,
    "StoryAttachmentImage": ATTACHMENT_DOC,
    "StoryAttachmentTarget": ATTACHMENT_DOC,
    "IGContainer": CONTAINER_DOC,
    "PublishingConfig": IG_LIMIT_DOC,
    "ThreadsProfile": THREADS_PROFILE_DOC,
    "ThreadsCreated": THREADS_PUBLISH_DOC,
    "ThreadsDeleted": THREADS_DELETE_DOC,
    "ThreadsContainer": THREADS_PUBLISH_DOC,
    "ThreadsMedia": THREADS_MEDIA_DOC,
    "ThreadsPublishingLimit": THREADS_LIMITS_DOC,
    "ThreadsInsight": THREADS_INSIGHTS_DOC,
    "ThreadsInsightValue": THREADS_INSIGHTS_DOC,
    "ThreadsInsightTotal": THREADS_INSIGHTS_DOC,
    "PageWebhook": WEBHOOK_PAGE_DOC,
    "PageWebhookEntry": WEBHOOK_PAGE_DOC,
    "PageWebhookChange": WEBHOOK_PAGE_DOC,
    "PageFeedValue": WEBHOOK_PAGE_DOC,
    "PageFeedPost": WEBHOOK_PAGE_DOC,
    "InstagramWebhook": WEBHOOK_IG_DOC,
    "InstagramWebhookEntry": WEBHOOK_IG_DOC,
    "InstagramWebhookChange": WEBHOOK_IG_DOC,
    "InstagramWebhookValue": WEBHOOK_IG_DOC,
    "InstagramWebhookMedia": WEBHOOK_IG_DOC,
    "ThreadsWebhook": WEBHOOK_THREADS_DOC,
    "ThreadsWebhookValues": WEBHOOK_THREADS_DOC,
    "ThreadsWebhookMedia": WEBHOOK_THREADS_DOC,
    "ThreadsWebhookRoot": WEBHOOK_THREADS_DOC,
}

ENUMS: dict[str, list[str]] = {
    "EdgeSummary.Order": ["ranked", "chronological", "reverse_chronological"],
    "DebugTokenData.Type": ["USER", "PAGE", "APP", "SYSTEM_USER"],
    "IGContainer.StatusCode": ["EXPIRED", "ERROR", "FINISHED", "IN_PROGRESS", "PUBLISHED"],
    "ThreadsContainer.ErrorMessage": [
        "FAILED_DOWNLOADING_VIDEO",
        "FAILED_PROCESSING_AUDIO",
        "FAILED_PROCESSING_VIDEO",
        "INVALID_ASPEC_RATIO",
        "INVALID_BIT_RATE",
        "INVALID_DURATION",
        "INVALID_FRAME_RATE",
        "INVALID_AUDIO_CHANNELS",
        "INVALID_AUDIO_CHANNEL_LAYOUT",
        "UNKNOWN",
    ],
    "ThreadsMedia.ProductType": ["THREADS"],
    "ThreadsMedia.MediaType": [
        "TEXT_POST",
        "IMAGE",
        "VIDEO",
        "CAROUSEL_ALBUM",
        "AUDIO",
        "REPOST_FACADE",
    ],
    "ThreadsMedia.HideStatus": [
        "NOT_HUSHED",
        "UNHUSHED",
        "HIDDEN",
        "COVERED",
        "BLOCKED",
        "RESTRICTED",
    ],
    "ThreadsMedia.ReplyAudience": [
        "EVERYONE",
        "ACCOUNTS_YOU_FOLLOW",
        "MENTIONED_ONLY",
        "PARENT_POST_AUTHOR_ONLY",
        "FOLLOWERS_ONLY",
    ],
    "PageFeedValue.Item": [
        "album",
        "address",
        "comment",
        "connection",
        "coupon",
        "event",
        "experience",
        "group",
        "group_message",
        "interest",
        "like",
        "link",
        "mention",
        "milestone",
        "note",
        "page",
        "picture",
        "platform-story",
        "photo",
        "photo-album",
        "post",
        "profile",
        "question",
        "rating",
        "reaction",
        "relationship-status",
        "share",
        "status",
        "story",
        "timeline cover",
        "tag",
        "video",
    ],
    "PageFeedValue.Verb": [
        "add",
        "block",
        "edit",
        "edited",
        "delete",
        "follow",
        "hide",
        "mute",
        "remove",
        "unblock",
        "unhide",
        "update",
    ],
    "InstagramWebhookChange.Field": [
        "comments",
        "live_comments",
        "mentions",
        "story_insights",
        "messages",
    ],
    "ThreadsWebhookValues.Field": ["replies", "mentions", "publish", "delete"],
}

# (SDK class, field) → what it holds, where the SDK says only Object (or AbstractCrudObject).
REFINEMENTS: dict[tuple[str, str], str] = {
    ("PagePost", "from"): "NamedRef",
    ("PagePost", "shares"): "ShareCount",
    ("PagePost", "attachments"): "edge<StoryAttachment>",
    ("Comment", "from"): "NamedRef",
    ("Comment", "object"): "IdRef",
    ("Comment", "private_reply_conversation"): "IdRef",
    ("Photo", "from"): "NamedRef",
    ("AdVideo", "from"): "NamedRef",
    ("ContentPublishingLimitResponse", "config"): "PublishingConfig",
    # A number, or counts by kind (post_reactions_by_type_total: {"like": 3, "love": 1}).
    ("InsightsValue", "value"): "int|map<string, int>",
    ("InstagramInsightsValue", "value"): "int",
    ("InstagramInsightsResult", "total_value"): "ThreadsInsightTotal",
}
