"""What `palabre mcp` does before and around the API: the address it accepts, and every
failure turned into a sentence for the assistant (never a traceback)."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp.server.mcpserver.exceptions import ToolError

from palabre.mcp.client import ApiUnreachable, PalabreApi, UnsafeUrl, api_base
from palabre.mcp.tests.own_loop import own_loop
from palabre.mcp.tools import CATALOGUE, PalabreTools

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("url", "base"),
    [
        ("https://palabre.example", "https://palabre.example/api/v1/"),
        ("https://palabre.example/api/v1/", "https://palabre.example/api/v1/"),
        ("https://example.org/palabre/", "https://example.org/palabre/api/v1/"),
        ("http://localhost:8000", "http://localhost:8000/api/v1/"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/api/v1/"),
    ],
)
def test_an_https_address_or_this_machines_is_accepted(url: str, base: str) -> None:
    assert api_base(url) == base


@pytest.mark.parametrize(
    "url",
    [
        "http://palabre.example",  # the token would cross the network in clear text
        "http://192.168.1.10:8000",
        "ftp://palabre.example",
        "palabre.example",
        "https://me:secret@palabre.example",
        "https://palabre.example/?next=/",
    ],
)
def test_any_other_address_is_refused(url: str) -> None:
    with pytest.raises(UnsafeUrl):
        api_base(url)


def test_the_command_refuses_clear_text_at_once_and_never_imports_django() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "palabre", "mcp", "--url", "http://x.example"],
        env={"PATH": "/usr/bin:/bin", "PALABRE_TOKEN": "palabre_x"},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "clear text" in done.stderr and "Traceback" not in done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    assert "palabre.mcp.client" in imported
    assert not [name for name in imported if name.split(".")[0] == "django"]


def test_without_a_token_the_command_says_where_to_put_it() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "palabre", "mcp", "--url", "https://palabre.example"],
        env={"PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "PALABRE_TOKEN" in done.stderr


def tools_answering(answer: Callable[[httpx.Request], httpx.Response]) -> PalabreTools:
    transport = httpx.MockTransport(answer)
    return PalabreTools(
        PalabreApi("https://palabre.example/api/v1/", "palabre_x", transport=transport)
    )


def refusal(call: Callable[[], Awaitable[Any]]) -> str:
    async def called() -> None:
        await call()

    with pytest.raises(ToolError) as raised:
        own_loop(called)
    return str(raised.value)


def test_a_problem_comes_back_with_its_code_detail_and_fields() -> None:
    problem = {
        "code": "invalid",
        "detail": "Certains champs ne sont pas valides.",
        "errors": [{"field": "text", "message": "Ce champ est obligatoire."}],
    }
    tools = tools_answering(
        lambda request: httpx.Response(
            422, json=problem, headers={"Content-Type": "application/problem+json"}
        )
    )
    said = refusal(lambda: tools.add_note(conversation_id=1, text=" "))
    assert said == (
        "Palabre refused this (422 invalid): Certains champs ne sont pas valides. "
        "text: Ce champ est obligatoire."
    )


def test_a_redirect_is_reported_and_the_token_not_sent_on() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(301, headers={"Location": "http://elsewhere.example/api/v1/"})

    said = refusal(lambda: tools_answering(answer).read_conversation(conversation_id=1))
    assert "redirect to http://elsewhere.example/api/v1/" in said
    assert seen == ["https://palabre.example/api/v1/conversations/1"]


def test_a_page_that_is_not_the_api_says_to_check_the_address() -> None:
    tools = tools_answering(lambda request: httpx.Response(502, text="<html>Bad gateway</html>"))
    said = refusal(lambda: tools.list_waiting())
    assert "502 Bad Gateway" in said and "--url" in said


def test_an_unreachable_palabre_is_a_clear_tool_error() -> None:
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    tools = PalabreTools(PalabreApi(f"http://127.0.0.1:{port}/api/v1/", "palabre_x"))
    said = refusal(lambda: tools.draft_reply(conversation_id=1, text="Oui"))
    assert said.startswith(f"Cannot reach Palabre at http://127.0.0.1:{port}/api/v1/")


def test_a_retried_post_keeps_its_idempotency_key() -> None:
    keys: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["Idempotency-Key"])
        if len(keys) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(201, json={"id": 7})

    tools = tools_answering(answer)

    async def noted() -> None:
        assert await tools.add_note(conversation_id=1, text="Rappeler") == {"id": 7}

    own_loop(noted)
    assert len(keys) == 2 and keys[0] == keys[1]


def test_twice_unreachable_raises_the_clients_own_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    api = tools_answering(answer).api

    async def fetched() -> None:
        await api.get("workspace")

    with pytest.raises(ApiUnreachable, match="Cannot reach Palabre at https://palabre.example"):
        own_loop(fetched)


# Arguments for each tool: a new tool without a sample fails the test below.
SAMPLES: dict[str, dict[str, Any]] = {
    "list_waiting": {"queue": "review"},
    "read_conversation": {"conversation_id": 12},
    "draft_reply": {"conversation_id": 12, "text": "Oui"},
    "add_note": {"conversation_id": 12, "text": "Rappeler"},
    "send_reply": {"conversation_id": 12, "text": "Oui"},
    "hide_conversation": {"conversation_id": 12, "reason": "spam"},
    "unhide_conversation": {"conversation_id": 12, "reason": "erreur"},
    "list_posts": {"status": "draft"},
    "read_post": {"post_id": 12},
    "validate_post": {"idea": "Pain", "category": "helpful", "networks": ["x"]},
    "draft_post": {"idea": "Pain", "category": "helpful", "networks": ["x"]},
    "submit_post": {"post_id": 12},
    "read_figures": {},
}


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_each_tool_calls_exactly_the_operations_it_declares(name: str) -> None:
    called: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        called.append(f"{request.method} {path.replace('/12', '/{pk}')}")
        return httpx.Response(200, json={})

    tools = tools_answering(answer)

    async def call() -> None:
        await getattr(tools, name)(**SAMPLES[name])

    own_loop(call)
    assert called == list(CATALOGUE[name].calls)


def test_only_the_read_tools_say_they_change_nothing() -> None:
    assert {name for name, spec in CATALOGUE.items() if spec.annotations.read_only_hint} == {
        name for name, spec in CATALOGUE.items() if spec.scope == "read"
    }
