"""Tokens for the cast's members, and a client that sends them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from palabre.accounts.models import User, Workspace
from palabre.api.models import Scope
from palabre.api.tokens import token_create

ALL_SCOPES = list(Scope.values)


class ApiClient:
    """Django's test client with a bearer token and JSON bodies."""

    def __init__(self, secret: str) -> None:
        self.client = Client()
        self.secret = secret

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}", **(headers or {})}

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers(headers))

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers=self._headers(headers),
        )

    def put(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.put(
            path, body, content_type="application/json", headers=self._headers(headers)
        )

    def patch(self, path: str, body: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.patch(
            path, body, content_type="application/json", headers=self._headers(headers)
        )

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.delete(path, headers=self._headers(headers))


MakeApi = Callable[..., ApiClient]


@pytest.fixture
def make_api(db: None) -> MakeApi:
    """`make_api(user, workspace, scopes=[...])`: a client with a new token of that member."""

    def make(user: User, workspace: Workspace, scopes: list[str] | None = None) -> ApiClient:
        _token, secret = token_create(
            workspace=workspace,
            creator=user,
            name="test",
            kind="personal",
            scopes=scopes or ALL_SCOPES,
            expires_at=timezone.now() + timedelta(days=30),
        )
        return ApiClient(secret)

    return make
