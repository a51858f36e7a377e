"""The tools against the API's own OpenAPI document: every operation a tool calls exists,
and the scope a tool is listed under is the one the API requires for it."""

from __future__ import annotations

import pytest
from django.test import Client

from palabre.api.access import DECLARED
from palabre.mcp.tools import CATALOGUE

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def operations() -> dict[str, str]:
    """ "METHOD /path" (under /api/v1) -> the operation's id."""
    document = Client().get("/api/v1/openapi.json").json()
    return {
        f"{method.upper()} {path.removeprefix('/api/v1')}": item[method]["operationId"]
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item
    }


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_a_tool_calls_operations_of_the_document_under_their_scope(
    name: str, operations: dict[str, str]
) -> None:
    spec = CATALOGUE[name]
    for call in spec.calls:
        assert call in operations, f"{name}: {call} is not in /api/v1/openapi.json"
        _action, scope = DECLARED[operations[call]]
        assert scope.value == spec.scope, f"{name}: {call} needs {scope.value}"
