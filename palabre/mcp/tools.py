"""The assistant's tools: each is one call to Palabre's REST API, under that call's scope.

`@tool(scope, title, calls=...)` records what a tool needs and which API operations it calls
(`CATALOGUE`): the server lists only the tools the token's scopes allow, and a test checks
each declared call against the live OpenAPI document and the scope the API itself requires.
The API checks the scope and the person's role again on every call, so a tool called
anyway is refused there, and that refusal comes back as the tool's error.

Names and descriptions are written for an assistant; where a person must check, they say so.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from palabre.api.vocabulary import Category, Network, PostStatus, Queue
from palabre.mcp.client import ApiError, PalabreApi

Result = dict[str, Any]
F = TypeVar("F", bound=Callable[..., Awaitable[Result]])

ConversationId = Annotated[int, Field(description="A conversation's id, from list_waiting.")]
Idea = Annotated[str, Field(min_length=1, description="What the post says.")]
PublishAt = Annotated[
    datetime | None, Field(description="When; no offset: the workspace's time zone.")
]
PostId = Annotated[int, Field(description="A post's id, from list_posts or draft_post.")]
Limit = Annotated[int, Field(ge=1, le=200, description="How many to return (1 to 200).")]
Cursor = Annotated[
    str | None, Field(description="The `next_cursor` of the previous page; omit for the first.")
]
Reason = Annotated[str, Field(max_length=500, description="Why, for the moderation log.")]


@dataclass(frozen=True)
class ToolSpec:
    scope: str
    title: str
    calls: tuple[str, ...]  # "METHOD /path" as the OpenAPI document writes it
    annotations: ToolAnnotations


CATALOGUE: dict[str, ToolSpec] = {}


def tool(
    scope: str,
    title: str,
    *,
    calls: tuple[str, ...],
    reads: bool = False,
    network: bool = False,
    idempotent: bool = False,
) -> Callable[[F], F]:
    """Declare a tool: its scope, title and API calls, and hints for the assistant's host
    (`network`: it acts on the social network, where people see it)."""

    def declare(function: F) -> F:
        CATALOGUE[function.__name__] = ToolSpec(
            scope=scope,
            title=title,
            calls=calls,
            annotations=ToolAnnotations(
                title=title,
                read_only_hint=reads,
                destructive_hint=None if reads else False,  # each can be undone or is kept
                idempotent_hint=None if reads else idempotent,
                open_world_hint=network,
            ),
        )

        @functools.wraps(function)
        async def called(*args: Any, **kwargs: Any) -> Result:
            try:
                return await function(*args, **kwargs)
            except ApiError as error:  # the refusal as the assistant reads it, no traceback
                raise ToolError(str(error)) from None

        return called  # type: ignore[return-value]

    return declare


class Variant(BaseModel):
    """One network's version of a post; what is left out takes the composer's default."""

    text: str | None = Field(None, description="The text for this network; omitted: the idea.")
    thread: list[str] | None = Field(None, description="Posts that follow the text, in order.")
    content_warning: str | None = Field(None, description="Mastodon: the content warning.")
    first_comment: str | None = Field(None, description="A first comment, posted right after.")


Variants = Annotated[
    dict[Network, Variant],
    Field(description="By network, where its text differs from the idea; omitted: the idea."),
]


def _post_body(
    idea: str,
    category: str,
    networks: list[Network],
    variants: dict[Network, Variant] | None,
    publish_at: datetime | None,
) -> Result:
    return {
        "idea": idea,
        "category": category,
        "networks": networks,
        "variants": {n: v.model_dump(exclude_none=True) for n, v in (variants or {}).items()},
        "publish_at": publish_at.isoformat() if publish_at else None,
    }


class PalabreTools:
    """The tools, bound to one API client (the server registers each one in CATALOGUE)."""

    def __init__(self, api: PalabreApi) -> None:
        self.api = api

    # --- The inbox -------------------------------------------------------------------------

    @tool(
        "read",
        "List what is waiting",
        calls=("GET /conversations/counts", "GET /conversations"),
        reads=True,
    )
    async def list_waiting(
        self,
        queue: Annotated[
            Queue,
            Field(
                description=(
                    "answer: questions and criticism waiting for an answer, the longest wait "
                    "first; review: held for a moderator; mine: assigned to the token's "
                    "owner; hidden; all: everything, newest first."
                )
            ),
        ] = "answer",
        search: Annotated[str, Field(max_length=500, description="Words in the text.")] = "",
        cursor: Cursor = None,
        limit: Limit = 20,
    ) -> Result:
        """List the inbox's conversations (comments, mentions, private messages) in a queue,
        with how many wait in each queue. Start here: each item's `id` is what the other
        conversation tools take."""
        counts = await self.api.get("conversations/counts")
        query = {"queue": queue, "text": search, "cursor": cursor, "limit": limit}
        return {"counts": counts, "queue": queue, **await self.api.get("conversations", query)}

    @tool("read", "Read a conversation", calls=("GET /conversations/{pk}",), reads=True)
    async def read_conversation(self, conversation_id: ConversationId) -> Result:
        """Read one conversation: the message, what it answers (`above`), the answers under
        it, the workspace's replies already sent or on their way, and the internal notes.
        Read it before drafting a reply."""
        return await self.api.get(f"conversations/{conversation_id}")

    @tool("write", "Draft a reply", calls=("POST /conversations/{pk}/draft",), idempotent=True)
    async def draft_reply(
        self,
        conversation_id: ConversationId,
        text: Annotated[str, Field(description="The answer, as it would be sent; '' clears.")],
    ) -> Result:
        """Write a reply for a person to check and send: it waits in the conversation's
        answer box in Palabre and is NOT sent to the network. It replaces any draft already
        there. Write in the language of the message you answer."""
        return await self.api.post(f"conversations/{conversation_id}/draft", {"text": text})

    @tool("write", "Add an internal note", calls=("POST /conversations/{pk}/notes",))
    async def add_note(
        self,
        conversation_id: ConversationId,
        text: Annotated[str, Field(min_length=1, description="The note, for the team.")],
    ) -> Result:
        """Add an internal note to a conversation, for the team: never sent to the network."""
        return await self.api.post(f"conversations/{conversation_id}/notes", {"text": text})

    @tool(
        "publish",
        "Send a reply on the network",
        calls=("POST /conversations/{pk}/replies",),
        network=True,
    )
    async def send_reply(
        self,
        conversation_id: ConversationId,
        text: Annotated[str, Field(min_length=1, description="The answer to publish.")],
        visibility: Annotated[
            str,
            Field(
                description=(
                    "'' (the same audience as the message answered) or a narrower one the "
                    "network offers (e.g. 'direct')."
                )
            ),
        ] = "",
    ) -> Result:
        """Publish a reply in the thread on the social network, where people will see it
        within seconds. Only with a token that has the publish scope, and only when the
        person asked for it to be sent; otherwise use draft_reply, for a person to send."""
        body = {"text": text, "visibility": visibility}
        return await self.api.post(f"conversations/{conversation_id}/replies", body)

    @tool(
        "moderate",
        "Hide a message",
        calls=("POST /conversations/{pk}/hide",),
        network=True,
        idempotent=True,
    )
    async def hide_conversation(self, conversation_id: ConversationId, reason: Reason) -> Result:
        """Hide a message (on the network where it can, in Palabre otherwise), with a reason
        kept in the moderation log: `on_network` in the answer says which. Only when the
        person asked; unhide_conversation undoes it."""
        return await self.api.post(f"conversations/{conversation_id}/hide", {"reason": reason})

    @tool(
        "moderate",
        "Show a hidden message again",
        calls=("POST /conversations/{pk}/unhide",),
        network=True,
        idempotent=True,
    )
    async def unhide_conversation(self, conversation_id: ConversationId, reason: Reason) -> Result:
        """Show a hidden message again, with a reason kept in the moderation log."""
        return await self.api.post(f"conversations/{conversation_id}/unhide", {"reason": reason})

    # --- Posts -----------------------------------------------------------------------------

    @tool("read", "List posts", calls=("GET /posts",), reads=True)
    async def list_posts(
        self,
        status: PostStatus | None = None,
        network: Network | None = None,
        category: Category | None = None,
        from_day: Annotated[
            date | None, Field(description="Publication day from (workspace's time).")
        ] = None,
        to_day: Annotated[date | None, Field(description="Publication day to, included.")] = None,
        cursor: Cursor = None,
        limit: Limit = 20,
    ) -> Result:
        """List the workspace's posts, newest first; with from_day or to_day, the calendar's
        order (by publication time). Each item's `id` is what read_post and submit_post take."""
        query = {
            "status": status,
            "network": network,
            "category": category,
            "from": from_day.isoformat() if from_day else None,
            "to": to_day.isoformat() if to_day else None,
            "cursor": cursor,
            "limit": limit,
        }
        return await self.api.get("posts", query)

    @tool("read", "Read a post", calls=("GET /posts/{pk}",), reads=True)
    async def read_post(self, post_id: PostId) -> Result:
        """Read one post: each network's variant, each publication's state, and the review's
        comments (what an approver asked to change)."""
        return await self.api.get(f"posts/{post_id}")

    @tool("read", "Check a post's variants", calls=("POST /posts/validate",), reads=True)
    async def validate_post(
        self,
        idea: Idea,
        category: Category,
        networks: Annotated[list[Network], Field(min_length=1)],
        variants: Variants | None = None,
        publish_at: PublishAt = None,
    ) -> Result:
        """Check a post's text network by network as Palabre's composer does (length as each
        network counts it, links, mentions, hashtags, media), without saving anything. Fix
        every error before draft_post; warnings are advice."""
        body = _post_body(idea, category, networks, variants, publish_at)
        return await self.api.post("posts/validate", body)

    @tool("write", "Draft a post", calls=("POST /posts",))
    async def draft_post(
        self,
        idea: Idea,
        category: Category,
        networks: Annotated[list[Network], Field(min_length=1)],
        variants: Variants | None = None,
        publish_at: PublishAt = None,
    ) -> Result:
        """Save a new post as a draft, with a variant per network, for a person to check in
        Palabre's composer. Nothing is published or scheduled: submit_post sends it for
        approval, and a person schedules or publishes it. Check it first with validate_post."""
        body = _post_body(idea, category, networks, variants, publish_at) | {"then": "save"}
        return await self.api.post("posts", body)

    @tool("write", "Submit a post for approval", calls=("POST /posts/{pk}/submit",))
    async def submit_post(self, post_id: PostId) -> Result:
        """Send a draft for approval: the approver sees it in Palabre and approves it or asks
        for changes. Refused while a variant breaks its network's rules."""
        return await self.api.post(f"posts/{post_id}/submit", {})

    # --- The figures -----------------------------------------------------------------------

    @tool("read", "Read the figures", calls=("GET /reports",), reads=True)
    async def read_figures(
        self,
        period: Annotated[Literal[30, 90, 365], Field(description="The last N days.")] = 30,
        month: Annotated[
            str | None,
            Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM, a calendar month instead."),
        ] = None,
        channel: Annotated[int | None, Field(description="One channel's id; omitted: all.")] = None,
        with_tables: Annotated[
            bool, Field(description="Also the report's tables (long); the key figures always.")
        ] = False,
    ) -> Result:
        """The reports' key figures for a period, as the reports page shows them (response
        rate, time to first response, engaged people, reach…), each with its definition,
        its change against the period before and what it rests on."""
        query = {"period": str(period), "month": month, "channel": channel}
        report: Result = await self.api.get("reports", query)
        return report if with_tables else {k: v for k, v in report.items() if k != "tables"}
