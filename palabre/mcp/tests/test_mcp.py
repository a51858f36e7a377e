"""`palabre mcp` as an assistant meets it: a subprocess over stdio, driven by the MCP SDK's
client, calling the real app (live_server) over HTTP with a token in PALABRE_TOKEN."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import anyio
import pytest
from django.utils import timezone
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.types import CallToolResult, TextContent

from palabre.api.tokens import token_create
from palabre.inbox.models import Interaction, Reply
from palabre.inbox.tests.helpers import comment, ingested, poll, published
from palabre.mcp.tests.own_loop import own_loop
from palabre.networks.demo.models import DemoPost
from palabre.publishing.models import Post

# The live server runs in another thread: the data must be committed to be seen there.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
PUBLISHING = {"send_reply"}
MODERATING = {"hide_conversation", "unhide_conversation"}


@pytest.fixture
def question(cast: Any) -> Interaction:
    target = published(cast.workspace, cast.bob)
    asked = comment(target, "Vous livrez à Lyon ?")
    poll(target.channel)
    return ingested(asked)


def token(cast: Any, scopes: list[str]) -> str:
    _token, secret = token_create(
        workspace=cast.workspace,
        creator=cast.bob,
        name="assistant",
        kind="personal",
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=30),
    )
    return secret


def server(url: str, secret: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "palabre", "mcp", "--url", url],
        env={"PALABRE_TOKEN": secret},
        cwd=ROOT,
    )


@asynccontextmanager
async def assistant(url: str, secret: str, log: Path) -> AsyncIterator[ClientSession]:
    with log.open("w") as errlog:
        async with stdio_client(server(url, secret), errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                started = await session.initialize()
                assert started.server_info.version == metadata.version("palabre")
                yield session


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    async def bounded() -> None:
        with anyio.fail_after(90):  # a hung server fails the test, never the run
            await scenario()

    own_loop(bounded)


def leaves(group: BaseExceptionGroup[Any]) -> list[BaseException]:
    return [
        leaf
        for e in group.exceptions
        for leaf in (leaves(e) if isinstance(e, BaseExceptionGroup) else [e])
    ]


def text_of(result: CallToolResult) -> str:
    return " ".join(c.text for c in result.content if isinstance(c, TextContent))


def test_a_write_token_lists_what_waits_and_drafts_a_reply_for_a_person(
    cast: Any, question: Interaction, live_server: Any, tmp_path: Path
) -> None:
    secret = token(cast, ["read", "write"])

    async def scenario() -> None:
        async with assistant(live_server.url, secret, tmp_path / "server.log") as session:
            listed = {t.name for t in (await session.list_tools()).tools}
            assert {"list_waiting", "read_conversation", "draft_reply", "add_note"} <= listed
            assert not listed & (PUBLISHING | MODERATING)
            waiting = await session.call_tool("list_waiting", {})
            assert not waiting.is_error, text_of(waiting)
            assert waiting.structured_content is not None
            assert waiting.structured_content["counts"]["answer"] == 1
            [item] = waiting.structured_content["items"]
            assert (item["id"], item["text"]) == (question.pk, "Vous livrez à Lyon ?")
            drafted = await session.call_tool(
                "draft_reply", {"conversation_id": question.pk, "text": "Oui, le mardi."}
            )
            assert not drafted.is_error, text_of(drafted)
            assert drafted.structured_content is not None
            assert drafted.structured_content["reply_draft"] == "Oui, le mardi."
            resources = {str(r.uri) for r in (await session.list_resources()).resources}
            assert resources == {"palabre://workspace", "palabre://waiting"}
            [workspace] = (await session.read_resource("palabre://workspace")).contents
            assert '"token_scopes": ["read", "write"]' in getattr(workspace, "text", "")
            [queue] = (await session.read_resource("palabre://waiting")).contents
            assert "Vous livrez à Lyon ?" in getattr(queue, "text", "")

    run(scenario)
    assert Interaction.objects.get(pk=question.pk).reply_draft == "Oui, le mardi."
    assert not Reply.objects.exists()  # a draft, for a person to send: nothing went out
    assert "scopes: read, write" in (tmp_path / "server.log").read_text()


def test_sending_without_the_publish_scope_is_refused_with_the_apis_reason(
    cast: Any, question: Interaction, live_server: Any, tmp_path: Path
) -> None:
    secret = token(cast, ["read", "write"])

    async def scenario() -> None:
        async with assistant(live_server.url, secret, tmp_path / "server.log") as session:
            sent = await session.call_tool(
                "send_reply", {"conversation_id": question.pk, "text": "Oui !"}
            )
            assert sent.is_error
            said = text_of(sent)
            assert "403 scope_missing" in said and "publish" in said, said
            assert "Traceback" not in said

    run(scenario)
    assert not Reply.objects.exists()
    assert "Traceback" not in (tmp_path / "server.log").read_text()


def test_a_read_token_cannot_draft(
    cast: Any, question: Interaction, live_server: Any, tmp_path: Path
) -> None:
    secret = token(cast, ["read"])

    async def scenario() -> None:
        async with assistant(live_server.url, secret, tmp_path / "server.log") as session:
            listed = {t.name for t in (await session.list_tools()).tools}
            assert "list_waiting" in listed and "draft_reply" not in listed
            drafted = await session.call_tool(
                "draft_reply", {"conversation_id": question.pk, "text": "Oui"}
            )
            assert drafted.is_error and "scope_missing" in text_of(drafted)
            assert "write" in text_of(drafted)

    run(scenario)
    assert Interaction.objects.get(pk=question.pk).reply_draft == ""


def test_a_publish_and_moderate_token_lists_every_tool(
    cast: Any, question: Interaction, live_server: Any, tmp_path: Path
) -> None:
    secret = token(cast, ["read", "write", "publish", "moderate"])

    async def scenario() -> None:
        async with assistant(live_server.url, secret, tmp_path / "server.log") as session:
            listed = {t.name for t in (await session.list_tools()).tools}
            assert PUBLISHING | MODERATING <= listed
            hidden = await session.call_tool(
                "hide_conversation", {"conversation_id": question.pk, "reason": "spam"}
            )
            assert not hidden.is_error, text_of(hidden)

    run(scenario)
    assert Interaction.objects.get(pk=question.pk).hidden


def test_a_write_token_drafts_a_post_checks_it_and_submits_it_for_approval(
    cast: Any, question: Interaction, live_server: Any, tmp_path: Path
) -> None:
    secret = token(cast, ["read", "write"])
    variants = {"mastodon": {"text": "Le pain du jour est prêt ! #pain", "thread": ["Suite."]}}
    post = {"idea": "Pain du jour", "category": "helpful", "networks": ["mastodon"]}
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        async with assistant(live_server.url, secret, tmp_path / "server.log") as session:
            too_long = await session.call_tool(
                "validate_post", post | {"variants": {"mastodon": {"text": "é" * 600}}}
            )
            assert not too_long.is_error, text_of(too_long)
            assert too_long.structured_content is not None
            assert too_long.structured_content["valid"] is False
            drafted = await session.call_tool("draft_post", post | {"variants": variants})
            assert not drafted.is_error, text_of(drafted)
            assert drafted.structured_content is not None
            seen["id"] = drafted.structured_content["id"]
            assert drafted.structured_content["status"] == "draft"
            submitted = await session.call_tool("submit_post", {"post_id": seen["id"]})
            assert not submitted.is_error, text_of(submitted)
            seen["status"] = (submitted.structured_content or {})["status"]
            listed = await session.call_tool("list_posts", {"status": seen["status"]})
            assert [p["id"] for p in (listed.structured_content or {})["items"]] == [seen["id"]]
            figures = await session.call_tool("read_figures", {"period": 90})
            assert not figures.is_error, text_of(figures)
            report = figures.structured_content or {}
            assert report["figures"] and "tables" not in report

    run(scenario)
    saved = Post.objects.get(pk=seen["id"])
    assert saved.status == seen["status"] == "in_review"
    variant = saved.variants.get()
    assert (variant.text, list(variant.thread)) == ("Le pain du jour est prêt ! #pain", ["Suite."])
    # Nothing went out: the demo network holds only the post the question answers.
    assert DemoPost.objects.count() == 1


def test_a_wrong_token_stops_the_server_at_start_and_says_why(
    cast: Any, live_server: Any, tmp_path: Path
) -> None:
    started = subprocess.run(
        [sys.executable, "-m", "palabre", "mcp", "--url", live_server.url],
        env={"PATH": "/usr/bin:/bin", "PALABRE_TOKEN": "palabre_not-a-token"},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode == 1
    assert started.stdout == ""  # stdout is the protocol's
    assert "refused the token" in started.stderr and "Traceback" not in started.stderr
    # What the assistant's host sees: the server is gone before the handshake.

    async def scenario() -> None:
        async with assistant(live_server.url, "palabre_not-a-token", tmp_path / "log"):
            pass

    with pytest.raises(ExceptionGroup) as raised:
        run(scenario)
    assert [str(e) for e in leaves(raised.value)] == ["Connection closed"]
    assert "refused the token" in (tmp_path / "log").read_text()
