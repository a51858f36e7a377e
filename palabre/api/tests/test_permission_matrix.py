"""The pages' permission matrix, replayed through every operation of the API.

Each operation declares the page action it mirrors and the scope it needs (`@allowed`).
For every role and every operation of the OpenAPI document: a role the pages refuse gets
403 `forbidden`, a role they allow never gets 403; a token without the scope gets 403
`scope_missing`, whatever its role. Objects that do not exist answer 404 to the allowed
ones, never 403: the check comes first, and says nothing about the object.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from palabre.accounts.models import Role
from palabre.accounts.permissions import can
from palabre.api.access import DECLARED
from palabre.api.models import Scope
from palabre.api.tests.conftest import MakeApi

METHODS = ("get", "post", "put", "patch", "delete")
# The cast of the root conftest.py: one member per role.
ROLE_USERS = {
    Role.OWNER: "alice",
    Role.MANAGER: "bob",
    Role.EDITOR: "erin",
    Role.CONTRIBUTOR: "carl",
    Role.APPROVER: "anna",
    Role.ANALYST: "nina",
}


def _operations() -> list[tuple[str, str, str]]:
    document = Client().get("/api/v1/openapi.json").json()
    found = []
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                found.append(
                    (method, re.sub(r"\{[^}]+\}", "987654321", path), item[method]["operationId"])
                )
    return found


def _declared(operation_id: str) -> tuple[object, Scope]:
    assert operation_id in DECLARED, f"{operation_id}: no @allowed declaration"
    return DECLARED[operation_id]


def _call(api, method: str, path: str):  # type: ignore[no-untyped-def]
    if method == "get":
        return api.get(path)
    if method == "delete":
        return api.delete(path)
    return getattr(api, method)(path, {})


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_every_operation_answers_each_role_as_the_pages_do(
    cast, make_api: MakeApi, role: Role
) -> None:
    user = cast.users[ROLE_USERS[role]]
    api = make_api(user, cast.workspace, list(Scope.values))
    membership = user.memberships.get(workspace=cast.workspace)
    operations = _operations()
    assert len(operations) >= 10
    for method, path, operation_id in operations:
        action, _scope = _declared(operation_id)
        answer = _call(api, method, path)
        if can(membership, action):  # type: ignore[arg-type]
            assert answer.status_code != 403, (role, method, path, answer.content)
            assert answer.status_code < 500, (role, method, path, answer.content)
        else:
            assert answer.status_code == 403, (role, method, path, answer.status_code)
            assert answer.json()["code"] == "forbidden"


def test_every_operation_needs_its_scope(cast, make_api: MakeApi) -> None:
    for method, path, operation_id in _operations():
        _action, scope = _declared(operation_id)
        others = [s for s in Scope.values if s != scope.value]
        answer = _call(make_api(cast.alice, cast.workspace, others), method, path)
        assert answer.status_code == 403, (method, path)
        assert answer.json()["code"] == "scope_missing"
