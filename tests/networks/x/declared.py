"""Shapes the double gives that xdk does not model, declared strictly (unknown fields
forbidden) from X's documentation, each with its page.

- X's error answers (RFC 7807 problems: `title`, `type`, `status`, `detail`; an invalid
  request adds `errors`): https://docs.x.com/x-api/fundamentals/response-codes-and-errors
- OAuth 2.0's token answer and its errors:
  https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Problem(_Strict):
    """401, 403, 404, 429, 503…: `{"title", "type", "status", "detail"}`; a refused post adds
    nothing (403 "You are not allowed to create a Tweet with duplicate content.")."""

    title: str
    type: str
    status: int
    detail: str


class InvalidRequestError(_Strict):
    parameters: dict[str, list[str]]
    message: str


class InvalidRequest(_Strict):
    """400: `{"errors": [{"parameters": {name: [value]}, "message"}], "title": "Invalid
    Request", "detail", "type": "https://api.twitter.com/2/problems/invalid-request"}`."""

    errors: list[InvalidRequestError]
    title: str
    detail: str
    type: str


class OAuthToken(_Strict):
    """`POST /2/oauth2/token`: `refresh_token` only with the `offline.access` scope."""

    token_type: str
    expires_in: int
    access_token: str
    scope: str
    refresh_token: str | None = None


class OAuthError(_Strict):
    error: str
    error_description: str


class Revoked(_Strict):
    """`POST /2/oauth2/revoke`: https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token"""

    revoked: bool
