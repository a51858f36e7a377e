"""Every shape the LinkedIn double takes and gives, declared once, from LinkedIn's own
documentation (Marketing / Community Management APIs, versioned `/rest`), each endpoint
with the page it comes from.

The notation (checked by validator.py, strictly: an unknown field, a missing required one or
a value of the wrong type fails):

- a dict is an object: `"name": type` is required, `"name?": type` optional;
- a one-item list `[type]` is an array of that type;
- strings: "string", "urn" (urn:li:…), "url", "long" (int), "int", "double" (int or float),
  "bool", "enum:A|B|C" (one of), "any" (any JSON: documented as free-form);
- `OneOf({...})`: an object with exactly one of the listed keys (Rest.li unions, such as a
  post's `content`).

The double validates every request body it receives against its endpoint's `request` (an
unknown or missing field is refused with 422, as LinkedIn does: "Unpermitted fields present
in REQUEST_BODY"), and records every answer with its endpoint's `response` for the fidelity
test (test_fidelity.py), which checks them all and proves, by mutating answers, that a renamed
or retyped field fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DOCS = "https://learn.microsoft.com/en-us/linkedin"
POSTS_DOC = f"{DOCS}/marketing/community-management/shares/posts-api"
IMAGES_DOC = f"{DOCS}/marketing/community-management/shares/images-api"
VIDEOS_DOC = f"{DOCS}/marketing/community-management/shares/videos-api"
DOCUMENTS_DOC = f"{DOCS}/marketing/community-management/shares/documents-api"
COMMENTS_DOC = f"{DOCS}/marketing/community-management/shares/comments-api"
SHARE_STATS_DOC = f"{DOCS}/marketing/community-management/organizations/share-statistics"
LOOKUP_DOC = f"{DOCS}/marketing/community-management/organizations/organization-lookup-api"
ACL_DOC = f"{DOCS}/marketing/community-management/organizations/organization-access-control-by-role"
OAUTH_DOC = f"{DOCS}/shared/authentication/authorization-code-flow"
REFRESH_DOC = f"{DOCS}/shared/authentication/programmatic-refresh-tokens"
ERRORS_DOC = f"{DOCS}/shared/api-guide/concepts/error-handling"
PROTOCOL_DOC = f"{DOCS}/shared/api-guide/concepts/protocol-version"
VERSIONING_DOC = f"{DOCS}/marketing/versioning"
PAGINATION_DOC = f"{DOCS}/shared/api-guide/concepts/pagination"


@dataclass(frozen=True)
class OneOf:
    """A Rest.li union: exactly one of these members."""

    members: dict[str, Any]


# --- shared pieces ------------------------------------------------------------------------

# PAGINATION_DOC: a collection's `paging`.
PAGING = {
    "start": "int",
    "count": "int",
    "links": [{"rel": "string", "href": "string", "type": "string"}],
    "total?": "int",
}
# ERRORS_DOC: what every refusal carries.
ERROR = {
    "status": "int",
    "message": "string",
    "serviceErrorCode?": "int",
    "code?": "string",
}
# OAUTH_DOC ("Your application is not authorized"… errors of the token endpoint).
OAUTH_ERROR = {"error": "string", "error_description": "string"}

# POSTS_DOC, "Post Content": media (image, video, document), multi-image, article.
MEDIA_CONTENT = {"id": "urn", "title?": "string", "altText?": "string"}
CONTENT = OneOf(
    {
        "media": MEDIA_CONTENT,
        "multiImage": {"images": [{"id": "urn", "altText?": "string"}]},
        "article": {
            "source": "url",
            "title?": "string",
            "description?": "string",
            "thumbnail?": "urn",
            "thumbnailAltText?": "string",
        },
    }
)
DISTRIBUTION = {
    "feedDistribution": "enum:MAIN_FEED|NONE",
    "targetEntities?": ["any"],
    "thirdPartyDistributionChannels?": ["string"],
}
POST_REQUEST = {
    "author": "urn",
    "commentary": "string",
    "visibility": "enum:PUBLIC|CONNECTIONS|LOGGED_IN|CONTAINER",
    "distribution": DISTRIBUTION,
    "lifecycleState": "enum:PUBLISHED|DRAFT",
    "isReshareDisabledByAuthor?": "bool",
    "content?": CONTENT,
    "contentLandingPage?": "url",
    "contentCallToActionLabel?": "string",
    "reshareContext?": {"parent": "urn", "root?": "urn"},
    "container?": "urn",
}
POST = {
    "id": "urn",
    "author": "urn",
    "commentary": "string",
    "visibility": "enum:PUBLIC|CONNECTIONS|LOGGED_IN|CONTAINER",
    "distribution": DISTRIBUTION,
    "lifecycleState": "enum:PUBLISHED|DRAFT|PUBLISH_REQUESTED|PUBLISH_FAILED",
    "lifecycleStateInfo": {"isEditedByAuthor": "bool"},
    "isReshareDisabledByAuthor": "bool",
    "createdAt": "long",
    "publishedAt?": "long",
    "lastModifiedAt": "long",
    "content?": CONTENT,
    "contentLandingPage?": "url",
    "reshareContext?": {"parent": "urn", "root?": "urn"},
    "container?": "urn",
}

# COMMENTS_DOC, "Comment" schema.
AUDIT_STAMP = {"actor": "urn", "time": "long", "impersonator?": "urn"}
ATTRIBUTE = {"start": "int", "length": "int", "value": "any"}
COMMENT = {
    "id": "string",
    "commentUrn": "urn",
    "$URN": "urn",
    "actor": "urn",
    "agent?": "urn",
    "object": "urn",
    "parentComment?": "urn",
    "message": {"text": "string", "attributes": [ATTRIBUTE]},
    "created": AUDIT_STAMP,
    "lastModified": AUDIT_STAMP,
    "content?": ["any"],
    "likesSummary": {
        "selectedLikes": ["urn"],
        "aggregatedTotalLikes": "long",
        "likedByCurrentUser": "bool",
        "totalLikes": "long",
    },
    "commentsSummary": {
        "selectedComments": ["urn"],
        "totalFirstLevelComments": "long",
        "aggregatedTotalComments": "long",
    },
}
COMMENT_REQUEST = {
    "actor": "urn",
    "object": "urn",
    "message": {"text": "string", "attributes?": [ATTRIBUTE]},
    "parentComment?": "urn",
    "content?": ["any"],
}

# SHARE_STATS_DOC, "Schema" / "totalShareStatistics".
SHARE_STATISTICS = {
    "uniqueImpressionsCount": "long",
    "shareCount": "long",
    "engagement": "double",
    "clickCount": "long",
    "likeCount": "long",
    "impressionCount": "long",
    "commentCount": "long",
}
SHARE_STATISTICS_ELEMENT = {
    "organizationalEntity": "urn",
    "share?": "urn",
    "ugcPost?": "urn",
    "totalShareStatistics": SHARE_STATISTICS,
}

# LOOKUP_DOC, "Organization" (the fields a lookup by an administrator gives, trimmed to the
# documented basics).
LOCALE = {"country": "string", "language": "string"}
ORGANIZATION = {
    "id": "long",
    "$URN": "urn",
    "localizedName": "string",
    "vanityName": "string",
    "name": {"localized": "any", "preferredLocale": LOCALE},
    "localizedWebsite?": "url",
    "primaryOrganizationType?": "string",
    "logoV2?": {"original": "urn", "cropped?": "urn"},
}
ACL = {
    "roleAssignee": "urn",
    "state": "enum:APPROVED|REQUESTED|REJECTED|REVOKED",
    "role": "enum:ADMINISTRATOR|DIRECT_SPONSORED_CONTENT_POSTER|RECRUITING_POSTER|LEAD_GEN_FORMS_MANAGER|ANALYST|CURATOR|CONTENT_ADMINISTRATOR",
    "organization": "urn",
}

# Every endpoint: (method, path pattern) -> its request body shape (None: no body), its answer
# (None: an empty body), its query parameters (name -> type; "?" optional), its page.
ENDPOINTS: dict[str, dict[str, Any]] = {
    "posts.create": {
        "method": "POST",
        "path": "/rest/posts",
        "request": POST_REQUEST,
        "response": None,  # 201, the post's URN in x-restli-id
        "doc": f"{POSTS_DOC}#create-a-post",
    },
    "posts.get": {
        "method": "GET",
        "path": "/rest/posts/{urn}",
        "request": None,
        "response": POST,
        "query": {"viewContext?": "enum:READER|AUTHOR"},
        "doc": f"{POSTS_DOC}#get-posts-by-urn",
    },
    "posts.delete": {
        "method": "DELETE",
        "path": "/rest/posts/{urn}",
        "request": None,
        "response": None,  # 204
        "doc": f"{POSTS_DOC}#delete-posts",
    },
    "posts.by_author": {
        "method": "GET",
        "path": "/rest/posts",
        "request": None,
        "response": {"paging": PAGING, "elements": [POST]},
        "query": {
            "q": "enum:author",
            "author": "urn",
            "count?": "int",
            "start?": "int",
            "sortBy?": "enum:LAST_MODIFIED|CREATED",
            "viewContext?": "enum:READER|AUTHOR",
        },
        "doc": f"{POSTS_DOC}#find-posts-by-authors",
    },
    "images.initialize": {
        "method": "POST",
        "path": "/rest/images?action=initializeUpload",
        "request": {"initializeUploadRequest": {"owner": "urn", "mediaLibraryMetadata?": "any"}},
        "response": {"value": {"uploadUrlExpiresAt": "long", "uploadUrl": "url", "image": "urn"}},
        "doc": f"{IMAGES_DOC}#initialize-image-upload",
    },
    "images.get": {
        "method": "GET",
        "path": "/rest/images/{urn}",
        "request": None,
        "response": {
            "id": "urn",
            "owner": "urn",
            "status": "enum:WAITING_UPLOAD|PROCESSING|AVAILABLE|PROCESSING_FAILED",
            "downloadUrl?": "url",
            "downloadUrlExpiresAt?": "long",
        },
        "doc": f"{IMAGES_DOC}#get-a-single-image",
    },
    "videos.initialize": {
        "method": "POST",
        "path": "/rest/videos?action=initializeUpload",
        "request": {
            "initializeUploadRequest": {
                "owner": "urn",
                "fileSizeBytes": "long",
                "uploadCaptions": "bool",
                "uploadThumbnail": "bool",
                "mediaLibraryMetadata?": "any",
            }
        },
        "response": {
            "value": {
                "uploadUrlsExpireAt": "long",
                "video": "urn",
                "uploadInstructions": [
                    {"uploadUrl": "url", "firstByte": "long", "lastByte": "long"}
                ],
                "uploadToken": "string",
                "thumbnailUploadUrl?": "url",
                "captionsUploadUrl?": "url",
            }
        },
        "doc": f"{VIDEOS_DOC}#initialize-video-upload",
    },
    "videos.finalize": {
        "method": "POST",
        "path": "/rest/videos?action=finalizeUpload",
        "request": {
            "finalizeUploadRequest": {
                "video": "urn",
                "uploadToken": "string",
                "uploadedPartIds": ["string"],
            }
        },
        "response": None,
        "doc": f"{VIDEOS_DOC}#finalize-video-upload",
    },
    "videos.get": {
        "method": "GET",
        "path": "/rest/videos/{urn}",
        "request": None,
        "response": {
            "id": "urn",
            "owner": "urn",
            "status": "enum:WAITING_UPLOAD|PROCESSING|AVAILABLE|PROCESSING_FAILED",
            "duration?": "long",
            "aspectRatioWidth?": "double",
            "aspectRatioHeight?": "double",
            "downloadUrl?": "url",
            "downloadUrlExpiresAt?": "long",
        },
        "doc": f"{VIDEOS_DOC}#get-a-video",
    },
    "documents.initialize": {
        "method": "POST",
        "path": "/rest/documents?action=initializeUpload",
        "request": {"initializeUploadRequest": {"owner": "urn"}},
        "response": {
            "value": {"uploadUrlExpiresAt": "long", "uploadUrl": "url", "document": "urn"}
        },
        "doc": f"{DOCUMENTS_DOC}#initialize-document-upload",
    },
    "upload.put": {
        "method": "PUT",
        "path": "/upload/{token}",
        "request": None,  # the file's bytes
        "response": None,  # 201 (a video part: its ETag header)
        "doc": f"{IMAGES_DOC}#upload-the-image",
    },
    "comments.list": {
        "method": "GET",
        "path": "/rest/socialActions/{urn}/comments",
        "request": None,
        "response": {"paging": PAGING, "elements": [COMMENT]},
        "query": {"count?": "int", "start?": "int"},
        "doc": f"{COMMENTS_DOC}#get-comments-on-shares",
    },
    "comments.get": {
        "method": "GET",
        "path": "/rest/socialActions/{urn}/comments/{id}",
        "request": None,
        "response": COMMENT,
        "doc": f"{COMMENTS_DOC}#get-a-comment",
    },
    "comments.create": {
        "method": "POST",
        "path": "/rest/socialActions/{urn}/comments",
        "request": COMMENT_REQUEST,
        "response": COMMENT,  # 201, the comment's id in x-restli-id
        "doc": f"{COMMENTS_DOC}#create-a-comment",
    },
    "comments.delete": {
        "method": "DELETE",
        "path": "/rest/socialActions/{urn}/comments/{id}",
        "request": None,
        "response": None,  # 204
        "query": {"actor": "urn"},
        "doc": f"{COMMENTS_DOC}#delete-a-comment",
    },
    "share_statistics": {
        "method": "GET",
        "path": "/rest/organizationalEntityShareStatistics",
        "request": None,
        "response": {"paging": PAGING, "elements": [SHARE_STATISTICS_ELEMENT]},
        "query": {
            "q": "enum:organizationalEntity",
            "organizationalEntity": "urn",
            "shares?": "list",
            "ugcPosts?": "list",
        },
        "doc": f"{SHARE_STATS_DOC}#retrieve-statistics-for-specific-shares",
    },
    "network_size": {
        "method": "GET",
        "path": "/rest/networkSizes/{urn}",
        "request": None,
        "response": {"firstDegreeSize": "long"},
        "query": {"edgeType": "enum:COMPANY_FOLLOWED_BY_MEMBER"},
        "doc": f"{LOOKUP_DOC}#retrieve-organization-follower-count",
    },
    "organization_acls": {
        "method": "GET",
        "path": "/rest/organizationAcls",
        "request": None,
        "response": {"paging": PAGING, "elements": [ACL]},
        "query": {
            "q": "enum:roleAssignee",
            "role?": "string",
            "state?": "enum:APPROVED|REQUESTED|REJECTED|REVOKED",
            "count?": "int",
            "start?": "int",
        },
        "doc": f"{ACL_DOC}#find-a-members-organization-access-control-information",
    },
    "organizations.get": {
        "method": "GET",
        "path": "/rest/organizations/{id}",
        "request": None,
        "response": ORGANIZATION,
        "doc": f"{LOOKUP_DOC}#retrieve-an-administered-organization",
    },
    "oauth.authorize": {
        "method": "GET",
        "path": "/oauth/v2/authorization",
        "request": None,
        "response": None,  # an HTML page; its form answers with a redirect
        "query": {
            "response_type": "enum:code",
            "client_id": "string",
            "redirect_uri": "url",
            "state?": "string",
            "scope": "string",
        },
        "doc": f"{OAUTH_DOC}#step-2-request-an-authorization-code",
    },
    "oauth.token": {
        "method": "POST",
        "path": "/oauth/v2/accessToken",
        "request": None,  # a form, checked by its handler
        "response": {
            "access_token": "string",
            "expires_in": "long",
            "refresh_token?": "string",
            "refresh_token_expires_in?": "long",
            "scope": "string",
        },
        "doc": f"{OAUTH_DOC}#step-3-exchange-authorization-code-for-an-access-token "
        f"and {REFRESH_DOC}",
    },
    # Not LinkedIn's: where the double's consent page sends its form (the person's choice).
    "oauth.consent": {
        "method": "GET",
        "path": "/oauth/v2/consent",
        "request": None,
        "response": None,
        "query": {
            "response_type?": "string",
            "client_id?": "string",
            "redirect_uri?": "string",
            "state?": "string",
            "scope?": "string",
            "member?": "string",
            "decision?": "string",
        },
        "doc": "",
    },
}
